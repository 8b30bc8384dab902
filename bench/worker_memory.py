"""A long read loses nothing and the parser worker's memory stays flat (issue 21, fault 21).

Writes ``--documents`` documents of about 100 passages each (``bench/scale.py``'s
pipeline corpus: sentences of the bundled corpus recombined, about 80 KB a
document) and reads them one after another in one ``ParserWorker`` with the
ingest's own limits and the name recogniser on, as one ingest would. Prints,
every ``--every`` documents, the worker's resident memory, and at the end the
documents read, the failures, the workers replaced and the peak memory.

    .venv/bin/python -m bench.worker_memory --documents 300
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from absolutt_kb import config
from absolutt_kb.build import name_loader
from bench.scale import recombine, seed_sentences
from ingest.chunking import ChunkPolicy
from ingest.sandbox import ParserWorker


def write_corpus(folder: Path, documents: int, corpus: Path) -> list[Path]:
    """``documents`` Markdown files of 100 recombined passages each."""
    _, sentences = seed_sentences(corpus)
    texts, _ = recombine(sentences, documents * 100, seed=5)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    paths = []
    for d in range(documents):
        body = "\n\n".join(f"## Del {d * 100 + i + 1}\n\n{t}" for i, t in enumerate(texts[d * 100:(d + 1) * 100]))
        path = folder / f"skala-{d:05d}.md"
        path.write_text(f"# Skaladokument {d}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--work", default="/tmp/absolutt-worker-memory")
    args = parser.parse_args()
    paths = write_corpus(Path(args.work) / "corpus", args.documents, Path(args.corpus))
    print(f"{len(paths)} documents, {sum(p.stat().st_size for p in paths) / len(paths) / 1024:.0f} KB each", flush=True)
    limits = config.parse_limits()
    failed, records, peak, samples = [], 0, 0.0, []
    started = time.perf_counter()
    with ParserWorker(ChunkPolicy(), limits, names=name_loader()) as worker:
        for n, path in enumerate(paths, start=1):
            report, found = worker.parse(path, path.name)
            records += len(found)
            if not report.ok:
                failed.append(f"{path.name}: {report.reason}")
            rss = worker.last_mb  # measured before a replacement, so the peak is the worker's real peak
            peak = max(peak, rss)
            if n % args.every == 0 or n == len(paths):
                samples.append((n, round(rss)))
                print(f"{n:4d} documents  worker {rss:7.0f} MB  replaced {worker.replaced}  "
                      f"failed {len(failed)}  {time.perf_counter() - started:6.0f} s", flush=True)
        replaced = worker.replaced
    result = {"documents": len(paths), "read": len(paths) - len(failed), "failed": failed, "records": records,
              "workers_replaced": replaced, "worker_peak_mb": round(peak), "worker_mb_every": samples,
              "seconds": round(time.perf_counter() - started, 1),
              "limits": {"memory_mb": limits.memory_mb, "recycle_mb": limits.recycle_mb,
                         "recycle_records": limits.recycle_records}}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
