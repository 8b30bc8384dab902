"""Legg til dokumenter: administrators only. Upload, check each file, rebuild, report per file; remove a person.

With the folder backend one password (``.streamlit/secrets.toml``) opens the
page and documents go into the corpus folder. With a database every
administrator has an account for one region: documents go into that region's
collection, and only people found there can be removed.
"""

from __future__ import annotations

import streamlit as st

from absolutt_kb.accounts import Administrator
from absolutt_kb.ingest_process import IngestOutcome, run_ingest
from absolutt_kb.markdown import escape
from absolutt_kb.privacy import PrivacyError, suppress_in_file
from absolutt_kb.unicode_forms import has_control
from absolutt_kb.uploads import FolderCollection, RegionCollection, add_documents, max_upload_bytes, password_ok
from ingest.readers import SUPPORTED_SUFFIXES
from views.common import region_label, reload, searcher, settings
from views.common import store as knowledge_store

st.title("Legg til dokumenter")
config = settings()
store = knowledge_store()


def _log_in() -> Administrator | None:
    """The administrator of this session, after a login form when needed."""
    if st.session_state.get("admin"):
        return st.session_state["admin"]
    if config.uses_database:
        from absolutt_kb.accounts import TooManyAttempts, log_in

        with st.form("login"):
            username = st.text_input("Brukernavn")
            given = st.text_input("Passord", type="password")
            if st.form_submit_button("Logg inn"):
                if has_control(username):
                    st.error("Brukernavnet inneholder kontrolltegn; skriv det på nytt uten dem.")
                    st.stop()
                try:
                    admin = log_in(store, username, given, address=st.context.ip_address)
                except TooManyAttempts as exc:
                    st.error(str(exc))
                    st.stop()
                if admin:
                    st.session_state["admin"] = admin
                    st.rerun()
                st.error("Feil brukernavn eller passord.")
        st.caption("Hver region har sine administratorer; en driftsansvarlig lager kontoer med "
                   "`python -m absolutt_kb admin add`.")
        return None
    try:
        configured = st.secrets.get("admin_password")
    except FileNotFoundError:  # no secrets.toml at all (Streamlit's error subclasses it)
        configured = None
    if not configured:
        st.info(
            "Opplasting er slått av. En administrator kan slå den på ved å sette `admin_password` "
            "i `.streamlit/secrets.toml` (se README). Søk er åpent for alle."
        )
        return None
    with st.form("login"):
        given = st.text_input("Passord for administrator", type="password")
        if st.form_submit_button("Logg inn"):
            if password_ok(given, configured):
                st.session_state["admin"] = Administrator("administrator", config.region)
                st.rerun()
            st.error("Feil passord.")
    return None


def _rebuild(message: str) -> IngestOutcome | None:
    """Run the ingest in its own process (others keep searching meanwhile) and show how it went."""
    bar = st.progress(0.0, text=message)
    steps = [0]

    def progress(line: str) -> None:
        steps[0] += 1
        bar.progress(min(0.95, steps[0] / (steps[0] + 5)), text=escape(line[:120]))

    outcome = run_ingest(config, progress, from_folder=not config.uses_database)
    if not outcome.ok:
        st.error(escape(outcome.message))
        return None
    bar.progress(1.0, text=f"Ferdig på {outcome.seconds:.1f} s: {outcome.records} poster.")
    reload()
    return outcome


def _still_allowed(admin: Administrator) -> Administrator | None:
    """The administrator as the database has them now (a removed account can do nothing more from an open tab)."""
    if not config.uses_database:
        return admin
    from absolutt_kb.accounts import current

    now = current(store, admin)
    if now is None:
        st.session_state.pop("admin", None)
        st.error("Kontoen din finnes ikke lenger, så du er logget ut. Kontakt en driftsansvarlig.")
        st.stop()
    st.session_state["admin"] = now
    return now


admin = _log_in()
if admin is None:
    st.stop()
admin = _still_allowed(admin)
region_text = f" i regionen {escape(region_label(admin.region))}" if config.uses_database else ""
st.caption(f"Logget inn som {escape(admin.username)}{region_text}.")

limit = max_upload_bytes() // (1024 * 1024)
st.caption(f"PDF, DOCX, HTML (lagret nettside), TXT eller MD, høyst {limit} MB per fil. Filtypen sjekkes på innholdet.")
files = st.file_uploader("Velg filer", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], accept_multiple_files=True)
if st.button("Legg til og oppdater kunnskapsbasen", type="primary", disabled=not files):
    admin = _still_allowed(admin)
    collection = RegionCollection(store, admin.region) if config.uses_database else FolderCollection(config.corpus_dir)
    results = add_documents([(f.name, f.getvalue()) for f in files], collection)
    for result in results:
        if result.ok:
            st.success(f"{escape(result.name)}: {result.reason}" + (f" som {escape(result.stored_as)}" if result.stored_as != result.name else ""))
        else:
            st.error(f"{escape(result.name)}: avvist – {escape(result.reason)}")
    if any(r.ok and r.reason == "lagt til" for r in results):
        outcome = _rebuild("Oppdaterer kunnskapsbasen …")
        if outcome is not None:
            st.table({"Dokument": [f.document for f in outcome.files], "Resultat": [f.line() for f in outcome.files]})
            st.success("De nye postene er søkbare nå.")

st.subheader("Fjern en person")
people = [p for p in searcher().index.of_kind("person")
          if not config.uses_database or admin.national or set(p.regions) == {admin.region}]
st.caption("Personen forsvinner fra kunnskapsbasen, og navnet tas ut av all tekst, også i dokumenter som legges til "
           "senere." + (" Du kan fjerne personer som bare er nevnt i din region; en nasjonal administrator kan fjerne alle."
                       if config.uses_database and not admin.national else ""))
if people:
    people.sort(key=lambda p: p.name)
    chosen = st.selectbox("Person", [p.id for p in people], format_func={p.id: p.name for p in people}.get,
                          index=None, placeholder="Velg en person")
    sure = st.checkbox("Ja, fjern personen fra kunnskapsbasen", disabled=chosen is None)
    if st.button("Fjern personen", disabled=not (chosen and sure)):
        admin = _still_allowed(admin)
        try:
            if config.uses_database:
                from absolutt_kb.accounts import remove_person

                remove_person(store, admin, next(p for p in people if p.id == chosen))
            else:
                suppress_in_file(chosen)
        except (PrivacyError, ValueError) as exc:
            st.error(escape(str(exc)))
            st.stop()
        if _rebuild("Fjerner personen …") is not None:
            st.success("Personen er fjernet.")
else:
    st.caption("Ingen personer å vise.")
