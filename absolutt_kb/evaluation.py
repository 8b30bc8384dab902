"""Evaluation: nDCG@10, Recall@10 and MRR of the search, and theme accuracy.

Reads a queries file (one JSON object a line: ``query`` and ``relevant`` items
with ``kind``, ``match`` phrases and ``grade``) and follows its matching rules:
a result answers an item when the kinds agree and every phrase occurs in the
result's title + text after folding; each result answers at most one item.
Only this module reads evaluation files; ingest and search never do.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from absolutt_kb.records import Record
from absolutt_kb.search import Searcher

MODES = ("hybrid", "bm25", "dense")


def fold(text: str) -> str:
    """The evaluation's folding: NFKC, lower case, æ→ae ø→o å→a, spaces collapsed and tightened around dashes."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([-–])\s*", r"\1", text).strip()


@dataclass(frozen=True)
class QueryScore:
    """Scores of one query."""

    query_id: str
    ndcg: float
    recall: float
    reciprocal_rank: float


def _answers(record: Record, item: dict) -> bool:
    haystack = fold(record.title + " " + record.text)
    return record.kind == item["kind"] and all(fold(p) in haystack for p in item["match"])


def score_ranking(results: list[Record], relevant: list[dict], k: int = 10) -> tuple[float, float, float]:
    """nDCG@k, Recall@k (grade-2 items) and reciprocal rank of the first grade-2 item."""
    answered: set[int] = set()
    gains: list[float] = []
    first_must = 0.0
    order = sorted(range(len(relevant)), key=lambda i: -relevant[i]["grade"])
    for rank, record in enumerate(results[:k], start=1):
        gain = 0.0
        for i in order:
            if i not in answered and _answers(record, relevant[i]):
                answered.add(i)
                gain = float(relevant[i]["grade"])
                if relevant[i]["grade"] == 2 and not first_must:
                    first_must = 1.0 / rank
                break
        gains.append(gain)
    dcg = sum(g / math.log2(r + 1) for r, g in enumerate(gains, start=1))
    ideal = sorted((float(item["grade"]) for item in relevant), reverse=True)[:k]
    idcg = sum(g / math.log2(r + 1) for r, g in enumerate(ideal, start=1))
    must = [i for i, item in enumerate(relevant) if item["grade"] == 2]
    recall = sum(i in answered for i in must) / len(must) if must else 1.0
    return (dcg / idcg if idcg else 0.0), recall, first_must


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object a line; blank lines skipped."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_search(searcher: Searcher, queries: list[dict], mode: str = "hybrid", k: int = 10) -> list[QueryScore]:
    """Score every query with one retrieval mode."""
    scores = []
    for q in queries:
        hits = searcher.search(q["query"], k=k, mode=mode)
        ndcg, recall, rr = score_ranking([h.record for h in hits], q["relevant"], k)
        scores.append(QueryScore(q.get("id", q["query"]), ndcg, recall, rr))
    return scores


@dataclass(frozen=True)
class Honesty:
    """How the answers shown (hits over the calibrated threshold) do on questions with and without answers."""

    recall: float  # Recall@10 of grade-2 items among the hits shown as answers
    ndcg: float  # nDCG@10 of the hits shown as answers
    honest: int  # questions with no answer in the corpus for which nothing was shown as an answer
    unanswerable: int  # how many such questions there were
    left_empty: int  # questions with an answer for which nothing was shown


def evaluate_answers(searcher: Searcher, queries: list[dict], k: int = 10) -> Honesty:
    """Score only what the search shows as answers; a question with an empty ``relevant`` list has no answer."""
    recall, ndcg, honest, unanswerable, empty = [], [], 0, 0, 0
    for q in queries:
        shown = [h.record for h in searcher.search(q["query"], k=k) if h.answer]
        if not q["relevant"]:
            unanswerable += 1
            honest += not shown
            continue
        n, r, _ = score_ranking(shown, q["relevant"], k)
        recall.append(r)
        ndcg.append(n)
        empty += not shown
    return Honesty(mean(recall), mean(ndcg), honest, unanswerable, empty)


def theme_accuracy(records: list[Record], items: list[dict]) -> tuple[float, list[str]]:
    """Share of items whose record's best theme is one of the acceptable ones.

    Returns:
        (accuracy, descriptions of the misses)
    """
    misses = []
    correct = 0
    for item in items:
        record = next((r for r in records if _answers(r, item)), None)
        best = record.themes[0].id if record and record.themes else None
        if best in item["themes"]:
            correct += 1
        else:
            misses.append(f"{' / '.join(item['match'])}: {best or 'ingen'} (ventet {', '.join(item['themes'])})")
    return (correct / len(items) if items else 0.0), misses


def mean(values: list[float]) -> float:
    """Arithmetic mean (0 for none)."""
    return sum(values) / len(values) if values else 0.0
