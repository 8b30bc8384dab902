"""Looking around the knowledge base without a query: by theme, by person, by document."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from absolutt_kb.index import KnowledgeIndex
from absolutt_kb.records import KIND_LABELS, Gathering, Person, Record, Work


def primary_theme(record: Record) -> str | None:
    """The id of the record's best theme, or None."""
    return record.themes[0].id if record.themes else None


def theme_counts(records: list[Record]) -> pd.DataFrame:
    """How many records of each kind have each theme as their best theme (rows: theme label, columns: kind label)."""
    counts = Counter((r.themes[0].label, KIND_LABELS[r.kind]) for r in records if r.themes)
    table = pd.Series(counts, dtype="int64").unstack(fill_value=0) if counts else pd.DataFrame()
    return table.reindex(columns=[label for label in KIND_LABELS.values() if label in table.columns])


def records_for_theme(records: list[Record], theme_id: str, subtheme: str | None = None) -> list[Record]:
    """Records whose best theme is ``theme_id`` (and closest sub-theme ``subtheme``), strongest link first."""
    chosen = [
        r for r in records
        if r.themes and r.themes[0].id == theme_id and (subtheme is None or r.themes[0].subtheme == subtheme)
    ]
    return sorted(chosen, key=lambda r: -r.themes[0].score)


def record_year(record: Record) -> int | None:
    """The year a record is from: a work's year, a gathering's date, else a year in its source document's name."""
    if isinstance(record, Work) and record.year:
        return record.year
    if isinstance(record, Gathering) and record.date:
        return int(record.date[:4])
    found = re.search(r"(19|20)\d\d", record.source.document)
    return int(found.group()) if found else None


def linked_records(index: KnowledgeIndex, record: Record) -> list[Record]:
    """The records this one links to (a person's works, a work's citing passages …)."""
    by_id = index.by_id
    return [by_id[link] for link in record.links if link in by_id]


def related_people(index: KnowledgeIndex, person: Person, k: int = 5) -> list[Person]:
    """Other people on the same best theme, closest in meaning first."""
    rows = index.rows_by_id
    theme = primary_theme(person)
    people = index.records.of_kind("person")
    others = [r for r in people if r.id != person.id and primary_theme(r) == theme]
    if not others or person.id not in rows:
        return others[:k]
    mine = index.vector(rows[person.id])
    sims = np.array([index.vector(rows[o.id]) @ mine for o in others])
    return [others[i] for i in np.argsort(-sims)[:k]]


def document_records(index: KnowledgeIndex, document: str, kind: str = "passage") -> list[Record]:
    """The records of one kind found in one document, in reading order."""
    return [r for r in index.records if r.source.document == document and r.kind == kind]


def _place(locator: str) -> tuple[str, int] | None:
    found = re.match(r"\s*([^\d\s]+)\s*(\d+)", locator)
    return (found.group(1).lower(), int(found.group(2))) if found else None


def containing_passage(passages: list[Record], record: Record) -> Record | None:
    """The passage a record was found in or under: the last one starting at or before its place."""
    if record.kind == "passage":
        return record
    place = _place(record.source.locator)
    best = None
    for passage in passages:
        start = _place(passage.source.locator)
        if place and start and start[0] == place[0] and start[1] <= place[1]:
            best = passage
    return best
