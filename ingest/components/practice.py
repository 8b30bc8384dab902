"""Component: practice examples named in programme lines, sentences and talks, and a document that tells one owner's work."""

from __future__ import annotations

import re

from ingest.components.lists import practice_record
from ingest.doc import Doc
from ingest.mentions import find_people
from ingest.practice import Practice, document_practice, practice_in_line


def find_practice(doc: Doc) -> Doc:
    """Add the practice examples the rules find outside the list sections."""
    found: list[tuple[Practice, str]] = []
    if doc.names is not None:
        found.extend(find_people(doc.blocks, doc.names).practice)
    for i, b in enumerate(doc.blocks):
        if i in doc.listed or b.kind == "heading" and len(b.text) > 150:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", b.text) if len(b.text) > 300 else [b.text]:
            p = practice_in_line(sentence)
            if p:
                found.append((p, b.locator))
    if doc.blocks:
        opening = " ".join(b.text for b in doc.blocks[:4])[:800]
        p = document_practice(doc.blocks[0].text, opening)
        if p:
            found.append((p, doc.blocks[0].locator))
    for p, loc in found:
        doc.records.append(practice_record(doc, p, loc))
    return doc
