"""A proposed content pack for a gathering: speakers, literature, practice, tips, reflection questions.

A facilitator picks a programme theme (or types a topic); each section is
filled by searching for that kind of record, preferring records whose best
theme is the chosen one. The pack is plain data, written out as Markdown or DOCX.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from absolutt_kb.bibliography import apa
from absolutt_kb.markdown import escape
from absolutt_kb.records import Person, Record, Work
from absolutt_kb.search import Searcher
from absolutt_kb.themes import Theme

SECTIONS = {
    "person": "Foredragsholdere og ressurspersoner",
    "literature": "Litteratur",
    "practice": "Praksiseksempler",
    "tip": "Tips",
    "question": "Refleksjonsspørsmål",
}


@dataclass(frozen=True)
class PackItem:
    """One proposed item: the record and the line that describes it in the pack."""

    record: Record
    line: str

    @property
    def source(self) -> str:
        """Where the item comes from, for the reader of the pack."""
        return f"{self.record.source.document}, {self.record.source.locator}"


@dataclass(frozen=True)
class GatheringPack:
    """A content pack: a heading, a topic description and items per section (kind)."""

    heading: str
    topic: str
    sections: dict[str, list[PackItem]]


def describe(record: Record) -> str:
    """One line for the pack: a person with affiliation and topics, a work as APA, others by their text."""
    if isinstance(record, Person):
        line = record.name + (f", {record.affiliation}" if record.affiliation else "")
        return line + (f" – {'; '.join(record.topics)}" if record.topics else "")
    if isinstance(record, Work):
        return apa(record)
    return " ".join(record.readable_text.split())


def propose_pack(searcher: Searcher, topic: str, theme: Theme | None = None, per_section: int = 5) -> GatheringPack:
    """Propose a pack for a theme, or for a typed topic when ``theme`` is None.

    Args:
        searcher: Search over the loaded index.
        topic: Words for the topic; for a theme, its description is used when empty.
        theme: The programme theme the gathering is about, or None.
        per_section: Items per section at most.

    Returns:
        The pack; a section with nothing found is empty.
    """
    query = topic or (theme.description if theme else "")
    sections: dict[str, list[PackItem]] = {}
    for kind in SECTIONS:
        hits = searcher.search(query, k=per_section, kind=kind, theme=theme.id if theme else None) if query else []
        if theme and len(hits) < per_section:  # fill up with the best matches from any theme
            seen = {h.record.id for h in hits}
            hits += [h for h in searcher.search(query, k=2 * per_section, kind=kind) if h.record.id not in seen]
        sections[kind] = [PackItem(h.record, describe(h.record)) for h in hits[:per_section]]
    heading = f"Samling: {theme.title}" if theme else f"Samling: {topic}"
    description = theme.description if theme else topic
    return GatheringPack(heading=heading, topic=description, sections=sections)


def to_markdown(pack: GatheringPack) -> str:
    """The pack as a Markdown document, sources named under each item."""
    out = [f"# {pack.heading}", "", pack.topic, ""]
    for kind, title in SECTIONS.items():
        items = pack.sections.get(kind, [])
        if not items:
            continue
        out += [f"## {title}", ""]
        out += [f"- {escape(item.line)}  \n  *Kilde: {escape(item.source)}*" for item in items]
        out.append("")
    return "\n".join(out)


def to_docx(pack: GatheringPack) -> bytes:
    """The pack as a Word document."""
    from docx import Document

    doc = Document()
    doc.add_heading(pack.heading, level=1)
    doc.add_paragraph(pack.topic)
    for kind, title in SECTIONS.items():
        items = pack.sections.get(kind, [])
        if not items:
            continue
        doc.add_heading(title, level=2)
        for item in items:
            paragraph = doc.add_paragraph(item.line, style="List Bullet")
            paragraph.add_run(f"\nKilde: {item.source}").italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
