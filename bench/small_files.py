"""Many small files: how fast a folder of one-paragraph documents is ingested (issue 21, fault 20).

Run: .venv/bin/python bench/small_files.py [--files 1000] [--work /tmp/absolutt-small]

A benchmark, not a test. ``--files`` text documents of one paragraph each
(3-5 sentences of the bundled corpus's passages, recombined as ``bench/scale.py``
does) are written to ``WORK/corpus`` and ingested start to finish by the CLI in
a fresh process, with the real model and the name recogniser, into a new index
at ``WORK/index``. Printed: files, records, seconds, files per second, the time
per file, and the same rate carried over to 20,000 files (the issue's goal is
10 minutes for 20,000). A second, unchanged ingest is timed as well.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import recombine, seed_sentences  # noqa: E402


def write_files(folder: Path, n: int) -> None:
    sentences = seed_sentences(ROOT / "corpus")[1]
    texts, _ = recombine(sentences, n, seed=21)
    folder.mkdir(parents=True)
    for i, text in enumerate(texts):
        paragraph = " ".join(text.split(". ")[: 3 + i % 3])  # one paragraph of 3-5 sentences
        (folder / f"notat-{i:05d}.txt").write_text(f"Notat {i}\n\n{paragraph}\n", encoding="utf-8")


def ingest(corpus: Path, index: Path) -> tuple[float, dict]:
    report = index.parent / "report.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus), "--index", str(index),
                    "--report-json", str(report)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return time.perf_counter() - started, json.loads(report.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/absolutt-small"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    write_files(args.work / "corpus", args.files)
    seconds, report = ingest(args.work / "corpus", args.work / "index")
    again, _ = ingest(args.work / "corpus", args.work / "index")
    ok = sum(1 for f in report["files"] if f["ok"])
    rate = args.files / seconds
    print(json.dumps({
        "files": args.files, "read": ok, "records": report["records"], "seconds": round(seconds, 1),
        "files_per_s": round(rate, 2), "ms_per_file": round(1000 * seconds / args.files, 1),
        "minutes_for_20000_at_this_rate": round(20_000 / rate / 60, 1), "unchanged_ingest_seconds": round(again, 1),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
