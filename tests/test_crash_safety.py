"""Crash safety and concurrency: a killed ingest never costs the index, searches never fail during ingest."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from absolutt_kb.build import ingest_corpus
from absolutt_kb.generations import current_generation, generations
from absolutt_kb.index import load_index
from absolutt_kb.search import Searcher
from tests.conftest import REPO

KILLS = 20


def _append(corpus: Path, n: int) -> None:
    with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
        fh.write(f"\n\n## Erfaringer fra runde {n}\n\nKommune nummer {n} prøvde samarbeidsmøter om skolemiljø "
                 f"med elevrådet og rapporterte tiltak nummer {n} til oppvekstutvalget.\n")


def _consistent(index_dir: Path, embedder) -> int:  # noqa: ANN001
    index = load_index(index_dir)  # checksums verified
    n = len(index.records)
    assert n == index.vectors.ntotal == index.manifest["records"] == index.bm25.scores["num_docs"]
    assert len(index.embeddings) == n
    assert Searcher(index, embedder).search("tidlig innsats", k=3)
    return n


def test_sigkill_at_random_moments_never_breaks_the_index(corpus_dir, embedder, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index_dir = tmp_path / "index"
    ingest_corpus(corpus, index_dir, embedder)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus), "--index", str(index_dir)]
    # How long one ingest of a changed corpus takes, so kills land across all of it.
    _append(corpus, 0)
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)
    span = time.monotonic() - started
    rng = random.Random(20261122)
    survived, phases = 0, {"før skriving": 0, "midt i skrivingen": 0, "etter publisering": 0}
    for n in range(1, KILLS + 1):
        _append(corpus, n)
        before = current_generation(index_dir)
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if n % 2:  # anywhere in the run
            time.sleep(rng.uniform(0.05, span))
        else:  # while the new generation is being written: wait for its folder, then a moment more
            deadline = time.monotonic() + 2 * span
            known = {g.name for g in generations(index_dir)}
            while time.monotonic() < deadline and child.poll() is None:
                if {g.name for g in generations(index_dir)} - known:
                    break
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.03))
        child.send_signal(signal.SIGKILL)
        child.wait()
        unfinished = [g for g in generations(index_dir) if g.name > current_generation(index_dir).name]
        if current_generation(index_dir) != before:
            phases["etter publisering"] += 1
        elif unfinished:
            phases["midt i skrivingen"] += 1
            shutil.rmtree(unfinished[0])  # the next writer would clear it; cleared here so the next kill counts anew
        else:
            phases["før skriving"] += 1
        _consistent(index_dir, embedder)
        survived += 1
    print(f"SIGKILL: {survived} of {KILLS} survived; killed {phases}")
    assert survived == KILLS
    # Leftovers of killed builds are cleared by the next writer, and it completes.
    final = ingest_corpus(corpus, index_dir, embedder)
    assert "runde 20" in " ".join(r.text for r in final.index.records)
    assert len(generations(index_dir)) <= 2
    assert not list(index_dir.glob("CURRENT.tmp"))


def test_four_searching_threads_during_five_ingests(corpus_dir, embedder, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index_dir = tmp_path / "index"
    ingest_corpus(corpus, index_dir, embedder)
    stop = threading.Event()
    errors: list[BaseException] = []
    served = [0] * 4
    questions = ["tidlig innsats", "hvem kan snakke om foreldresamarbeid?", "lærende nettverk", "skolemiljø elevrådet"]

    def search(worker: int) -> None:
        open_index, searcher = None, None
        while not stop.is_set():
            try:
                current = current_generation(index_dir)
                if open_index is None or open_index.folder != current:
                    open_index = load_index(index_dir)
                    searcher = Searcher(open_index, embedder)
                hits = searcher.search(questions[(served[worker] + worker) % 4], k=5)
                ids = set(open_index.rows_by_id)
                assert hits and all(h.record.id in ids for h in hits)  # every answer from one generation
                served[worker] += 1
            except BaseException as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=search, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for n in range(5):
        _append(corpus, n)
        ingest_corpus(corpus, index_dir, embedder, wait_seconds=60)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    assert all(count > 0 for count in served), served
    print(f"searches served during 5 ingests: {sum(served)}")


@pytest.mark.parametrize("damage", ["pointer", "manifest"])
def test_damaged_pointer_or_manifest_gives_a_clear_message(built, tmp_path, damage):
    copy = tmp_path / "copy"
    shutil.copytree(built.index_dir, copy)
    if damage == "pointer":
        (copy / "CURRENT").write_text("../../etc\n")
    else:
        (copy / built.index.folder.name / "manifest.json").write_text("{ ikke json")
    from absolutt_kb.index import IndexUnusable

    with pytest.raises(IndexUnusable, match="indeks|Indeks"):
        load_index(copy)
