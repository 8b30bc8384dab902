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
# A Storting document named by its series and number: "St.meld. nr. 35/1957", "Ot.prp. nr. 38 (1996-97)",
# "Inst.O. nr. 70 (1997-1998)", "Innst. 145 S (2010–2011)", "Besl.O. nr. 68", "Prop. 1 S (2014–2015)".
_STORTING = re.compile(
    r"^(?P<id>(?:St\.?\s*meld\.?|Meld\.?\s*St\.?|Ot\.?\s*prp\.?|Prop\.?|Inn?st\.?\s*(?:[OS]\.?)?|Besl\.?\s*[OL]\.?)"
    r"\s*(?:nr\.?\s*)?\d+(?:\s*[LS]\b)?)\s*",
    re.IGNORECASE,
)
_SESSION = re.compile(r"[(/]\s*(?P<year>(?:1[89]|20)\d\d)(?:\s*[–/-]\s*\d{2,4})?\s*\)?")
# "Surname, Given[ og Surname, Given]: Title …": a reading list's author, then a colon.
_AUTHOR_COLON = re.compile(
    r"^(?P<head>[A-ZÆØÅ][\w'’-]+(?:\s[A-ZÆØÅ][\w'’-]+)?,\s+[A-ZÆØÅ][\w.'’ -]{0,40}?"
    r"(?:\s+(?:og|&|and)\s+[A-ZÆØÅ][\w.'’ ,-]{2,60}?)?)\s*:\s+(?P<rest>\S.*)$"
)
_BARE_YEAR = re.compile(r"(?<![\d.-])(?P<year>(?:1[5-9]|20)\d\d)(?![\d])")
# Where a second reference starts inside one block (a PDF joined the lines): after the end of a sentence or
# "eller", a "Surname, Given:" or "Surname, Given (year)".
_NEXT_REFERENCE = re.compile(
    r"\s+(?=[A-ZÆØÅ][\w'’-]+(?:\s[A-ZÆØÅ][\w'’-]+)?,\s+[A-ZÆØÅ][\w.'’ -]{0,40}?(?:\s+(?:og|&)\s+[^:()]{2,60}?)?:\s)"
    r"|(?:(?<=[.!?”\"»])\s+|\s+eller\s+)(?=[A-ZÆØÅ][\w'’-]+(?:\s[A-ZÆØÅ][\w'’-]+)?,\s+[A-ZÆØÅ][\w.'’ -]{0,40}?"
    r"\(\s*(?:1[5-9]|20)\d\d)"
)
_QUOTED_TITLE = re.compile(r"^[\"“”«„]\s*(?P<title>[^\"“”«»]{2,200}?)\s*[\"“”»]")
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


def _storting_citation(text: str, match: re.Match) -> Citation:
    """A Storting document: its series and number are its author, the session's first year its year."""
    ident = re.sub(r"\s+", " ", match.group("id")).strip()
    if ident.lower().startswith("meld"):  # "Meld. St 28", "Meld.St. 28": one way to name the series
        ident = "Meld. St. " + re.search(r"\d+", ident).group(0)
    rest = text[match.end() :]
    session = _SESSION.search(rest)
    year = int(session.group("year")) if session else None
    if session and session.start() <= 40:  # "til St.meld. nr. 32 (2000-2001) Om …": the title follows the session
        rest = rest[session.end() :]
    title, place, publisher = _title_and_imprint(rest.strip(" .:"))
    return Citation((ident,), year, title, publisher, place, text, False, False)


def _colon_citation(text: str, match: re.Match) -> Citation | None:
    """"Surname, Given: Title (year)", "Surname, Given: «Title». I: Book, Place year, s. 1–20"."""
    authors, et_al, editors = split_authors(match.group("head"))
    rest = match.group("rest")
    quoted = _QUOTED_TITLE.match(rest)
    if quoted:
        title = quoted.group("title")
    else:
        title = re.split(r"\s*\((?:1[5-9]|20)\d\d\)|\.\s+|\s+[iI]:?\s+(?=[A-ZÆØÅ«\"“”])", rest, maxsplit=1)[0]
    title = title.strip(" .,:;\"“”«»")
    group = _YEAR_GROUP.search(rest)
    if group and group.group("year"):
        year = int(group.group("year"))
    else:
        years = [m for m in _BARE_YEAR.finditer(rest) if not re.match(r"\s*[-–]\s*\d", rest[m.end() :])]
        year = int(years[-1].group("year")) if years else None
    if not title or year is None:
        return None
    return Citation(authors, year, title, "", "", text, et_al, editors)


def split_references(text: str) -> list[str]:
    """One block's text as the references it holds: two or more when a PDF joined their lines."""
    cuts: list[int] = [0]
    for match in _NEXT_REFERENCE.finditer(text):
        between = text[cuts[-1] : match.start()].strip()
        if len(between.split()) <= 1 and len(cuts) > 1:
            continue  # "Rosenløw" of "Rosenløw Eeg, Harald:": a surname of two words is not two references
        cuts.append(match.end())
    parts = [text[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(text)]) if text[a:b].strip()]
    parts = [re.sub(r"\s+eller$", "", p) for p in parts]
    if len(parts) > 1 and sum(parse_citation(p) is not None for p in parts) >= 2:
        return parts
    return [text]


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

    storting = _STORTING.match(text)
    if storting:
        return _storting_citation(text, storting)

    group = _YEAR_GROUP.search(text)
    colon = _AUTHOR_COLON.match(text)
    # "Name: Book (2007): Chapter …" is dated like APA; "Name: Book (1917)" and "Name: «Article». I: … 1994" are not.
    apa_like = group and group.start() < colon.end("head") + 40 and len(text[group.end() :].split()) >= 2 if colon else False
    if colon and not apa_like:
        return _colon_citation(text, colon)
    if group and group.start() > 0:
        head = text[: group.start()].strip(" ,")
        rest = text[group.end() :]
        rest = _EDITORS.sub(" ", rest) if rest.lstrip().startswith("(") else rest
        year = int(group.group("year")) if group.group("year") else None  # a range "(1997–98)" is dated by its start
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
