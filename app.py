"""ABSOLUTT kunnskapsbase: search page.

A thin script: read the query, call the library, show the result. The index is
loaded once per process and never built here.
"""

from __future__ import annotations

import streamlit as st

from absolutt_kb.config import Settings
from absolutt_kb.embedder import EmbedderUnavailable, make_embedder
from absolutt_kb.index import IndexUnusable, load_index
from absolutt_kb.records import KIND_LABELS
from absolutt_kb.search import QueryError, Searcher

st.set_page_config(page_title="ABSOLUTT kunnskapsbase", page_icon="📚", layout="wide")


@st.cache_resource(show_spinner="Laster kunnskapsbasen …")
def get_searcher(index_dir: str, model: str) -> Searcher:
    """The index and model, loaded once per process."""
    index = load_index(index_dir)
    return Searcher(index, make_embedder(model))


settings = Settings.from_env()
st.title("ABSOLUTT kunnskapsbase")
st.caption("Finn ressurspersoner, litteratur, praksiseksempler, tips og samlinger i programmaterialet.")

try:
    searcher = get_searcher(str(settings.index_dir), settings.model)
except (IndexUnusable, EmbedderUnavailable) as exc:
    st.error(str(exc))
    st.stop()

query = st.text_input(
    "Hva leter du etter?",
    placeholder="For eksempel: hvem kan holde innlegg om inkludering?",
    help="Skriv et spørsmål eller noen stikkord, på norsk eller engelsk.",
)
kinds = {"Alle": None} | {label: kind for kind, label in KIND_LABELS.items()}
chosen = st.selectbox("Type", list(kinds), index=0)

if query:
    try:
        hits = searcher.search(query, k=10, kind=kinds[chosen])
    except QueryError as exc:
        st.info(str(exc))
        hits = []
    if query and not hits:
        st.info("Ingen treff. Prøv andre ord, eller fjern typefilteret.")
    for hit in hits:
        record = hit.record
        with st.container(border=True):
            st.markdown(f"**{record.title}**", help=None)
            theme = f" · Tema: {record.themes[0].label}" if record.themes else ""
            st.caption(f"{KIND_LABELS[record.kind]}{theme} · Kilde: {record.source.document}, {record.source.locator}")
            st.text(record.text[:600])
            st.caption(hit.why)
