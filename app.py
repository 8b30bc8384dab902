"""ABSOLUTT kunnskapsbase: the Streamlit app.

Thin: each page in ``views/`` reads input, calls the library in ``absolutt_kb/``
and shows the result. The index is loaded once per process and never built here.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="ABSOLUTT kunnskapsbase", page_icon="📚", layout="wide")

pages = [
    st.Page("views/search.py", title="Søk", icon=":material/search:", url_path="sok", default=True),
    st.Page("views/person.py", title="Personer", icon=":material/person:", url_path="person"),
    st.Page("views/literature.py", title="Litteratur", icon=":material/menu_book:", url_path="litteratur"),
    st.Page("views/themes.py", title="Programtemaer", icon=":material/category:", url_path="temaer"),
    st.Page("views/planner.py", title="Planlegg samling", icon=":material/event_note:", url_path="samling"),
    st.Page("views/document.py", title="Dokumenter", icon=":material/description:", url_path="dokument"),
    st.Page("views/upload.py", title="Legg til dokumenter", icon=":material/upload_file:", url_path="opplasting"),
]
st.navigation(pages).run()
