"""Component: the people the layout rules find (list entries, cues, signatures, programme lines).

These rules were written by reading documents; they no longer decide who is a
person. Their verdict is a feature of the trained person model, and a name
they find that the recogniser missed is a candidate (``ingest.candidates``).
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.doc import Doc
from ingest.layout import cell_lines
from ingest.mentions import find_people
from ingest.names import ORG_PATTERN
from ingest.people import PersonMention, find_mentions, find_programme_people, find_signatures


def document_owner(text: str) -> str:
    """The organisation a document most often names as a municipality."""
    counts = Counter(m.group(0) for m in ORG_PATTERN.finditer(text) if re.search(r"kommune$", m.group(0)))
    return counts.most_common(1)[0][0] if counts else ""


def rule_people(doc: Doc) -> Doc:
    """Set ``doc.rule_people``: every (person, locator) the layout rules find."""
    found: list[tuple[PersonMention, str]] = []
    for entry in doc.entries:
        if entry.kind == "person":
            found.extend((m, entry.block.locator) for m in entry.parsed or ())
    texts = [line for b in doc.blocks for line in cell_lines(b)]
    locs = {line: b.locator for b in doc.blocks for line in cell_lines(b)}
    for b in doc.blocks:
        for line in cell_lines(b):
            found.extend((m, b.locator) for m in find_mentions(line))
    found.extend((m, locs.get(m.text.split(",")[0], "")) for m in find_signatures(texts, document_owner(doc.text)))
    found.extend((m, locs.get(m.text.split(" – ")[-1], "")) for m in find_programme_people(texts))
    if doc.names is not None:
        found.extend(find_people(doc.blocks, doc.names).people)
    doc.rule_people = found
    return doc
