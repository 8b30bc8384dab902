"""Finding people: entries in lists of speakers, and mentions in letters and programmes.

A parsed person is a ``PersonMention``; the pipeline merges mentions of the
same person across documents into one ``Person`` record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from absolutt_kb.roles import cue_pattern
from ingest.names import (
    NAME_LIST,
    capitalise_name,
    find_org,
    is_job_title,
    is_org,
    is_person_name,
    trailing_org,
)

_CONTACT = cue_pattern("contact")
_ORGANISER = cue_pattern("organiser")
_PRESENTER = cue_pattern("presenter")
_TRIGGER = re.compile(
    r"(?:\bved\b|\bv/\s*|\bsnakk(?:e)? med\b|\bkontakt(?:person(?:er)?)?(?: med)?:?(?:\s+(?:er|var))?|\bledes av\b|"
    r"\bpresentert av\b|\bholdes av\b|\binnlegg av\b|\bforedrag av\b|\bprosjektleder(?:e)?:?|\binnleder(?:e)?:)\s*",
    re.IGNORECASE,
)
_PHOTO = re.compile(r"\b(foto|photo|illustrasjon|bilde)\s*:", re.IGNORECASE)
_EMAIL_OR_PHONE = re.compile(r"\(?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\)?|\(?\+?\d[\d ]{6,}\d\)?")
_TOPIC_SPLIT = re.compile(r"\s*,?\s*\bog om\b\s*|\s*,\s*om\s+|\s*;\s*")


@dataclass(frozen=True)
class PersonMention:
    """One place a person is named, with what that place says about them."""

    name: str
    affiliation: str
    topics: tuple[str, ...]
    role: str
    text: str
    context: str = ""  # the sentence, bio or programme row that names them, when it says more than the fields


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _EMAIL_OR_PHONE.sub("", text)).strip(" ,;:")


def _split_people(people: str) -> list[str]:
    """Split "A, X, B og C D" into its comma/og separated parts."""
    parts: list[str] = []
    for chunk in re.split(r"\s*,\s*|\s*;\s*", people):
        parts.extend(p for p in re.split(r"\s+(?:og|and|&)\s+", chunk) if p)
    return [p.strip() for p in parts if p.strip()]


def parse_person_entry(entry: str, role: str = "resource_person") -> list[PersonMention]:
    """Parse an entry from a list of people.

    Handles "Name, Affiliation, om topic", "Name om topic", "Name (Affiliation): topic",
    "Elisabeth og Bengt Persson om inkludering" (two people sharing a surname) and several
    people with their affiliations on one line.

    Args:
        entry: The list entry.
        role: The role the list gives its people.

    Returns:
        The people the entry names; empty when it names none.
    """
    entry = _clean(entry)
    if not entry or _PHOTO.search(entry) or entry.endswith("?"):
        return []
    entry = re.sub(r"\(([^()]{2,60})\)", r", \1,", entry)
    head, topics_text = entry, ""
    split = re.search(r"\s+om\s+|\s*:\s+|\s+[–-]\s+", entry)
    if split:
        head, topics_text = entry[: split.start()], entry[split.end() :]
    parts = _split_people(head)
    if not parts:
        return []

    people: list[tuple[str, list[str]]] = []
    extra: list[str] = []
    pending_given: list[str] = []
    for position, part in enumerate(parts):
        part = part.strip(" ,.")
        if not part:
            continue
        words = part.split()
        followed_by_org = position + 1 < len(parts) and is_org(parts[position + 1])
        if is_person_name(part) or (followed_by_org and is_person_name(part, lenient=True)):
            name = capitalise_name(part)
            surname = name.split()[-1]
            for given in pending_given:
                people.append((f"{capitalise_name(given)} {surname}", []))
            pending_given = []
            people.append((name, []))
        elif len(words) == 1 and re.fullmatch(r"[A-ZÆØÅ][a-zæøå]+", part) and not is_org(part) and not people:
            pending_given.append(part)  # "Elisabeth" in "Elisabeth og Bengt Persson"
        elif people and (is_org(part) or part[:1].isupper()):
            if not people[-1][1]:
                people[-1][1].append(part)
            else:
                extra.append(part)
        elif people:
            extra.append(part)
        else:
            return []
    if not people:
        return []
    if not topics_text and not any(aff for _, aff in people) and not extra:
        return []  # a bare "Word Word" line is not enough to call it a person
    topics = [t.strip(" ,.") for t in _TOPIC_SPLIT.split(re.sub(r"^om\s+", "", topics_text)) if t.strip(" ,.")]
    if not topics:
        topics = [e for e in extra if e[:1].islower()]
    return [
        PersonMention(name=name, affiliation=", ".join(aff), topics=tuple(topics), role=role, text=entry)
        for name, aff in people
    ]


def _role_for(sentence: str) -> str:
    """The part a cue sentence gives: one who leads ("ledes av … ved Name") before one who speaks ("v/")."""
    if _ORGANISER.search(sentence):
        return "organiser"
    if _PRESENTER.search(sentence):
        return "presenter"
    return "contact"


def find_mentions(sentence: str) -> list[PersonMention]:
    """People named in running text after a cue ("ved", "v/", "kontakt", "ledes av" …).

    Args:
        sentence: A paragraph or line of prose.

    Returns:
        The people named, with affiliation and role taken from the sentence.
    """
    if _PHOTO.search(sentence):
        return []
    found: list[PersonMention] = []
    for trigger in _TRIGGER.finditer(sentence):
        rest = sentence[trigger.end() :]
        match = re.match(NAME_LIST, rest)
        if not match:
            continue
        names = [n for n in _split_people(match.group(0)) if is_person_name(n)]
        if not names:
            continue
        before = sentence[: trigger.start()]
        clause = re.split(r"[.!?]\s", before)[-1]
        affiliation = trailing_org(clause)
        if affiliation and not is_org(affiliation):
            affiliation = ""
        after = _clean(rest[match.end() :])
        topics: tuple[str, ...] = ()
        appositive = re.match(r"^,\s*([^.()]+)", rest[match.end() :])
        if appositive:
            described = appositive.group(1).strip()
            if not affiliation and is_org(described) and len(described.split()) <= 4:
                affiliation = described
            else:
                topics = (described,)
        tail = re.sub(r"^\s*\([^)]*\)", "", _EMAIL_OR_PHONE.sub("", rest[match.end() :]))
        placed = re.match(r"^\s*(?:ved|fra|i)\s+([A-ZÆØÅ][^.,;()]{1,50})", tail)
        if placed and not affiliation:
            candidate = " ".join(placed.group(1).split()[:5])
            if is_org(candidate):
                affiliation = trailing_org(candidate) or candidate
        role = _role_for(clause + " " + trigger.group(0) + " " + after[:80])
        for name in names:
            found.append(PersonMention(name=name, affiliation=affiliation, topics=topics, role=role, text=_clean(sentence)))
    return found


def find_signatures(blocks: list[str], owner: str) -> list[PersonMention]:
    """People who sign a letter or foreword: a name alone on a line, then a job title.

    Args:
        blocks: Texts of consecutive blocks of one document.
        owner: The organisation the document comes from, used when the title names none.

    Returns:
        The signatories, as organisers.
    """
    found: list[PersonMention] = []
    for i, text in enumerate(blocks[:-1]):
        if not is_person_name(text) or _PHOTO.search(text):
            continue
        title = blocks[i + 1]
        if not is_job_title(title) or is_person_name(title):
            continue
        affiliation = find_org(title)
        if not affiliation:
            for later in blocks[i + 2 : i + 4]:
                if is_person_name(later):
                    break
                org = find_org(later)
                if org and len(later) <= len(org) + 5:
                    affiliation = org
                    break
        found.append(
            PersonMention(
                name=text.strip(), affiliation=affiliation or owner, topics=(), role="organiser", text=f"{text}, {title}"
            )
        )
    return found


def find_programme_people(blocks: list[str]) -> list[PersonMention]:
    """People on a line of their own in a programme, under the item they present.

    "Sætre skole presenterer sitt arbeid med X" followed by "Anne B og Lise L" gives two
    presenters from Sætre skole on X.
    """
    found: list[PersonMention] = []
    for i, text in enumerate(blocks):
        if i == 0 or not re.fullmatch(NAME_LIST, text.strip()):
            continue
        names = [n for n in _split_people(text) if is_person_name(n)]
        if not names:
            continue
        previous = blocks[i - 1]
        verb = re.search(r"\s(presenterer|forteller om|innleder om|snakker om|holder innlegg om|om)\s", previous)
        if not verb and not _PRESENTER.search(previous):
            continue
        affiliation = previous[: verb.start()].strip() if verb else ""
        if affiliation and (len(affiliation.split()) > 5 or not affiliation[:1].isupper()):
            affiliation = ""
        topic = previous[verb.end() :].strip() if verb else previous
        topic = re.sub(r"^(sitt|sine|hennes|hans|deres) (arbeid|erfaringer) med\s+", "", topic)
        for name in names:
            found.append(PersonMention(name=name, affiliation=affiliation, topics=(topic,), role="presenter", text=f"{previous} – {text}"))
    return found
