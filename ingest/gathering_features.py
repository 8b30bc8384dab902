"""What the words and layout around a date say, as features for the trained gathering-date model.

Every date in a document is a candidate for the first day of a gathering it
announces or reports. A sign-up deadline, a publication date, a letter's date
or a date in a case history is not; the words just before and after the date,
the label it stands under ("Tid:", "Dato:", "Påmeldingsfrist:"), the title and
the section's heading tell them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import DateMention
from ingest.gatherings import GATHERING_WORDS, is_gathering_date
from ingest.layout import Block
from ingest.person_features import TOKEN, bucket, shape, tokens

_WEEKDAY = re.compile(r"\b(?:man|tirs|tys|ons|tors|fre|lør|laur|søn|sun)dag\b", re.IGNORECASE)
_CLOCK = re.compile(r"\b(?:kl\.?\s*)?[0-2]?\d[.:][0-5]\d\b")


@dataclass(frozen=True)
class DateContext:
    """Facts about the document that every date shares."""

    headings: tuple[str, ...]
    title: str
    dates: int  # date mentions in the document


def date_features(
    blocks: list[Block] | tuple[Block, ...],
    i: int,
    mention: DateMention,
    context: DateContext,
    order: int,
    inferred_year: bool,
) -> dict[str, float]:
    """Features of one date mention.

    Args:
        blocks: The document's blocks.
        i: The block the date is in.
        mention: The date.
        context: Document facts.
        order: The mention's place among the document's dates (0 for the first).
        inferred_year: The year was not written beside the date.

    Returns:
        Feature name to value.
    """
    text = blocks[i].text
    before, after = text[: mention.start], text[mention.end :]
    f: dict[str, float] = {"bias": 1.0, "kind=" + blocks[i].kind: 1.0}
    left, right = tokens(before)[-6:], tokens(after)[:6]
    for k, w in enumerate(reversed(left)):
        if k < 2:
            f[f"l{k}={w}"] = 1.0
        f["l=" + w] = 1.0
    for k, w in enumerate(right):
        if k < 2:
            f[f"r{k}={w}"] = 1.0
        f["r=" + w] = 1.0
    for k, w in enumerate(TOKEN.findall(after)[:2]):
        f[f"rs{k}={shape(w)}"] = 1.0
    clause = re.split(r"[.;!?]\s|\n", before)[-1]
    for w in tokens(clause)[-10:]:
        if w.isalpha():
            f["c=" + w] = 1.0
    label = re.search(r"([A-Za-zÆØÅæøå ]{2,30}):\s*[^:]*$", before)
    if label:
        for w in tokens(label.group(1))[-2:]:
            f["lab=" + w] = 1.0
    for w in tokens(context.headings[i])[:6]:
        f["h=" + w] = 1.0
    if i > 0:
        for w in tokens(blocks[i - 1].text)[-3:]:
            f["p=" + w] = 1.0
    for w in tokens(context.title)[:10]:
        if w.isalpha():
            f["t=" + w] = 0.5
    if GATHERING_WORDS.search(text[max(0, mention.start - 80) : mention.end + 60]):
        f["event_word"] = 1.0
    if GATHERING_WORDS.search(context.title):
        f["event_title"] = 1.0
    if _WEEKDAY.search(before[-15:]):
        f["weekday"] = 1.0
    if _CLOCK.search(after[:25]):
        f["clock_after"] = 1.0
    if mention.end_day:
        f["range"] = 1.0
    f["year=" + ("inferred" if inferred_year else "written")] = 1.0
    f["order=" + bucket(order, (0, 1, 2, 4, 8))] = 1.0
    f["dates=" + bucket(context.dates, (1, 2, 4, 8, 16))] = 1.0
    f["block=" + bucket(i, (0, 1, 3, 6, 12, 25))] = 1.0
    f["blen=" + bucket(len(text.split()), (0, 4, 10, 25, 60))] = 1.0
    if not before.strip(" :–-"):
        f["starts_block"] = 1.0
    if is_gathering_date(list(blocks), i, mention, context.headings[i], context.title):
        f["rule=event"] = 1.0  # the layout rules' verdict, one feature among the others
    return f
