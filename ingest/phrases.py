"""Phrases near a name that might say where a person works or what they talk about.

``ingest.affiliations`` and ``ingest.topics`` propose candidates from the text
around a mention; a trained ranker picks one (or none). A ``Phrase`` knows
where it came from, so the ranker can learn which places to trust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from absolutt_kb.language import fold
from ingest.person_features import tokens

_EDGE = " ,.;:()[]«»\"'“”–—-|/•*"


@dataclass(frozen=True)
class Phrase:
    """A stretch of text proposed as a person's affiliation or topic.

    Attributes:
        text: The phrase, trimmed.
        origin: How it was found ("ner:ORG", "after:segment", "cell", "previous", …).
        block: The block it is in.
        offset: Where it starts in that block's text (-1 when not in one place).
        between: The text between the name and the phrase ("" when the phrase is elsewhere).
    """

    text: str
    origin: str
    block: int
    offset: int = -1
    between: str = ""

    @property
    def key(self) -> str:
        return fold(self.text)


def trim(text: str) -> str:
    """A phrase without the punctuation and spaces at its edges."""
    return " ".join(text.split()).strip(_EDGE)


def phrase_features(phrase: Phrase, prefix: str = "", words: bool = True) -> dict[str, float]:
    """Features of a phrase itself: its origin, its shape, what stands between it and the name, and (with
    ``words``) its own words. An organisation is told by its words ("kommune", "universitet"); a talk is not,
    and cross-validated, the topic ranker does better without them (73 against 64 of 132 topics right)."""
    found = tokens(phrase.text)
    f: dict[str, float] = {f"{prefix}origin={phrase.origin}": 1.0, f"{prefix}bias": 1.0}
    if words:
        for w in found[:12]:
            f[f"{prefix}w={w}"] = 1.0
        if found:
            f[f"{prefix}first={found[0]}"] = 1.0
            f[f"{prefix}last={found[-1]}"] = 1.0
    f[f"{prefix}len={min(len(found), 12) // 2}"] = 1.0
    capitals = sum(1 for w in phrase.text.split() if w[:1].isupper())
    f[f"{prefix}caps={min(capitals, 4)}"] = 1.0
    if phrase.text[:1].islower():
        f[f"{prefix}lower_start"] = 1.0
    if re.search(r"\d", phrase.text):
        f[f"{prefix}digit"] = 1.0
    between = tokens(phrase.between)
    f[f"{prefix}gap={min(len(between), 8)}"] = 1.0
    for w in between[-4:]:
        f[f"{prefix}b={w}"] = 1.0
    if between:
        f[f"{prefix}b_last={between[-1]}"] = 1.0
        f[f"{prefix}b_first={between[0]}"] = 1.0
    return f
