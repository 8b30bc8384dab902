"""People from recognised names and the layout around them.

A name recogniser (injected: any callable that gives, per text, spans with
``label``, ``start``, ``end`` and ``text``) marks the names; this module decides
which of them are people the document gives a part, and what it says of them:

- **role** from the cue around the name: a table with a name column, a
  programme slot, "v/", "ved", a label ("Møteleder:", "Ordstyrar:",
  "Kontakt"), a list of members or contributors the block belongs to, or a
  verb of speaking in prose ("snakket om", "fortel", "åpnet konferansen");
- **affiliation** from the organisation next to the name (comma, parentheses,
  "fra"/"frå"/"ved"/"i", the table column, "Frå X:" before a list of names),
  shared by names joined with "og";
- **topic** from the talk title (the table's topic column, the slot's title
  line, "om …" after the name).

A name with no such cue (news prose, a quotation, a thank-you, a byline, a
case officer, a photo credit, a name inside the name of a building or a
foundation) gives no person; its text stays searchable as a passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.cues import BYLINE, LABEL_ONLY, RELATIVE_ORG, THING_AFTER, VETO, role_of
from ingest.layout import TIME, Block
from ingest.names import JOB_TITLE_RE, is_org, is_person_name
from ingest.people import PersonMention
from ingest.practice import Practice


class NameSpanLike(Protocol):
    """What a recogniser returns for each name: its type and place in the text."""

    label: str
    start: int
    end: int
    text: str


NameFinder = Callable[[list[str]], list[list[NameSpanLike]]]

TIME_SLOT = re.compile(rf"^\s*{TIME}(?:\s*[-–—]\s*{TIME})?\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«\"“])")

_TOPIC_HEADER = re.compile(r"tema|emne|tittel|topic|title|innhald|innhold|foredrag", re.IGNORECASE)
_NAME_HEADER = re.compile(r"namn|navn|name|innleder|innleiar|foredragsh|person", re.IGNORECASE)
_AFFILIATION_HEADER = re.compile(r"arbeidsstad|arbeidssted|stilling|tilhørighet|organisasjon|institusjon|affiliation|fra|frå", re.IGNORECASE)
_PREPOSITION_ORG = re.compile(r"^\s*,?\s*(?:fra|frå|ved|i|hos|på)\s+(?:[a-zæøå]+\s+){0,2}(?=[A-ZÆØÅ])")
_FROM_PREFIX = re.compile(r"^\s*(?:fra|frå)\s+(?P<org>[^:]{2,80}):\s*", re.IGNORECASE)
_PARTICLES = {"van", "von", "de", "der", "den", "ten", "la", "le", "da", "di", "af"}
_CONNECTORS = {"i", "og", "for", "på", "av", "-", "–"}


def _is_full_name(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 6 or any(c.isdigit() for c in text):
        return False
    return all(t[:1].isupper() or t.lower() in _PARTICLES for t in tokens) and tokens[-1][:1].isupper()


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    first, last = 0, len(text)
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= start:
            first = m.end()
        elif m.start() >= end:
            last = m.start()
            break
    return first, last


def _capitalised_run(text: str) -> str:
    """The organisation a phrase starts with: capitalised words and the small words between them."""
    words = text.split()
    taken: list[str] = []
    for word in words:
        bare = word.strip(",.;:()")
        if bare[:1].isupper() or bare[:1].isdigit() or taken and (bare.lower() in _CONNECTORS or bare.lower() in {"kommune", "fylkeskommune", "universitet",
                                                                        "stiftelse", "barnehage", "skule", "skole"}):
            taken.append(bare)
        else:
            break
        if word.endswith((",", ".", ";", ":", ")")):
            break
    while taken and taken[-1].lower() in _CONNECTORS:
        taken.pop()
    return " ".join(taken)


def _affiliation_from_appositive(appositive: str) -> str:
    """"førsteamanuensis, Universitetet i Oslo og leder av X" → "Universitetet i Oslo og leder av X"; a bare title → ""."""
    appositive = re.sub(r"\s+(?:og|and|&)\s+[a-zæøå][^A-ZÆØÅ]*$", "", appositive).strip(" ,.;")
    parts = appositive.split(", ")
    while len(parts) > 1 and JOB_TITLE_RE.search(parts[0]) and not is_org(parts[0]) and len(parts[0].split()) <= 3:
        parts = parts[1:]  # "Førsteamanuensis, NTNU": the title is not the place of work
    appositive = ", ".join(parts)
    match = re.search(r"(?:^|[\s,/(])([A-ZÆØÅ0-9][^\s]*)", appositive)
    if not match:
        return ""
    return appositive[match.start(1):].strip(" ,.;()")


@dataclass
class _Found:
    name: str
    role: str
    affiliation: str
    topics: list[str]
    context: str
    locator: str
    after: str  # text between this name and the next name (or the end of its clause)
    slot: str = ""  # the programme slot's text up to this name


@dataclass(frozen=True)
class Findings:
    """What the names in a document give: people, and the talks that present an owner's own work."""

    people: tuple[tuple[PersonMention, str], ...]  # (person, locator)
    practice: tuple[tuple[Practice, str], ...]  # (example, locator)
    books: tuple[tuple[str, str, str], ...] = ()  # (author, title, locator): a book a speaker's bio names


_BOOK = re.compile(
    r"\b(?:bok|boka|boken|boki|bøker|book)\b[^.]{0,60}?\b(?:heter|heiter|med tittelen|kalt|kalla|titled)\s+"
    r"[«\"“]?(?P<title>[A-ZÆØÅ][^«»\"“”.]{2,120})",
    re.IGNORECASE,
)


_EXAMPLE_SLOT = re.compile(r"eksempel|praksis|erfaring", re.IGNORECASE)
_OWNER_AFFILIATION = re.compile(r"\w*(?:kommune|skole|skule|barnehage|barnehagen)\b", re.IGNORECASE)
_OWN_WORK = re.compile(r"prosjekt|praksis|erfaring|arbeid med|partnerskap|satsing|\bvår\b|\bvårt\b|\bsitt\b", re.IGNORECASE)


class _Layout:
    """Facts about the document's layout that decide cues: programme slots, sections, lead-in labels."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = blocks
        self.section: list[int] = []
        self.slot: list[int | None] = []
        section, slot = 0, None
        for i, b in enumerate(blocks):
            if b.kind == "heading":
                section, slot = i, None
            if TIME_SLOT.match(b.text) and b.kind != "heading":
                slot = i
            self.section.append(section)
            self.slot.append(slot)
        self.programme = sum(1 for b in blocks if TIME_SLOT.match(b.text)) >= 2

    def lead_in(self, i: int) -> str:
        """The label a list of names hangs under: the last short block ending with ':' (or heading) before ``i``."""
        for j in range(i - 1, max(self.section[i] - 1, i - 4), -1):
            text = self.blocks[j].text
            if self.blocks[j].kind == "heading" or text.rstrip().endswith(":"):
                return text
        return ""

    def slot_title(self, i: int, has_person: Callable[[int], bool]) -> list[str]:
        """Talk title lines of the programme slot block ``i`` is in, nearest first."""
        start = self.slot[i]
        if start is None:
            return []
        titles: list[str] = []
        for j in range(i - 1, start - 1, -1):
            if has_person(j):
                break
            text = TIME_SLOT.sub("", self.blocks[j].text).strip(" .«»\"“”")
            if text and not TIME_SLOT.fullmatch(self.blocks[j].text.strip()):
                titles.append(text)
            if len(titles) == 2:
                break
        return titles


def find_people(blocks: Sequence[Block], spans: list[list[NameSpanLike]]) -> Findings:
    """The people a document gives a part, from its recognised names and its layout.

    A talk is also a practice example when its slot presents examples ("Eksempel
    på samarbeid …") or when a municipality, school or kindergarten presents its
    own work ("Om nærmiljøprosjektet i Volda kommune", by someone from Volda kommune).

    Args:
        blocks: The document's blocks in reading order.
        spans: The recognised names of each block's text (same order as ``blocks``).

    Returns:
        Each person and practice example found, with the locator of the block that names them.
    """
    layout = _Layout(blocks)
    people_in = [
        [s for s in block_spans if s.label == "PER" and _is_full_name(s.text)] for block_spans in spans
    ]
    out: list[tuple[PersonMention, str]] = []
    practice: dict[tuple[str, str], tuple[Practice, str]] = {}
    for i, block in enumerate(blocks):
        found = _block_people(block, i, people_in[i], spans[i], layout, lambda j: bool(people_in[j]))
        slot = " ".join(b.text for b in blocks[layout.slot[i] : i]) if layout.slot[i] is not None else ""
        for f in found:
            mention = PersonMention(
                name=f.name, affiliation=f.affiliation, topics=tuple(t for t in f.topics if t), role=f.role,
                text=f.context, context=f.context,
            )
            out.append((mention, f.locator))
            title = next((t for t in f.topics if t), "")
            if f.role != "presenter" or not title or not f.affiliation:
                continue
            if _EXAMPLE_SLOT.search(slot) or (_OWNER_AFFILIATION.search(f.affiliation) and _OWN_WORK.search(title)):
                description = " ".join(dict.fromkeys([slot, block.text])).strip()
                key = (f.affiliation, title)
                practice.setdefault(key, (Practice(f.affiliation, title, description, strong=True), f.locator))
    books: list[tuple[str, str, str]] = []
    for mention, locator in out:
        if mention.role in ("presenter", "resource_person"):
            for match in _BOOK.finditer(mention.context):
                books.append((mention.name, match.group("title").strip(" ,:"), locator))
    return Findings(tuple(out), tuple(practice.values()), tuple(dict.fromkeys(books)))


@dataclass(frozen=True)
class _CellName:
    label: str
    start: int
    end: int
    text: str


def _name_cells(block: Block, spans: list[NameSpanLike]) -> list[NameSpanLike]:
    """Cells of a name column ("Namn", "Navn") that read as a full name but were not tagged as a person."""
    header = list(block.header) + [""] * max(0, len(block.cells) - len(block.header))
    found: list[NameSpanLike] = []
    for n, cell in enumerate(block.cells):
        if not (_NAME_HEADER.search(header[n]) and is_person_name(cell)):
            continue
        start = block.text.find(cell)
        if start >= 0 and not any(s.label == "PER" and s.start <= start < s.end for s in spans):
            found.append(_CellName("PER", start, start + len(cell), cell))
    return found


def _row_people(block: Block, names: list[NameSpanLike]) -> list[_Found]:
    """People in a table row: the name cell, the affiliation cell, the topic cell."""
    header = [h.lower() for h in block.header] + [""] * max(0, len(block.cells) - len(block.header))
    found = []
    for s in names:
        offset, cell_no = 0, None
        for n, cell in enumerate(block.cells):
            if cell:
                shown = cell.replace("\n", " / ")
                position = block.text.find(shown, offset)
                if position <= s.start < position + len(shown):
                    cell_no = n
                    break
                offset = position + len(shown)
        if cell_no is None:
            continue
        named = _NAME_HEADER.search(header[cell_no]) or len(block.cells[cell_no].split()) <= len(s.text.split()) + 1
        if not named:
            continue
        affiliation, topics = "", []
        for n, cell in enumerate(block.cells):
            if n == cell_no or not cell or TIME_SLOT.fullmatch(cell):
                continue
            if _AFFILIATION_HEADER.search(header[n]) or (not header[n] and not affiliation and n == cell_no + 1):
                affiliation = _affiliation_from_appositive(cell) or ""
                if not affiliation:
                    topics.append(cell) if _TOPIC_HEADER.search(header[n]) else None
            elif _TOPIC_HEADER.search(header[n]) or not header[n]:
                topics.append(cell.strip(" ."))
        found.append(_Found(s.text, "presenter", affiliation, topics, block.text, block.locator, ""))
    return found


def _block_people(
    block: Block, i: int, names: list[NameSpanLike], all_spans: list[NameSpanLike], layout: _Layout,
    has_person: Callable[[int], bool],
) -> list[_Found]:
    if block.kind == "row" and block.cells:
        return _row_people(block, names + _name_cells(block, all_spans))
    if not names:
        return []
    text = block.text
    orgs = [s for s in all_spans if s.label in ("ORG", "GPE_ORG")]
    lead = layout.lead_in(i)
    found: list[_Found] = []
    for k, s in enumerate(names):
        first, last = _sentence_bounds(text, s.start, s.end)
        sentence = text[first:last]
        before = text[first : s.start]
        next_start = names[k + 1].start if k + 1 < len(names) else last
        after = text[s.end : min(next_start, last) if next_start > s.end else last]
        rest_of_sentence = text[s.end:last]
        if VETO.search(before[-40:] + " " + after[:30]) or BYLINE.search(before) or THING_AFTER.match(text[s.end :]):
            continue
        if re.search(r"«[^»]*$", before) or re.match(r"^[^«]*»", text[s.end :]):
            continue  # inside a quoted title
        prefix = _FROM_PREFIX.sub("", before)  # "Frå Fylkesmannen i Møre og Romsdal: Name og Name"
        for earlier in names[:k]:
            prefix = prefix.replace(earlier.text, "")
        starts_entry = not re.sub(r"\b(?:og|and)\b|[\s•\-–/,&:]|^v/", "", prefix)  # "Nina Kjeøy og Elin Børve, …"
        joined = k > 0 and found and found[-1].name == names[k - 1].text and re.fullmatch(
            r"\s*(?:,|og|&|and)\s*", text[names[k - 1].end : s.start]
        )
        # "stod Ingrid Metliaas og Ove Eide for …", "ved Name og Name har prosjektlederansvar": one cue for both
        in_slot = layout.slot[i] is not None
        role = found[-1].role if joined else role_of(
            block, before, rest_of_sentence, lead, in_slot=in_slot, programme=layout.programme, starts_entry=starts_entry
        )
        if role is None:
            continue
        affiliation = _affiliation(after, rest_of_sentence, s, orgs, before)
        topics = _topics(before, rest_of_sentence, layout, i, has_person, block)
        context = text if len(text) <= 600 else sentence
        found.append(_Found(s.text, role, affiliation, topics, context, block.locator, after))
    # Names joined by "og" share what follows the last of them: "Nina Kjeøy og Elin Børve, Nord universitet".
    for k in range(len(found) - 2, -1, -1):
        if re.fullmatch(r"\s*(?:,|og|&|and)\s*(?:[a-zæøå]+\s+){0,2}", found[k].after):
            found[k].affiliation = found[k].affiliation or found[k + 1].affiliation
            found[k].topics = found[k].topics or found[k + 1].topics
    return found


def _affiliation(after: str, rest: str, span: NameSpanLike, orgs: list[NameSpanLike], before: str) -> str:
    label = _FROM_PREFIX.match(before)
    if label:
        return label.group("org").strip()
    appositive = re.match(r"^\s*[,(]\s*([^:;()]*?)(?:\)|:|;|\s[–-]\s|,?\s+om\s|$)", after)
    if appositive and appositive.group(1).strip():
        return _affiliation_from_appositive(appositive.group(1))
    placed = _PREPOSITION_ORG.match(rest) or RELATIVE_ORG.match(rest)
    if placed:
        at = span.end + placed.end()
        run = _capitalised_run(rest[placed.end():])
        for org in orgs:
            if at <= org.start <= at + 2 and len(org.text) >= len(run):
                return org.text
        return run
    return ""


def _topics(before: str, after: str, layout: _Layout, i: int, has_person: Callable[[int], bool], block: Block) -> list[str]:
    """The talk title or subject the text gives a name, in any order of the line's parts."""
    about = re.search(r"\bom\s+(.{3,160}?)(?:[.!?](?:\s|$)|$)", after)
    if about:  # "Name, Org, om Topic", "Name snakket om Topic"
        return [about.group(1).strip(" ,«»\"")]
    colon = re.match(r"^[^:.!?]{0,90}:\s+(?P<topic>[^:]{3,160}?)\s*$", after)
    if colon and len(colon.group("topic").split()) <= 20 and not re.match(r"(?:han|hun|ho|hen|de|dei)\b", colon.group("topic"), re.IGNORECASE):
        return [colon.group("topic").strip(" .«»\"")]  # "Name, Org: «Topic»" (a bio after the colon is not a topic)
    lead = TIME_SLOT.sub("", before)
    lead = re.sub(r"(?:\b[A-ZÆØÅa-zæøå]+\s*)?$", "", lead) if not re.search(r"v/\s*\S*\s*$|\bved\s+\S*\s*$|[–:-]\s*\S*\s*$", lead) else lead
    parts = re.split(r"\s*(?:v/|\bved\b|\s[–-]\s|:\s)\s*", lead, maxsplit=1)
    title = parts[0].strip(" .:–-«»\"") if len(parts) == 2 else ""  # "13.15 «Talk title» v/ Name", "Topic – Name"
    if len(title.split()) >= 3 or (len(title.split()) == 2 and not LABEL_ONLY.fullmatch(title)):
        return [title]
    if layout.programme:
        return layout.slot_title(i, has_person)
    return []
