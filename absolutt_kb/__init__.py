"""absolutt-kb: a knowledge base and literature recommender for the ABSOLUTT programme.

The public API, imported on first use so that ``ingest`` can use the records
without pulling in the index and model.
"""

from __future__ import annotations

import importlib

_API = {
    "Embedder": "absolutt_kb.embedder",
    "make_embedder": "absolutt_kb.embedder",
    "KnowledgeIndex": "absolutt_kb.storage",
    "Manifest": "absolutt_kb.manifest",
    "Settings": "absolutt_kb.config",
    "open_index": "absolutt_kb.storage",
    "open_store": "absolutt_kb.storage",
    "ingest_corpus": "absolutt_kb.build",
    "Searcher": "absolutt_kb.search",
    "SearchHit": "absolutt_kb.search",
    "Gathering": "absolutt_kb.records",
    "Passage": "absolutt_kb.records",
    "Person": "absolutt_kb.records",
    "PracticeExample": "absolutt_kb.records",
    "Record": "absolutt_kb.records",
    "Tip": "absolutt_kb.records",
    "Work": "absolutt_kb.records",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'absolutt_kb' has no attribute {name!r}")
