"""Hybrid search: BM25 over Norwegian terms fused with dense retrieval.

Keyword search finds names and rare words; the embedding finds paraphrases and
English questions. Both rankings are fused with reciprocal rank fusion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from absolutt_kb.embedder import Embedder
from absolutt_kb.index import KnowledgeIndex
from absolutt_kb.intent import wanted_kinds
from absolutt_kb.records import KINDS, Record
from absolutt_kb.text import analyse

MAX_QUERY_CHARS = 500
RRF_K = 60
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
KIND_BOOST = 0.3  # fused score is multiplied by 1 + KIND_BOOST for kinds the query asks for
REPEAT_PENALTY = 0.5  # a passage that only repeats list entries (now records) counts half


class QueryError(ValueError):
    """A query that cannot be searched; the message tells the user what to do."""


@dataclass(frozen=True)
class SearchHit:
    """A record that answers a query, with its score and why it matched."""

    record: Record
    score: float
    why: str

    def to_dict(self) -> dict:
        """The hit as JSON-ready data: the record's fields plus score and why."""
        data = self.record.to_dict()
        data["score"] = round(float(self.score), 6)
        data["why"] = self.why
        return data


def check_query(query: str) -> str:
    """Tidy a query or say why it cannot be searched.

    Raises:
        QueryError: The query is empty or has no letters or digits.
    """
    query = " ".join((query or "").split())
    if not query:
        raise QueryError("Skriv et spørsmål eller noen stikkord, for eksempel «inkludering».")
    if not any(ch.isalnum() for ch in query):
        raise QueryError("Søket inneholder ingen ord. Prøv med noen stikkord.")
    return query[:MAX_QUERY_CHARS]


class Searcher:
    """Answers queries over one loaded index with one embedder."""

    def __init__(self, index: KnowledgeIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        self._kinds = np.array([r.kind for r in index.records])
        self._prior = np.array([1.0 - REPEAT_PENALTY * getattr(r, "record_share", 0.0) for r in index.records])

    def _bm25_ranking(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.index.records)
        if not terms or n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(n, dtype=np.float32)
        vocab = self.index.bm25.vocab_dict
        known = [t for t in terms if t in vocab]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(n, dtype=np.float32)
        scores = self.index.bm25.get_scores(known)
        order = np.argsort(-scores, kind="stable")
        return order[scores[order] > 0], scores

    def _dense_ranking(self, query: str, depth: int) -> tuple[np.ndarray, np.ndarray]:
        vector = self.embedder.embed_query(query).reshape(1, -1)
        depth = min(depth, self.index.vectors.ntotal)
        if depth == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sims, ids = self.index.vectors.search(vector, depth)
        keep = ids[0] >= 0
        return ids[0][keep], sims[0][keep]

    def search(self, query: str, k: int = 10, kind: str | None = None, mode: str = "hybrid") -> list[SearchHit]:
        """The best ``k`` records for ``query``.

        Args:
            query: Words or a question, Norwegian or English.
            k: How many hits.
            kind: Only records of this kind.
            mode: "hybrid" (default), or "bm25" / "dense" alone (for evaluation).

        Returns:
            Hits, best first.

        Raises:
            QueryError: The query is empty or has no words.
        """
        query = check_query(query)
        if kind is not None and kind not in KINDS:
            raise QueryError(f"Ukjent type «{kind}». Velg en av: {', '.join(KINDS)}.")
        terms = analyse(query)
        depth = max(200, 20 * k)
        empty = np.zeros(0, dtype=np.int64)
        bm25_order = self._bm25_ranking(terms)[0] if mode != "dense" else empty
        dense_depth = depth if kind is None else max(depth, 2000)
        dense_order = self._dense_ranking(query, dense_depth)[0] if mode != "bm25" else empty

        fused: dict[int, float] = {}
        for rank, i in enumerate(bm25_order[:depth]):
            fused[int(i)] = fused.get(int(i), 0.0) + BM25_WEIGHT / (RRF_K + rank + 1)
        for rank, i in enumerate(dense_order):
            fused[int(i)] = fused.get(int(i), 0.0) + DENSE_WEIGHT / (RRF_K + rank + 1)
        if mode == "hybrid":
            for i in fused:
                fused[i] *= self._prior[i]
            for wanted in wanted_kinds(query):
                for i in fused:
                    if self._kinds[i] == wanted:
                        fused[i] *= 1.0 + KIND_BOOST
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        if kind is not None:
            ranked = [(i, s) for i, s in ranked if self._kinds[i] == kind]
        term_set = set(terms)
        return [self._hit(i, s, term_set) for i, s in ranked[:k]]

    def _hit(self, i: int, score: float, terms: set[str]) -> SearchHit:
        record = self.index.records[i]
        words = dict.fromkeys(w.strip(".,:;()«»\"!?") for w in record.title.split() + record.text.split())
        matched = list(dict.fromkeys(w for w in words if w and set(analyse(w)) & terms))
        matched = list({w.lower(): w for w in matched}.values())[:5]
        why = f"Treff på ordene: {', '.join(matched)}" if matched else "Lignende innhold (betydning)"
        return SearchHit(record=record, score=score, why=why)
