"""Component: records from list entries: references, practice examples, tips, reflection questions."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from absolutt_kb.records import PracticeExample, ReflectionQuestion, Source, Tip, Work
from ingest.citations import parse_citation, split_references
from ingest.doc import Doc
from ingest.names import fold
from ingest.practice import Practice


def slug(text: str, limit: int = 48) -> str:
    """A stable, readable id part: folded, ASCII, dash-separated."""
    text = fold(text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].rstrip("-") or "x"


def short_hash(text: str) -> str:
    """Ten hex digits that name a text whatever its spacing and case."""
    return hashlib.sha1(fold(re.sub(r"\s+", " ", text)).encode()).hexdigest()[:10]


def source(doc: Doc, locator: str) -> Source:
    """Where in this document a record was found."""
    return Source(document=doc.name, locator=locator)


def practice_record(doc: Doc, p: Practice, locator: str) -> PracticeExample:
    """A practice example record from what a rule or model found."""
    return PracticeExample(
        id=f"practice:{slug(p.owner, 24)}-{slug(p.title, 40)}",
        title=f"{p.owner}: {p.title}",
        text=p.description,
        source=source(doc, locator),
        owner=p.owner,
        description=p.description,
    )


def list_records(doc: Doc) -> Doc:
    """Add a record for each list entry the sections component classified (people are left to the person model)."""
    for entry in doc.entries:
        text, loc = entry.block.text, entry.block.locator
        if entry.kind == "literature" and entry.parsed:
            parts = split_references(text)
            found = [parse_citation(p) for p in parts] if len(parts) > 1 else [entry.parsed]
            for c in (c for c in found if c):
                first = re.split(r"[,(]", c.lead)[0].strip()  # "Dahl", "Meld. St. 19", "NOU 2015: 8"
                doc.records.append(
                    Work(
                        id=f"literature:{slug(first, 24)}-{c.year or 'ua'}-{slug(c.title, 40)}",
                        text=c.citation,
                        source=source(doc, loc),
                        **c.work_fields(),
                    )
                )
        elif entry.kind == "practice" and entry.parsed:
            doc.records.append(practice_record(doc, entry.parsed, loc))
        elif entry.kind == "tip":
            doc.records.append(Tip(id=f"tip:{short_hash(text)}", title=text, text=text, source=source(doc, loc)))
        elif entry.kind == "question":
            doc.records.append(
                ReflectionQuestion(id=f"question:{short_hash(text)}", title=text, text=text, source=source(doc, loc))
            )
    return doc
