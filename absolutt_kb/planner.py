"""A proposed content pack for a gathering: speakers, literature, practice, tips, reflection questions.

A facilitator picks a programme theme (or types a topic); each section is
filled by searching for that kind of record, preferring records whose best
theme is the chosen one. The facilitator adds the date, the place and the
programme. The pack is plain data, written out as Markdown or DOCX.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from absolutt_kb.bibliography import apa
from absolutt_kb.browse import document_title, readable_name
from absolutt_kb.markdown import escape
from absolutt_kb.records import Person, Record, Work
from absolutt_kb.search import Searcher
from absolutt_kb.talks import talk_topics, theme_reason
from absolutt_kb.themes import Theme

AUTHOR = "absolutt-kb"

SECTIONS = {
    "person": "Foredragsholdere og ressurspersoner",
    "literature": "Litteratur",
    "practice": "Praksiseksempler",
    "tip": "Tips",
    "question": "Refleksjonsspørsmål",
}


@dataclass(frozen=True)
class PackItem:
    """One proposed item: the record, the line that describes it in the pack and its document's title."""

    record: Record
    line: str
    document: str = ""

    @property
    def source(self) -> str:
        """Where the item comes from, for the reader of the pack: the document's title, not its file name."""
        return self.document or readable_name(self.record.source.document)


@dataclass(frozen=True)
class GatheringPack:
    """A content pack: a heading, a topic description, items per section (kind) and the facilitator's header.

    ``date``, ``place`` and ``agenda`` are free text the facilitator writes ("21. mars 2025, kl. 09–15",
    one programme line a line); "" when not filled in.
    """

    heading: str
    topic: str
    sections: dict[str, list[PackItem]] = field(default_factory=dict)
    date: str = ""
    place: str = ""
    agenda: str = ""


def describe(record: Record, theme_id: str | None = None) -> str:
    """One line for the pack: a person with affiliation and topics, a work as APA, others by their text.

    A person's topics are what they can speak about: contact lines and job titles are left out
    (``absolutt_kb.talks``). With none left, the line says why the person is linked to the theme, or
    names no topic.
    """
    if isinstance(record, Person):
        line = record.name + (f", {record.affiliation}" if record.affiliation else "")
        topics = talk_topics(record)
        if topics:
            return f"{line} – {'; '.join(topics)}"
        reason = theme_reason(record, theme_id)
        return f"{line} (temakobling: {reason})" if reason else line
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
    theme_id = theme.id if theme else None
    titles: dict[str, str] = {}
    sections: dict[str, list[PackItem]] = {}
    for kind in SECTIONS:
        hits = searcher.search(query, k=per_section, kind=kind, theme=theme.id if theme else None) if query else []
        if theme and len(hits) < per_section:  # fill up with the best matches from any theme
            seen = {h.record.id for h in hits}
            hits += [h for h in searcher.search(query, k=2 * per_section, kind=kind) if h.record.id not in seen]
        sections[kind] = []
        for hit in hits[:per_section]:
            document = hit.record.source.document
            if document not in titles:
                titles[document] = document_title(searcher.index, document)
            sections[kind].append(PackItem(hit.record, describe(hit.record, theme_id), titles[document]))
    heading = f"Samling: {theme.title}" if theme else f"Samling: {topic}"
    description = theme.description if theme else topic
    return GatheringPack(heading=heading, topic=description, sections=sections)


def _header_lines(pack: GatheringPack) -> list[tuple[str, str]]:
    return [(label, value.strip()) for label, value in (("Dato", pack.date), ("Sted", pack.place)) if value.strip()]


def _agenda_lines(pack: GatheringPack) -> list[str]:
    return [line.strip() for line in pack.agenda.splitlines() if line.strip()]


def _inline(text: str) -> str:
    """``text`` escaped for the middle of a line: "21. mars" after "**Dato:** " starts no list, so needs no "\\."."""
    return escape("x" + text.strip())[1:]


def to_markdown(pack: GatheringPack) -> str:
    """The pack as a Markdown document: date, place and programme first, sources named under each item."""
    out = [f"# {escape(pack.heading)}", ""]
    header = _header_lines(pack)
    if header:
        out += ["  \n".join(f"**{label}:** {_inline(value)}" for label, value in header), ""]
    out += [escape(pack.topic), ""]
    agenda = _agenda_lines(pack)
    if agenda:
        out += ["## Program", "", *(f"- {_inline(line)}" for line in agenda), ""]
    for kind, title in SECTIONS.items():
        items = pack.sections.get(kind, [])
        if not items:
            continue
        out += [f"## {title}", ""]
        out += [f"- {escape(item.line)}  \n  *Kilde: {escape(item.source)}*" for item in items]
        out.append("")
    return "\n".join(out)


def _clip(text: str, limit: int = 255) -> str:
    """Word keeps at most 255 characters in a document property."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def to_docx(pack: GatheringPack) -> bytes:
    """The pack as a Word document, titled and authored in its properties (not "python-docx")."""
    from docx import Document

    doc = Document()
    properties = doc.core_properties
    properties.title = _clip(pack.heading)
    properties.author = properties.last_modified_by = AUTHOR
    properties.subject = _clip(pack.topic)
    properties.keywords = _clip(", ".join(["ABSOLUTT", "samling", pack.heading.removeprefix("Samling: ")]))
    properties.comments = "Innholdsforslag fra ABSOLUTT kunnskapsbase"
    properties.language = "nb-NO"
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    properties.revision = 1
    doc.add_heading(pack.heading, level=1)
    for label, value in _header_lines(pack):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    doc.add_paragraph(pack.topic)
    agenda = _agenda_lines(pack)
    if agenda:
        doc.add_heading("Program", level=2)
        for line in agenda:
            doc.add_paragraph(line)
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
