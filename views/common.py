"""What every page shares: the loaded knowledge base and how a record is shown.

Everything taken from documents goes through ``escape`` or ``st.text``: it is
shown as text, never as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from absolutt_kb.config import Settings
from absolutt_kb.embedder import EmbedderUnavailable, make_embedder
from absolutt_kb.generations import current_generation
from absolutt_kb.index import IndexUnusable, load_index
from absolutt_kb.markdown import escape
from absolutt_kb.records import KIND_LABELS, Person, Record
from absolutt_kb.search import Searcher
from absolutt_kb.suggestions import Suggester
from absolutt_kb.themes import shown_themes

KIND_COLOURS = {
    "person": "blue", "literature": "violet", "practice": "green", "tip": "orange",
    "question": "yellow", "gathering": "red", "passage": "gray",
}
PAGES = {
    "search": "views/search.py",
    "person": "views/person.py",
    "literature": "views/literature.py",
    "themes": "views/themes.py",
    "planner": "views/planner.py",
    "document": "views/document.py",
    "upload": "views/upload.py",
}


@st.cache_resource(show_spinner="Laster kunnskapsbasen …")
def _searcher(index_dir: str, model: str, generation: str) -> Searcher:
    """The index and model, loaded once per process (and again when the index is rebuilt)."""
    return Searcher(load_index(index_dir), make_embedder(model))


def settings() -> Settings:
    """The app's settings (from ``ABSOLUTT_KB_*``)."""
    return Settings.from_env()


def _generation(index_dir) -> str:  # noqa: ANN001
    """The index generation in use: a new one (after an upload or ingest) loads afresh."""
    folder = current_generation(index_dir)
    return folder.name if folder is not None else "none"


def searcher() -> Searcher:
    """The loaded knowledge base, or a clear message and the page stops."""
    config = settings()
    try:
        loaded = _searcher(str(config.index_dir), config.model, _generation(config.index_dir))
    except (IndexUnusable, EmbedderUnavailable) as exc:
        st.error(str(exc))
        st.stop()
    if loaded.index.warning:
        st.warning(loaded.index.warning, icon=":material/warning:")
    return loaded


@st.cache_resource(show_spinner=False)
def _suggester(index_dir: str, model: str, generation: str) -> Suggester:
    return Suggester(_searcher(index_dir, model, generation))


def suggester() -> Suggester:
    """What offers the nearest themes, people and documents when nothing answers (theme vectors embedded once)."""
    config = settings()
    return _suggester(str(config.index_dir), config.model, _generation(config.index_dir))


def reload() -> None:
    """Forget the loaded knowledge base, so the next page load reads the new index."""
    _searcher.clear()
    _suggester.clear()


def badges(record: Record) -> None:
    """Kind and best theme as small coloured labels."""
    with st.container(horizontal=True, gap="small"):
        st.badge(KIND_LABELS[record.kind], color=KIND_COLOURS[record.kind])
        shown = shown_themes(record.themes)
        for theme in shown:  # two when neither leads clearly, none when nothing stands out
            st.badge(theme.label, icon=":material/label:", color="primary", help=escape(record.themes[0].evidence))


def _short(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def record_text(record: Record, *, limit: int = 500) -> None:
    """A record's text as people read it: OCR damage repaired, with the document's own words a click away."""
    st.text(_short(record.readable_text, limit))
    if record.repaired_text:
        st.caption("Skannefeil (OCR) i dokumentet er rettet i teksten over.")
        with st.expander("Vis originaltekst", icon=":material/history_edu:"):
            st.text(_short(record.text, limit))


def card(record: Record, why: str = "", *, key: str = "") -> None:
    """One record as a card: title, kind and theme, text, source, why it matched and where to go next."""
    with st.container(border=True, key=f"card-{key}" if key else None):
        st.markdown(f"**{escape(record.title)}**")
        badges(record)
        record_text(record)
        st.caption(f"Kilde: {escape(record.source.document)}, {escape(record.source.locator)}")
        if why:
            st.caption(escape(why))
        with st.container(horizontal=True, gap="small"):
            if isinstance(record, Person):
                st.page_link(PAGES["person"], label="Personside", icon=":material/person:",
                             query_params={"id": record.id})
            st.page_link(PAGES["document"], label="Vis i dokumentet", icon=":material/description:",
                         query_params={"id": record.id})
