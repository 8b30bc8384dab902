"""Sections and what they list, decided by meaning rather than by exact headings.

A section is the run of blocks under one heading path. Its entries (list items,
or short one-line paragraphs when a file has no bullets) are each scored by the
record parsers; the heading's words only tip the balance. So "Anbefalt
forskning og litteratur", "Referanser" or no heading at all give a list of
works when the entries read as references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.citations import parse_citation
from ingest.layout import _REFERENCE_START, Block
from ingest.names import fold
from ingest.people import parse_person_entry
from ingest.practice import parse_practice

# Words in a heading that hint at what its list holds (folded: æ→ae, ø→o, å→a).
HEADING_HINTS = {
    "literature": r"litteratur|lesestoff|lesning|referanse|kilder|bok|boker|rapporter|forskning|reading|references|bibliograf",
    "person": r"ressursperson|foredragsholder|innleder|forelese|fagperson|bidragsyter|speaker|presenter|kontaktperson|hvem kan",
    "practice": r"praksis|eksempl|erfaringer fra|case|kommunene forteller|slik gjorde",
    "tip": r"tips|rad\b|rad og|muligheter|anbefaling|suksessfaktor|grep|ideer|husk",
    "question": r"refleksjon|sporsmal|drofting|diskusjon|til ettertanke",
}


@dataclass(frozen=True)
class Section:
    """Blocks under one heading path."""

    heading_path: tuple[str, ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Entry:
    """An entry of a section, classified as a kind of record (or None), with what its parser made of it."""

    block: Block
    kind: str | None
    heading_path: tuple[str, ...]
    parsed: object = None  # the Citation, [PersonMention] or Practice of the chosen kind: each entry is parsed once


def split_sections(blocks: list[Block] | tuple[Block, ...]) -> list[Section]:
    """Group blocks under their heading path."""
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    current: list[Block] = []

    def flush() -> None:
        if current:
            sections.append(Section(tuple(t for _, t in path), tuple(current)))

    for block in blocks:
        if block.kind == "heading":
            flush()
            current = []
            path = [(lvl, t) for lvl, t in path if lvl < block.level]
            path.append((block.level, block.text))
            continue
        current.append(block)
    flush()
    return sections


def _entry_scores(text: str) -> tuple[dict[str, float], dict[str, object]]:
    """How well an entry reads as each kind, and what each parser made of it."""
    scores = {"literature": 0.0, "person": 0.0, "practice": 0.0, "question": 0.0}
    parsed: dict[str, object] = {}
    citation = parse_citation(text)
    if citation:
        scores["literature"] = 1.0 if citation.year or citation.publication_type == "official" else 0.5
        parsed["literature"] = citation
    people = parse_person_entry(text)
    if people:
        scores["person"] = 1.0
        parsed["person"] = people
    practice = parse_practice(text)
    if practice:
        scores["practice"] = 1.0 if practice.strong else 0.4
        parsed["practice"] = practice
    if text.rstrip().endswith("?") and len(text) < 250:
        scores["question"] = 0.8
    return scores, parsed


def _entries_of(section: Section) -> list[Block]:
    items = [b for b in section.blocks if b.kind == "item"]
    if len(items) >= 2:
        return items
    # Files without bullets: a run of short one-line paragraphs is a list too.
    # A paragraph that starts like a reference is an entry however long it is (a PDF joins a list's lines).
    lines = [b for b in section.blocks if b.kind == "paragraph"
             and (len(b.text) < 300 or len(b.text) < 2000 and _REFERENCE_START.match(b.text))]
    if len(lines) >= 3 and len(lines) >= len(section.blocks) * 0.6:
        return lines
    if not items and section.heading_path and len(section.blocks) == 1 and lines:
        return lines  # a list of one under its heading: "Litteratur" and a single reference
    return items


def classify_section(section: Section) -> list[Entry]:
    """Classify each entry of a section as a kind of record.

    The section's kind is the one its entries score highest on together, with a
    nudge from the heading; entries that clearly parse as another kind keep theirs.

    Args:
        section: The section.

    Returns:
        One ``Entry`` per list entry (kind None for entries that are not records).
    """
    entries = _entries_of(section)
    if not entries:
        return []
    heading = fold(" ".join(section.heading_path[-1:]))
    hinted = {kind for kind, pattern in HEADING_HINTS.items() if re.search(pattern, heading)}
    analysed = [_entry_scores(b.text) for b in entries]
    per_entry = [scores for scores, _ in analysed]
    totals = {k: sum(s[k] for s in per_entry) for k in per_entry[0]}
    for kind in hinted & totals.keys():
        totals[kind] += 0.3 * len(entries)
    section_kind, best = max(totals.items(), key=lambda kv: kv[1])
    share = best / len(entries)

    out: list[Entry] = []
    for block, (scores, parsed) in zip(entries, analysed):
        kind: str | None = None
        if share >= 0.5 and scores[section_kind] > 0:
            kind = section_kind
        elif "tip" in hinted and share < 0.5:
            kind = "question" if scores["question"] and "question" in hinted else "tip"
        else:
            strongest, value = max(scores.items(), key=lambda kv: kv[1])
            if value >= 1.0:
                kind = strongest
        if kind == "question" and not ("question" in hinted or share >= 0.7):
            kind = None  # a stray question in prose is not a reflection question
        out.append(Entry(block, kind, section.heading_path, parsed.get(kind) if kind else None))
    return out
