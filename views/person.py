"""Personer: one person with affiliation, topics, role, where they are mentioned, works and related people."""

from __future__ import annotations

import streamlit as st

from absolutt_kb.bibliography import apa
from absolutt_kb.browse import document_title, linked_records, related_people
from absolutt_kb.markdown import escape
from absolutt_kb.records import Person
from absolutt_kb.roles import role_label
from absolutt_kb.themes import shown_themes
from views.common import PAGES, badges, region_label, searcher

kb = searcher()
people = sorted(kb.index.of_kind("person"), key=lambda p: p.name)
by_id = {p.id: p for p in people}
if not people:
    st.info("Kunnskapsbasen har ingen personer ennå.")
    st.stop()
ids = [p.id for p in people]
wanted = st.query_params.get("id")
chosen = st.selectbox(
    "Person", ids, index=ids.index(wanted) if wanted in ids else 0,
    format_func=lambda i: by_id[i].name, help="Skriv for å søke i navnene.",
)
st.query_params["id"] = chosen
person: Person = by_id[chosen]

st.title(escape(person.name))
badges(person)
col1, col2 = st.columns(2)
col1.markdown(f"**Tilhørighet:** {escape(person.affiliation) or 'ikke oppgitt'}")
col1.markdown(f"**Rolle:** {role_label(person.role)}")
if person.aliases:
    col1.markdown(f"**Også skrevet:** {escape(', '.join(person.aliases))}")
if person.regions:
    col1.markdown(f"**Region:** {escape(', '.join(region_label(r) for r in person.regions))}")
if person.topics:
    col2.markdown("**Tema for innlegg**")
    for topic in person.topics:
        col2.markdown(f"- {escape(topic)}")
if shown_themes(person.themes):
    labels = " / ".join(t.label for t in shown_themes(person.themes))
    col2.caption(f"Programtema: {escape(labels)} ({escape(person.themes[0].evidence)})")

st.subheader("Her er personen nevnt")
for source in dict.fromkeys((person.source, *person.mentions)):
    # The document's title, not its file name, and the full width so a phone wraps it instead of cutting it off.
    st.page_link(PAGES["document"], label=f"{escape(document_title(kb.index, source.document))}, {escape(source.locator)}",
                 icon=":material/description:", query_params={"doc": source.document}, width="stretch",
                 help=escape(source.document))

works = [r for r in linked_records(kb.index, person) if r.kind == "literature"]
st.subheader("Litteratur av personen")
if works:
    for work in works:
        st.markdown(f"- {escape(apa(work))}")
else:
    st.caption("Ingen verk av personen i litteraturlistene.")

st.subheader("Andre personer på samme tema")
others = related_people(kb.index, person)
if others:
    for other in others:
        st.page_link(PAGES["person"], label=escape(other.name + (f", {other.affiliation}" if other.affiliation else "")),
                     icon=":material/person:", query_params={"id": other.id})
else:
    st.caption("Ingen andre personer på dette temaet.")
