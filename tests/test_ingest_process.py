"""The app's upload runs ingest in its own process: searches keep being answered meanwhile."""

from __future__ import annotations

import pytest
import shutil
import threading

from absolutt_kb.config import Settings
from absolutt_kb.build import ingest_corpus
from absolutt_kb.generations import current_generation
from absolutt_kb.storage.folder import load_index
from absolutt_kb.ingest_process import Step, run_ingest
from absolutt_kb.search import Searcher
from tests.hostile import random_pdf

pytestmark = pytest.mark.slow  # kill tests, servers and ingests in child processes: the full suite only


def test_ingest_in_a_child_process_reports_per_file_while_searches_go_on(corpus_dir, embedder, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index_dir = tmp_path / "index"
    failed = sum(not f.ok for f in ingest_corpus(corpus, index_dir, embedder).files)  # never remembered: read again
    before = current_generation(index_dir)
    (corpus / "ny-plan.md").write_text(
        "# Plan for Fjordvik\n\n## Tiltak\n\nFjordvik kommune lager et årshjul for ungdomsrådets saker "
        "i kommunestyret, slik at ungdommen får si sin mening før vedtak.\n",
        encoding="utf-8",
    )
    random_pdf(corpus / "ødelagt.pdf")

    searcher = Searcher(load_index(index_dir), embedder)
    answered, stop = [0], threading.Event()

    def keep_searching() -> None:
        while not stop.is_set():
            assert searcher.search("tidlig innsats", k=3)
            answered[0] += 1

    thread = threading.Thread(target=keep_searching)
    thread.start()
    steps: list[Step] = []
    monkeypatch.chdir(tmp_path)  # the child starts where the app runs; paths below are absolute anyway
    outcome = run_ingest(Settings(corpus_dir=corpus, index=str(index_dir)), steps.append)
    stop.set()
    thread.join()

    assert outcome.ok, outcome.message
    assert answered[0] > 0  # the parent kept answering while the child read, embedded and wrote
    reading = [s.label for s in steps if s.label.startswith("Leser dokument")]
    # Only the two new files (and those that failed before) are read, and the count says so, not their
    # places among all the corpus's files.
    to_read = 2 + failed
    assert [label.split(" (")[0] for label in reading] == [f"Leser dokument {n} av {to_read}" for n in range(1, to_read + 1)]
    assert any("ny-plan.md" in label for label in reading)
    assert [s.done for s in steps if s.done is not None] == sorted(s.done for s in steps if s.done is not None)
    files = {f.document: f for f in outcome.files}
    assert files["ny-plan.md"].ok and not files["ødelagt.pdf"].ok and "PDF" in files["ødelagt.pdf"].reason
    assert current_generation(index_dir) != before
    hits = Searcher(load_index(index_dir), embedder).search("årshjul ungdomsrådet Fjordvik", k=3)
    assert any("Fjordvik" in h.record.text for h in hits)
