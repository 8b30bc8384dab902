"""Parsing literature references as people write them in Norwegian programme material.

Handles "Surname, I. & Surname, I. (year). Title. Place: Publisher", "m.fl.",
"et al.", "(red.)", "og"/"&"/";" between authors, corporate authors (KS, OECD,
Rambøll, Ekspertgruppa …), white papers ("Meld. St. 19 (2015–2016)"), NOUs
("NOU 8:2015", "NOU 2015: 8") and odd characters from PDFs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.names import is_org

_ODD = re.compile(r"[\U000F0000-\U0010FFFF\uFFFD\uE000-\uF8FF]")
_YEAR_GROUP = re.compile(
    r"\(\s*(?P<year>(?:19|20)\d{2})\s*(?:[–-]\s*(?P<year2>(?:19|20)?\d{2}))?[a-z]?\s*\)"
    r"|\(\s*(?:u\.å\.|udatert|n\.d\.)\s*\)",
)
_WHITE_PAPER = re.compile(r"^(?P<series>Meld\.?\s*St\.?|St\.?\s*meld\.?|Prop\.?\s*\d*\s*[LS]?)\s*(?:nr\.?\s*)?(?P<no>\d+)", re.IGNORECASE)
_NOU = re.compile(r"^NOU\s*(?:(?P<a>\d{1,2})\s*:\s*(?P<ya>(?:19|20)\d{2})|(?P<yb>(?:19|20)\d{2})\s*:\s*(?P<b>\d{1,2}))\s*[:.]?\s*")
_PLACE_PUBLISHER = re.compile(r"(?:^|[.?!»]\s*)(?P<place>[A-ZÆØÅ][\wæøåÆØÅ '-]{1,40}?)\s*:\s*(?P<publisher>[^:]{2,80}?)\.?\s*$")
_ET_AL = re.compile(r"\s*,?\s*(?:m\.\s?fl\.?|mfl\.?|et\.?\s*al\.?|med flere)\s*", re.IGNORECASE)
_EDITORS = re.compile(r"\s*\((?:red|reds|eds?|ed)\.?\)\s*", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-ZÆØÅ][a-zæøå]?\.?(?:\s*-\s*|\s+)?){1,4}$")


@dataclass(frozen=True)
class Citation:
    """A parsed reference."""

    authors: tuple[str, ...]
    year: int | None
    title: str
    publisher: str
    place: str
    citation: str
    et_al: bool
    editors: bool


def clean_citation(text: str) -> str:
    """Drop private-use and replacement characters PDFs leave behind, and tidy spaces."""
    text = _ODD.sub("–", text)
    text = re.sub(r"(\w)\s*–\s*–\s*", r"\1 – ", text)
    text = re.sub(r"\.(?=[A-ZÆØÅ][a-zæøå])", ". ", text)  # "(2007).Hvordan" → "(2007). Hvordan"
    return re.sub(r"\s+", " ", text).strip(" •-")


def split_authors(text: str) -> tuple[tuple[str, ...], bool, bool]:
    """Split an author string into authors.

    Args:
        text: e.g. "Christensen, T., Egeberg, M., Lægreid, P. & Aars, J."

    Returns:
        (authors, et_al, editors)
    """
    editors = bool(_EDITORS.search(text))
    text = _EDITORS.sub(" ", text)
    et_al = bool(_ET_AL.search(text))
    text = _ET_AL.sub(" ", text).strip(" ,;")
    parts: list[str] = []
    # "Barne- og familiedepartementet" is one author: "og" after a hyphen joins the parts of a word.
    for chunk in re.split(r"\s*;\s*|\s+&\s+|(?<!-)\s+og\s+|(?<!-)\s+and\s+", text):
        parts.extend(p.strip() for p in chunk.split(",") if p.strip())
    authors: list[str] = []
    for part in parts:
        if authors and _INITIALS.match(part) and "," not in authors[-1] and not is_org(authors[-1]):
            authors[-1] = f"{authors[-1]}, {part}"
        else:
            authors.append(part)
    return tuple(a.strip() for a in authors if a.strip()), et_al, editors


def _title_and_imprint(rest: str) -> tuple[str, str, str]:
    rest = rest.strip(" .:")
    match = _PLACE_PUBLISHER.search(rest)
    if match and match.start("place") > 0:
        title = rest[: match.start("place")].strip(" .")
        return title, match.group("place").strip(), match.group("publisher").strip()
    place_only = re.search(r"(?<=[.?!»])\s+(?P<place>[A-ZÆØÅ][a-zæøå]+(?:\s+[A-ZÆØÅ][a-zæøå]+)?)$", rest)
    if place_only and len(rest[: place_only.start()].split()) >= 2:  # "Trygg oppvekst. Oslo." has a place, no publisher
        return rest[: place_only.start()].strip(" ."), place_only.group("place"), ""
    return rest.strip(" ."), "", ""


def _looks_like_authors(text: str) -> bool:
    if not text or len(text) > 220 or not text[:1].isupper():
        return False
    if re.search(r"\b[A-ZÆØÅ][a-zæøå'-]+,\s*[A-ZÆØÅ]", text):
        return True  # "Surname, I"
    words = text.split()
    if len(words) <= 6 and not re.search(r"[.!?:]\s", text):
        return True  # a corporate author: "Ekspertgruppa om lærerrollen", "Rambøll og BI"
    return bool(_ET_AL.search(text))


def parse_citation(entry: str) -> Citation | None:
    """Parse one reference.

    Args:
        entry: The reference as written.

    Returns:
        The parsed citation, or None when the entry is not a reference.
    """
    text = clean_citation(entry)
    if len(text) < 12:
        return None

    nou = _NOU.match(text)
    if nou:
        year = int(nou.group("ya") or nou.group("yb"))
        title, place, publisher = _title_and_imprint(text[nou.end() :])
        return Citation(("NOU",), year, title, publisher, place, text, False, False)

    group = _YEAR_GROUP.search(text)
    if group and group.start() > 0:
        head = text[: group.start()].strip(" ,")
        rest = text[group.end() :]
        rest = _EDITORS.sub(" ", rest) if rest.lstrip().startswith("(") else rest
        ranged = bool(group.group("year2"))
        year = int(group.group("year")) if group.group("year") and not ranged else None
        paper = _WHITE_PAPER.match(head)
        if paper:
            series = "Meld. St." if "meld" in paper.group("series").lower() else paper.group("series").strip()
            authors: tuple[str, ...] = (f"{series} {paper.group('no')}",)
            et_al = editors = False
        else:
            if not _looks_like_authors(head):
                return None
            authors, et_al, editors = split_authors(head)
        title, place, publisher = _title_and_imprint(rest)
        if not title:
            return None
        return Citation(authors, year, title, publisher, place, text, et_al, editors)

    # No year in brackets: "KS Folkevalgtprogram 2015 – 2019: Tillit – …" or "OECD: Title".
    corporate = re.match(r"^(?P<org>[A-ZÆØÅ]{2,}[A-Za-zÆØÅæøå]*)\b", text)
    if corporate and ":" in text and is_org(corporate.group("org")):
        title, place, publisher = _title_and_imprint(text)
        years = re.findall(r"\b((?:19|20)\d{2})\b", text.split(":", 1)[0])
        year = int(years[0]) if len(years) == 1 else None
        return Citation((corporate.group("org"),), year, title, publisher, place, text, False, False)
    return None
