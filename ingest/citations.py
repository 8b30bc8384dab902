"""Parsing literature references as people write them in Norwegian programme material.

Handles "Surname, I. & Surname, I. (year). Title. Place: Publisher", "m.fl.",
"et al.", "(red.)", "og"/"&"/";" between authors, corporate authors (KS, OECD,
Rambøll, Ekspertgruppa …), white papers ("Meld. St. 19 (2015–2016)"), NOUs
("NOU 8:2015", "NOU 2015: 8") and odd characters from PDFs. What follows the author and year (title,
the book or journal the work is in, its number, the imprint) is read by ``ingest.reference_body``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from absolutt_kb.records import reference_lead
from ingest.names import is_org, is_person_name
from ingest.reference_body import Body, chapter_in, imprint, parse_body

_ODD = re.compile(r"[\U000F0000-\U0010FFFF\uFFFD\uE000-\uF8FF]")
_YEAR_GROUP = re.compile(
    r"\(\s*(?P<year>(?:19|20)\d{2})\s*(?:[–-]\s*(?P<year2>(?:19|20)?\d{2}))?[a-z]?\s*\)"
    r"|\(\s*(?:u\.å\.|udatert|n\.d\.)\s*\)",
)
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
_ET_AL = re.compile(r"\s*,?\s*(?:m\.\s?fl\.?|mfl\.?|et\.?\s*al\.?|med flere)\s*", re.IGNORECASE)
_EDITORS = re.compile(r"\s*\((?:red|reds|eds?|ed)\.?\)\s*", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-ZÆØÅ][a-zæøå]?\.?(?:\s*-\s*|\s+)?){1,4}$")
# A given name or initials after "Surname,": "Kari", "Anne-Cath", "May Britt", "T.", "E. J.", "A.-B."
_GIVEN = re.compile(
    r"^(?:[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?|(?:[A-ZÆØÅ][a-zæøå]?\.\s*-?\s*)+)"
    r"(?:\s+(?:[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?|(?:[A-ZÆØÅ][a-zæøå]?\.\s*-?\s*)+)){0,2}$"
)
# "G. Langfeldt", "A.-B. Fenner": initials before the surname; "Anderson S. E.": after it, the comma lost.
_INITIALS_FIRST = re.compile(r"^(?P<initials>(?:[A-ZÆØÅ]\.\s*-?\s*){1,4})(?P<surname>[A-ZÆØÅ][\w'’-]+(?:\s[A-ZÆØÅ][\w'’-]+)?)$")
_INITIALS_AFTER = re.compile(r"^(?P<surname>[A-ZÆØÅ][\w'’-]+)\s+(?P<initials>(?:[A-ZÆØÅ]\.\s*-?\s*){1,4})$")
# What a web page's link said, left at the end of a reference: "Les mer i Forskningsrapporten her", "(PDF)".
_LINK_TEXT = re.compile(
    r"(?:[\s:.,;–—-]+|\s*\()\s*(?:les|last\s+ned|klikk|trykk|read|download|click)\b[^.:;()]{0,60}?"
    r"\b(?:her|here|mer|more|lenke|link|pdf|rapporten|artikkelen|boka|dokumentet|nettsiden|fulltekst|full text)"
    r"\s*\)?[.!]?\s*$"
    r"|[\s:.,;–—-]+[\[(]?(?:pdf|lenke|link|nettlenke)[\])]?\.?\s*$",
    re.IGNORECASE,
)
_REPORT_WORDS = re.compile(r"\b(rapport|report|sluttrapport|delrapport|evaluering|notat)\b", re.IGNORECASE)
_MINISTRY = re.compile(r"departement(?:et)?$", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class Citation:
    """A parsed reference: the fields a ``Work`` gets from it (see ``absolutt_kb.records.Work``)."""

    authors: tuple[str, ...]
    year: int | None
    title: str
    publisher: str = ""
    place: str = ""
    citation: str = ""
    et_al: bool = False
    editors: bool = False
    corporate_authors: tuple[str, ...] = ()
    publication_type: str = "book"
    container: str = ""
    container_editors: tuple[str, ...] = ()
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    document_type: str = ""
    number: str = ""
    url: str = ""

    @property
    def lead(self) -> str:
        """What the reference starts with: a public document's series and number, or the first author."""
        return reference_lead(self.publication_type, self.document_type, self.number, self.authors)

    def work_fields(self) -> dict[str, object]:
        """The fields a ``Work`` made from this reference takes over as they are."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def clean_citation(text: str) -> str:
    """Drop private-use and replacement characters PDFs leave behind, a link's text left at the end, and tidy spaces."""
    text = _ODD.sub("–", text)
    text = re.sub(r"(\w)\s*–\s*–\s*", r"\1 – ", text)
    text = re.sub(r"\.(?=[A-ZÆØÅ][a-zæøå])", ". ", text)  # "(2007).Hvordan" → "(2007). Hvordan"
    text = re.sub(r"\b([A-ZÆØÅ]{2,})(?=[A-ZÆØÅ][a-zæøå]{3,})", r"\1 ", text)  # "OECDDirectorate" → "OECD Directorate"
    text = re.sub(r"\s+", " ", text).strip(" •-")
    while (shorter := _LINK_TEXT.sub("", text)) != text:  # "Last ned rapporten (PDF)": two pieces of link text
        text = shorter
    return text.strip(" •-")


def split_authors(text: str) -> tuple[tuple[str, ...], bool, bool]:
    """Split an author string into authors, each person as "Surname, Given".

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
        pieces = [p.strip() for p in re.split(r"(?<!-),", chunk) if p.strip()]  # "Barne-, likestillings- og …" is one
        if (len(pieces) % 2 == 0 and all(_GIVEN.match(p) for p in pieces[1::2])
                and not any(is_org(p) or re.match(r"[A-ZÆØÅ]\.", p) for p in pieces)):
            pieces = [f"{a}, {b}" for a, b in zip(pieces[0::2], pieces[1::2])]  # "Aas, Kari", "Dahl, T."
        parts.extend(pieces)
    authors: list[str] = []
    for part in parts:
        if authors and _INITIALS.match(part) and "," not in authors[-1] and not is_org(authors[-1]):
            authors[-1] = f"{authors[-1]}, {part}"
        else:
            authors.append(part)
    authors = [re.sub(r"(?<=\w{3})\.$", "", a.strip()) if "," not in a else a.strip() for a in authors]  # "Udir. (2020)"
    return tuple(_inverted(a) for a in authors if a), et_al, editors


def _inverted(name: str) -> str:
    """A name with initials as "Surname, I.": "G. Langfeldt" and "Anderson S. E." (its comma lost) turned round.

    A full name without a comma is left as written: "Roland Erling" and "Eskil Hanssen" are both found in lists.
    """
    match = None if "," in name else _INITIALS_FIRST.match(name) or _INITIALS_AFTER.match(name)
    if match:
        return f"{match.group('surname')}, {' '.join(match.group('initials').split())}"
    return name


def corporate(authors: tuple[str, ...]) -> tuple[str, ...]:
    """The authors that are organisations (KS, OECD, a ministry, an expert group), not persons."""
    return tuple(a for a in authors if "," not in a and (is_org(a) or len(a.split()) > 1 and not is_person_name(a)))


def _looks_like_authors(text: str) -> bool:
    if not text or len(text) > 220 or not text[:1].isupper():
        return False
    if re.search(r"\b[A-ZÆØÅ][a-zæøå'-]+,\s*[A-ZÆØÅ]", text):
        return True  # "Surname, I"
    words = text.split()
    if len(words) <= 6 and not re.search(r"[.!?:]\s", text):
        return True  # a corporate author: "Ekspertgruppa om lærerrollen", "Rambøll og BI"
    return bool(_ET_AL.search(text))


def _from_body(text: str, authors: tuple[str, ...], year: int | None, body: Body, *, et_al: bool = False,
               editors: bool = False) -> Citation:
    """A citation from its authors, year and what follows them."""
    kind = body.publication_type or ("report" if _REPORT_WORDS.search(body.title) else "book")
    return Citation(
        authors=authors, year=year, title=body.title, publisher=body.publisher, place=body.place, citation=text,
        et_al=et_al, editors=editors, corporate_authors=corporate(authors), publication_type=kind,
        container=body.container, container_editors=split_authors(body.editors_text)[0] if body.editors_text else (),
        journal=body.journal, volume=body.volume, issue=body.issue, pages=body.pages,
        document_type=body.document_type, number=body.number, url=body.url,
    )


def _official(text: str, series: str, number: str, year: int | None, rest: str,
              authors: tuple[str, ...] = ()) -> Citation:
    """A public document (Meld. St., NOU, Prop.): its series and number name it; a ministry that issued it is its author."""
    body = parse_body(rest)
    if not authors and _MINISTRY.search(body.publisher):
        authors = (body.publisher,)
    return Citation(
        authors=authors, year=year, title=body.title, publisher=body.publisher, place=body.place, citation=text,
        corporate_authors=corporate(authors), publication_type="official", document_type=series, number=number,
        url=body.url,
    )


def _storting(text: str, match: re.Match, authors: tuple[str, ...] = (), within: str = "",
              year: int | None = None) -> Citation:
    """A Storting document, ``match`` found at the start of ``within`` (or ``text``); the session's first year is its year."""
    ident = re.sub(r"\s+", " ", match.group("id")).strip()
    parts = re.match(r"^(?P<series>.*?)\s*(?P<no>(?:nr\.?\s*)?\d+(?:\s*[LS]\b)?)$", ident)
    series, number = parts.group("series"), parts.group("no")
    if series.lower().startswith("meld"):  # "Meld. St 28", "Meld.St. 28": one way to name the series
        series = "Meld. St."
    rest = (within or text)[match.end() :]
    session = _SESSION.search(rest)
    year = year or (int(session.group("year")) if session else None)  # "Ministry (2013) Meld. St. 6 (2012–2013)"
    if session and session.start() <= 2:  # "(2015 – 2016)" or "/1957" belongs to the number
        written = re.sub(r"\s*[–-]\s*", "–", re.sub(r"\s+", " ", session.group(0).strip()))
        number = f"{number} {written}" if written.startswith("(") else f"{number}{written}"
    if session and session.start() <= 40:  # "til St.meld. nr. 32 (2000-2001) Om …": the title follows the session
        rest = rest[session.end() :]
    return _official(text, series, number, year, rest, authors)


def _nou(text: str, match: re.Match, authors: tuple[str, ...] = (), within: str = "") -> Citation:
    """A NOU, ``match`` found at the start of ``within`` (or ``text``): "NOU 2015: 8", whichever way it was written."""
    year = int(match.group("ya") or match.group("yb"))
    number = f"{year}: {match.group('a') or match.group('b')}"
    return _official(text, "NOU", number, year, (within or text)[match.end() :], authors)


def _colon_citation(text: str, match: re.Match) -> Citation | None:
    """"Surname, Given: Title (year)", "Surname, Given: «Title». I: Book, Place year, s. 1–20"."""
    head = match.group("head")
    editors, et_al = bool(_EDITORS.search(head)), bool(_ET_AL.search(head))
    head = _ET_AL.sub(" ", _EDITORS.sub(" ", head))
    # Each author is "Surname, Given" (full given names, so no splitting at the comma); "og"/"&" between them.
    authors = tuple(_inverted(" ".join(p.split()).strip(" ,")) for p in re.split(r"\s+(?:og|&|and)\s+", head) if p.strip(" ,"))
    rest = match.group("rest")
    quoted = _QUOTED_TITLE.match(rest)
    if quoted:
        title, after = quoted.group("title"), rest[quoted.end() :]
    else:
        parts = re.split(r"(\s*\((?:1[5-9]|20)\d\d\)|\.\s+|\s+[iI]:?\s+(?=[A-ZÆØÅ«\"“”]))", rest, maxsplit=1)
        title, after = parts[0], "".join(parts[1:])
    title = title.strip(" .,:;\"“”«»")
    group = _YEAR_GROUP.search(rest)
    if group and group.group("year"):
        year = int(group.group("year"))
    else:
        years = [m for m in _BARE_YEAR.finditer(rest) if not re.match(r"\s*[-–]\s*\d", rest[m.end() :])]
        year = int(years[-1].group("year")) if years else None
    if not title or year is None:
        return None
    container = re.search(r"(?:^|[\s.,»”\"])(?:I|In)\s*:?\s+(?=\S)", after)
    body = chapter_in(title, after[container.end() :]) if container else Body(title=title)
    return _from_body(text, authors, year, body, et_al=et_al, editors=editors)


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
        return _nou(text, nou)
    storting = _STORTING.match(text)
    if storting:
        return _storting(text, storting)

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
        if not _looks_like_authors(head):
            return None
        authors, et_al, editors = split_authors(head)
        # "Kunnskapsdepartementet (2013) Meld. St. 6 (2012–2013) Title": the ministry's white paper
        inner = rest.lstrip(" .:")
        if _NOU.match(inner):
            return _nou(text, _NOU.match(inner), authors, inner)
        if _STORTING.match(inner):
            return _storting(text, _STORTING.match(inner), authors, inner, year)
        body = parse_body(rest)
        if not body.title:
            return None
        return _from_body(text, authors, year, body, et_al=et_al, editors=editors)

    # No year in brackets: "KS Folkevalgtprogram 2015 – 2019: Tillit – …" or "OECD: Title".
    organisation = re.match(r"^(?P<org>[A-ZÆØÅ]{2,}[A-Za-zÆØÅæøå]*)\b", text)
    if organisation and ":" in text and is_org(organisation.group("org")):
        title, place, publisher = imprint(text)
        years = re.findall(r"\b((?:19|20)\d{2})\b", text.split(":", 1)[0])
        year = int(years[0]) if len(years) == 1 else None
        body = Body(title=title, place=place, publisher=publisher)
        return _from_body(text, (organisation.group("org"),), year, body)
    return None
