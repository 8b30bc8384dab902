"""Component: the document's text as passages of searchable size, with their heading paths."""

from __future__ import annotations

import hashlib

from absolutt_kb.records import Passage
from ingest.chunking import ChunkPolicy, chunk_sections
from ingest.components.lists import slug, source
from ingest.components.ocr import repairer_for
from ingest.doc import Doc


class Passages:
    """Cut the sections into passages; blocks that became records of their own count as such.

    Args:
        policy: Passage size.
    """

    def __init__(self, policy: ChunkPolicy) -> None:
        self.policy = policy

    def __call__(self, doc: Doc) -> Doc:
        repair = repairer_for(doc)
        listed = frozenset(doc.listed)
        # The document's identity is its whole relative path ("plan.txt" and "plan.md" are two documents),
        # so ids carry a hash of it beside the readable part.
        stem = f"{slug(doc.name, 40)}-{hashlib.sha1(doc.name.encode()).hexdigest()[:8]}"
        recorded = frozenset(id(doc.blocks[i]) for i in listed)
        for n, chunk in enumerate(chunk_sections(doc.sections, self.policy, recorded)):
            # Headings are shown as titles, so they are repaired in place; the passage's text keeps them as written.
            headings = tuple(repair(h) or h for h in chunk.heading_path) if repair else chunk.heading_path
            doc.records.append(
                Passage(
                    id=f"passage:{stem}:{n:04d}",
                    title=" › ".join(headings[-2:]) or doc.name,
                    text=chunk.text,
                    source=source(doc, chunk.locator),
                    heading_path=headings,
                    position=n,
                    record_share=round(chunk.record_words / max(1, len(chunk.text.split())), 3),
                )
            )
        return doc
