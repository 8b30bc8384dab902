"""What a person talks about: their topics that are a talk or a subject, never a contact line or a job title.

Extraction keeps the phrase near a name that most looks like a topic, and
sometimes that phrase is how to reach the person ("Kontakt: 22 33 44 55",
"kari@ks.no") or what they are ("Jurist, KS", "Førsteamanuensis ved UiB").
A gathering pack hands the topic out as what the person can speak about, so
those are left out here, by the test extraction uses too (``ingest.talk_topics``).
"""

from __future__ import annotations

from absolutt_kb.records import Person
from ingest.talk_topics import is_contact_line, is_job_title, is_talk_topic

__all__ = ["is_contact_line", "is_job_title", "is_talk_topic", "talk_topics", "theme_reason"]

def talk_topics(person: Person) -> tuple[str, ...]:
    """The person's topics that are a talk or a subject, in their order."""
    return tuple(t for t in person.topics if is_talk_topic(t))


def theme_reason(person: Person, theme_id: str | None = None) -> str:
    """Why the person is linked to a theme (the chosen one, else their best), for when no topic is left; "" if none.

    The parts that only say the link is weak ("ingen klar vinner …") are left out, and so is
    a reason too long to stand in a line.
    """
    links = [t for t in person.themes if t.id == theme_id] or list(person.themes[:1])
    if not links:
        return ""
    reason = "; ".join(part for part in links[0].evidence.split("; ") if part and not part.startswith("ingen"))
    return reason if len(reason) <= 120 else ""
