"""From read documents to typed records: one document at a time, then merged.

``extract_document`` turns one ``Document`` into records (people, works,
practice examples, tips, questions, gatherings, passages). ``merge_records``
joins what several documents say about the same person or work.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections import Counter

from absolutt_kb.records import (
    Gathering,
    Passage,
    Person,
    PracticeExample,
    Record,
    ReflectionQuestion,
    Source,
    Tip,
    Work,
    with_changes,
)
from ingest.chunking import ChunkPolicy, chunk_sections
from ingest.gatherings import GATHERING_WORDS, find_gatherings
from ingest.layout import cell_lines
from ingest.mentions import NameFinder, find_people
from ingest.names import ORG_PATTERN, fold
from ingest.ocr import OcrRepairer, system_word_list
from ingest.people import PersonMention, find_mentions, find_programme_people, find_signatures
from ingest.practice import Practice, document_practice, practice_in_line
from ingest.readers import Document
from ingest.sections import classify_section, split_sections

ROLE_LABELS = {
    "resource_person": "ressursperson",
    "presenter": "innleder",
    "organiser": "arrangør",
    "contact": "kontaktperson",
}


def slug(text: str, limit: int = 48) -> str:
    """A stable, readable id part: folded, ASCII, dash-separated."""
    text = fold(text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].rstrip("-") or "x"


def _short_hash(text: str) -> str:
    return hashlib.sha1(fold(re.sub(r"\s+", " ", text)).encode()).hexdigest()[:10]


def document_owner(text: str) -> str:
    """The organisation a document most often names as a municipality or county."""
    counts = Counter(m.group(0) for m in ORG_PATTERN.finditer(text) if re.search(r"kommune$", m.group(0)))
    return counts.most_common(1)[0][0] if counts else ""


def _person_text(m: PersonMention) -> str:
    parts = [m.name + (f", {m.affiliation}" if m.affiliation else "")]
    if m.topics:
        parts.append("om " + "; ".join(m.topics))
    parts.append(f"({ROLE_LABELS[m.role]})")
    if m.context and m.context not in " ".join(parts):
        parts.append("– " + m.context)
    return " ".join(parts)


def _bare(m: PersonMention) -> bool:
    """Whether the place that names a person says little more than the name ("Marianne Aagedal" on its own line)."""
    return len(m.context.replace(m.name, "").strip(" ,.:;–-")) < 15


def _document_title(doc: Document) -> str:
    """The document's title line (what a reader calls the event or report), "" when it has none short enough."""
    first = doc.blocks[0].text if doc.blocks else ""
    return first if len(first) <= 120 else ""


def _practice(p: Practice, source: Source) -> PracticeExample:
    return PracticeExample(
        id=f"practice:{slug(p.owner, 24)}-{slug(p.title, 40)}",
        title=f"{p.owner}: {p.title}",
        text=p.description,
        source=source,
        owner=p.owner,
        description=p.description,
    )


def _practice_in_lines(doc: Document, recorded: set[int]) -> list[tuple[Practice, str]]:
    """Practice examples named in programme lines and sentences, and a document that tells one owner's work."""
    found: list[tuple[Practice, str]] = []
    for b in doc.blocks:
        if id(b) in recorded or b.kind == "heading" and len(b.text) > 150:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", b.text) if len(b.text) > 300 else [b.text]:
            p = practice_in_line(sentence)
            if p:
                found.append((p, b.locator))
    if doc.blocks:
        opening = " ".join(b.text for b in doc.blocks[:4])[:800]
        p = document_practice(doc.blocks[0].text, opening)
        if p:
            found.append((p, doc.blocks[0].locator))
    return found


def _person(m: PersonMention, source: Source) -> Person:
    return Person(
        id=f"person:{slug(m.name)}",
        title=m.name,
        text=_person_text(m),
        source=source,
        name=m.name,
        affiliation=m.affiliation,
        topics=m.topics,
        role=m.role,
        mentions=(source,),
    )


_INNER_CAPITAL = re.compile(r"(?<![.!?:•«\"(]\s)(?<![.!?:•«\"(])(?<!^)\b[A-ZÆØÅ]\w")


def _recognise(names: NameFinder, texts: list[str]) -> list[list]:
    """Names in each text; long prose whose only capitals start its sentences cannot hold a full name and is skipped."""
    wanted = [i for i, t in enumerate(texts) if len(t.split()) <= 12 or _INNER_CAPITAL.search(t)]
    found = names([texts[i] for i in wanted]) if wanted else []
    spans: list[list] = [[] for _ in texts]
    for i, block_spans in zip(wanted, found):
        spans[i] = block_spans
    return spans


def _name_tokens(spans: list[list]) -> set[str]:
    """Folded words of every person name the recogniser found in a document."""
    return {fold(w) for block_spans in spans for s in block_spans if s.label == "PER" for w in s.text.split()}


def _confirmed(name: str, tokens: set[str] | None) -> bool:
    """Whether the recogniser agrees that a name found by the list rules is a person's name."""
    if tokens is None:
        return True
    words = [fold(w) for w in name.split() if len(w) > 2 and not w.endswith(".")]
    known = sum(w in tokens for w in words)
    return known == len(words) or (known >= 2 and known == len(words) - 1)  # one word the recogniser missed


def extract_document(doc: Document, policy: ChunkPolicy = ChunkPolicy(), names: NameFinder | None = None) -> list[Record]:
    """All records one document gives.

    Args:
        doc: A read document.
        policy: Passage size.
        names: A name recogniser; with it, people come from recognised names and
            the layout around them, and the list rules only keep names it confirms.

    Returns:
        Records in document order, passages last; persons are not yet merged
        across documents.
    """
    records: list[Record] = []
    sections = split_sections(doc.blocks)
    owner = document_owner(doc.text)

    def src(locator: str) -> Source:
        return Source(document=doc.name, locator=locator)

    spans = _recognise(names, [b.text for b in doc.blocks]) if names is not None else None
    tokens = _name_tokens(spans) if spans is not None else None
    listed: set[str] = set()
    recorded: set[int] = set()
    for section in sections:
        for entry in classify_section(section):
            text, loc = entry.block.text, entry.block.locator
            if entry.kind:
                recorded.add(id(entry.block))
            if entry.kind == "person":
                for m in entry.parsed or ():
                    if _confirmed(m.name, tokens):
                        records.append(_person(m, src(loc)))
                        listed.add(m.name)
            elif entry.kind == "literature":
                c = entry.parsed
                if c:
                    first = c.authors[0].split(",")[0] if c.authors else ""
                    records.append(
                        Work(
                            id=f"literature:{slug(first, 24)}-{c.year or 'ua'}-{slug(c.title, 40)}",
                            title=c.title,
                            text=c.citation,
                            source=src(loc),
                            authors=c.authors,
                            year=c.year,
                            publisher=c.publisher,
                            place=c.place,
                            citation=c.citation,
                            et_al=c.et_al,
                            editors=c.editors,
                        )
                    )
            elif entry.kind == "practice":
                p = entry.parsed
                if p:
                    records.append(_practice(p, src(loc)))
            elif entry.kind == "tip":
                records.append(Tip(id=f"tip:{_short_hash(text)}", title=text, text=text, source=src(loc)))
            elif entry.kind == "question":
                records.append(
                    ReflectionQuestion(id=f"question:{_short_hash(text)}", title=text, text=text, source=src(loc))
                )

    texts = [line for b in doc.blocks for line in cell_lines(b)]
    locs = {line: b.locator for b in doc.blocks for line in cell_lines(b)}
    mentions: list[tuple[PersonMention, str]] = []
    for n, b in enumerate(doc.blocks):
        # The cue rules for running text keep a name only where the recogniser sees a person in that same block.
        own = _name_tokens([spans[n]]) if spans is not None else None
        for line in cell_lines(b):
            mentions.extend((m, b.locator) for m in find_mentions(line) if _confirmed(m.name, own))
    mentions.extend((m, locs.get(m.text.split(",")[0], "")) for m in find_signatures(texts, owner))
    mentions.extend((m, locs.get(m.text.split(" – ")[-1], "")) for m in find_programme_people(texts))
    found_practice: list[tuple[Practice, str]] = []
    if spans is not None:
        findings = find_people(doc.blocks, spans)
        title = _document_title(doc)
        event = bool(GATHERING_WORDS.search(title) or re.search(r"\b(?:19|20)\d\d\b", title))  # "Styrerkonferansen 2021"
        mentions.extend(
            # A card that says little by itself ("Marianne Aagedal" under "Praktisk ansvarlig") says where it is from.
            (dataclasses.replace(m, context=f"{m.context} (fra «{title}»)") if title and (event or _bare(m)) else m, loc)
            for m, loc in findings.people
        )
        found_practice.extend(findings.practice)
        for author, title, loc in findings.books:
            surname = author.split()[-1]
            citation = f"{surname}, {' '.join(author.split()[:-1])}: {title}."
            records.append(
                Work(id=f"literature:{slug(surname, 24)}-ua-{slug(title, 40)}", title=title, text=citation,
                     source=src(loc), authors=(f"{surname}, {' '.join(author.split()[:-1])}",), citation=citation)
            )
    found_practice.extend(_practice_in_lines(doc, recorded))
    for p, loc in found_practice:
        records.append(_practice(p, src(loc)))
    for m, loc in mentions:
        if m.context or (m.name not in listed and _confirmed(m.name, tokens)):
            records.append(_person(m, src(loc)))

    for g in find_gatherings(list(doc.blocks)):
        label = f"Samling {g.region}".strip() + f" {g.date}"
        topics = "; ".join(g.topics)
        text = " ".join(
            part
            for part in (
                f"{label}.",
                f"Tema: {topics}." if topics else "",
                f"Sted: {g.place}." if g.place else "",
                g.text,
                ("Program: " + " | ".join(g.programme)) if g.programme else "",
            )
            if part
        )
        records.append(
            Gathering(
                id=f"gathering:{slug(g.region or doc.name, 30)}-{g.date}",
                title=label + (f": {topics}" if topics else ""),
                text=text,
                source=src(g.locator),
                region=g.region,
                date=g.date,
                end_date=g.end_date,
                place=g.place,
                topics=g.topics,
                programme=g.programme,
            )
        )

    repair = _ocr_repair_for(doc.text)
    # The document's identity is its whole relative path ("plan.txt" and "plan.md", "sub/notat.txt" and
    # "sub-notat.txt" are two documents), so ids carry a hash of it beside the readable part.
    stem = f"{slug(doc.name, 40)}-{hashlib.sha1(doc.name.encode()).hexdigest()[:8]}"
    for n, chunk in enumerate(chunk_sections(sections, policy, frozenset(recorded))):
        # Headings are shown as titles, so they are repaired in place; the passage's text keeps them as written.
        headings = tuple(repair(h) or h for h in chunk.heading_path) if repair else chunk.heading_path
        title = " › ".join(headings[-2:]) or doc.name
        records.append(
            Passage(
                id=f"passage:{stem}:{n:04d}",
                title=title,
                text=chunk.text,
                source=src(chunk.locator),
                heading_path=headings,
                position=n,
                record_share=round(chunk.record_words / max(1, len(chunk.text.split())), 3),
            )
        )
    if repair:  # every record of a damaged document is read in its repaired form; its text stays as written
        records = [with_changes(r, repaired_text=fixed) if (fixed := repair(r.text)) else r for r in records]
    return records


def _ocr_repair_for(text: str):
    """A function that repairs this document's OCR damage, or None when it has none."""
    words = re.findall(r"\w+", text.lower())
    if sum(w in ("pa", "ma", "ogsa") for w in words) < 3:  # cheap test before loading the word list
        return None
    repairer = OcrRepairer(system_word_list())
    if not repairer.looks_damaged(text):
        return None
    vocabulary = sorted({w for w in words if len(w) >= 6 and w in repairer.lexicon})

    def repair(chunk: str) -> str:
        fixed = repairer.repair(chunk, vocabulary)
        return fixed if fixed != chunk else ""

    return repair
