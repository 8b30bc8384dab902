"""Planlegg samling: a proposed content pack for a theme, to tick, reorder, date and download.

Each proposal is a card (tick, move up or down, the source document a click away), so the page reads on a
phone as well as on a wide screen; a table hid the sources at phone width.
"""

from __future__ import annotations

import dataclasses
import re

import streamlit as st

from absolutt_kb.markdown import escape
from absolutt_kb.planner import SECTIONS, GatheringPack, PackItem, propose_pack, to_docx, to_markdown
from absolutt_kb.search import QueryError
from absolutt_kb.themes import TaxonomyError, load_taxonomy
from views.common import PAGES, searcher

OWN = "__own__"


def _move(key: str, position: int, step: int) -> None:
    """Swap the item at ``position`` with its neighbour in a section's order (a button's callback)."""
    order = st.session_state[key]
    other = position + step
    if 0 <= other < len(order):
        order[position], order[other] = order[other], order[position]


def _section(kind: str, items: list[PackItem], no: int) -> list[PackItem]:
    """One section's proposals as cards; returns the ticked ones in the chosen order."""
    key = f"order-{kind}-{no}"
    order = st.session_state.setdefault(key, list(range(len(items))))
    kept = []
    for position, i in enumerate(order):
        item = items[i]
        with st.container(border=True, key=f"item-{kind}-{no}-{i}"):
            if st.checkbox(escape(item.line), value=True, key=f"keep-{kind}-{no}-{i}"):
                kept.append(item)
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                st.page_link(PAGES["document"], label=f"Kilde: {escape(item.source)}", icon=":material/description:",
                             query_params={"id": item.record.id},
                             help=f"Åpne «{escape(item.source)}» der dette står")  # the whole title, cut on a phone
                st.button("Opp", icon=":material/arrow_upward:", key=f"up-{kind}-{no}-{i}", help="Flytt opp",
                          on_click=_move, args=(key, position, -1), disabled=position == 0)
                st.button("Ned", icon=":material/arrow_downward:", key=f"down-{kind}-{no}-{i}", help="Flytt ned",
                          on_click=_move, args=(key, position, 1), disabled=position == len(order) - 1)
    return kept


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
        st.session_state["pack_no"] = st.session_state.get("pack_no", 0) + 1  # fresh ticks and order
    except QueryError as exc:
        st.info(str(exc))


pack: GatheringPack | None = st.session_state.get("pack")
if pack:
    no = st.session_state.get("pack_no", 0)
    st.subheader(escape(pack.heading))
    st.caption("Dato, sted og program kommer øverst i nedlastingen.")
    left, right = st.columns(2)  # side by side on a wide screen, one above the other on a phone
    date = left.text_input("Dato", key="pack-date", placeholder="For eksempel: 21. mars 2025, kl. 09.00–15.30")
    place = right.text_input("Sted", key="pack-place", placeholder="For eksempel: Gol kulturhus")
    agenda = st.text_area("Program", key="pack-agenda", placeholder="Én linje per post, for eksempel:\n"
                          "09.00 Velkommen\n09.15 Innledning om roller og ansvar")
    chosen: dict[str, list[PackItem]] = {}
    for kind, title in SECTIONS.items():
        items = pack.sections.get(kind, [])
        st.markdown(f"#### {title}")
        if not items:
            st.caption("Ingen forslag.")
            continue
        chosen[kind] = _section(kind, items, no)
    final = dataclasses.replace(pack, sections=chosen, date=date, place=place, agenda=agenda)
    name = re.sub(r"[^a-z0-9]+", "-", pack.heading.lower().replace("å", "a").replace("ø", "o").replace("æ", "ae")).strip("-")
    with st.container(horizontal=True, gap="small"):
        st.download_button("Last ned Markdown", to_markdown(final), f"{name}.md", "text/markdown",
                           icon=":material/download:")
        st.download_button("Last ned Word (DOCX)", to_docx(final), f"{name}.docx",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           icon=":material/download:")
