"""Søk: one box, example questions, cards grouped by kind, filters for kind, theme, document and year."""

from __future__ import annotations

import streamlit as st

from absolutt_kb.browse import record_year
from absolutt_kb.records import KIND_LABELS
from absolutt_kb.search import MAX_QUERY_CHARS, QueryError
from views.common import card, searcher

EXAMPLES = (
    "hvem kan holde innlegg om inkludering?",
    "har noen laget et årshjul for styringsdokumentene?",
    "litteratur om skoleeierskap",
    "Who can talk about school leadership?",
)
DEPTH = 40


def _use_example(text: str) -> None:
    st.session_state["query"] = text


kb = searcher()
st.title("ABSOLUTT kunnskapsbase")
st.caption(
    "Finn ressurspersoner, litteratur, praksiseksempler, tips og samlinger i programmaterialet. "
    "Hvert svar viser kilden og programtemaet det hører til."
)
query = st.text_input(
    "Hva leter du etter?",
    key="query",
    placeholder="For eksempel: hvem kan holde innlegg om inkludering?",
    help="Skriv et spørsmål eller noen stikkord, på norsk eller engelsk. Navn kan være feilstavet.",
)
with st.container(horizontal=True, gap="small"):
    st.caption("Prøv:")
    for n, example in enumerate(EXAMPLES):
        st.button(example, key=f"example-{n}", on_click=_use_example, args=(example,), type="tertiary")

themes = {link.id: link.label for r in kb.index.records for link in r.themes[:1]}
documents = sorted({r.source.document for r in kb.index.records})
years = sorted({y for r in kb.index.records if (y := record_year(r))})
with st.expander("Filtre", icon=":material/filter_list:"):
    col1, col2 = st.columns(2)
    kind = col1.selectbox("Type", [None, *KIND_LABELS], format_func=lambda k: "Alle typer" if k is None else KIND_LABELS[k])
    theme = col2.selectbox("Programtema", [None, *sorted(themes)], format_func=lambda t: "Alle temaer" if t is None else themes[t])
    chosen_docs = col1.multiselect("Kildedokument", documents, placeholder="Alle dokumenter")
    year_range = (
        col2.slider("År", min_value=years[0], max_value=years[-1], value=(years[0], years[-1]),
                    help="Gjelder poster med årstall (litteratur, samlinger, dokumenter med år i navnet).")
        if len(years) > 1 else None
    )

if query.strip():
    if len(query) > MAX_QUERY_CHARS:
        st.warning(f"Spørsmålet er langt, så bare de første {MAX_QUERY_CHARS} tegnene brukes.")
    try:
        hits = kb.search(query, k=DEPTH, kind=kind, theme=theme)
    except QueryError as exc:
        st.info(str(exc))
        hits = []
    if chosen_docs:
        hits = [h for h in hits if h.record.source.document in chosen_docs]
    if year_range and year_range != (years[0], years[-1]):
        hits = [h for h in hits if (y := record_year(h.record)) is None or year_range[0] <= y <= year_range[1]]
    hits = hits[:20]
    if not hits:
        st.info("Ingen treff. Prøv andre eller færre ord, eller fjern filtrene.")
    else:
        present = [k for k in KIND_LABELS if any(h.record.kind == k for h in hits)]
        tabs = st.tabs([f"Alle ({len(hits)})"] + [f"{KIND_LABELS[k]} ({sum(h.record.kind == k for h in hits)})" for k in present])
        with tabs[0]:
            for n, hit in enumerate(hits[:10]):
                card(hit.record, hit.why, key=f"all-{n}")
        for tab, k in zip(tabs[1:], present):
            with tab:
                for n, hit in enumerate(h for h in hits if h.record.kind == k):
                    card(hit.record, hit.why, key=f"{k}-{n}")
