"""What the other names of a document say about one name: features for the person model's second pass.

The first pass (``ingest.person_features``) scores each mention from the words
and layout around it alone. Names come in groups, though: the members of a
working group, the speakers of a programme, the people of a photo archive. A
name scored 0.5 among peers scored 0.9 is likely one of them; the same score
among names scored 0.1 is likely not. The second pass reads each mention's own
first-pass score together with its peers' (same block, the blocks around it,
the same section, the whole document), and is trained on first-pass scores
made out of fold, so it learns how far to trust them (collective
classification by stacking).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from ingest.candidates import Candidate

NEAR = 3  # blocks on each side that count as the mention's neighbourhood


def logit(p: float) -> float:
    """A probability as log-odds, clipped so a certain score stays finite."""
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def _heading(headings: Sequence[str], block: int) -> str:
    return headings[block] if block < len(headings) else ""


def _band(p: float) -> str:
    return str(min(int(p * 5), 4))  # fifths: 0 … 4


def _peers(prefix: str, scores: list[float]) -> dict[str, float]:
    if not scores:
        return {prefix + "_none": 1.0}
    top, mean = max(scores), sum(scores) / len(scores)
    return {
        prefix + "_max": logit(top),
        prefix + "_mean": logit(mean),
        prefix + "_band=" + _band(mean): 1.0,
        prefix + "_n=" + str(min(len(scores), 5)): 1.0,
    }


def context_features(
    candidates: Sequence[Candidate], scores: Sequence[Sequence[float]], headings: Sequence[str]
) -> list[list[dict[str, float]]]:
    """Second-pass features of every mention of every candidate.

    Args:
        candidates: A document's candidate names, with their mentions.
        scores: The first pass's person probability of each mention, per candidate.
        headings: The nearest heading above each block of the document (``Layout.headings``).

    Returns:
        Per candidate, one feature dict per mention.
    """
    best = [max(s) if s else 0.0 for s in scores]
    share = sum(b >= 0.5 for b in best) / max(len(best), 1)
    document = {
        "doc_mean": logit(sum(best) / max(len(best), 1)),
        "doc_share=" + _band(share): 1.0,
        "doc_n=" + str(min(len(best), 10) // 2): 1.0,
    }
    # Each mention's score by block, and each candidate's best score by section (heading), looked up per mention.
    by_block: dict[int, list[tuple[int, float]]] = defaultdict(list)
    by_section: dict[str, dict[int, float]] = defaultdict(dict)
    for k, (candidate, own) in enumerate(zip(candidates, scores)):
        for mention, s in zip(candidate.mentions, own):
            by_block[mention.block].append((k, s))
            section = by_section[_heading(headings, mention.block)]
            section[k] = max(section.get(k, 0.0), s)
    out: list[list[dict[str, float]]] = []
    for c, (candidate, own) in enumerate(zip(candidates, scores)):
        rows = []
        for mention, p in zip(candidate.mentions, own):
            at = mention.block
            in_block = [s for k, s in by_block.get(at, ()) if k != c]
            near = [s for b in range(at - NEAR, at + NEAR + 1) if b != at for k, s in by_block.get(b, ()) if k != c]
            section = [s for k, s in by_section.get(_heading(headings, at), {}).items() if k != c]
            f = {
                "bias": 1.0,
                "own": logit(p),
                "own_band=" + _band(p): 1.0,
                "best": logit(best[c]),
                "mentions=" + str(min(len(own), 3)): 1.0,
                **document,
            }
            f |= _peers("block", in_block)
            f |= _peers("near", near)
            f |= _peers("section", section)
            f["own_band=" + _band(p) + "|block=" + (_band(max(in_block)) if in_block else "-")] = 1.0
            rows.append(f)
        out.append(rows)
    return out
