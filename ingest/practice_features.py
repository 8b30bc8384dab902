"""Who might own a practice example in a document, and what the text around them says, for the trained model.

A practice example is a named municipality's, school's or kindergarten's own
project or way of working that the document presents. Every organisation or
place the recogniser finds, and every "Name kommune / skule / barnehage", is a
candidate owner; the words around its mentions ("prosjektet", "har laga",
"pilotkommunar"), where it stands (the title, a heading, a speaker's
affiliation) and how often the document names it are its features.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from absolutt_kb.language import fold
from ingest.doc import Doc
from ingest.person_features import bucket, tokens

OWNER_LABELS = ("ORG", "GPE_ORG", "GPE_LOC")
_OWNER_NOUN = r"(?:fylkeskommune|kommune|bydel|vidaregåande skule|videregående skole|skule|skole|barnehage|barnehagen)"
_OWNER_PHRASE = re.compile(rf"\b[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+)*\s+{_OWNER_NOUN}\b(?!-)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Owner:
    """A candidate owner and the places the document names it: (block, start, end)."""

    name: str
    mentions: list[tuple[int, int, int]] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return fold(self.name)


def owner_candidates(doc: Doc) -> list[Owner]:
    """Every organisation or place a document names that could own a practice example, in order of first mention."""
    found: dict[str, Owner] = {}
    for i, block in enumerate(doc.blocks):
        spans = [
            (s.start, s.end, s.label)
            for s in (doc.names[i] if doc.names is not None else ())
            if s.label in OWNER_LABELS
        ]
        spans += [(m.start(), m.end(), "PHRASE") for m in _OWNER_PHRASE.finditer(block.text)]
        for start, end, label in spans:
            name = " ".join(block.text[start:end].split()).strip(" ,.:;()«»")
            if len(name) < 3 or not name[:1].isupper():
                continue
            owner = found.setdefault(fold(name), Owner(name))
            owner.mentions.append((i, start, end))
            owner.labels.add(label)
            if len(name) > len(owner.name):
                owner.name = name
    return list(found.values())


def owner_features(doc: Doc, owner: Owner, affiliations: set[str], by_rules: set[str]) -> dict[str, float]:
    """Features of a candidate owner.

    Args:
        doc: The document.
        owner: The candidate and its mentions.
        affiliations: Folded affiliations of the document's persons.
        by_rules: Folded owners of the practice examples the layout rules find.

    Returns:
        Feature name to value.
    """
    f: dict[str, float] = {"bias": 1.0}
    for label in owner.labels:
        f["label=" + label] = 1.0
    words = tokens(owner.name)
    f["head=" + (words[-1] if words else "")] = 1.0
    f["words=" + str(min(len(words), 4))] = 1.0
    f["count=" + bucket(len(owner.mentions), (1, 2, 3, 5, 8))] = 1.0
    first = owner.mentions[0][0]
    f["first=" + bucket(first, (0, 1, 3, 6, 12))] = 1.0
    for i, start, end in owner.mentions[:6]:
        block = doc.blocks[i]
        text = block.text
        f["kind=" + block.kind] = 1.0
        for k, w in enumerate(reversed(tokens(text[:start])[-4:])):
            f[f"l{min(k, 1)}={w}"] = 1.0
        for k, w in enumerate(tokens(text[end:])[:4]):
            f[f"r{min(k, 1)}={w}"] = 1.0
        sentence = next((s for s in _SENTENCE.split(text) if text.find(s) <= start < text.find(s) + len(s) + 1), text)
        for w in set(tokens(sentence)):
            if w.isalpha() and len(w) > 2:
                f["s=" + w] = 1.0
    title = doc.blocks[0].text if doc.blocks else ""
    if owner.key in fold(title):
        f["in_title"] = 1.0
    if any(b.kind == "heading" and owner.key in fold(b.text) for b in doc.blocks):
        f["in_heading"] = 1.0
    if any(owner.key in a for a in affiliations):
        f["affiliation"] = 1.0
    if any(owner.key in r or r in owner.key for r in by_rules if r):
        f["rule=practice"] = 1.0
    for w in tokens(title)[:10]:
        if w.isalpha():
            f["t=" + w] = 0.5
    f["standard=" + doc.standard] = 1.0
    return f
