"""Typed records: what the knowledge base knows, each with its source.

Every record is a small frozen dataclass. ``to_dict`` gives the JSON shape the
command line and the app share; ``record_from_dict`` reads it back.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, ClassVar

KINDS = ("person", "literature", "practice", "tip", "question", "gathering", "passage")



KIND_LABELS = {
    "person": "Personer",
    "literature": "Litteratur",
    "practice": "Praksiseksempler",
    "tip": "Tips",
    "question": "Refleksjonsspørsmål",
    "gathering": "Samlinger",
    "passage": "Utdrag fra dokumenter",
}
# One record's kind, as its badge says it ("Person", not "Personer").
KIND_NAMES = {
    "person": "Person",
    "literature": "Litteratur",
    "practice": "Praksiseksempel",
    "tip": "Tips",
    "question": "Refleksjonsspørsmål",
    "gathering": "Samling",
    "passage": "Utdrag",
}


@dataclass(frozen=True)
class Source:
    """Where a record was found: a corpus document, a place in it, and the collection (KS region) it belongs to."""

    document: str
    locator: str
    region: str = ""


@dataclass(frozen=True)
class ThemeLink:
    """A scored link from a record to a programme theme, with its evidence."""

    id: str
    label: str
    score: float
    evidence: str = ""
    subtheme: str = ""  # the closest sub-theme, "" when the theme's description itself was closest


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@dataclass(frozen=True, kw_only=True)
class Record:
    """Fields every record has. ``text`` is the text that supports it, as the document says it.

    ``repaired_text`` is that text with OCR damage repaired ("lzering" →
    "læring"), "" when the document has none: what people read
    (``readable_text``), while ``text`` keeps what the document says.
    """

    id: str
    title: str
    text: str
    source: Source
    themes: tuple[ThemeLink, ...] = ()
    links: tuple[str, ...] = ()
    repaired_text: str = ""

    kind: ClassVar[str] = "record"

    @property
    def readable_text(self) -> str:
        """The text to show and to search by: repaired where OCR damaged it."""
        return self.repaired_text or self.text

    @property
    def regions(self) -> tuple[str, ...]:
        """The collections (KS regions) the record is found in: its source's, and its other mentions'."""
        found = [self.source.region, *(m.region for m in getattr(self, "mentions", ()))]
        return tuple(sorted({r for r in found if r}))

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-ready data."""
        data: dict[str, Any] = {"id": self.id, "kind": self.kind}
        for name in _field_names(type(self)):
            if name == "id":
                continue
            value = getattr(self, name)
            if name == "source":
                value = dict(value.__dict__)  # flat frozen dataclasses: no deep copy needed
            elif name == "themes" or name == "mentions":
                value = [dict(item.__dict__) for item in value]
            elif isinstance(value, tuple):
                value = list(value)
            data[name] = value
        return data


@dataclass(frozen=True, kw_only=True)
class Person(Record):
    """A person the programme material names: speaker, presenter, organiser, contact."""

    name: str
    affiliation: str = ""
    topics: tuple[str, ...] = ()
    role: str = "resource_person"
    aliases: tuple[str, ...] = ()
    mentions: tuple[Source, ...] = ()

    kind: ClassVar[str] = "person"


PUBLICATION_TYPES = ("book", "chapter", "article", "report", "official", "thesis")


def reference_lead(publication_type: str, document_type: str, number: str, authors: tuple[str, ...]) -> str:
    """What a reference starts with: a public document's series and number ("Meld. St. 19 (2015–2016)",
    "NOU 2015: 8"), as Norwegian APA cites them, or else the first author ("" when none)."""
    if publication_type == "official" and number:
        return f"{document_type} {number}".strip()
    return authors[0] if authors else ""


@dataclass(frozen=True, kw_only=True)
class Work(Record):
    """A work of literature (book, chapter, article, report, white paper, thesis), parsed from a citation.

    ``authors`` are persons ("Surname, Given") and organisations
    (``corporate_authors`` names which are organisations); a white paper's or
    NOU's series and number are not an author but ``document_type`` and
    ``number``, its ministry is. ``editors`` says that the authors edited the
    whole book; a chapter's book and its editors are ``container`` and
    ``container_editors``. The fields after ``editors`` came later: an index
    built before has their defaults (``publication_type`` "" means "judge from
    the wording", see ``absolutt_kb.bibliography.work_type``).
    """

    authors: tuple[str, ...] = ()
    year: int | None = None
    publisher: str = ""  # for a report its institution, for a thesis its university
    place: str = ""
    citation: str = ""
    et_al: bool = False
    editors: bool = False
    corporate_authors: tuple[str, ...] = ()
    publication_type: str = ""  # one of PUBLICATION_TYPES
    container: str = ""  # the book a chapter is in
    container_editors: tuple[str, ...] = ()
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    document_type: str = ""  # "Meld. St.", "NOU", "NIFU", "Rapport", "Ph.d.-avhandling"
    number: str = ""  # "19 (2015–2016)", "2015: 8", "2015:27"
    url: str = ""

    kind: ClassVar[str] = "literature"

    @property
    def lead(self) -> str:
        """What the reference starts with: a public document's series and number, or the first author."""
        return reference_lead(self.publication_type, self.document_type, self.number, self.authors)

    @property
    def report_number(self) -> str:
        """The series and number together ("Meld. St. 19 (2015–2016)", "NIFU 2015:27"), "" when it has none."""
        return f"{self.document_type} {self.number}".strip() if self.number else ""

    def is_corporate(self, author: str) -> bool:
        """Whether ``author`` is an organisation. An index built before the flag knew only the name's form."""
        return author in self.corporate_authors or ("," not in author and " " in author.strip())


@dataclass(frozen=True, kw_only=True)
class PracticeExample(Record):
    """A practice example: what a municipality, county or region has done."""

    owner: str = ""
    description: str = ""

    kind: ClassVar[str] = "practice"


@dataclass(frozen=True, kw_only=True)
class Tip(Record):
    """A practical tip or opportunity from the programme material."""

    kind: ClassVar[str] = "tip"


@dataclass(frozen=True, kw_only=True)
class ReflectionQuestion(Record):
    """A question the programme asks participants to reflect on."""

    kind: ClassVar[str] = "question"


@dataclass(frozen=True, kw_only=True)
class Gathering(Record):
    """A programme gathering (samling): when, where, for whom and on what."""

    region: str = ""
    date: str | None = None
    end_date: str | None = None
    place: str = ""
    topics: tuple[str, ...] = ()
    programme: tuple[str, ...] = ()

    kind: ClassVar[str] = "gathering"


@dataclass(frozen=True, kw_only=True)
class Passage(Record):
    """A chunk of a document, with the heading path it sits under."""

    heading_path: tuple[str, ...] = ()
    position: int = 0
    record_share: float = 0.0  # how much of the passage is list entries that became records

    kind: ClassVar[str] = "passage"


RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls for cls in (Person, Work, PracticeExample, Tip, ReflectionQuestion, Gathering, Passage)
}


def record_from_dict(data: dict[str, Any]) -> Record:
    """Rebuild a record from the dict ``Record.to_dict`` made.

    Args:
        data: A record as plain data; unknown keys are ignored.

    Returns:
        The typed record.
    """
    cls = RECORD_TYPES[data["kind"]]
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "source":
            value = Source(**value)
        elif f.name == "themes":
            value = tuple(ThemeLink(**t) for t in value)
        elif f.name == "mentions":
            value = tuple(Source(**s) for s in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def with_changes(record: Record, **changes: Any) -> Record:
    """Return a copy of ``record`` with some fields replaced."""
    return dataclasses.replace(record, **changes)


__all__ = [
    "KINDS",
    "KIND_LABELS",
    "KIND_NAMES",
    "PUBLICATION_TYPES",
    "Gathering",
    "Passage",
    "Person",
    "PracticeExample",
    "Record",
    "ReflectionQuestion",
    "Source",
    "ThemeLink",
    "Tip",
    "Work",
    "record_from_dict",
    "reference_lead",
    "with_changes",
]
