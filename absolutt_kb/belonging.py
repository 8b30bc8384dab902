"""What a record belongs to: the gathering it is part of, the section it sits in, the document it comes from.

A speaker named in a gathering's programme without a topic of their own says
nothing about what they speak on, but the gathering does; a tip under the
heading «Roller og ansvar» is about what the heading says. ``Belonging`` finds
these surroundings from where each record was found (its source and other
mentions), nearest first, so ``absolutt_kb.themes`` can take the theme from
them and say where it came from.

- The gathering: one the record is linked to; else the only gathering of its
  document; else, of several, the one whose text names the person, or the last
  one that starts at or before the record's place.
- The section: the heading above the record in the passage it was found in
  (by place, else the passage that names it), and every passage of the
  document under that heading.
- The document: all its passages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from absolutt_kb.browse import containing_passage, named_document
from absolutt_kb.language import fold
from absolutt_kb.records import Gathering, Passage, Person, Record, Source

LEVELS = ("gathering", "section", "document")


@dataclass(frozen=True)
class Surrounding:
    """One thing a record belongs to, and the records that say what it is about.

    ``rows`` index the record list: the gathering itself, or the section's or document's passages.
    """

    level: str  # one of LEVELS
    name: str  # as people call it: the gathering's title, the section's heading, the document's title
    rows: tuple[int, ...]


class Belonging:
    """The surroundings of every record of one corpus.

    Args:
        records: All records of the index, in index order (passages in reading order within a document).
    """

    def __init__(self, records: list[Record]) -> None:
        self._records = records
        self._row = {r.id: i for i, r in enumerate(records)}
        self._passages: dict[str, list[int]] = defaultdict(list)
        self._gatherings: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            if isinstance(r, Passage):
                self._passages[r.source.document].append(i)
            elif isinstance(r, Gathering):
                self._gatherings[r.source.document].append(i)
        for rows in self._passages.values():
            rows.sort(key=lambda i: records[i].position)

    def of(self, row: int) -> list[Surrounding]:
        """What the record at ``row`` belongs to, nearest first: its gatherings, sections, then documents.

        A record found in several documents belongs to something in each; a passage belongs to nothing here
        (it is the section's text), and a gathering to no other gathering.
        """
        record = self._records[row]
        if isinstance(record, Passage):
            return []
        sources = list(dict.fromkeys([record.source, *getattr(record, "mentions", ())]))
        found: list[Surrounding] = []
        if not isinstance(record, Gathering):
            linked = [
                self._row[link]
                for link in record.links
                if link in self._row and isinstance(self._records[self._row[link]], Gathering)
            ]
            found += [self._gathering(i) for i in linked]
            found += [self._gathering(i) for s in sources if (i := self._gathering_at(record, s)) is not None]
        found += [s for source in sources if (s := self._section(record, source)) is not None]
        found += [s for source in sources if (s := self._document(source.document)) is not None]
        return list(dict.fromkeys(found))

    def _gathering(self, row: int) -> Surrounding:
        return Surrounding("gathering", self._records[row].title, (row,))

    def _gathering_at(self, record: Record, source: Source) -> int | None:
        rows = self._gatherings.get(source.document, [])
        if len(rows) <= 1:
            return rows[0] if rows else None
        if isinstance(record, Person):
            names = [fold(n) for n in (record.name, *record.aliases) if n]
            named = [i for i in rows if any(n in fold(self._text(i)) for n in names)]
            if len(named) == 1:
                return named[0]
        before = containing_passage([self._records[i] for i in rows], _At(source))
        return self._row[before.id] if before is not None else None

    def _section(self, record: Record, source: Source) -> Surrounding | None:
        rows = self._passages.get(source.document, [])
        placed = containing_passage([self._records[i] for i in rows], _At(source))
        passage = placed or self._naming_passage(record, rows)
        if passage is None:
            return None
        heading = self._heading_above(record, passage, rows) or (passage.heading_path or ("",))[-1]
        if not heading:
            return None
        under = tuple(i for i in rows if self._records[i].heading_path[-1:] == (heading,))
        return Surrounding("section", heading, under or (self._row[passage.id],))

    def _heading_above(self, record: Record, passage: Passage, rows: list[int]) -> str:
        """The last heading the passage's text runs into before the record ("" when none).

        A short section is joined to the next in one passage, which keeps the first one's headings.
        """
        text = fold(passage.text)
        own = fold(passage.heading_path[-1]) if passage.heading_path else ""
        start = len(own) + 1 if own and text.startswith(own) else 1  # past the passage's own heading
        at = min((p for n in _anchors(record) if (p := text.find(n)) >= 0), default=-1)
        headings = {h for i in rows for h in self._records[i].heading_path[-1:]}
        marks = [(text.rfind(fold(h if h.endswith((".", "?", "!", ":")) else h + "."), start, at), h) for h in headings]
        where, heading = max(marks, default=(-1, ""))
        return heading if at > 0 and where > 0 else ""

    def _naming_passage(self, record: Record, rows: list[int]) -> Passage | None:
        """The first passage whose text names the record (a person's name, else its title or its first words)."""
        anchors = _anchors(record)
        for i in rows:
            text = fold(self._text(i))
            if any(n in text for n in anchors):
                return self._records[i]
        return None

    def _document(self, document: str) -> Surrounding | None:
        rows = self._passages.get(document, [])
        if not rows:
            return None
        return Surrounding("document", named_document(document, self._records[rows[0]]), tuple(rows))

    def _text(self, row: int) -> str:
        r = self._records[row]
        return " ".join((r.title, r.readable_text, *getattr(r, "programme", ())))


def _anchors(record: Record) -> list[str]:
    """What finds a record in a passage's text, folded: a person's names, else its title and its first words."""
    names = [record.name, *record.aliases] if isinstance(record, Person) else [record.title, record.text[:40]]
    return [fold(n.strip()) for n in names if len(n.strip()) >= 4]


@dataclass(frozen=True)
class _At:
    """Where a record was found (its source or one of its mentions), as ``containing_passage`` places it."""

    source: Source
    kind: str = "place"
