"""Søk: one box, example questions, answers grouped by kind, honest "nothing about that", filters.

Only the cards of the chosen group and page are drawn, and the hits of a
question are kept in the session, so changing group or page does not search
again and a new question draws ten cards, not every card of every group.
"""

from __future__ import annotations

import streamlit as st

from absolutt_kb.browse import record_year
from absolutt_kb.browse import years as all_years
from absolutt_kb.markdown import escape
from absolutt_kb.records import KIND_LABELS
from absolutt_kb.search import MAX_QUERY_CHARS, QueryError
from absolutt_kb.suggestions import nothing_found
from absolutt_kb.themes import load_taxonomy
from views.common import PAGES, card, region_label, search, searcher, suggester

EXAMPLES = (
    "hvem kan holde innlegg om inkludering?",
    "har noen laget et årshjul for styringsdokumentene?",
    "litteratur om skoleeierskap",
    "Who can talk about school leadership?",
)
DEPTH = 40
SHOWN = 20
PAGE = 10
ALL = "all"


def _use_example(text: str) -> None:
    st.session_state["query"] = text


def _more() -> None:
    st.session_state["page_size"] = st.session_state.get("page_size", PAGE) + PAGE


def _hits(query: str, kind, theme, region, chosen_docs, year_range, years):
    """The hits for a question and filters, searched once per question (kept in the session)."""
    key = (query, kind, theme, region, tuple(chosen_docs), year_range, kb.index.version)
    if st.session_state.get("hits_key") != key:
        hits = search(query, k=DEPTH, kind=kind, theme=theme, region=region)
        if chosen_docs:
            hits = [h for h in hits if h.record.source.document in chosen_docs]
        if year_range and year_range != (years[0], years[-1]):
            hits = [h for h in hits if (y := record_year(h.record)) is None or year_range[0] <= y <= year_range[1]]
        st.session_state["hits_key"], st.session_state["hits"] = key, hits[:SHOWN]
        st.session_state["page_size"] = PAGE
    return st.session_state["hits"]


def _suggestions(query: str, hits) -> None:
    st.warning(escape(nothing_found(query)) + " Her er det som ligger nærmest, som forslag og ikke som svar.",
               icon=":material/search_off:")
    found = suggester().suggest(query, hits)
    col1, col2, col3 = st.columns(3)
    with col1:
        st.markdown("**Nærmeste programtemaer**")
        for theme in found.themes:
            st.page_link(PAGES["themes"], label=theme.title, icon=":material/label:", query_params={"tema": theme.id})
    with col2:
        st.markdown("**Personer**")
        for person in found.people:
            st.page_link(PAGES["person"], label=escape(person.name), icon=":material/person:", query_params={"id": person.id})
        if not found.people:
            st.caption("Ingen.")
    with col3:
        st.markdown("**Dokumenter**")
        for document in found.documents:
            st.page_link(PAGES["document"], label=escape(document), icon=":material/description:",
                         query_params={"doc": document})


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
if not query.strip():  # only before a question: on a phone they would push the first answer below the fold
    with st.container(horizontal=True, gap="small"):
        st.caption("Prøv:")
        for n, example in enumerate(EXAMPLES):
            st.button(example, key=f"example-{n}", on_click=_use_example, args=(example,), type="tertiary")

labels = {t.id: t.title for t in load_taxonomy()}
themes = {t: labels.get(t, t) for t in sorted(set(kb.index.column("theme").tolist())) if t}
documents = kb.index.documents()
regions = kb.index.regions()
years = all_years(kb.index)
with st.expander("Filtre", icon=":material/filter_list:"):
    col1, col2 = st.columns(2)
    kind = col1.selectbox("Type", [None, *KIND_LABELS], format_func=lambda k: "Alle typer" if k is None else KIND_LABELS[k])
    theme = col2.selectbox("Programtema", [None, *sorted(themes)], format_func=lambda t: "Alle temaer" if t is None else themes[t])
    chosen_docs = col1.multiselect("Kildedokument", documents, placeholder="Alle dokumenter")
    region = col1.selectbox("Region", [None, *regions], format_func=lambda r: "Alle regioner" if r is None else region_label(r),
                            help="Hver region har sine egne dokumenter; «Felles» er materiell for alle.") \
        if len(regions) > 1 else None
    year_range = (
        col2.slider("År", min_value=years[0], max_value=years[-1], value=(years[0], years[-1]),
                    help="Gjelder poster med årstall (litteratur, samlinger, dokumenter med år i navnet).")
        if len(years) > 1 else None
    )

if query.strip():
    if len(query) > MAX_QUERY_CHARS:
        st.warning(f"Spørsmålet er langt, så bare de første {MAX_QUERY_CHARS} tegnene brukes.")
    try:
        hits = _hits(query, kind, theme, region, chosen_docs, year_range, years)
    except QueryError as exc:
        st.info(str(exc))
        hits = []
    answers = [h for h in hits if h.answer]
    if not hits:
        st.info("Ingen treff. Prøv andre eller færre ord, eller fjern filtrene.")
    elif not answers:
        _suggestions(query, hits)
    else:
        present = [k for k in KIND_LABELS if any(h.record.kind == k for h in answers)]
        counts = {ALL: len(answers)} | {k: sum(h.record.kind == k for h in answers) for k in present}
        group = st.segmented_control(
            "Vis", [ALL, *present], default=ALL, key="group", label_visibility="collapsed",
            format_func=lambda k: f"{'Alle' if k == ALL else KIND_LABELS[k]} ({counts[k]})",
        ) or ALL
        chosen = [h for h in answers if group == ALL or h.record.kind == group]
        size = st.session_state.get("page_size", PAGE)
        for n, hit in enumerate(chosen[:size]):
            card(hit.record, hit.why, key=f"{group}-{n}")
        if len(chosen) > size:
            st.button(f"Vis flere ({len(chosen) - size} til)", on_click=_more, icon=":material/expand_more:")
        if len(hits) > len(answers):
            st.caption(f"{len(hits) - len(answers)} treff til handler for lite om spørsmålet til å vises som svar.")
