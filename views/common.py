"""What every page shares: the loaded knowledge base and how a record is shown.

Everything taken from documents goes through ``escape`` or ``st.text``: it is
shown as text, never as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from absolutt_kb import config
from absolutt_kb.config import Settings
from absolutt_kb.embedder import EmbedderUnavailable
from absolutt_kb.manifest import IndexUnusable
from absolutt_kb.markdown import escape, plain
from absolutt_kb.records import KIND_NAMES, Gathering, Person, Record
from absolutt_kb.schedule import status, when
from absolutt_kb.search import Searcher, SearchHit
from absolutt_kb.storage import IndexChanged, Store, open_searchable, open_store
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
def _searcher(index: str, model: str, version: str) -> Searcher:
    """The index and model, opened once per process and version (a new version, after an upload, opens afresh)."""
    return Searcher(*open_searchable(settings()))


def settings() -> Settings:
    """The app's settings, read once per process (``ABSOLUTT_KB_*``)."""
    return config.current()


@st.cache_resource(show_spinner=False)
def _store(index: str) -> Store:
    return open_store(settings())


def store() -> Store:
    """The store the settings name, opened once per process: a database store keeps its connections."""
    return _store(settings().index)


def _version() -> str:
    """The version of the knowledge base now published (cheap: a pointer file or one row)."""
    try:
        return store().current_version() or "none"
    except IndexUnusable:
        return "none"


def searcher() -> Searcher:
    """The loaded knowledge base, or a clear message and the page stops."""
    chosen = settings()
    try:
        loaded = _searcher(chosen.index, chosen.model, _version())
    except (IndexUnusable, EmbedderUnavailable) as exc:
        st.error(str(exc))
        st.stop()
    if loaded.index.warning:
        st.warning(loaded.index.warning, icon=":material/warning:")
    return loaded


def search(query: str, **options: object) -> list[SearchHit]:
    """Search the newest version: when another server publishes one in the middle, open it and ask again."""
    try:
        try:
            return searcher().search(query, **options)
        except IndexChanged:
            reload()
            return searcher().search(query, **options)
    except IndexUnusable as exc:  # the database went away mid-session: say so; the next search reconnects
        st.warning(escape(str(exc)), icon=":material/cloud_off:")
        st.stop()


@st.cache_resource(show_spinner=False)
def _suggester(index: str, model: str, version: str) -> Suggester:
    return Suggester(_searcher(index, model, version))


def suggester() -> Suggester:
    """What offers the nearest themes, people and documents when nothing answers (theme vectors embedded once)."""
    chosen = settings()
    return _suggester(chosen.index, chosen.model, _version())


def reload() -> None:
    """Forget the loaded knowledge base, so the next page load reads the new index."""
    _searcher.clear()
    _suggester.clear()


def region_label(region: str) -> str:
    """A collection's name as people read it ("felles" is the material every region shares)."""
    return "Felles (nasjonalt)" if region == config.DEFAULT_REGION else region


def badges(record: Record) -> None:
    """Kind and best theme as small coloured labels."""
    with st.container(horizontal=True, gap="small"):
        st.badge(KIND_NAMES[record.kind], color=KIND_COLOURS[record.kind])
        if isinstance(record, Gathering) and (state := status(record)):
            st.badge("Tidligere" if state == "past" else "Kommende", color="gray" if state == "past" else "green")
        shown = shown_themes(record.themes)
        for theme in shown:  # two when neither leads clearly, none when nothing stands out
            st.badge(theme.label, icon=":material/label:", color="primary", help=escape(record.themes[0].evidence))


def _short(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def record_text(record: Record, *, limit: int = 500) -> None:
    """A record's text as people read it: OCR damage repaired, with the document's own words a click away."""
    st.text(plain(_short(record.readable_text, limit)))
    if record.repaired_text:
        st.caption("Teksten over er rettet for skannefeil (OCR) der ordlista kjenner det rette ordet; "
                   "ord som også finnes i ordlista (som «ståtte» for «støtte»), kan stå igjen.")
        with st.expander("Vis originaltekst", icon=":material/history_edu:"):
            st.text(plain(_short(record.text, limit)))


def card(record: Record, why: str = "", *, key: str = "") -> None:
    """One record as a card: title, kind and theme, text, source, why it matched and where to go next."""
    with st.container(border=True, key=f"card-{key}" if key else None):
        st.markdown(f"**{escape(record.title)}**")
        badges(record)
        if isinstance(record, Gathering) and (said := when(record)):
            st.markdown(f"**{escape(said)}**" + (f" · Sted: {escape(record.place)}" if record.place else ""))
        record_text(record)
        region = f" · Region: {escape(', '.join(region_label(r) for r in record.regions))}" if record.regions else ""
        st.caption(f"Kilde: {escape(record.source.document)}, {escape(record.source.locator)}{region}")
        if why:
            st.caption(escape(why))
        with st.container(horizontal=True, gap="small"):
            if isinstance(record, Person):
                st.page_link(PAGES["person"], label="Personside", icon=":material/person:",
                             query_params={"id": record.id})
            st.page_link(PAGES["document"], label="Vis i dokumentet", icon=":material/description:",
                         query_params={"id": record.id})
