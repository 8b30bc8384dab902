"""Legg til dokumenter: admin only. Upload, check each file, rebuild the index, report per file."""

from __future__ import annotations

import streamlit as st

from absolutt_kb.ingest_process import run_ingest
from absolutt_kb.markdown import escape
from absolutt_kb.uploads import add_documents, max_upload_bytes, password_ok
from ingest.readers import SUPPORTED_SUFFIXES
from views.common import reload, settings

st.title("Legg til dokumenter")
try:
    configured = st.secrets.get("admin_password")
except FileNotFoundError:  # no secrets.toml at all (Streamlit's error subclasses it)
    configured = None
if not configured:
    st.info(
        "Opplasting er slått av. En administrator kan slå den på ved å sette `admin_password` "
        "i `.streamlit/secrets.toml` (se README). Søk er åpent for alle."
    )
    st.stop()

if not st.session_state.get("admin"):
    with st.form("login"):
        given = st.text_input("Passord for administrator", type="password")
        if st.form_submit_button("Logg inn"):
            if password_ok(given, configured):
                st.session_state["admin"] = True
                st.rerun()
            st.error("Feil passord.")
    st.stop()

limit = max_upload_bytes() // (1024 * 1024)
st.caption(f"PDF, DOCX, HTML (lagret nettside), TXT eller MD, høyst {limit} MB per fil. Filtypen sjekkes på innholdet.")
files = st.file_uploader("Velg filer", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], accept_multiple_files=True)
if st.button("Legg til og oppdater kunnskapsbasen", type="primary", disabled=not files):
    config = settings()
    results = add_documents([(f.name, f.getvalue()) for f in files], config.corpus_dir)
    for result in results:
        if result.ok:
            st.success(f"{escape(result.name)}: {result.reason}" + (f" som {escape(result.stored_as)}" if result.stored_as != result.name else ""))
        else:
            st.error(f"{escape(result.name)}: avvist – {escape(result.reason)}")
    if any(r.ok and r.reason == "lagt til" for r in results):
        bar = st.progress(0.0, text="Oppdaterer kunnskapsbasen …")
        steps = [0]

        def progress(message: str) -> None:
            steps[0] += 1
            bar.progress(min(0.95, steps[0] / (steps[0] + 5)), text=escape(message[:120]))

        # A separate process: other users keep searching the current index meanwhile.
        outcome = run_ingest(config, progress)
        if not outcome.ok:
            st.error(escape(outcome.message))
            st.stop()
        bar.progress(1.0, text=f"Ferdig på {outcome.seconds:.1f} s: {outcome.records} poster.")
        st.table({"Dokument": [f.document for f in outcome.files], "Resultat": [f.line() for f in outcome.files]})
        reload()
        st.success("De nye postene er søkbare nå.")
