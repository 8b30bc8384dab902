"""Joining what several documents say about the same thing: one person with aliases, one work.

Runs over the whole corpus after every document has been read (``ingest``
reads one document at a time and never merges).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from absolutt_kb.language import fold
from absolutt_kb.records import Person, Record, Source, with_changes
from absolutt_kb.roles import priority


def _same_person(a: str, b: str, same_document: bool = False) -> bool:
    """Whether two names are one person: equal, a small spelling difference, or a middle initial more.

    Within one document a given name spelt two ways ("Halvard"/"Halvor Hølleland") is one person too.
    """
    fa, fb = fold(a).split(), fold(b).split()
    if fa == fb:
        return True
    if not fa or not fb:
        return False
    bare_a, bare_b = ([t for t in f if not re.fullmatch(r"\w\.", t)] for f in (fa, fb))
    if bare_a == bare_b and len(bare_a) >= 2:
        return True  # "Erik Oksavik" / "Erik S. Oksavik"
    if same_document and len(fa) == len(fb) and fa[-1] == fb[-1] and fa[1:-1] == fb[1:-1] and fa[0][:4] == fb[0][:4]:
        return True
    if fa[0] != fb[0] or len(fa) != len(fb):
        return False
    return fuzz.ratio(" ".join(fa), " ".join(fb)) >= 90 and fuzz.ratio(fa[-1], fb[-1]) >= 85


def _merged_text(best: Person, rest: Person) -> str:
    """The better record's text, with what the other place said about the person added (bounded)."""
    extra = rest.text.split(" – ", 1)[1] if " – " in rest.text else ""
    if extra and extra not in best.text and len(best.text) + len(extra) < 1500:
        return f"{best.text} – {extra}"
    return best.text


def _merge_people(people: list[Person]) -> list[Person]:
    merged: list[Person] = []
    mentions: list[dict[Source, None]] = []  # gathered apart: a name seen in a thousand places stays linear
    by_first: dict[tuple[str, int], list[int]] = {}  # spelling differences keep the first name and length
    by_surname: dict[str, list[int]] = {}  # initials and given-name spellings keep the surname
    for person in people:
        tokens = fold(person.name).split()
        first_key, surname = (tokens[0] if tokens else "", len(tokens)), tokens[-1] if tokens else ""
        candidates = dict.fromkeys([*by_first.get(first_key, []), *by_surname.get(surname, [])])
        for i in candidates:
            other = merged[i]
            if not _same_person(person.name, other.name, person.source.document == other.source.document):
                continue
            best, rest = (person, other) if priority(person.role) < priority(other.role) else (other, person)
            aliases = tuple(
                dict.fromkeys(n for n in (*other.aliases, *person.aliases, person.name, other.name) if n != best.name)
            )
            merged[i] = with_changes(
                best,
                id=other.id,  # the first place a person was seen names them
                text=_merged_text(best, rest),
                affiliation=best.affiliation or rest.affiliation,
                topics=tuple(dict.fromkeys(best.topics + rest.topics)),
                aliases=aliases,
            )
            mentions[i].update(dict.fromkeys(person.mentions))
            break
        else:
            by_first.setdefault(first_key, []).append(len(merged))
            by_surname.setdefault(surname, []).append(len(merged))
            merged.append(person)
            mentions.append(dict.fromkeys(person.mentions))
    return [with_changes(p, mentions=tuple(m)) for p, m in zip(merged, mentions)]


def merge_records(records: list[Record]) -> list[Record]:
    """Join records that describe the same thing.

    People named in several places (or spelt two ways: "Faanessen"/"Faannessen")
    become one record with aliases; works and practice examples with the same id
    are kept once.

    Args:
        records: Records from all documents.

    Returns:
        Records with unique ids.
    """
    people = _merge_people([r for r in records if isinstance(r, Person)])
    out: list[Record] = []
    seen: set[str] = set()
    for r in [*people, *(r for r in records if not isinstance(r, Person))]:
        if r.id in seen:
            continue
        seen.add(r.id)
        out.append(r)
    return out
