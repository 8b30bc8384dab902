"""Component: the document's sections and what their lists hold (``ingest.sections``' rules)."""

from __future__ import annotations

from ingest.doc import Doc
from ingest.sections import classify_section, split_sections


def find_sections(doc: Doc) -> Doc:
    """Group the blocks under their headings and classify each list entry (a reference, a person, a tip …).

    Sets ``doc.sections``, ``doc.entries`` and ``doc.listed`` (the blocks that are records of their own).
    """
    doc.sections = split_sections(doc.blocks)
    doc.entries = [entry for section in doc.sections for entry in classify_section(section)]
    index = {id(b): i for i, b in enumerate(doc.blocks)}
    doc.listed = {index[id(e.block)] for e in doc.entries if e.kind}
    return doc
