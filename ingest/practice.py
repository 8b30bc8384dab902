"""Parsing practice examples: who did what ("Namsos kommune: Styringsdokument og årshjul")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OWNER_WORDS = re.compile(
    r"\b(kommune\w*|fylke\w*|region\w*|bydel\w*|interkommunal\w*|nettverk\w*|skole|barnehage|RSK|"
    r"oppvekst\w*|statsforvalter\w*|fylkesmann\w*)\b|\w+regionen\b",
    re.IGNORECASE,
)
_FORMS = (
    # "Owner: title", "Owner – title"
    re.compile(r"^(?P<owner>[A-ZÆØÅ][^:–—]{1,80}?)\s*(?::|\s[–—-]\s)\s*(?P<title>\S.{2,})$"),
    # "Title (Owner kommune)"
    re.compile(r"^(?P<title>\S.{2,}?)\s*\((?P<owner>[^()]*(?:kommune|fylke|region)[^()]*)\)\s*\.?$", re.IGNORECASE),
)


@dataclass(frozen=True)
class Practice:
    """A parsed practice example."""

    owner: str
    title: str
    description: str
    strong: bool


def parse_practice(entry: str) -> Practice | None:
    """Parse one practice example entry.

    Args:
        entry: e.g. "Namsos kommune: Styringsdokument og årshjul. Overordna vedtak …"

    Returns:
        The example, or None when the entry does not name an owner and a title.
        ``strong`` says the owner is clearly a municipality, county or region.
    """
    text = re.sub(r"\s+", " ", entry).strip(" •-")
    for form in _FORMS:
        match = form.match(text)
        if not match:
            continue
        owner = match.group("owner").strip(" ,")
        rest = match.group("title").strip()
        if len(owner.split()) > 10 or owner.endswith("?"):
            continue
        first_sentence = re.split(r"(?<=[.!?])\s+", rest, maxsplit=1)
        title = first_sentence[0].rstrip(".")
        return Practice(owner=owner, title=title, description=text, strong=bool(_OWNER_WORDS.search(owner)))
    return None


_OWNER_NOUN = r"(?i:kommune|fylkeskommune|bydel|(?:vidaregåande|videregående)\s+(?:skule|skole)|skole|skule|barnehage|barnehagen)"
_OWNER_PHRASE = re.compile(rf"\b(?P<owner>[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+)*\s+{_OWNER_NOUN})\b")
_LINE_FORMS = (
    # "Espira Muruvik sitt arbeid med kvalitetsutvikling", "Sætre skole presenterer sitt arbeid med …"
    re.compile(
        r"(?P<owner>[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+){0,4}(?:\s+" + _OWNER_NOUN + r")?)\s+"
        r"(?:presenterer\s+|presenterar\s+|forteller om\s+|fortel om\s+)?(?:sitt|sine|si|sin)\s+"
        r"(?:arbeid|erfaringer|erfaringar|prosjekt|satsing|praksis)\s+(?:med|om|på)\s+(?P<title>[^.!?]{3,120})"
    ),
    # "Praksisinnlegg fra Ringstabekk skole: …", "Erfaringer fra Sortland kommune"
    re.compile(
        r"(?i:praksisinnlegg|praksiseksempel|eksempel|erfaringer|erfaringar|erfaringsdeling)\s+(?i:fra|frå)\s+"
        r"(?P<owner>[A-ZÆØÅ][\wæøå-]+(?:\s+(?:[A-ZÆØÅ][\wæøå-]+|" + _OWNER_NOUN + r"))*)(?:\s*[:–-]\s*(?P<title>[^.!?]{3,120}))?",
    ),
)
_PROJECT_WORDS = re.compile(r"prosjekt|erfaring|praksis|utviklingsarbeid|satsing|notat|rapport fr", re.IGNORECASE)


def practice_in_line(text: str) -> Practice | None:
    """A practice example a programme line or sentence names ("X sitt arbeid med Y", "Praksisinnlegg fra X")."""
    for form in _LINE_FORMS:
        match = form.search(text)
        if match and match.group("owner").split()[0].lower() not in {"vi", "de", "dei", "han", "hun", "ho"}:
            title = re.split(r"\s+(?:v/|ved)\s*|\s+[–-]\s+", (match.group("title") or text))[0].strip(" .:–-")
            return Practice(owner=match.group("owner").strip(), title=title, description=text, strong=True)
    return None


def document_practice(title: str, opening: str) -> Practice | None:
    """A document that tells one owner's own work: "Ungdomsmedvirkning …, erfaringer fra Sortland kommune".

    Args:
        title: The document's title line.
        opening: Its first paragraphs, where the owner is named when the title does not name it.

    Returns:
        The example, or None when the title does not present a project or an owner's experience.
    """
    title = re.sub(r"^\d+\s+", "", title.strip())[:200]
    named = re.search(r",?\s*(?:erfaringer|erfaringar)\s+(?:fra|frå)\s+(?P<owner>[A-ZÆØÅ][^,.:;]{2,60})", title)
    if named:
        return Practice(owner=named.group("owner").strip(), title=title[: named.start()].strip(" ,") or title,
                        description=opening, strong=True)
    if not _PROJECT_WORDS.search(title):
        return None
    owner = _OWNER_PHRASE.search(opening)
    if not owner:
        return None
    short = re.split(r"\s+(?:rapport|notat)\s+(?:frå|fra)\b|\s+Innhald:|\s+Innhold:", title)[0].strip(" .:")
    return Practice(owner=owner.group("owner"), title=short, description=opening, strong=True)
