"""Recognising personal names, organisations and job titles in Norwegian text."""

from __future__ import annotations

import re

from absolutt_kb.language import fold  # noqa: F401 - the one fold, re-exported for ingest

UP = "A-ZÆØÅÄÖÜÉÈÁÓÍ"
LO = "a-zæøåäöüéèáóíúñçëïß"
NAME_TOKEN = rf"[{UP}][{LO}]+(?:-[{UP}][{LO}]+)?"
INITIAL = rf"[{UP}]\.(?:\s?[{UP}]\.)?"
NAME = rf"{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{INITIAL})){{1,3}}"
NAME_LIST = rf"{NAME}(?:\s*,\s*{NAME})*(?:\s+(?:og|and|&)\s+{NAME})?"

ORG_WORDS = {
    "kommune", "kommunen", "fylkeskommune", "fylkeskommunen", "fylke", "fylkesmann", "fylkesmannen",
    "statsforvalter", "statsforvalteren", "universitet", "universitetet", "university", "høgskole",
    "høgskolen", "høyskole", "høyskolen", "skole", "skolen", "barnehage", "barnehagen", "as", "asa", "ks",
    "direktorat", "direktoratet", "departement", "departementet", "senter", "senteret", "institutt",
    "instituttet", "forbund", "forbundet", "region", "regionen", "ntnu", "nifu", "oecd", "forlag",
    "forlaget", "stiftelse", "stiftelsen", "nettverk", "råd", "rådet", "utvalg", "utvalget", "avdeling",
    "avdelingen", "kontor", "kontoret", "school", "college", "institute", "council", "foundation",
    "kulturskole", "kulturskolen", "ppt", "ppd", "sfo", "nav", "rambøll", "pwc", "konsulent",
}
ORG_SUFFIXES = ("kommune", "universitet", "forbundet", "direktoratet", "departementet", "regionen",
                "senteret", "instituttet", "skolen", "høgskolen", "fylke", "forlag", "rådet")
CONNECTORS = {"og", "i", "for", "av", "på", "til", "med", "om", "de", "la", "van", "von", "der", "den", "det"}
# Capitalised words that start sentences and list items but are never given names.
NOT_GIVEN_NAMES = {
    "hvordan", "hva", "hvem", "hvilke", "hvilken", "hvor", "hvorfor", "når", "det", "den", "de", "dette", "disse",
    "vi", "alle", "lag", "økte", "økt", "ulike", "god", "gode", "varige", "nasjonal", "digitale", "tverrfaglig",
    "tverrfaglige", "med", "for", "til", "fra", "og", "om", "kommunen", "programmet", "samlingen", "velkommen",
    "takk", "tema", "sted", "program", "foto", "les", "ta", "se", "bruk", "involver", "utfordre", "styringssignal",
    "administrativ", "politisk", "partnerskap", "ny", "nye", "nytt", "første", "andre", "tredje", "siste", "kjære",
}
JOB_TITLE_RE = re.compile(
    r"(direkt[øoa]r|direktør|sjef\b|sjef\s|leder\b|rådgiver|radgiver|konsulent|koordinator|rektor|styrer\b|"
    r"ordfører|rådmann|professor|forsker|lektor|amanuensis|seniorrådgiver|prosjektleder|daglig leder|"
    r"kommunalsjef|kommunedirektør|assisterende|fagleder|veileder|jurist|advokat)",
    re.IGNORECASE,
)
ORG_PATTERN = re.compile(
    rf"(?:KS(?:-Konsulent)?(?:\s+AS)?(?:\s+[{UP}][{LO}]+(?:\s+og\s+[{UP}][{LO}]+)?)?"
    rf"|Fylkesmannen\s+i\s+[{UP}][{LO}]+(?:\s+og\s+[{UP}][{LO}]+)?"
    rf"|Statsforvalteren\s+i\s+[{UP}][{LO}]+(?:\s+og\s+[{UP}][{LO}]+)?"
    rf"|[{UP}][{LO}]+(?:\s+[{UP}][{LO}]+)?\s+(?:kommune|fylkeskommune)"
    rf"|(?:Universitetet|Høgskolen)\s+i\s+[{UP}][{LO}]+"
    rf"|[{UP}][{LO}]+\s+universitet)"
)


def capitalise_name(name: str) -> str:
    """Capitalise every part of a name ("Geir halland" → "Geir Halland"), keeping initials."""
    parts = []
    for token in name.split():
        if token.lower() in CONNECTORS and parts:
            parts.append(token.lower() if token.lower() in {"van", "von", "de", "der", "la"} else token)
            continue
        parts.append("-".join(p[:1].upper() + p[1:] for p in token.split("-")))
    return " ".join(parts)


def _is_acronym(token: str) -> bool:
    """"NTNU", "UiO", "HiHe", "SePU", "KS-Konsulent": capitals with no run of small letters."""
    for part in token.split("-"):
        letters = [c for c in part if c.isalpha()]
        if len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2 and not re.search(rf"[{LO}]{{2}}", part):
            return True
    return False


def is_org(text: str) -> bool:
    """Whether a short phrase names an organisation, institution or place of work."""
    tokens = re.findall(r"[\wÆØÅæøå-]+", text)
    if not tokens:
        return False
    lowered = {t.lower().strip("-") for t in tokens}
    if lowered & ORG_WORDS:
        return True
    if any(_is_acronym(t) for t in tokens):
        return True
    return any(t.lower().endswith(ORG_SUFFIXES) for t in tokens)


def is_person_name(text: str, *, lenient: bool = False) -> bool:
    """Whether ``text`` is a personal name of two to five parts.

    Args:
        text: The candidate, e.g. "Hans A. Hauge".
        lenient: Accept lower-case surnames ("Geir halland"), as in a list of people.

    Returns:
        True when it looks like a name and not an organisation or phrase.
    """
    text = text.strip()
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or is_org(text) or any(ch.isdigit() for ch in text) or JOB_TITLE_RE.search(text):
        return False
    if not re.fullmatch(NAME_TOKEN, tokens[0]) or tokens[0].lower() in NOT_GIVEN_NAMES:
        return False
    if tokens[-1].endswith(".") and len(tokens[-1]) <= 3:
        return False  # ends on an initial: not a full name
    for position, token in enumerate(tokens[1:], start=1):
        if re.fullmatch(NAME_TOKEN, token) or re.fullmatch(INITIAL, token):
            continue
        if lenient and position == len(tokens) - 1 and re.fullmatch(rf"[{LO}]{{3,}}", token) and token not in CONNECTORS:
            continue  # a surname typed in lower case, as in "Geir halland"
        return False
    return True


def is_job_title(text: str) -> bool:
    """Whether a short line is a job title ("Regiondirektør KS Møre og Romsdal")."""
    return len(text) <= 90 and bool(JOB_TITLE_RE.search(text))


def find_org(text: str) -> str:
    """The first organisation named in ``text``, or ""."""
    match = ORG_PATTERN.search(text)
    return match.group(0).strip() if match else ""


def trailing_org(text: str) -> str:
    """The organisation a phrase ends with: "kontakt med KS Møre og Romsdal" → "KS Møre og Romsdal"."""
    tokens = text.rstrip(" :,").split()
    taken: list[str] = []
    for token in reversed(tokens):
        bare = token.strip(":,;()")
        if bare and (bare[0].isupper() or bare[0].isdigit()):
            taken.append(bare)
            continue
        if bare.lower() in {"og", "i"} and taken:
            taken.append(bare)
            continue
        break
    while taken and taken[-1].lower() in {"og", "i"}:
        taken.pop()
    phrase = " ".join(reversed(taken))
    if phrase.split()[:1] and phrase.split()[0].lower() in {"ta", "ved", "kontakt", "ledes"}:
        phrase = " ".join(phrase.split()[1:])
    return phrase if phrase and len(phrase.split()) <= 6 else ""
