"""The parts a person can play in the programme material, and the words that name them in Bokmål and Nynorsk.

One ``Role`` per part: its key (stored in records), the label the user reads,
the priority when one person has several parts (a resource person is shown as
one even where a programme also lists them as a speaker), and the cue words
of both written standards side by side. The layout rules (``ingest.cues``)
build their patterns from these words; the app and the cards show the labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A part a person plays.

    Attributes:
        key: The value records store ("presenter").
        label: What the user reads ("Innleder").
        priority: Lower wins when one person has several parts.
        bokmal: Cue words and phrases in Bokmål (regular-expression fragments, lower case).
        nynorsk: The same cues in Nynorsk.
    """

    key: str
    label: str
    priority: int
    bokmal: tuple[str, ...]
    nynorsk: tuple[str, ...]

    @property
    def cues(self) -> str:
        """One alternation of every cue of both standards (for ``re``)."""
        return "|".join(dict.fromkeys(self.bokmal + self.nynorsk))


ROLES: tuple[Role, ...] = (
    Role(
        "resource_person",
        "Ressursperson",
        0,
        bokmal=("ressursperson\\w*", "fagperson\\w*", "bidragsyter\\w*"),
        nynorsk=("ressursperson\\w*", "fagperson\\w*", "bidragsytar\\w*"),
    ),
    Role(
        "presenter",
        "Innleder",
        1,
        bokmal=(
            "v/",
            "\\bved\\b",
            "innleder\\w*",
            "innledning",
            "foredragsholder\\w*",
            "foredrag",
            "keynote",
            "innlegg",
            "presentasjon",
            "velkommen",
            "velkomst\\w*",
            "åpning",
            "panel\\w*",
            "samtale",
            "bidragsyter\\w*",
            "forelesning",
            "foreleser",
            "speaker\\w*",
            "ressursperson\\w*",
            "presenter\\w*",
            "forteller",
        ),
        nynorsk=(
            "v/",
            "\\bved\\b",
            "innleiar\\w*",
            "innleiing",
            "foredragshaldar\\w*",
            "foredrag",
            "keynote",
            "innlegg",
            "presentasjon",
            "velkomen",
            "velkomst\\w*",
            "opning",
            "panel\\w*",
            "samtale",
            "bidragsytar\\w*",
            "førelesing",
            "forelesar",
            "førelesar",
            "presenter\\w*",
            "fortel",
        ),
    ),
    Role(
        "organiser",
        "Arrangør",
        2,
        bokmal=(
            "møteleder",
            "ordstyrer",
            "konferansier",
            "debattleder",
            "moderator",
            "programleder",
            "leder av",
            "lede sesjonen",
            "til å lede",
            "ledet av",
            "ledes av",
            "vert\\b",
            "vertskap",
            "arrangementsgrupp\\w*",
            "arbeidsgrupp\\w*",
            "programkomit\\w*",
            "arrangementskomit\\w*",
            "styringsgrupp\\w*",
            "planleggingsgrupp\\w*",
            "prosjektleder",
            "ansvarlig",
            "arrangør\\w*",
            "arrangement\\w* av",
            "medarrangør\\w*",
        ),
        nynorsk=(
            "møteleiar",
            "ordstyrar",
            "konferansier",
            "debattleiar",
            "moderator",
            "programleiar",
            "leiar av",
            "leie sesjonen",
            "til å leie",
            "leia av",
            "leiast av",
            "vert\\b",
            "vertskap",
            "arrangementsgrupp\\w*",
            "arbeidsgrupp\\w*",
            "programkomit\\w*",
            "styringsgrupp\\w*",
            "prosjektleiar",
            "ansvarleg",
            "arrangør\\w*",
            "medarrangør\\w*",
        ),
    ),
    Role(
        "contact",
        "Kontaktperson",
        3,
        bokmal=("kontakt\\w*", "påmelding\\w*", "spørsmål", "henvendelse\\w*", "e-post", "epost"),
        nynorsk=("kontakt\\w*", "påmelding\\w*", "spørsmål", "førespurnad\\w*", "e-post", "epost"),
    ),
)

_BY_KEY = {r.key: r for r in ROLES}


def role(key: str) -> Role:
    """The role with this key (an unknown key reads as a presenter, the commonest part)."""
    return _BY_KEY.get(key, _BY_KEY["presenter"])


def role_label(key: str) -> str:
    """What the user reads for a role key."""
    return role(key).label


def priority(key: str) -> int:
    """The rank of a role when one person has several (lower wins)."""
    return role(key).priority


def cue_pattern(key: str) -> re.Pattern[str]:
    """The cue words of one role, both standards, as a case-insensitive pattern."""
    return re.compile(rf"\b(?:{role(key).cues})", re.IGNORECASE)
