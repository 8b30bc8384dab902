"""The person model's second pass: a name is judged with the other names around it."""

from __future__ import annotations

import math

import pytest

from ingest.candidates import Candidate, Mention
from ingest.components.people import person_scores
from ingest.linear import LinearModel
from ingest.models import ExtractionModels
from ingest.person_context import context_features, logit


def _candidates(*blocks: int) -> list[Candidate]:
    return [Candidate(f"Person {i}", [Mention(block, 0, 8)]) for i, block in enumerate(blocks)]


@pytest.mark.parametrize(
    ("blocks", "headings", "scores", "feature", "value"),
    [
        # alone in its block: nothing to compare with there
        ((0, 5), ("A",) * 6, (0.5, 0.9), "block_none", 1.0),
        # a peer in the same block: its score is read
        ((2, 2), ("A",) * 3, (0.5, 0.9), "block_max", logit(0.9)),
        # a peer two blocks away is near; its section is the same heading
        ((2, 4), ("A",) * 5, (0.5, 0.8), "near_max", logit(0.8)),
        ((2, 4), ("A",) * 5, (0.5, 0.8), "section_max", logit(0.8)),
        # a peer under another heading is not in the section
        ((0, 1), ("A", "B"), (0.5, 0.8), "section_none", 1.0),
        # a peer far down the document is not near
        ((0, 9), ("A",) * 10, (0.5, 0.8), "near_none", 1.0),
        # the whole document's names: mean of each candidate's best score
        ((0, 9), ("A",) * 10, (0.2, 0.8), "doc_mean", logit(0.5)),
        # its own score, as log-odds and in fifths
        ((0, 9), ("A",) * 10, (0.7, 0.8), "own", logit(0.7)),
        ((0, 9), ("A",) * 10, (0.7, 0.8), "own_band=3", 1.0),
    ],
)
def test_a_name_is_seen_with_the_names_around_it(blocks, headings, scores, feature, value):
    features = context_features(_candidates(*blocks), [[s] for s in scores], headings)
    assert math.isclose(features[0][0][feature], value, abs_tol=1e-9)


def test_a_certain_score_stays_finite():
    assert math.isfinite(logit(1.0)) and math.isfinite(logit(0.0))


def test_where_the_second_pass_is_trained_it_decides():
    # First pass: "v/" before a name says person. Second pass: a name is a person when a peer in its block is.
    first = LinearModel.fit([{"v/": 1.0}, {"x": 1.0}] * 5, ["person", "none"] * 5, c=10.0, threshold=0.6)
    second = LinearModel.fit([{"block_max": 3.0}, {"block_max": -3.0}, {"block_none": 1.0}] * 5,
                             ["person", "none", "none"] * 5, c=10.0, threshold=0.5)
    cands = _candidates(0, 0)

    class Ev:  # what person_scores reads of the evidence
        def __init__(self, candidate, mentions):
            self.candidate, self.mentions = candidate, mentions

    evidence = [Ev(cands[0], [{"v/": 1.0}]), Ev(cands[1], [{"x": 1.0}])]
    decider, alone = person_scores(ExtractionModels(person=first), evidence, ("A",))
    assert decider is first and alone[1][0] < first.threshold  # on its own, the second name is no person
    decider, together = person_scores(ExtractionModels(person=first, person_context=second), evidence, ("A",))
    assert decider is second and together[1][0] >= second.threshold  # beside a clear person in its block, it is
