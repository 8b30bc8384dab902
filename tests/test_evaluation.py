"""The evaluation metrics follow the matching rules of the hand-made answers."""

from __future__ import annotations

import math

from absolutt_kb.evaluation import fold, score_ranking
from absolutt_kb.records import Person, Source, Tip


def person(name: str) -> Person:
    return Person(id=f"person:{name}", title=name, text=name, source=Source("d", "l"), name=name)


def test_fold_follows_the_rules():
    assert fold("Sør – Østerdal  Læring") == "sor–osterdal laering"


def test_perfect_ranking_scores_one_and_misses_score_zero():
    relevant = [{"kind": "person", "match": ["Kari"], "grade": 2}, {"kind": "person", "match": ["Ola"], "grade": 1}]
    assert score_ranking([person("Kari"), person("Ola")], relevant) == (1.0, 1.0, 1.0)
    assert score_ranking([person("Per")], relevant) == (0.0, 0.0, 0.0)


def test_kind_must_agree_and_one_result_answers_one_item():
    relevant = [{"kind": "person", "match": ["Kari"], "grade": 2}, {"kind": "person", "match": ["Kari"], "grade": 2}]
    tip = Tip(id="tip:1", title="Kari", text="Kari", source=Source("d", "l"))
    ndcg, recall, rr = score_ranking([tip, person("Kari")], relevant)
    assert recall == 0.5 and rr == 0.5
    ideal = 2 / math.log2(2) + 2 / math.log2(3)
    assert math.isclose(ndcg, (2 / math.log2(3)) / ideal)
