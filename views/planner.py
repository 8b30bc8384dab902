"""Planlegg samling: a proposed content pack for a theme, to tick, reorder and download."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from absolutt_kb.markdown import escape
from absolutt_kb.planner import SECTIONS, GatheringPack, propose_pack, to_docx, to_markdown
from absolutt_kb.search import QueryError
from absolutt_kb.themes import TaxonomyError, load_taxonomy
from views.common import searcher

OWN = "__own__"

kb = searcher()
st.title("Planlegg en samling")
st.caption(
    "Velg et programtema eller skriv et eget tema. Du får forslag til innledere, litteratur, "
    "praksiseksempler, tips og refleksjonsspørsmål. Kryss av, endre rekkefølgen og last ned."
)
try:
    taxonomy = {t.id: t for t in load_taxonomy()}
except TaxonomyError as exc:
    st.error(str(exc))
    st.stop()

choice = st.selectbox("Tema for samlingen", [*taxonomy, OWN],
                      format_func=lambda i: "Eget tema …" if i == OWN else taxonomy[i].title)
topic = st.text_input("Eget tema", placeholder="For eksempel: medvirkning for barn og unge") if choice == OWN else ""
per_section = st.slider("Forslag per del", 2, 10, 5)

if st.button("Foreslå innhold", type="primary", icon=":material/auto_awesome:"):
    try:
        if choice == OWN and not topic.strip():
            raise QueryError("Skriv et tema først.")
        st.session_state["pack"] = propose_pack(kb, topic.strip(), None if choice == OWN else taxonomy[choice], per_section)
    except QueryError as exc:
        st.info(str(exc))

pack: GatheringPack | None = st.session_state.get("pack")
if pack:
    st.subheader(escape(pack.heading))
    chosen: dict[str, list] = {}
    for kind, title in SECTIONS.items():
        items = pack.sections.get(kind, [])
        st.markdown(f"#### {title}")
        if not items:
            st.caption("Ingen forslag.")
            continue
        table = pd.DataFrame({
            "Ta med": [True] * len(items),
            "Rekkefølge": list(range(1, len(items) + 1)),
            "Innhold": [item.line for item in items],
            "Kilde": [item.source for item in items],
        })
        edited = st.data_editor(
            table, key=f"pack-{kind}-{pack.heading}", hide_index=True, disabled=["Innhold", "Kilde"],
            column_config={"Rekkefølge": st.column_config.NumberColumn(min_value=1, step=1, width="small"),
                           "Ta med": st.column_config.CheckboxColumn(width="small")},
        )
        rows = edited[edited["Ta med"]].sort_values("Rekkefølge", kind="stable")
        chosen[kind] = [items[i] for i in rows.index]
    final = GatheringPack(heading=pack.heading, topic=pack.topic, sections=chosen)
    name = re.sub(r"[^a-z0-9]+", "-", pack.heading.lower().replace("å", "a").replace("ø", "o").replace("æ", "ae")).strip("-")
    with st.container(horizontal=True, gap="small"):
        st.download_button("Last ned Markdown", to_markdown(final), f"{name}.md", "text/markdown",
                           icon=":material/download:")
        st.download_button("Last ned Word (DOCX)", to_docx(final), f"{name}.docx",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           icon=":material/download:")
