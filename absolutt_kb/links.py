"""Links between records: who wrote what, which passage cites which work, and which
document tells the full story of a practice example.

- A person ↔ the works they wrote: the surname matches an author's (allowing a
  spelling difference, "Gottvassli"/"Gotvassli") and the initials agree.
- A passage ↔ the works it cites in the text: "(Hargreaves & Fullan, 2012)",
  "(Stoll et al., 2006)", "(Roald, K., 2013)" match author and year.
- A practice example ↔ passages of another document that name both its owner's
  place and the example's distinctive title word (Kristiansand's FLIK ↔ the plan).
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz

from absolutt_kb.language import fold
from absolutt_kb.records import Passage, Person, PracticeExample, Record, Work, with_changes

_IN_TEXT = re.compile(
    r"\(([A-ZÆØÅ][\wæøåÆØÅ'-]+)(?:,?\s+(?:et al\.?|m\.?\s?fl\.?)|\s*(?:&|og)\s*[A-ZÆØÅ][\wæøå'-]+)?,?(?:\s*[A-ZÆØÅ]\.,?)?\s*((?:19|20)\d{2})"
)


def _surname_and_initials(author: str) -> tuple[str, str]:
    surname, _, initials = author.partition(",")
    return fold(surname.strip()), "".join(c for c in fold(initials) if c.isalpha())


def _person_wrote(person: Person, work: Work) -> bool:
    names = [person.name, *person.aliases]
    for author in work.authors:
        surname, initials = _surname_and_initials(author)
        if not surname or " " in surname:
            continue
        for name in names:
            parts = fold(name).split()
            if len(parts) < 2 or fuzz.ratio(parts[-1], surname) < 88:
                continue
            given_initials = "".join(p[0] for p in parts[:-1])
            if not initials or given_initials.startswith(initials[:1]):
                return True
    return False


def _by_first_author(works: list[Work]) -> dict[tuple[int | None, str], list[Work]]:
    """Works by year and folded surname of the first author: what an in-text citation names."""
    out: dict[tuple[int | None, str], list[Work]] = defaultdict(list)
    for work in works:
        if work.authors:
            out[(work.year, _surname_and_initials(work.authors[0])[0])].append(work)
    return out


def _cited_works(text: str, works: dict[tuple[int | None, str], list[Work]]) -> list[Work]:
    return [work for surname, year in _IN_TEXT.findall(text) for work in works.get((int(year), fold(surname)), ())]


def _distinctive_words(title: str) -> list[str]:
    words = re.findall(r"[A-Za-zÆØÅæøå]{3,}", title)
    return [w for w in words if w.isupper() or (w[0].isupper() and w[1:].lower() != w[1:])] or []


def link_records(records: list[Record]) -> list[Record]:
    """Return the records with ``links`` filled in both directions.

    Args:
        records: All records of the corpus, merged.

    Returns:
        The same records, with links.
    """
    links: dict[str, set[str]] = defaultdict(set)

    def tie(a: Record, b: Record) -> None:
        if a.id != b.id:
            links[a.id].add(b.id)
            links[b.id].add(a.id)

    people = [r for r in records if isinstance(r, Person)]
    works = [r for r in records if isinstance(r, Work)]
    passages = [r for r in records if isinstance(r, Passage)]
    for person in people:
        for work in works:
            if _person_wrote(person, work):
                tie(person, work)
    cited = _by_first_author(works)
    for passage in passages:
        for work in _cited_works(passage.text, cited):
            tie(passage, work)
    # A practice example is told of in other documents' passages that name its place and a distinctive
    # word of its title. Examples are grouped by place, so each passage is searched once per place.
    by_place: dict[str, list[tuple[PracticeExample, list[str]]]] = defaultdict(list)
    for example in (r for r in records if isinstance(r, PracticeExample)):
        place = fold(example.owner.split()[0]) if example.owner else ""
        words = [fold(w) for w in _distinctive_words(example.title)]
        if place and words:
            by_place[place].append((example, words))
    if by_place:
        folded = [fold(p.text) for p in passages]
        for place, examples in by_place.items():
            for passage, text in zip(passages, folded):
                if place not in text:
                    continue
                for example, words in examples:
                    if passage.source.document != example.source.document and any(
                        re.search(rf"\b{re.escape(w)}\b", text) for w in words
                    ):
                        tie(example, passage)
    return [with_changes(r, links=tuple(sorted(links[r.id]))) if links.get(r.id) else r for r in records]
