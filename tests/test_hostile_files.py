"""Hostile and broken files each end with a clear reason, and every other document is still ingested."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from absolutt_kb.build import ingest_corpus
from absolutt_kb.search import Searcher
from ingest.sandbox import ParseLimits, ParserWorker
from tests import hostile
from tests.conftest import FIXTURES, REPO
from tests.documents import write_pdf

# file name -> what the reason must say (None: the file must be read)
EXPECTED = {
    "tom.txt": "tom",
    "tilfeldige-bytes.pdf": "ikke PDF",
    "eierpassord.pdf": None,
    "eierpassord-rc4.pdf": None,
    "brukerpassord.pdf": "passord",
    "avkuttet.docx": "skadet",
    "hundre-mb.txt": "for stor",
    "zip-bombe.docx": "dekomprimeringsbombe",
    "pdf-bombe.pdf": "",  # pypdf's own inflate limit stops it; the memory limit is the second wall
    "sirkulaer.pdf": "",  # any clear reason, within the time limit
    "latin1.txt": None,
    "skript.txt": None,
    "egentlig-pdf.txt": None,  # a PDF with a .txt name is read as the PDF it is
    "egentlig-tekst.docx": "ikke DOCX",
}


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "tom.txt").write_bytes(b"")
    hostile.random_pdf(folder / "tilfeldige-bytes.pdf")
    hostile.encrypted_pdf(folder / "eierpassord.pdf", user_password="")
    hostile.encrypted_pdf(folder / "eierpassord-rc4.pdf", user_password="", algorithm="RC4-128")
    hostile.encrypted_pdf(folder / "brukerpassord.pdf", user_password="hemmelig")
    hostile.truncated_docx(folder / "avkuttet.docx")
    hostile.huge_text(folder / "hundre-mb.txt", 100)
    hostile.docx_bomb(folder / "zip-bombe.docx", 300)
    hostile.pdf_bomb(folder / "pdf-bombe.pdf", 1500)
    hostile.circular_pdf(folder / "sirkulaer.pdf")
    shutil.copy(FIXTURES / "corpus" / "brev-latin1.txt", folder / "latin1.txt")
    shutil.copy(FIXTURES / "corpus" / "farlig-innhold.txt", folder / "skript.txt")
    write_pdf(folder / "egentlig-pdf.txt")
    (folder / "egentlig-tekst.docx").write_text("Bare tekst, ikke en DOCX.", encoding="utf-8")
    shutil.copy(FIXTURES / "corpus" / "nettverkssamling-vestland.md", folder / "god.md")
    return folder


@pytest.fixture(scope="module")
def hostile_report(hostile_corpus, embedder, tmp_path_factory):
    limits = ParseLimits(seconds=30, memory_mb=1024)
    return ingest_corpus(hostile_corpus, tmp_path_factory.mktemp("hidx") / "index", embedder, limits=limits)


def test_every_bad_input_has_a_clear_reason_and_the_good_ones_are_read(hostile_report):
    reports = {r.document: r for r in hostile_report.files}
    assert set(EXPECTED) <= set(reports)
    for name, expected in EXPECTED.items():
        report = reports[name]
        if expected is None:
            assert report.ok, f"{name}: {report.reason}"
        else:
            assert not report.ok, name
            assert expected.lower() in report.reason.lower(), f"{name}: {report.reason}"
            assert len(report.reason) > 10
    assert reports["god.md"].ok


def test_good_documents_are_searchable_after_the_bad_ones(hostile_report, embedder):
    searcher = Searcher(hostile_report.index, embedder)
    documents = {h.record.source.document for h in searcher.search("tidlig innsats i barnehagen", k=10)}
    assert "god.md" in documents
    hits = searcher.search("Agder oppvekstkonferansen", k=10)
    assert {"eierpassord.pdf", "egentlig-pdf.txt"} & {h.record.source.document for h in hits}


def test_script_in_a_document_is_kept_as_text(hostile_report):
    texts = [r.text for r in hostile_report.index.all_records() if r.source.document == "skript.txt"]
    assert any("<script>" in t for t in texts)  # stored as the words it is; the app escapes it when shown


def test_a_stalled_parse_is_stopped_and_the_worker_replaced(hostile_corpus, tmp_path):
    # A named pipe nobody writes to: reading it blocks for ever, however fast the machine (no tiny time limit).
    stalled = tmp_path / "henger.txt"
    os.mkfifo(stalled)
    with ParserWorker(limits=ParseLimits(seconds=3)) as worker:
        report, records = worker.parse(stalled, "henger.txt")
        assert not report.ok and "stoppet" in report.reason and records == []
        report, records = worker.parse(hostile_corpus / "god.md", "god.md")
        assert report.ok and records


@pytest.mark.slow
def test_a_worker_that_grew_or_read_its_share_is_replaced_and_no_document_is_lost(hostile_corpus):
    with ParserWorker(limits=ParseLimits(seconds=60, recycle_records=2)) as worker:
        reports = [worker.parse(hostile_corpus / "god.md", f"god-{n}.md")[0] for n in range(5)]
        assert all(r.ok for r in reports) and worker.replaced >= 2  # a warm worker may come with a document read
    with ParserWorker(limits=ParseLimits(seconds=60, recycle_mb=-1)) as worker:  # "grown" after every document
        reports = [worker.parse(hostile_corpus / "god.md", f"god-{n}.md")[0] for n in range(3)]
        assert all(r.ok for r in reports) and worker.replaced == 3


@pytest.mark.slow
def test_sigterm_ends_an_ingest_cleanly_with_the_index_as_before(corpus_dir, tmp_path):
    index = tmp_path / "index"
    command = [sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus_dir), "--index", str(index)]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        for line in child.stdout:  # stop it once it is reading documents, with its parser worker running
            if "] leser " in line:
                break
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=120)
    assert child.returncode == 143, out + err
    assert "Traceback" not in err and "BrokenPipeError" not in err and "stoppet" in err


def test_a_parse_that_runs_out_of_memory_is_reported_and_the_next_file_read(hostile_corpus, tmp_path):
    # 64 MB of address space is less than the parser already holds: any large allocation fails, as on a bomb.
    big = hostile.huge_text(tmp_path / "stor.txt", 15)
    with ParserWorker(limits=ParseLimits(seconds=60, memory_mb=64)) as worker:
        report, records = worker.parse(big, "stor.txt")
        assert not report.ok and "minne" in report.reason and records == []
        worker.limits = ParseLimits(seconds=60, memory_mb=2048)
        report, records = worker.parse(hostile_corpus / "god.md", "god.md")
        assert report.ok and records


def test_the_next_ingest_in_a_process_reuses_the_warm_worker_but_never_a_dead_one(hostile_corpus):
    limits = ParseLimits(seconds=60, memory_mb=2048)
    with ParserWorker(limits=limits) as worker:
        assert worker.parse(hostile_corpus / "god.md", "god.md")[0].ok
        first = worker._process.pid
    with ParserWorker(limits=limits) as worker:  # no new interpreter, no second load of the recogniser
        assert worker.parse(hostile_corpus / "god.md", "god.md")[0].ok
        assert worker._process.pid == first
        worker._process.kill()
        worker._process.join()
    with ParserWorker(limits=limits) as worker:
        report, records = worker.parse(hostile_corpus / "god.md", "god.md")
        assert report.ok and records and worker._process.pid != first
    with ParserWorker(limits=ParseLimits(seconds=60, memory_mb=1024)) as worker:  # other limits: its own worker
        assert worker.parse(hostile_corpus / "god.md", "god.md")[0].ok
        assert worker._process.pid != first
