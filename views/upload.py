"""Legg til dokumenter: administrators only. Upload into a region, check each file, rebuild, report; remove a person.

With the folder backend one password (``.streamlit/secrets.toml``) opens the
page and documents go into the corpus folder: a region is a folder at its top.
With a database every administrator has an account for one region. A national
administrator (region "felles") chooses the region of each upload; a regional
one uploads into their own, and only people found there can be removed.

The rebuild runs in its own process; the page shows its progress as a bar with
a Norwegian label, and afterwards the new documents only, each with the records
the published index holds for it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from absolutt_kb.accounts import AccountError, Administrator, check_region, upload_region
from absolutt_kb.ingest_process import IngestOutcome, Step, run_ingest
from absolutt_kb.markdown import escape
from absolutt_kb.privacy import PrivacyError, document_name, suppress_in_file
from absolutt_kb.records import KIND_LABELS, KINDS
from absolutt_kb.regions import region_choices
from absolutt_kb.unicode_forms import has_control
from absolutt_kb.uploads import (
    FolderCollection,
    RegionCollection,
    UploadResult,
    add_documents,
    max_upload_bytes,
    password_ok,
)
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
    """Run the ingest in its own process (others keep searching meanwhile) and show how far it has come."""
    bar = st.progress(0.0, text=message)
    done = [0.0]

    def progress(step: Step) -> None:
        if step.done is not None:
            done[0] = max(done[0], min(step.done, 0.99))
        bar.progress(done[0], text=escape(step.label[:160]))

    outcome = run_ingest(config, progress, from_folder=not config.uses_database)
    if not outcome.ok:
        bar.empty()
        st.error(escape(outcome.message[:1].upper() + outcome.message[1:]))
        if outcome.details:
            with st.expander("Tekniske detaljer (for driftsansvarlig)"):
                st.code(outcome.details, language=None)
        return None
    seconds = f"{outcome.seconds:.1f}".replace(".", ",")
    bar.progress(1.0, text=f"Ferdig på {seconds} s. Kunnskapsbasen har nå {outcome.records} poster.")
    reload()
    return outcome


def _regions_in_use() -> set[str]:
    """The collections that exist now: region folders in the corpus, or the database's documents and accounts."""
    if config.uses_database:
        from absolutt_kb.accounts import administrators

        found = {a.region for a in administrators(store)} | set(store.document_regions())
    else:
        corpus = Path(config.corpus_dir)
        found = {p.name for p in corpus.iterdir() if p.is_dir() and not p.name.startswith(".")} if corpus.is_dir() else set()
    usable = set()
    for region in found:
        try:
            usable.add(check_region(region))
        except AccountError:
            continue  # a folder like "gamle.filer" is read by ingest but offered to no one
    return usable


def _report(added: list[UploadResult], region: str, outcome: IngestOutcome) -> None:
    """The documents of this upload, each with the records the published index holds for it."""
    read = {f.document: f for f in outcome.files}
    rules = store.privacy_rules()  # a removed person's name is taken out of document names, in the report too
    rows = []
    for result in added:
        found = read.get(document_name(result.document, rules))
        if found is None or not found.ok:
            reason = found.reason if found is not None else "kom ikke med i innlesingen"
            st.error(f"{escape(result.stored_as)}: ble ikke lagt inn – {escape(reason)}")
            continue
        rows.append((result, found.counts))
    if not rows:
        return
    kinds = [k for k in KINDS if any(counts.get(k) for _, counts in rows)]
    st.subheader("Lagt til nå")
    st.table({
        "Dokument": [r.stored_as for r, _ in rows],
        "Region": [region_label(region)] * len(rows),
        **{KIND_LABELS[k]: [counts.get(k, 0) for _, counts in rows] for k in kinds},
        "Poster i alt": [sum(counts.values()) for _, counts in rows],
    })


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

if admin.national:
    choices = region_choices(_regions_in_use())
    region = st.selectbox(
        "Region", choices, format_func=region_label,
        help="Regionen dokumentene hører til. Kortene viser den, og søket kan avgrenses til den. "
             "«Felles (nasjonalt)» er materiell for alle regioner.",
    )
else:
    region = admin.region
    st.selectbox("Region", [region], format_func=region_label, disabled=True,
                 help="Du legger til dokumenter i din egen region. En nasjonal administrator kan legge dem i andre.")
limit = max_upload_bytes() // (1024 * 1024)
st.caption(f"PDF, DOCX, HTML (lagret nettside), TXT eller MD, høyst {limit} MB per fil. Filtypen sjekkes på innholdet.")
files = st.file_uploader(
    "Dokumenter som skal legges til", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], accept_multiple_files=True,
    max_upload_size=max(1, limit),
    help="Dra filene hit, eller klikk på knappen for å velge dem. Du kan legge til flere filer på én gang.",
)
if st.button("Legg til og oppdater kunnskapsbasen", type="primary", disabled=not files):
    admin = _still_allowed(admin)
    try:
        region = upload_region(admin, region)
    except AccountError as exc:
        st.error(escape(str(exc)))
        st.stop()
    collection = RegionCollection(store, region) if config.uses_database else FolderCollection(config.corpus_dir, region)
    results = add_documents([(f.name, f.getvalue()) for f in files], collection)
    for result in results:
        if not result.ok:
            st.error(f"{escape(result.name)}: avvist – {escape(result.reason)}")
        elif result.reason != "lagt til":
            st.info(f"{escape(result.name)}: {escape(result.reason)}, så den er ikke lagt til på nytt.")
        elif result.stored_as != result.name:
            st.caption(f"{escape(result.name)} er lagret som {escape(result.stored_as)}.")
    added = [r for r in results if r.ok and r.reason == "lagt til"]
    if added:
        outcome = _rebuild("Starter innlesingen …")
        if outcome is not None:
            _report(added, region, outcome)
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
