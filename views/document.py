"""Kilde: a record's document, its passages in reading order, with the chosen one opened."""

from __future__ import annotations

import streamlit as st

from absolutt_kb.browse import containing_passage, document_records
from absolutt_kb.markdown import escape, plain
from views.common import searcher

kb = searcher()
documents = kb.index.documents()
record = kb.index.find(st.query_params.get("id", ""))
wanted = record.source.document if record else st.query_params.get("doc")
document = st.selectbox("Dokument", documents, index=documents.index(wanted) if wanted in documents else 0)
st.title(escape(document))
if record and record.source.document == document:
    st.info(f"Du kom fra «{escape(record.title)}» ({escape(record.source.locator)}).")

passages = document_records(kb.index, document)
if not passages:
    st.caption("Dokumentet har ingen lengre tekstutdrag.")
original = False
if any(p.repaired_text for p in passages):
    st.caption("Dokumentet er skannet (OCR), og skannefeil som «lzering» for «læring» er rettet i teksten under.")
    original = st.toggle("Vis originaltekst", help="Teksten slik den står i dokumentet, med skannefeilene.")
here = containing_passage(passages, record) if record and record.source.document == document else None
for passage in passages:
    opened = here is not None and passage.id == here.id
    with st.expander(f"{escape(passage.title)} · {escape(passage.source.locator)}", expanded=opened):
        st.text(plain(passage.text if original else passage.readable_text))
