"""The real-train documents and their gold, split into cross-validation folds and a locked set.

``../shared/data/real-train`` holds four parts, each with ``corpus/`` and
``records.json``. Scripts beside the product (training, benchmarks) read it
through this module; product code never does.

The **locked** documents are, in each part sorted by file name, the 5th, 10th,
15th, … document. No rule, word list or look at errors may come from them:
they are only scored, and only as a total.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "real-train"
KINDS = ("persons", "literature", "practice", "gatherings")
LOCK_EVERY = 5


@dataclass(frozen=True)
class GoldDocument:
    """One real document with what a person would extract from it."""

    part: str
    name: str
    path: Path
    gold: dict = field(hash=False, compare=False)  # persons, literature, practice, gatherings, not_persons, passing


def load_documents(data: Path = DEFAULT_DATA) -> list[GoldDocument]:
    """Every document of every part, with its gold, sorted by part and file name."""
    out: list[GoldDocument] = []
    for part in sorted(p for p in Path(data).iterdir() if (p / "records.json").exists()):
        records = json.loads((part / "records.json").read_text(encoding="utf-8"))
        for path in sorted((part / "corpus").iterdir(), key=lambda p: p.name):
            if not path.is_file():
                continue
            gold = {kind: [x for x in records.get(kind, []) if x.get("doc") == path.name] for kind in KINDS}
            gold["not_persons"] = list(records.get("not_persons_by_doc", {}).get(path.name, []))
            gold["quoted_or_passing"] = [
                x["name"] for x in records.get("quoted_or_passing", []) if x.get("doc") == path.name
            ]
            out.append(GoldDocument(part=part.name, name=path.name, path=path, gold=gold))
    return out


def is_locked(doc: GoldDocument, documents: list[GoldDocument]) -> bool:
    """Whether ``doc`` is the 5th, 10th, … document of its part by file name."""
    same = sorted(d.name for d in documents if d.part == doc.part)
    return (same.index(doc.name) + 1) % LOCK_EVERY == 0


def split(documents: list[GoldDocument]) -> tuple[list[GoldDocument], list[GoldDocument]]:
    """(open documents, locked documents)."""
    locked = [d for d in documents if is_locked(d, documents)]
    return [d for d in documents if d not in locked], locked


def folds(documents: list[GoldDocument], k: int = 5) -> list[list[GoldDocument]]:
    """``k`` folds of the given documents, each part's documents dealt round the folds in file-name order."""
    out: list[list[GoldDocument]] = [[] for _ in range(k)]
    for part in sorted({d.part for d in documents}):
        for i, doc in enumerate(sorted((d for d in documents if d.part == part), key=lambda d: d.name)):
            out[i % k].append(doc)
    return out
