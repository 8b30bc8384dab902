"""Who might be a person in a document: every full name the recogniser or the layout rules found, with its mentions.

A candidate is one person's name with every place the document names them:
"Thomas Nordahl" in a programme line and "Nordahl" in the bio after it are
one candidate. Single words and partial names join the full name they belong
to (the only full name in the document that ends or starts with them); a
partial name with no full name beside it is no candidate (a card needs a full
name). Whether a candidate is a person the document gives a part is the
trained model's decision (``ingest.components.people``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from absolutt_kb.language import fold
from ingest.doc import Doc

_INITIAL_ONLY = re.compile(r"^[A-ZÆØÅ]\.?$")
_EDGE = " ,.;:()«»\"'–-"


@dataclass(frozen=True)
class Mention:
    """A name in one block: the block's index and the character span of the name in its text."""

    block: int
    start: int
    end: int
    score: float = 1.0
    source: str = "recogniser"  # or "rules": the layout rules found it and the recogniser did not


@dataclass
class Candidate:
    """A full name and every place the document names that person."""

    name: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def key(self) -> str:
        return fold(self.name)


# A title written before a name and read as part of it: "Mobbeombud Bodil Jenssen Houg", "Fylkesordførar Åshild …".
_TITLE_WORD = re.compile(
    r"^(?:[A-ZÆØÅ][a-zæøå]*(?:minister|ordfører|ordførar|ombud|direktør|rådgiver|rådgjevar|leder|leiar|sjef|rektor|"
    r"professor|konsulent|sekretær|statsråd|forsker|forskar|lektor|amanuensis|styrer|styrar|president|"
    r"sekretariat)|Statsråd|Dr|Prof)\.?\s+(?=[A-ZÆØÅ])"
)


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(_EDGE)
    stripped = _TITLE_WORD.sub("", text)
    return stripped if len(stripped.split()) >= 2 else text


def is_full_name(name: str) -> bool:
    """Two to five words, the last capitalised and no word a bare digit run."""
    words = name.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in name):
        return False
    return words[-1][:1].isupper() and words[0][:1].isupper() and not all(_INITIAL_ONLY.match(w) for w in words)


def person_candidates(doc: Doc) -> list[Candidate]:
    """The full names of a document and where each is named, in order of first mention.

    Args:
        doc: A document the recogniser (``doc.names``) and the layout rules (``doc.rule_people``) have read.

    Returns:
        One candidate per full name (folded), mentions in reading order.
    """
    found: list[tuple[str, Mention]] = []
    for i, block in enumerate(doc.blocks):
        for span in doc.names_in(i):
            name = _clean(span.text)
            shift = span.text.find(name) if name else 0
            found.append(
                (
                    name,
                    Mention(
                        i,
                        span.start + max(shift, 0),
                        span.start + max(shift, 0) + len(name),
                        float(getattr(span, "score", 1.0)),
                    ),
                )
            )
    recognised = {(m.block, fold(name)) for name, m in found}
    for person, locator in doc.rule_people:
        name = _clean(person.name)  # a title the rules kept ("Mobbeombud Bodil Jenssen Houg") goes as above
        for i, block in enumerate(doc.blocks):
            if block.locator != locator and locator:
                continue
            at, length = _place(block.text, name)
            if at >= 0 and (i, fold(name)) not in recognised:
                found.append((name, Mention(i, at, at + length, 0.5, "rules")))
                recognised.add((i, fold(name)))
                break

    candidates: dict[str, Candidate] = {}
    for name, mention in found:
        if is_full_name(name):
            candidates.setdefault(fold(name), Candidate(name)).mentions.append(mention)
    full = list(candidates.values())
    for name, mention in found:
        if is_full_name(name) and fold(name) in candidates:
            continue
        owner = _owner(name, full)
        if owner is not None:
            owner.mentions.append(mention)
    # A full name inside a longer one ("Pirelli Benestad" in "Esther Pirelli Benestad") is that person too.
    for short in sorted(full, key=lambda c: len(c.name)):
        longer = [
            c
            for c in full
            if c is not short and re.search(rf"(?:^|\s){re.escape(short.key)}$|^{re.escape(short.key)}\s", c.key)
        ]
        if len(longer) == 1 and short.key in candidates:
            longer[0].mentions.extend(short.mentions)
            del candidates[short.key]
    out = list(candidates.values())
    for c in out:
        c.mentions.sort(key=lambda m: (m.block, m.start))
    return sorted(out, key=lambda c: (c.mentions[0].block, c.mentions[0].start))


def _place(text: str, name: str) -> tuple[int, int]:
    """Where a name the rules made stands in a text: as written, in other case ("Geir halland"), or its first
    word ("Elisabeth" of "Elisabeth og Bengt Persson"); (-1, 0) when nowhere."""
    at = text.find(name)
    if at < 0:
        at = text.lower().find(name.lower())
    if at >= 0:
        return at, len(name)
    first = re.search(rf"\b{re.escape(name.split()[0])}\b", text)
    return (first.start(), len(first.group(0))) if first else (-1, 0)


def _owner(name: str, full: list[Candidate]) -> Candidate | None:
    """The one full name a single word or partial name belongs to, or None."""
    key = fold(name)
    if not key or len(key) < 2:
        return None
    owners = [c for c in full if c.key.endswith(" " + key) or c.key.startswith(key + " ")]
    return owners[0] if len(owners) == 1 else None
