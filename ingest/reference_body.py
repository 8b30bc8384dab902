"""What follows a reference's authors and year: the title, what the work is in, its number and the imprint.

APA and the Norwegian habits around it put these in a fixed order, so they are
found from the end of the reference, one after the other:

- a chapter: ``Title. I Editors (red.), Book (s. 1–20). Place: Publisher.``
  (also ``In ... (eds.)``, ``I: Book, Place 1996, s. 12–30``);
- an article: ``Title. Journal, 4(1), 47–64.`` (also ``Journal 3/2009``,
  ``Journal, Vol 5, Nr 2``, ``In Journal, 14``);
- a report: ``Title (Rapport 2015:3). Place: Publisher.``, ``Title. NIFU-rapport 2015:27. Oslo: NIFU``;
- a thesis: ``Title [Ph.d.-avhandling]. NTNU.``, ``Title. PH.D. avhandling. NTNU: Trondheim``;
- a book: ``Title. Subtitle. Place: Publisher.``

What is left in front is the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.names import is_org

_URL = re.compile(r"\s*(?:(?:Hentet|Retrieved)\s+fra\s+|from\s+)?(?P<url>(?:https?://|www\.|doi:\s*|https?://doi\.org/)\S+?)[.,]?\s*$", re.IGNORECASE)
# "Place: Publisher" at the end, after a sentence end (or at the start of a container's imprint).
_PLACE_PUBLISHER = re.compile(r"(?:^|[.?!»”\"]\s*)(?P<place>[A-ZÆØÅ][\wæøåÆØÅ '-]{1,40}?)\s*:\s*(?P<publisher>[^:]{2,80}?)\.?\s*$")
_PLACE_ONLY = re.compile(r"(?<=[.?!»”\"])\s+(?P<place>[A-ZÆØÅ][a-zæøå]+(?:\s+[A-ZÆØÅ][a-zæøå]+)?)$")
# "Oslo, Cappelen Akademisk": a place and a publisher that reads as one, after a comma.
_PLACE_COMMA_PUBLISHER = re.compile(r"(?<=[.?!»”\"])\s+(?P<place>[A-ZÆØÅ][a-zæøå]+),\s+(?P<publisher>[A-ZÆØÅ][^.:,]{1,60}?)\.?$")
_PUBLISHER_WORD = re.compile(
    r"(?:forlag(?:et)?|akademisk|press|publishing|publishers?|verlag|bokhandel|utgiveri|books)\b|"
    r"^(?:Routledge|Sage|Springer|Wiley|Jossey-Bass|Corwin|Pearson|Gyldendal|Cappelen|Aschehoug|Pedlex|Elsevier)\b",
    re.IGNORECASE,
)
_TRAILING_PUBLISHER = re.compile(r"(?:(?<=[.?!»”\"])\s+|\s*:\s+)(?P<publisher>[A-ZÆØÅ][^.:]{1,60}?)\.?$")

# Where a chapter's book starts: "I"/"In" after a sentence end, "I:" or "In:".
_IN = re.compile(r"(?:(?<=[.?!»”\"“])|(?<=[.?!»”\"“],))\s+(?P<word>I|In)(?P<colon>\s*:)?\s+(?=\S)")
_EDITOR_MARK = re.compile(r"\s*\(\s*(?:red|reds|eds?|hrsg|utg)\.?\s*\)\s*[.,:]?\s*", re.IGNORECASE)
_EDITED_BY = re.compile(r"\s*/?\s*\b(?:redigert av|edited by)\s+(?P<names>[^.,;]+?)(?=[.,;]|$)", re.IGNORECASE)
_PAGES = re.compile(
    r"\s*[(,.]?\s*(?:\b(?:s|pp?)\.|\b(?:side|sidene|sider)\b)\s*(?P<pages>\d+(?:\s*[–—-]+\s*\d+)?)\s*\)?\s*\.?",
    re.IGNORECASE,
)
_YEAR_AT_END = re.compile(r",?\s*(?:(?P<place>[A-ZÆØÅ][\wæøå -]{1,30}?)\s+)?(?:1[5-9]|20)\d\d\s*$")

# A report's series and number: "Rapport 13/2012", "NIFU-rapport 2015:27", "NIFU- 2015:27", "Notat 6/2009", "Rapport nr. 4".
_REPORT_NO = re.compile(
    r"(?:^|(?<=[.?!»”\",(\[])\s*|\s+)"
    r"(?P<type>(?:[A-ZÆØÅ][\wÆØÅæøå]*[- ]?)?(?:[Rr]apport|[Rr]eport|[Nn]otat|[Aa]rbeidsnotat|[Ww]orking [Pp]aper|[Ss]kriftserie)"
    r"|[A-ZÆØÅ]{2,}[- ]?)"
    r"\s*(?P<nr>(?:nr|no)\.?\s*)?"
    r"(?P<number>\d{1,4}\s*/\s*(?:19|20)?\d\d|(?:19|20)\d\d\s*:\s*\d{1,4}|\d{1,4})\b\s*[)\]]?"
)
_THESIS = re.compile(
    r"(?:^|(?<=[.?!»”\",])\s*|\s*[\[(])\s*"
    r"(?P<kind>(?:ph\.?\s?d|dr\.?\s?(?:philos|polit|scient)|doktor(?:grads)?)(?:\.?[\s-]*(?:avhandling|thesis|dissertation))?"
    r"|doctoral\s+(?:thesis|dissertation)|master(?:grads)?(?:oppgåve|oppgave|avhandling)|master'?s?\s+thesis"
    r"|hovudoppgåve|hovedoppgave)\b\.?(?=$|\s|[,;:)\]])\s*[\])]?\.?",
    re.IGNORECASE,
)
_REPORT_SERIES = re.compile(r"(?:rapport|report|notat|working paper|skriftserie)$|^[A-ZÆØÅ]{2,}-?$", re.IGNORECASE)
_JOURNAL_WORD = re.compile(r"tidsskrift|journal|review|quarterly|magazine|bulletin|forskning|research|studies|psycholog|educat", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class Body:
    """The parts of a reference after its authors and year."""

    title: str
    place: str = ""
    publisher: str = ""
    publication_type: str = ""  # "chapter", "article", "report", "thesis"; "" when nothing says which
    container: str = ""  # the book a chapter is in
    editors_text: str = ""  # that book's editors, as written
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    document_type: str = ""  # "Rapport", "NIFU", "Ph.d.-avhandling"
    number: str = ""  # "13/2012", "2015:27"
    url: str = ""


def parse_body(rest: str) -> Body:
    """Split what follows the author and year into title, container, number and imprint.

    Args:
        rest: e.g. "Kommunalt handlingsrom. I Langfeldt, G. (red.). Ansvarlighet i skolen. Oslo: Cappelen Akademisk"

    Returns:
        The parts; the title is whatever the other parts leave.
    """
    rest = _tidy(rest)
    url = ""
    found = _URL.search(rest)
    if found and found.start() > 0:
        url, rest = found.group("url").replace(" ", ""), _tidy(rest[: found.start()])

    chapter = _chapter(rest)
    if chapter:
        return chapter if not url else Body(**{**chapter.__dict__, "url": url})
    article = _article(rest)
    if article:
        return article if not url else Body(**{**article.__dict__, "url": url})

    head, place, publisher = imprint(rest)
    head, thesis = _thesis(head)
    head, document_type, number, tail = _report_number(head)
    if tail and not publisher and (is_org(tail) or _PUBLISHER_WORD.search(tail)):
        publisher = tail
    elif tail:
        head = f"{head}. {tail}"
    kind = "thesis" if thesis else "report" if number else ""
    return Body(
        title=_tidy(head), place=place, publisher=publisher, publication_type=kind,
        document_type=thesis or document_type, number=number, url=url,
    )


def imprint(text: str) -> tuple[str, str, str]:
    """The text before the imprint, the place and the publisher ("" for each not given).

    "NTNU: Trondheim", an institution before its town, is read the right way round.
    """
    text = _tidy(text)
    match = _PLACE_PUBLISHER.search(text)
    if match and match.start("place") > 0:
        place, publisher = match.group("place").strip(), match.group("publisher").strip()
        if is_org(place) and not is_org(publisher) and not _PUBLISHER_WORD.search(publisher):
            place, publisher = publisher, place
        return _tidy(text[: match.start("place")]), place, publisher
    match = _PLACE_COMMA_PUBLISHER.search(text)
    if match and (is_org(match.group("publisher")) or _PUBLISHER_WORD.search(match.group("publisher"))):
        return _tidy(text[: match.start()]), match.group("place"), match.group("publisher").strip()
    match = _TRAILING_PUBLISHER.search(text)
    publisher = match.group("publisher") if match else ""
    after_colon = bool(match and match.group(0).lstrip().startswith(":"))  # "Title: Jossey-Bass", not "BTI: Veileder"
    if (match and match.start() > 0 and (_PUBLISHER_WORD.search(publisher) or is_org(publisher) and not after_colon)
            and len(publisher.split()) <= 5 and not re.search(r"\d", publisher)):  # "Rapport 13/2012 NIFU" is no publisher
        name, _, town = publisher.strip().partition(", ")
        if re.fullmatch(r"[A-ZÆØÅ][a-zæøå]+", town) and not is_org(town):  # "Fagbokforlaget, Bergen"
            return _tidy(text[: match.start()]), town, name
        return _tidy(text[: match.start()]), "", publisher.strip()
    match = _PLACE_ONLY.search(text)
    if match and len(text[: match.start()].split()) >= 2:  # "Trygg oppvekst. Oslo." has a place, no publisher
        return _tidy(text[: match.start()]), match.group("place"), ""
    return text, "", ""


def _chapter(text: str) -> Body | None:
    """A chapter in a book: the title, then "I"/"In" and the book with its editors, pages and imprint."""
    for mark in _IN.finditer(text):
        title, after = _tidy(text[: mark.start()]), text[mark.end() :]
        if not title:
            continue
        in_journal = _article_tail(after, after_in=True)
        if in_journal and not _EDITOR_MARK.search(after):
            journal, volume, issue, pages, publisher = in_journal
            return Body(title=title, publication_type="article", journal=journal, volume=volume, issue=issue,
                        pages=pages, publisher=publisher)
        marked = _EDITOR_MARK.search(after) or _EDITED_BY.search(after) or _PAGES.search(after)
        if not (mark.group("colon") or mark.group("word") == "In" or marked):
            continue  # "Tittel. I dag …" is a sentence of the title
        return chapter_in(title, after)
    return None


def chapter_in(title: str, after: str) -> Body:
    """A chapter called ``title`` in the book ``after`` describes: "Editors (red.). Book (s. 1–20). Place: Publisher"."""
    editors_text = ""
    editors = _EDITOR_MARK.search(after)
    if editors and editors.start() > 0 and len(after[: editors.start()]) <= 200:
        editors_text, after = after[: editors.start()].strip(" ,:;"), after[editors.end() :]
    else:
        edited_by = _EDITED_BY.search(after)
        if edited_by:
            editors_text = edited_by.group("names").strip()
            after = after[: edited_by.start()] + after[edited_by.end() :]
        else:
            who = re.match(r"^(?P<who>(?:[A-ZÆØÅ]\.\s*)+[A-ZÆØÅ][\w'’-]+(?:\s[A-ZÆØÅ][\w'’-]+)?):\s+", after)
            if who:  # "I: H. Bache-Wiig: Norsk barnelitteratur": the book's author, not an editor
                after = after[who.end() :]
    pages = ""
    found = _PAGES.search(after)
    if found:
        pages = re.sub(r"\s*[–—-]+\s*", "–", found.group("pages"))
        after = after[: found.start()] + "." + after[found.end() :]
    book, place, publisher = imprint(after)
    at = _YEAR_AT_END.search(book)
    if at and at.start() > 0:  # "Veier til barneboka, 1997" or "Når børn læser, København 1980"
        place = place or (at.group("place") or "").strip()
        book = book[: at.start()]
    return Body(title=title, place=place, publisher=publisher, publication_type="chapter", container=_tidy(book),
                editors_text=editors_text, pages=pages)


def _article(text: str) -> Body | None:
    """An article: the title, then the journal's last sentence with its volume, issue and pages."""
    for start in [m.end() for m in re.finditer(r"[.?!»”\"]\s+", text)]:
        title = _tidy(text[:start])
        tail = _article_tail(text[start:])
        if title and tail:
            journal, volume, issue, pages, publisher = tail
            return Body(title=title, publication_type="article", journal=journal, volume=volume, issue=issue,
                        pages=pages, publisher=publisher)
    return None


_NUMBERS = (
    # 4 (1), 47 (4), 32 (2011): volume and issue (a year in brackets is no issue)
    re.compile(r"^(?:vol(?:ume)?\.?\s*)?(?P<volume>\d{1,4})\s*\(\s*(?P<issue>[\w–/-]{1,12})\s*\)", re.IGNORECASE),
    # 8:6, Volume 118/4
    re.compile(r"^(?:vol(?:ume)?\.?\s*)?(?P<volume>\d{1,4})\s*[:/]\s*(?P<issue>\d{1,3})\b(?!\s*[:/])", re.IGNORECASE),
    # Vol 5, Nr 2 / Vol. 5
    re.compile(r"^vol(?:ume)?\.?\s*(?P<volume>\d{1,4})(?:\s*,?\s*(?:nr|no|issue)\.?\s*(?P<issue>\d{1,3}))?", re.IGNORECASE),
    # nr. 25, nr. 2/2015
    re.compile(r"^(?:nr|no)\.?\s*(?P<issue>\d{1,3})(?:\s*/\s*(?:19|20)\d\d)?", re.IGNORECASE),
    # 3/2009
    re.compile(r"^(?P<issue>\d{1,2})\s*/\s*(?:19|20)\d\d"),
    # , 14
    re.compile(r"^(?P<volume>\d{1,4})\b(?!\s*[:/])"),
)
_AFTER_NUMBERS = re.compile(
    r"^\s*(?:\(\s*(?:19|20)\d\d\s*\))?\s*,?\s*(?:(?:s|pp?|side)\.?\s*)?(?P<pages>e?\d+(?:\s*[–—-]+\s*\d+)?)?"
    r"\s*[.,]?\s*(?P<tail>[A-ZÆØÅ][^.:]{1,80}?)?\.?\s*$",
    re.IGNORECASE,
)


def _article_tail(segment: str, *, after_in: bool = False) -> tuple[str, str, str, str, str] | None:
    """(journal, volume, issue, pages, publisher) when ``segment`` names a journal and where in it the work is."""
    segment = _tidy(segment)
    if re.match(r"^(?:I|In):?\s", segment):
        segment, after_in = re.sub(r"^(?:I|In):?\s+", "", segment), True
    for match in re.finditer(r"(?P<sep>,\s*|\s+)(?=[\dVvNn(])", segment):
        journal = segment[: match.start()].strip(" «»\"“”")
        if not journal or re.search(r"[.?!:;]", journal) or not journal[:1].isupper() or len(journal.split()) > 14:
            continue
        if _REPORT_SERIES.search(journal):
            return None  # "Rapport 13/2012", "NAV-rapport 1/2010": a report's number, not a journal's
        for form in _NUMBERS:
            found = form.match(segment[match.end() :])
            after = found and _AFTER_NUMBERS.match(segment[match.end() + found.end() :])
            if not after:
                continue
            volume, issue = found.groupdict().get("volume") or "", found.groupdict().get("issue") or ""
            issue = "" if _YEAR.match(issue) else issue  # "32 (2011)": the year, not an issue
            pages = re.sub(r"\s*[–—-]+\s*", "–", after.group("pages") or "")
            tail = (after.group("tail") or "").strip()
            if tail and not (is_org(tail) or _PUBLISHER_WORD.search(tail)):
                continue
            if volume and not issue and not pages and not (
                match.group("sep").startswith(",") and (after_in or _JOURNAL_WORD.search(journal))
            ):
                continue  # "Norway 2014" is no journal; "In Applied Linguistics, 14" and "Tidsskrift, 3" are
            if volume or issue:
                return journal, volume, issue, pages, tail
    return None


def _thesis(text: str) -> tuple[str, str]:
    """The text without its thesis marker, and the thesis's kind ("Ph.d.-avhandling", "Masteroppgave")."""
    match = None
    for match in _THESIS.finditer(text):
        pass
    if not match or match.start() == 0:
        return text, ""
    kind = match.group("kind").lower()
    label = ("Masteroppgave" if kind.startswith("master") else "Hovedoppgave" if kind.startswith("hov")
             else "Ph.d.-avhandling")
    return _tidy(text[: match.start()] + ". " + text[match.end() :]), label


def _report_number(text: str) -> tuple[str, str, str, str]:
    """The text before a report's series and number, the series ("Rapport", "NIFU"), the number, and what follows it."""
    match = None
    for found in _REPORT_NO.finditer(text):
        if found.group("nr") or re.search(r"[/:]", found.group("number")):  # "Delrapport 2" is part of a title
            match = found
    if not match or match.start() == 0 or not _tidy(text[: match.start()]):
        return text, "", "", ""
    document_type = re.sub(r"[- ]+$", "", match.group("type")).strip()
    number = re.sub(r"\s+", "", match.group("number"))
    if match.group("nr"):
        number = f"nr. {number}"
    return _tidy(text[: match.start()]), document_type, number, _tidy(text[match.end() :])


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text or "").strip(" .,:;")
    text = re.sub(r"\s*\.\s*\.", ".", text)
    return text.strip(" .,:;")
