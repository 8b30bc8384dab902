"""What a record is indexed by: the text it is embedded and keyword-indexed by, and the key that caches that work."""

from __future__ import annotations

import hashlib

from absolutt_kb.records import Gathering, Passage, Person, PracticeExample, Record, Work


def index_text(record: Record) -> str:
    """The text a record is embedded and keyword-indexed by."""
    if isinstance(record, Person):
        parts = [record.name, record.affiliation, "; ".join(record.topics), " ".join(record.aliases), record.readable_text]
    elif isinstance(record, Work):
        parts = [record.title, "; ".join(record.authors), record.citation]
    elif isinstance(record, PracticeExample):
        parts = [record.owner, record.description]
    elif isinstance(record, Gathering):
        parts = [record.title, record.readable_text]
    elif isinstance(record, Passage):
        parts = [" › ".join(record.heading_path), record.readable_text]
    else:
        parts = [record.readable_text]
    return ". ".join(p for p in parts if p)


def text_key(model: str, text: str) -> str:
    """The cache key of a text: the same text under the same model is embedded (and analysed) once."""
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()
