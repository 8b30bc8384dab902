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
