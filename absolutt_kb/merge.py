"""Joining what several documents say about the same thing: one person with aliases, one work.

Runs over the whole corpus after every document has been read (``ingest``
reads one document at a time and never merges).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from absolutt_kb.language import fold
from absolutt_kb.records import Person, Record, Source, with_changes

ROLE_PRIORITY = {"resource_person": 0, "presenter": 1, "organiser": 2, "contact": 3}


def _same_person(a: str, b: str) -> bool:
    fa, fb = fold(a).split(), fold(b).split()
    if fa == fb:
        return True
    if not fa or not fb or fa[0] != fb[0] or len(fa) != len(fb):
        return False
    return fuzz.ratio(" ".join(fa), " ".join(fb)) >= 90 and fuzz.ratio(fa[-1], fb[-1]) >= 85


def _merge_people(people: list[Person]) -> list[Person]:
    merged: list[Person] = []
    mentions: list[dict[Source, None]] = []  # gathered apart: a name seen in a thousand places stays linear
    buckets: dict[tuple[str, int], list[int]] = {}  # _same_person needs the same first token and length
    for person in people:
        tokens = fold(person.name).split()
        bucket = buckets.setdefault((tokens[0] if tokens else "", len(tokens)), [])
        for i in bucket:
            other = merged[i]
            if not _same_person(person.name, other.name):
                continue
            best, rest = (person, other) if ROLE_PRIORITY[person.role] < ROLE_PRIORITY[other.role] else (other, person)
            aliases = tuple(
                dict.fromkeys(n for n in (*other.aliases, *person.aliases, person.name, other.name) if n != best.name)
            )
            merged[i] = with_changes(
                best,
                id=other.id,  # the first place a person was seen names them
                affiliation=best.affiliation or rest.affiliation,
                topics=tuple(dict.fromkeys(best.topics + rest.topics)),
                aliases=aliases,
            )
            mentions[i].update(dict.fromkeys(person.mentions))
            break
        else:
            bucket.append(len(merged))
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
