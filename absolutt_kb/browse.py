"""Looking around the knowledge base without a query: by theme, by person, by document."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import numpy as np

from absolutt_kb.records import KIND_LABELS, Gathering, Passage, Person, Record, Work
from absolutt_kb.storage.base import KnowledgeIndex

if TYPE_CHECKING:
    import pandas as pd


def primary_theme(record: Record) -> str | None:
    """The id of the record's best theme, or None."""
    return record.themes[0].id if record.themes else None


def theme_counts(index: KnowledgeIndex, labels: dict[str, str]) -> pd.DataFrame:
    """How many records of each kind have each theme as their best theme (rows: theme label, columns: kind label).

    Args:
        index: The knowledge base (only its columns are read).
        labels: Theme id → label, in the taxonomy's order.
    """
    import pandas as pd  # only the overview page needs it; searching should not wait for the import

    counts = Counter((labels[t], KIND_LABELS[k]) for t, k in zip(index.column("theme"), index.column("kind")) if t in labels)
    table = pd.Series(counts, dtype="int64").unstack(fill_value=0) if counts else pd.DataFrame()
    if table.empty:
        return table
    table = table.reindex([label for label in labels.values() if label in table.index])
    return table.reindex(columns=[label for label in KIND_LABELS.values() if label in table.columns])


def records_for_theme(index: KnowledgeIndex, theme_id: str, subtheme: str | None = None) -> list[Record]:
    """Records whose best theme is ``theme_id`` (and closest sub-theme ``subtheme``), strongest link first."""
    chosen = [r for r in index.records_at(np.flatnonzero(index.column("theme") == theme_id))
              if subtheme is None or r.themes[0].subtheme == subtheme]
    return sorted(chosen, key=lambda r: -r.themes[0].score)


def years(index: KnowledgeIndex) -> list[int]:
    """Every year a record is from (works, gatherings, documents with a year in their name), sorted."""
    found = {y for r in index.of_kind("literature") + index.of_kind("gathering") if (y := record_year(r))}
    found |= {int(m.group()) for d in index.documents() if (m := re.search(r"(19|20)\d\d", d))}
    return sorted(found)


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
    rows = index.rows_by_id
    return index.records_at([rows[link] for link in record.links if link in rows])


def related_people(index: KnowledgeIndex, person: Person, k: int = 5) -> list[Person]:
    """Other people on the same best theme, closest in meaning first."""
    rows = index.rows_by_id
    theme = primary_theme(person)
    people = index.of_kind("person")
    others = [r for r in people if r.id != person.id and primary_theme(r) == theme]
    if not others or person.id not in rows:
        return others[:k]
    sims = index.vectors([rows[o.id] for o in others]) @ index.vector(rows[person.id])
    return [others[i] for i in np.argsort(-sims)[:k]]


def document_records(index: KnowledgeIndex, document: str, kind: str = "passage") -> list[Record]:
    """The records of one kind found in one document, in reading order."""
    return index.in_document(document, kind)


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


def readable_name(document: str) -> str:
    """A document's file name as a title: "ks-absolutt-programside.txt" → "Ks absolutt programside".

    Folders and the extension go, dashes and underscores between words become spaces;
    those inside a number ("2020-2024", "2025-03-21") stay.
    """
    stem = PurePosixPath(document.replace("\\", "/")).stem
    words = " ".join(re.sub(r"[-_]+(?!\d)|(?<!\d)[-_]+", " ", stem).split())
    return words[:1].upper() + words[1:] if words else document


def document_title(index: KnowledgeIndex, document: str) -> str:
    """What a document is called, for people: the heading it opens with, else its file name made readable.

    A single-word opening heading ("Forord", "Innhold") names a section, not the document, and is passed over.
    """
    rows = np.flatnonzero((index.column("document") == document) & (index.column("kind") == "passage"))
    first = index.records_at(rows[:1])  # rows are in reading order: only the first passage is read
    return named_document(document, first[0] if first and isinstance(first[0], Passage) else None)


def named_document(document: str, first: Passage | None) -> str:
    """``document_title`` from the document's first passage (None when it has none)."""
    opening = first.heading_path[:1] if first else ()
    if opening and len(opening[0].split()) >= 2 and len(opening[0]) <= 120:
        return " ".join(opening[0].split())
    return readable_name(document)
