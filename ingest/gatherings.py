"""Finding gatherings (samlinger): a date in the context of a gathering, with its themes.

A date counts when the words around it speak of a gathering (samling,
fellessamling, "velkommen til"), or when it closes a "Tema:" block of a list
of gatherings; deadlines, information meetings and letter dates do not count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ingest.dates import DateMention, find_dates
from ingest.layout import CLOCK, CLOCK_DIGITS, TIME, Block

GATHERING_WORDS = _GATHERING = re.compile(
    r"(\w*samling\w*|velkommen til|velkomen til|\w*seminar\w*|\w*konferanse\w*|\w*konferansar|\bsamla\b|"
    r"\bsamlast\b|\bsamlet\b|\w*webinar\w*|\w*fagdag\w*|\barrangeres\b|\barrangert\b|\binviterer\b|"
    r"\w+nettverk(?:et)?\b)",
    re.IGNORECASE,
)
_NOT_GATHERING = re.compile(
    r"\b(frist\w*|påmelding\w*|innen|senest|informasjonsmøte\w*|formøte\w*|sendes|søknad\w*|datert|verksted|"
    r"publisert|oppdatert|endret|endra|skrevet|skrive)\b", re.IGNORECASE
)
_DATE_LABEL = re.compile(r"^(?:tid|dato|når|tidspunkt|møtedato|møtetid|møtetidspunkt|date|when)\s*[:?]|\bhvor og når\b|\bkor og når\b", re.IGNORECASE)
TIME_SLOT_START = re.compile(rf"^\s*{TIME}")
_THEME_SENTENCE = re.compile(r"[^.!?\n]*\b(?:hovudtema|hovedtema|tema for|temaet for|årets tema)\b[^.!?\n]*[.!?]?", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
RECENT_DAYS = 31  # a date this many days before a document's first dated block is in that block's year
_THEME_LABEL = re.compile(r"^(?:tema|temaer|theme|innhold)\s*:\s*(?P<value>.*)$", re.IGNORECASE)
# The words that label where a gathering is held ("Sted:", "Møtestad:"): this module's rules and the place
# model's features (``ingest.place_features``) read the same list.
PLACE_LABELS = r"sted|stad|møtested|møtestad|oppmøtested|oppmøtestad|lokale|møtelokale|hvor|kor|adresse|venue"
_PLACE_LABEL = re.compile(rf"^(?:{PLACE_LABELS})\s*:\s*(?P<value>.+)$", re.IGNORECASE)
_MODE = re.compile(r"\b(digital\w*|fysisk\w*|hybrid\w*)\b", re.IGNORECASE)
_TIME_SLOT = re.compile(rf"^(?P<from>{CLOCK})(?:\s*[–-]\s*(?P<to>{CLOCK_DIGITS}))?\s*(?P<rest>.*)$")
_REGION = re.compile(
    r"\bABSOLUTT\s+(?P<a>[A-ZÆØÅ][\wæøå-]+(?:\s+og\s+[A-ZÆØÅ][\wæøå]+)?)"
    r"|\bsamling\s+for\s+(?P<b>[\wæøåÆØÅ-]+(?:\s+og\s+[\wæøåÆØÅ]+)?)"
    r"|\b(?P<c>[A-ZÆØÅ][a-zæøå]+regionen)\b"
    r"|(?:konferansen|samlingen|nettverket|programmet)\s+i\s+(?P<d>[A-ZÆØÅ][a-zæøå]+(?:\s+og\s+[A-ZÆØÅ][a-zæøå]+)?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GatheringFound:
    """A gathering found in a document."""

    region: str
    date: str
    end_date: str | None
    place: str
    topics: tuple[str, ...]
    programme: tuple[str, ...]
    locator: str
    text: str
    block: int = -1  # the block of the date


def document_region(text: str) -> str:
    """The region a document is for ("ABSOLUTT Innlandet", "samling for Kongsbergregionen")."""
    counts: Counter[str] = Counter()
    for m in _REGION.finditer(text):
        value = m.group("a") or m.group("b") or m.group("c") or m.group("d")
        if not value or value.lower() in {"programmet", "tar", "skal", "er"}:
            continue
        if m.group("a") and not value[0].isupper():
            continue
        counts[value.title() if value.isupper() else value] += 1
    return counts.most_common(1)[0][0] if counts else ""


def _reference_year(texts: list[str]) -> tuple[int, int, int] | None:
    for text in texts:
        for d in find_dates(text):
            if d.year:
                return d.year, d.month, d.day
    return None


def is_gathering_date(blocks: list[Block], i: int, mention: DateMention, heading: str, title: str) -> bool:
    """Whether a date is the date of an event, not a deadline, a publication date or a letter's date."""
    text = blocks[i].text
    clause = re.split(r"[.;!?]\s|\n", text[: mention.start])[-1][-40:]
    if _NOT_GATHERING.search(clause) or _NOT_GATHERING.match(text):
        return False
    window = text[max(0, mention.start - 80) : mention.end + 60]
    nearby = " ".join(b.text for b in blocks[i + 1 : i + 2])
    if _DATE_LABEL.search(text) or _DATE_LABEL.search(heading) or _DATE_LABEL.search(blocks[i - 1].text if i else ""):
        return True
    if _GATHERING.search(window) and not _NOT_GATHERING.search(text[mention.end : mention.end + 25]):
        return True
    if _GATHERING.search(nearby) and len(text) < 60:
        return True
    previous = [b.text for b in blocks[max(0, i - 5) : i]]
    if any(_THEME_LABEL.match(p) for p in previous) and len(text) < 60:
        return True
    if i <= 4 and _GATHERING.search(title) and len(text) < 120:
        return True  # "29. mar 2023, kl. 08.30" under the title "Barnehageseminar Trondheim"
    return bool(_GATHERING.search(heading)) and len(text) < 40


def _year_for(mention: DateMention, text: str, title_year: int | None, reference) -> int | None:
    """The year a date without one belongs to: the same sentence's, the title's, or the first dated block's."""
    if mention.year:
        return mention.year
    sentence = re.split(r"(?<=[.!?])\s", text[: mention.start])[-1] + text[mention.start : mention.end + 80]
    years = _YEAR.findall(sentence)
    if years:
        return int(years[0])
    if title_year:
        return title_year
    if reference:
        ref_year, ref_month, ref_day = reference
        if (mention.month, mention.day) >= (ref_month, ref_day):
            return ref_year
        # Before the first dated block: next year's, unless it is the weeks just before (a report published
        # 25 February on a conference "gjennomført 18. februar").
        try:
            before = (dt.date(ref_year, ref_month, ref_day) - dt.date(ref_year, mention.month, mention.day)).days
        except ValueError:  # 29 February in a common year
            before = RECENT_DAYS + 1
        return ref_year if before <= RECENT_DAYS else ref_year + 1
    return None


def _themes_before(blocks: list[Block], i: int, stop: int) -> list[str]:
    """The values of the nearest "Tema:" block between ``stop`` and ``i``."""
    for j in range(i - 1, stop - 1, -1):
        label = _THEME_LABEL.match(blocks[j].text)
        if not label:
            continue
        values = [label.group("value").strip()] if label.group("value").strip() else []
        values += [b.text for b in blocks[j + 1 : i] if len(b.text) < 80 and not find_dates(b.text)]
        return [v for v in values if v]
    return []


EventTest = Callable[[list[Block], int, DateMention, str, str], bool]


def dated_mentions(blocks: list[Block]) -> list[tuple[int, DateMention, str | None]]:
    """Every date of a document with the day it resolves to (ISO), its year taken as ``find_gatherings`` does."""
    texts = [b.text for b in blocks]
    reference = _reference_year(texts)
    title_years = _YEAR.findall(" ".join(texts[:2]))
    title_year = int(title_years[0]) if title_years else None
    out = []
    for i, block in enumerate(blocks):
        for mention in find_dates(block.text):
            year = _year_for(mention, block.text, title_year, reference)
            resolved = mention.resolve(year) if year else None
            out.append((i, mention, resolved[0].isoformat() if resolved else None))
    return out


def find_gatherings(blocks: list[Block], is_event: EventTest | None = None, primary: str | None = None) -> list[GatheringFound]:
    """All gatherings in a document.

    Args:
        blocks: The document's blocks, in order, headings included.
        is_event: Decides whether a date is the first day of a gathering (blocks, block index, date,
            heading, title); the trained model's test in the pipeline, the rules' own without one.
        primary: The day of the gathering the document is mainly about (its title and opening describe it);
            without one, only a document with a single gathering is described so.

    Returns:
        The gatherings, one per distinct date.
    """
    is_event = is_event or is_gathering_date
    heading_paths: list[str] = []
    heading = ""
    for b in blocks:
        heading = b.text if b.kind == "heading" else heading
        heading_paths.append(heading)
    texts = [b.text for b in blocks]
    full_text = "\n".join(texts)
    region = document_region(full_text)
    reference = _reference_year(texts)
    found: list[GatheringFound] = []
    seen: set[str] = set()
    last_date_block = 0
    single_programme = _programme(blocks)
    last_block, last_end = -1, 0
    title = " ".join(b.text for b in blocks[:2])
    title_years = _YEAR.findall(title)
    title_year = int(title_years[0]) if title_years else None
    for i, block in enumerate(blocks):
        for mention in find_dates(block.text):
            heading = heading_paths[i]
            if not is_event(blocks, i, mention, heading, title):
                continue
            year = _year_for(mention, block.text, title_year, reference)
            resolved = mention.resolve(year) if year else None
            if not resolved:
                continue
            start, end = resolved
            iso = start.isoformat()
            gap = block.text[last_end : mention.start] if last_block == i else ""
            if found and last_block == i and len(gap) <= 40 and re.search(r"[-–]|\btil\b", gap):
                # "onsdag 10. nov. kl. 11:00 - torsdag 11. nov.": the end of the same gathering
                if found[-1].date < iso and not found[-1].end_date:
                    found[-1] = dataclasses.replace(found[-1], end_date=iso)
                last_end = mention.end
                continue
            if iso in seen:
                continue
            seen.add(iso)
            topics = _themes_before(blocks, i, last_date_block)
            place = ""
            if i <= 2 or not topics:  # a document about one gathering: its title and "Tema:" lines
                topics = topics or _document_topics(blocks)
                place = _labelled(blocks, _PLACE_LABEL)
            located = re.match(r"^\s*(?:i|på)\s+([A-ZÆØÅ][\wæøå-]+(?:\s+[a-zæøå]+hus|\s+[A-ZÆØÅ][\wæøå-]+)?)", block.text[mention.end :])
            if located and not place:
                place = located.group(1)
            for b in blocks[i : i + 2]:
                mode = _MODE.search(b.text)
                if mode and not place:
                    place = b.text if len(b.text) < 60 else mode.group(0)
            programme = single_programme if (i <= 2 or len(found) == 0) and single_programme else ()
            summary = " ".join([block.text] + [b.text for b in blocks[i + 1 : i + 2] if len(b.text) < 60])
            found.append(
                GatheringFound(
                    region=region,
                    date=iso,
                    end_date=end.isoformat() if end else None,
                    place=_place(place),
                    topics=tuple(dict.fromkeys(t for t in topics if _phrase(t))),
                    programme=programme,
                    locator=block.locator,
                    text=summary,
                    block=i,
                )
            )
            last_date_block = i + 1
            last_block, last_end = i, mention.end
    main = next((n for n, g in enumerate(found) if g.date == primary), 0 if len(found) == 1 else None)
    if main is not None:  # the event the document is about: its title and opening paragraphs describe it
        intro = _introduction(blocks)
        places = [m.group("value").strip() for b in blocks if (m := _PLACE_LABEL.match(b.text))]
        where = ("Sted: " + "; ".join(dict.fromkeys(places)) + ".") if places else ""
        found[main] = dataclasses.replace(found[main], text=f"{found[main].text} {intro} {where}".strip())
    return found


def _introduction(blocks: list[Block], limit: int = 700) -> str:
    """The title, the first paragraphs (not short field lines) and any sentence that names the main theme."""
    parts: list[str] = [blocks[0].text] if blocks else []
    size = len(parts[0]) if parts else 0
    for b in blocks[1:]:
        if size >= limit or TIME_SLOT_START.match(b.text):
            break
        if len(b.text) < 60 or b.kind == "heading":
            continue  # "Pris", "Vis i Google Maps", "Påmeldingsfrist": fields, not a description
        parts.append(b.text if len(b.text) <= limit else b.text[:limit].rsplit(" ", 1)[0] + " …")
        size += len(parts[-1])
    whole = " ".join(b.text for b in blocks)
    theme = _THEME_SENTENCE.search(whole)
    if theme and theme.group(0).strip() not in " ".join(parts):
        parts.append(theme.group(0).strip())
    return " ".join(parts)


def _phrase(text: str, most_words: int = 12) -> bool:
    """Whether ``text`` reads as a name or a heading, not a sentence: short, with no full stop inside or at the end (a question is a theme: «Hvor er vi?»)."""
    text = text.strip()
    return bool(text) and len(text.split()) <= most_words and not re.search(r"[.!](?:\s|$)", text)


def _place(text: str) -> str:
    """A place as a card shows it ("Lampeland", "Digital samling"), or "" when the text is a sentence."""
    return text.strip() if _phrase(text, most_words=8) else ""


def _labelled(blocks: list[Block], pattern: re.Pattern[str]) -> str:
    for b in blocks:
        m = pattern.match(b.text)
        if m:
            return m.group("value").strip()
    return ""


def _document_topics(blocks: list[Block]) -> list[str]:
    topics = [
        b.text
        for b in blocks[:6]
        if b.kind == "heading" and not find_dates(b.text) and "absolutt" not in b.text.lower()
    ]
    for b in blocks:
        m = _THEME_LABEL.match(b.text)
        if m and m.group("value").strip():
            topics.append(m.group("value").strip())
    return topics


def _programme(blocks: list[Block]) -> tuple[str, ...]:
    """Time slots and what happens in them ("08.30 – 09.30 Sætre skole presenterer …")."""
    lines: list[str] = []
    for i, b in enumerate(blocks):
        slot = _TIME_SLOT.match(b.text)
        if not slot or not slot.group("to") and not slot.group("rest") and i + 1 >= len(blocks):
            continue
        what = slot.group("rest").strip()
        if not what and i + 1 < len(blocks) and not _TIME_SLOT.match(blocks[i + 1].text):
            what = blocks[i + 1].text
        times = slot.group("from") + (f"–{slot.group('to')}" if slot.group("to") else "")
        lines.append(f"{times} {what}".strip())
    return tuple(lines) if len(lines) >= 3 else ()
