"""Whether a phrase near a name is a talk or subject, or only how to reach the person or what they are.

Extraction keeps the phrase near a name that most looks like a topic, and
sometimes that phrase is how to reach the person ("Kontakt: 22 33 44 55",
"kari@ks.no") or what they are ("Jurist, KS", "Førsteamanuensis ved UiB").
Neither is a topic: not on a person's card, not in a gathering pack
(``absolutt_kb.talks``). The contact words are the contact role's cues
(``absolutt_kb.roles``) and the title words the name recogniser's
(``ingest.names``): one vocabulary for extraction and for this check.
"""

from __future__ import annotations

import re

from absolutt_kb.roles import role
from ingest.names import JOB_TITLE_RE

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# A Norwegian phone number: eight digits, in groups split by single spaces, with or without +47.
PHONE = re.compile(r"(?<![\w.-])(?:(?:\+|00)\s?47\s?)?(?:\d ?){7}\d(?![\w-])")
PHONE_LABEL = re.compile(r"\b(?:tlf|telefon|mobil|mob)\b\.?\s*:?\s*\+?\d", re.IGNORECASE)
# A line that starts as a label for how to reach someone: "Kontakt: …", "Påmelding til …", "Kontaktperson Kari …".
CONTACT_LABEL = re.compile(
    rf"^\s*(?:{role('contact').cues})\s*(?::|$|\s+(?:til|med|hos|på|oss)\b|\s+(?-i:[A-ZÆØÅ]))|\bta kontakt\b",
    re.IGNORECASE,
)
# Where a job title ends and the workplace (a capitalised name) begins: "Rådgiver, KS Agder", "Jurist i KS".
WORKPLACE = re.compile(r"\s*(?:[,(/]|\s[–—-])\s*(?=[A-ZÆØÅ0-9])|\s+(?:i|ved|hos|fra|frå|på|for)\s+(?=[A-ZÆØÅ0-9])")


MOST_WORDS = 25  # a talk's title is shorter; a longer phrase is a report's paragraph


def is_contact_line(text: str) -> bool:
    """Whether a phrase says how to reach someone: an e-mail or web address, a phone number, a contact label."""
    return bool(
        EMAIL.search(text)
        or WEB.search(text)
        or PHONE.search(text)
        or PHONE_LABEL.search(text)
        or CONTACT_LABEL.search(text)
    )


def _ends_in_title(word: str) -> bool:
    word = word.strip('.,:;()«»"')
    return any(m.end() == len(word) for m in JOB_TITLE_RE.finditer(word))


def is_job_title(text: str) -> bool:
    """Whether a phrase is what a person is, not what they speak about.

    One or two words before any workplace, one of them ending in a title word:
    "Jurist", "Seniorrådgiver, KS Agder", "Daglig leder", "Førsteamanuensis ved UiB"; or up to four words
    opening with a title word and followed by a workplace: "Fagsjef for barnehager hos NHO Geneo".
    A talk that mentions a title has more words ("Hvordan bli en god leder",
    "Leder i endring"), and a word that only starts like one is not one ("Rektors rolle").
    """
    parts = WORKPLACE.split(text.strip(), maxsplit=1)
    head = parts[0].split()
    if 1 <= len(head) <= 2 and any(_ends_in_title(word) for word in head):
        return True
    # A title with what it is for, then the workplace: "Fagsjef for barnehager hos NHO Geneo".
    return len(parts) > 1 and 3 <= len(head) <= 4 and _ends_in_title(head[0])


def is_talk_topic(text: str) -> bool:
    """Whether a topic can be handed out as what a person speaks about."""
    return bool(text.strip()) and len(text.split()) <= MOST_WORDS and not is_contact_line(text) and not is_job_title(text)
