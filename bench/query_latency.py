"""Query latency of hybrid search on a built index, the model already loaded.

Run: .venv/bin/python bench/query_latency.py [--index index] [--repeat 5]

Prints p50/p95/max over a fixed set of user-style questions (Norwegian and
English, names with typos, topics). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from absolutt_kb import config  # noqa: E402
from absolutt_kb.search import Searcher  # noqa: E402
from absolutt_kb.storage import open_searchable  # noqa: E402

QUESTIONS = [
    "hvem kan holde innlegg om inkludering?",
    "har noen laget et årshjul for styringsdokumentene?",
    "Kjaernsli",
    "who can talk about school leadership",
    "litteratur om tidlig innsats",
    "samlinger i februar",
    "hvordan involvere ungdomsrådet",
    "psykisk helse i barnehagen",
    "Gotvasli ledelse barnehage",
    "tverrfaglig samarbeid barnevern skole",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default="index", help="a folder or a postgresql:// URL")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    index, embedder = open_searchable(config.current().with_changes(index=args.index))
    searcher = Searcher(index, embedder)
    searcher.search("oppvarming")  # first call loads the word list and warms caches
    times = []
    for _ in range(args.repeat):
        for question in QUESTIONS:
            started = time.perf_counter()
            searcher.search(question, k=10)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"records: {len(index)}, queries: {len(times)}")
    print(f"hybrid query latency: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
