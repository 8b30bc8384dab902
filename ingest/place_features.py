"""Where a gathering is held: the places and organisations a document names, as features for the place model.

Many documents say where without a "Sted:" line: "Møtet blir halde på
Stiklestad", "Velkomen til Folkets Hus", a region in the title. Every place or
organisation the recogniser found is a candidate; the features say how it
stands to the gathering's date (the same block, how many blocks away), the
words just before it ("i", "på", "Stad:"), its type, its last word's ending
("-hus", "-senter", "kommune") and whether the title names it. The trained
place model (``scripts/train_extraction.py``) scores each mention; the best
one that passes its threshold is the gathering's place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from absolutt_kb.language import fold
from ingest.doc import Doc
from ingest.gatherings import PLACE_LABELS
from ingest.person_features import bucket, tokens

PLACE_TYPES = ("LOC", "GPE_LOC", "GPE_ORG", "ORG")
_LABEL = re.compile(rf"(?:{PLACE_LABELS}|oppmøte)\s*:\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceMention:
    """A place or organisation the recogniser found: its text, type and where it stands."""

    text: str
    label: str
    block: int
    start: int

    @property
    def key(self) -> str:
        return fold(self.text)


def place_mentions(doc: Doc) -> list[PlaceMention]:
    """Every place and organisation a document names, in reading order (none without a recogniser)."""
    out = []
    for i, block in enumerate(doc.blocks):
        for label in PLACE_TYPES:
            out.extend(
                PlaceMention(s.text.strip(" ,.;:"), label, i, s.start)
                for s in doc.names_in(i, label)
                if _whole(block.text, s.start, s.end)
            )
    return sorted((m for m in out if len(m.text) >= 2), key=lambda m: (m.block, m.start))


def _whole(text: str, start: int, end: int) -> bool:
    """Whether a span is whole words: not a piece of a longer word or of a compound ("Sør-Trøndelag",
    "Sør- Trøndelag" broken at a line's end)."""
    after = text[end : end + 1]
    before = text[max(0, start - 2) : start]
    cut_after = after.isalpha() or after in ("-", "–")
    cut_before = before[-1:].isalpha() or (before[-1:] in "-–" and before[:1].isalpha())
    return not (cut_after or cut_before)


def place_features(doc: Doc, date_block: int, mention: PlaceMention, counts: Mapping[str, int]) -> dict[str, float]:
    """Features of one place mention as the place of the gathering dated in block ``date_block``.

    Args:
        doc: The document.
        date_block: The block of the gathering's date.
        mention: The candidate place.
        counts: How often the document names each place (folded text to count).

    Returns:
        Feature name to value.
    """
    text = doc.blocks[mention.block].text
    before = text[: mention.start]
    distance = mention.block - date_block
    f: dict[str, float] = {
        "bias": 1.0,
        "type=" + mention.label: 1.0,
        "dist=" + ("-" if distance < 0 else "+") + bucket(abs(distance), (0, 1, 2, 3, 5, 10, 20)): 1.0,
        "count=" + bucket(counts.get(mention.key, 0), (1, 2, 3, 5)): 1.0,
        "words=" + str(min(len(mention.text.split()), 4)): 1.0,
        "kind=" + doc.blocks[mention.block].kind: 1.0,
    }
    left = tokens(before)[-2:]
    for k, w in enumerate(reversed(left)):
        f[f"l{k}={w}"] = 1.0
    if not before.strip(" \t•-–*|"):
        f["starts"] = 1.0
    if _LABEL.search(before[-30:]):
        f["labelled"] = 1.0
    last = fold(mention.text.split()[-1]) if mention.text.split() else ""
    f["tail=" + last[-4:]] = 1.0
    if last in ("kommune", "fylkeskommune", "universitet", "høgskule", "hogskule", "hogskole", "hotell"):
        f["last=" + last] = 1.0
    title = fold(" ".join(b.text for b in doc.blocks[:2]))
    if mention.key in title:
        f["in_title"] = 1.0
    if mention.block < 2:
        f["title_block"] = 1.0
    date_text = fold(doc.blocks[date_block].text) if date_block < len(doc.blocks) else ""
    if mention.key in date_text:
        f["with_date"] = 1.0
    return f


def place_instances(
    doc: Doc, date_block: int, mentions: list[PlaceMention] | None = None
) -> list[tuple[PlaceMention, dict[str, float]]]:
    """Every candidate place of the gathering dated in ``date_block``, with its features.

    Args:
        doc: The document.
        date_block: The block of the gathering's date.
        mentions: ``place_mentions(doc)``, where the caller asks for several gatherings of one document.
    """
    mentions = place_mentions(doc) if mentions is None else mentions
    counts = Counter(m.key for m in mentions)
    return [(m, place_features(doc, date_block, m, counts)) for m in mentions]
