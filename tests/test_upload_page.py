"""«Legg til dokumenter» as a coordinator meets it: the region, a clean progress bar, a report of this upload only.

The fast tests run the page headless (AppTest) on a copy of the fixture index,
with the ingest child replaced by the same work in this process, its output
read by the same reader as the child's, a library's loading bar among it. The
slow ones start the real child, on the folder index and on PostgreSQL.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from absolutt_kb import config
from absolutt_kb.accounts import AccountError, Administrator, upload_region
from absolutt_kb.build import ingest_corpus
from absolutt_kb.corpus import walk_corpus
from absolutt_kb.ingest_process import (
    PROGRESS_MARK,
    IngestOutcome,
    Step,
    follow,
    held_by_index,
    progress_line,
    read_progress,
)
from absolutt_kb.records import KIND_LABELS
from absolutt_kb.regions import region_choices
from absolutt_kb.storage import open_index
from absolutt_kb.uploads import FolderCollection

APP = str(Path(__file__).parent.parent / "app.py")
PASSWORD = "et langt nok passord"
NOISE = (
    "Loading weights: 100%|██████████| 199/199 [00:00<00:00, 1873.52it/s, Materializing param=encoder.layer.11]",
    "Batches: 100%|██████████| 3/3 [00:01<00:00,  2.10it/s]",
    "UserWarning: TypedStorage is deprecated",
)
# Two documents from Trøndelag. The first names each speaker twice (in the list and in the programme, one
# with another spelling), so what its reading finds (five people) is more than the index keeps (three).
GATHERING = """# ABSOLUTT Trøndelag: samling 12. november 2025

Sted: Scandic Hell, Stjørdal

Politikere, ledere, tillitsvalgte og ungdom fra kommunene i Trøndelag møtes for å arbeide med roller og ansvar \
i oppvekstsektoren.

## Foredragsholdere

- Halvard Hølleland, Universitetet i Stavanger, om ledelse av oppvekstsektoren
- Marte Lyngstad, NTNU, om samspill mellom politikere og administrasjon
- Jon Are Skjervold, Steinkjer kommune: tidlig innsats i skolen

## Program

09.30 Roller og ansvar i kommunen v/ Halvor Hølleland
11.00 Samspill i praksis v/ Marte Lyngstad (NTNU)
13.00 Tidlig innsats v/ Jon A. Skjervold

## Gode råd

- Avklar roller før arbeidet starter
- Sett av tid til refleksjon i hvert møte
"""
NETWORK = """# Nettverksmøte for oppvekst i Levanger

Levanger kommune prøvde kveldsmøter med ungdomsrådet om skolevegring og fikk mange nye stemmer inn i \
oppvekstplanen.

## Referanser

1. Hølleland, H. (2021). Ledelse i oppvekstsektoren. Oslo: Cappelen Damm Akademisk.
2. Utdanningsdirektoratet (2020). Veileder for lærende nettverk. Oslo: Udir.

## Slik gjorde de det

- Levanger kommune – kveldsmøter med ungdomsrådet
"""
UPLOAD = {"samling-trondelag-2025.md": GATHERING, "nettverksmote-levanger.md": NETWORK}


# The progress reader ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "label", "done"), [
    (progress_line("[3/12] leser notat.md"), "Leser dokument 3 av 12 (notat.md) …", 0.05 + 0.5 * 2 / 12),
    (progress_line("bygger vektorer for 40 nye tekster (200 gjenbrukt)"), "Lager vektorer for 40 nye tekster …", 0.6),
    (progress_line("  20/40 tekster"), "Lager vektorer: 20 av 40 tekster …", 0.75),
    (progress_line("knytter postene til programtemaene"), "Knytter postene til programtemaene …", 0.92),
    (progress_line("skriver ny versjon av indeksen"), "Lagrer den nye versjonen av kunnskapsbasen …", 0.96),
    (progress_line("ingen endringer i korpuset: indeksen er allerede oppdatert"),
     "Ingen endringer i korpuset: indeksen er allerede oppdatert", None),
    *[(line, None, None) for line in NOISE],
    ("[3/12] leser notat.md", None, None),  # unmarked: a person running the command, not the app, reads it
    (PROGRESS_MARK, None, None),
])
def test_only_the_ingests_own_marked_lines_become_steps(line, label, done):
    step = read_progress(line)
    if label is None:
        assert step is None
    else:
        assert step == Step(label, pytest.approx(done) if done is not None else None)


def test_what_else_the_child_prints_is_kept_for_the_details_of_a_failure():
    steps: list[Step] = []
    other = follow([NOISE[0], progress_line("[1/2] leser a.md"), "", "Traceback: MemoryError"], steps.append)
    assert [s.label for s in steps] == ["Leser dokument 1 av 2 (a.md) …"]
    assert other == [NOISE[0], "Traceback: MemoryError"]


# Regions ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("in_use", "expected_start", "contains", "absent"), [
    ((), ["felles", "Agder", "Akershus"], ["Trøndelag", "Møre og Romsdal"], []),
    (("nordland", "troms-og-finnmark"), ["felles"], ["nordland", "troms-og-finnmark"], ["Nordland"]),
    (("Felles",), ["felles"], [], ["Felles"]),
])
def test_region_choices_start_with_felles_and_keep_the_spelling_in_use(in_use, expected_start, contains, absent):
    choices = region_choices(in_use)
    assert choices[: len(expected_start)] == expected_start
    assert set(contains) <= set(choices) and not set(absent) & set(choices)
    assert choices[-1] == "Østfold"  # æ, ø, å sort after z
    assert len(choices) == len({c.casefold() for c in choices})


@pytest.mark.parametrize(("admin_region", "chosen", "expected"), [
    ("felles", "Trøndelag", "Trøndelag"),
    ("felles", None, "felles"),
    ("felles", "../felles", AccountError),
    ("vestland", None, "vestland"),
    ("vestland", "vestland", "vestland"),
    ("vestland", "Trøndelag", AccountError),
])
def test_a_regional_administrator_uploads_into_their_own_region_only(admin_region, chosen, expected):
    admin = Administrator("kari", admin_region)
    if expected is AccountError:
        with pytest.raises(AccountError):
            upload_region(admin, chosen)
    else:
        assert upload_region(admin, chosen) == expected


@pytest.mark.parametrize(("default_region", "region", "document"), [
    ("felles", None, "notat.md"),
    ("felles", "felles", "notat.md"),
    ("felles", "Trøndelag", "Trøndelag/notat.md"),
    ("vestland", None, "vestland/notat.md"),
    ("vestland", "felles", "felles/notat.md"),
])
def test_a_folder_collection_names_a_document_as_the_corpus_walk_does(tmp_path, default_region, region, document):
    with config.use(config.current().with_changes(region=default_region)):
        collection = FolderCollection(tmp_path, region)
        collection.put("notat.md", b"# Notat\n\nEt notat.\n")
        walked = {f.name: f.region for f in walk_corpus(tmp_path).files}
    assert collection.document("notat.md") == document
    assert walked == {document: region or default_region}


# The page --------------------------------------------------------------------------------------------------------

def _in_this_process(embedder):
    """The ingest child's work done here, with the session's model; its lines read as the page reads the child's."""

    def run(settings, progress, *, from_folder=True):
        lines = [NOISE[0]]
        report = ingest_corpus(settings.corpus_dir if from_folder else None, settings.index, embedder,
                               progress=lambda message: lines.append(progress_line(message)))
        follow([*lines, *NOISE[1:]], progress)
        return IngestOutcome(True, "ferdig", held_by_index(report.files, report.index), report.records,
                             report.seconds)

    return run


def _texts(at) -> str:
    """Everything the page says, widgets' labels and the progress bar's text included."""
    parts = [e.value for kind in ("markdown", "caption", "text", "info", "title", "subheader", "error", "success",
                                  "warning", "code") for e in getattr(at, kind)]
    parts += [w.label for w in [*at.selectbox, *at.button, *at.get("file_uploader")]]
    parts += [p.proto.text for p in at.get("progress")]
    parts += [str(t.value) for t in at.table]
    return "\n".join(str(p) for p in parts)


def _log_in(at) -> None:
    if at.get("form_submit_button") and len(at.text_input) == 2:  # a database: user name and password
        at.text_input[0].input("drift")
        at.text_input[1].input(PASSWORD)
    else:
        at.text_input[0].input(PASSWORD)
    at.get("form_submit_button")[0].click().run()


def _upload_page(monkeypatch, index: str, corpus: Path | None = None) -> AppTest:
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", index)
    if corpus is not None:
        monkeypatch.setenv("ABSOLUTT_KB_CORPUS", str(corpus))
    config.reload()
    at = AppTest.from_file(APP, default_timeout=300)
    at.secrets["admin_password"] = PASSWORD
    at.run()
    at.switch_page("views/upload.py").run()
    _log_in(at)
    assert not at.exception
    return at


def _region_box(at):
    return next(s for s in at.selectbox if s.label == "Region")


def _upload_into(at, region: str) -> None:
    _region_box(at).select(region).run()
    at.get("file_uploader")[0].set_value([(name, text.encode(), "text/markdown") for name, text in UPLOAD.items()])
    at.run()
    next(b for b in at.button if b.label == "Legg til og oppdater kunnskapsbasen").click().run()
    assert not at.exception, at.exception


def _assert_the_report_is_this_upload_with_what_the_index_holds(at, location: str, region_folder: str) -> None:
    texts = _texts(at)
    for noise in ("Loading weights", "it/s", "█", "%|", "Batches", "Warning"):
        assert noise not in texts
    assert "Ferdig på" in at.get("progress")[0].proto.text
    assert "De nye postene er søkbare nå." in texts
    (report,) = at.table
    table = report.value
    assert sorted(table["Dokument"]) == sorted(UPLOAD)  # this upload only, not the whole knowledge base
    assert set(table["Region"]) == {"Trøndelag"}
    index = open_index(config.current().with_changes(index=location))
    records = index.all_records()
    for row, name in enumerate(table["Dokument"]):
        held = Counter(r.kind for r in records if r.source.document == f"{region_folder}/{name}")
        assert held, name
        shown = {kind: int(table[label].iloc[row]) for kind, label in KIND_LABELS.items() if label in table}
        assert {k: n for k, n in shown.items() if n} == dict(held), name
        assert int(table["Poster i alt"].iloc[row]) == sum(held.values())
    gathering = f"{region_folder}/samling-trondelag-2025.md"
    people = Counter(r.kind for r in records if r.source.document == gathering)["person"]
    read = {d["document"]: d["counts"] for d in index.manifest.documents}
    assert 0 < people < read[gathering]["person"]  # its reading found each speaker twice; the index has them once


def _assert_the_cards_and_the_filter_know_trondelag(at) -> None:
    at.switch_page("views/search.py").run()
    at.text_input[0].input("samling Stjørdal roller og ansvar Trøndelag").run()
    assert not at.exception
    sources = [c.value for c in at.caption if c.value.startswith("Kilde:")]
    assert any("samling-trondelag-2025.md" in s and "Region: Trøndelag" in s for s in sources), sources
    region = _region_box(at)
    assert "Trøndelag" in region.options
    region.select("Trøndelag").run()
    sources = [c.value for c in at.caption if c.value.startswith("Kilde:")]
    assert sources and all("Region: Trøndelag" in s for s in sources), sources


@pytest.fixture()
def folder_copy(built, corpus_dir, tmp_path):
    """The fixture corpus and its index, copied: an upload changes both."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(corpus_dir, corpus)
    shutil.copytree(built.index_dir, index)
    return corpus, index


def test_a_national_administrator_puts_two_documents_in_trondelag_and_sees_only_them(
    folder_copy, embedder, monkeypatch
):
    corpus, index = folder_copy
    monkeypatch.setattr("absolutt_kb.ingest_process.run_ingest", _in_this_process(embedder))
    at = _upload_page(monkeypatch, str(index), corpus)
    region = _region_box(at)
    assert not region.disabled and region.value == "felles"
    assert region.options[0] == "Felles (nasjonalt)"  # the labels people read
    assert {"Trøndelag", "Vestland", "Møre og Romsdal"} <= set(region.options)
    uploader = at.get("file_uploader")[0]
    assert uploader.label == "Dokumenter som skal legges til" and "Dra filene hit" in uploader.help
    _upload_into(at, "Trøndelag")
    assert sorted(p.name for p in (corpus / "Trøndelag").iterdir()) == sorted(UPLOAD)
    _assert_the_report_is_this_upload_with_what_the_index_holds(at, str(index), "Trøndelag")
    _assert_the_cards_and_the_filter_know_trondelag(at)


def test_a_regional_administrator_sees_their_region_and_cannot_change_it(folder_copy, monkeypatch):
    corpus, index = folder_copy
    monkeypatch.setenv("ABSOLUTT_KB_REGION", "vestland")
    calls = []

    def ingest(settings, progress, *, from_folder=True):
        calls.append(settings.corpus_dir)
        return IngestOutcome(False, "stoppet i testen")

    monkeypatch.setattr("absolutt_kb.ingest_process.run_ingest", ingest)
    at = _upload_page(monkeypatch, str(index), corpus)
    region = _region_box(at)
    assert region.disabled and region.options == ["vestland"] and region.value == "vestland"
    at.get("file_uploader")[0].set_value(("notat.md", "# Notat\n\nEt notat om skolemiljø i Bergen.\n".encode(), "text/markdown"))
    at.run()
    next(b for b in at.button if b.label == "Legg til og oppdater kunnskapsbasen").click().run()
    assert not at.exception
    assert calls and (corpus / "notat.md").exists()  # the top of a corpus read as Vestland
    assert not [p for p in corpus.iterdir() if p.is_dir()]  # no other region's folder
    assert "Stoppet i testen" in _texts(at)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["folder", "postgresql"])
def test_the_real_ingest_child_shows_a_clean_bar_and_reports_this_upload(backend, request, embedder, tmp_path,
                                                                         monkeypatch):
    if backend == "folder":
        corpus, index = request.getfixturevalue("folder_copy")
        location = str(index)
    else:
        from absolutt_kb import accounts
        from absolutt_kb.storage import open_store

        location, corpus = request.getfixturevalue("database"), None
        ingest_corpus(request.getfixturevalue("corpus_dir"), location, embedder)
        accounts.add_administrator(open_store(config.current().with_changes(index=location)), "drift",
                                   config.DEFAULT_REGION, PASSWORD)
    monkeypatch.chdir(tmp_path)  # the child starts where the app runs
    at = _upload_page(monkeypatch, location, corpus)
    _upload_into(at, "Trøndelag")
    _assert_the_report_is_this_upload_with_what_the_index_holds(at, location, "Trøndelag")
    _assert_the_cards_and_the_filter_know_trondelag(at)


def test_the_ingest_report_counts_what_the_index_holds_for_each_document(built):
    held = held_by_index(built.files, built.index)
    for report in held:
        if report.ok:
            assert report.counts == dict(Counter(r.kind for r in built.index.in_document(report.document)))
    assert [r.document for r in held] == [r.document for r in built.files]
    assert [r.reason for r in held if not r.ok] == [r.reason for r in built.files if not r.ok]
