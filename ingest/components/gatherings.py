"""Component: gatherings (the event's own date, its place, region, themes and programme)."""

from __future__ import annotations

import dataclasses

from absolutt_kb.records import Gathering
from ingest.components.lists import slug, source
from ingest.dates import DateMention
from ingest.doc import Doc
from ingest.gathering_features import DateContext, date_features
from ingest.gatherings import EventTest, GatheringFound, dated_mentions, find_gatherings, is_gathering_date
from ingest.layout import Block
from ingest.linear import LinearModel
from ingest.models import ExtractionModels
from ingest.place_features import PlaceMention, place_instances, place_mentions


def _context(blocks: list[Block], dated) -> DateContext:
    heading, headings = "", []
    for b in blocks:
        heading = b.text if b.kind == "heading" else heading
        headings.append(heading)
    return DateContext(headings=tuple(headings), title=blocks[0].text if blocks else "", dates=len(dated))


def date_instances(blocks: list[Block]) -> list[tuple[str | None, dict[str, float]]]:
    """Every date of a document as (the day it resolves to, its features): what the date model is trained on."""
    dated = dated_mentions(blocks)
    context = _context(blocks, dated)
    return [(iso, date_features(blocks, i, m, context, n, m.year is None)) for n, (i, m, iso) in enumerate(dated)]


def event_test(blocks: list[Block], model: LinearModel) -> tuple[EventTest, str | None]:
    """The trained model's answer to "is this date the first day of a gathering?" for one document's dates.

    A day is a gathering's when one of its mentions passes the model's threshold, or when it is the document's
    best-scored day and passes the lower floor (most documents announce or report one gathering). The mention
    that scores highest stands for its day.

    Returns:
        The test, and the best-scored day (the gathering the document is mainly about), if it was chosen.
    """
    dated = dated_mentions(blocks)
    context = _context(blocks, dated)
    scored = [
        (model.probabilities(date_features(blocks, i, m, context, n, m.year is None)).get("y", 0.0), i, m, iso)
        for n, (i, m, iso) in enumerate(dated)
        if iso
    ]
    best: dict[str, tuple[float, int, int]] = {}
    for p, i, m, iso in scored:
        if iso not in best or p > best[iso][0]:
            best[iso] = (p, i, m.start)
    title = " ".join(b.text for b in blocks[:2])
    by_rules = {(i, m.start) for i, m, _ in dated if is_gathering_date(blocks, i, m, context.headings[i], title)}
    ruled = {iso for i, m, iso in dated if (i, m.start) in by_rules and iso}
    # The document's main day: the best-scored of the days the rules also call a gathering's, when one passes
    # the floor ("Første fellessamling er 17. november" rather than an information meeting); else the best.
    plausible = [iso for iso in best if iso in ruled and best[iso][0] >= model.floor]
    top = max(plausible or best, key=lambda iso: best[iso][0], default=None)
    chosen = {
        (i, start) for iso, (p, i, start) in best.items() if p >= model.threshold or (iso == top and p >= model.floor)
    }

    # A list of gatherings ("Samling 1 … 12. mars", "Samling 2 … 4. mai"): where the rules see several
    # gathering days, the model's single best day is not the whole answer, and the rules' days are taken too.
    if len(ruled) >= 2:
        days = {iso for i, m, iso in dated if (i, m.start) in chosen}
        chosen |= {(i, m.start) for i, m, iso in dated if (i, m.start) in by_rules and iso not in days}

    def is_event(_blocks: list[Block], i: int, mention: DateMention, _heading: str, _title: str) -> bool:
        return (i, mention.start) in chosen

    return is_event, (top if top is not None and (best[top][1], best[top][2]) in chosen else None)


class Gatherings:
    """Add a record for each gathering the document announces or reports.

    Args:
        models: The trained models; the date model decides which dates are a gathering's first day
            (without it, the rules of ``ingest.gatherings`` do).
    """

    def __init__(self, models: ExtractionModels) -> None:
        self.models = models

    def __call__(self, doc: Doc) -> Doc:
        blocks = list(doc.blocks)
        if self.models.date is None:
            return _records(doc, find_gatherings(blocks))
        test, primary = event_test(blocks, self.models.date)
        found = find_gatherings(blocks, test, primary)
        if self.models.place is not None and any(not g.place for g in found):
            places = place_mentions(doc)  # once for all the document's gatherings
            found = [with_place(doc, g, self.models.place, places) for g in found]
        return _records(doc, found)


def with_place(
    doc: Doc, gathering: GatheringFound, model: LinearModel, places: list[PlaceMention] | None = None
) -> GatheringFound:
    """The gathering with the place the place model finds, where the layout gave none."""
    if gathering.place or gathering.block < 0:
        return gathering
    scored = [(model.probabilities(f).get("y", 0.0), m.text) for m, f in place_instances(doc, gathering.block, places)]
    p, text = max(scored, default=(0.0, ""))
    return dataclasses.replace(gathering, place=text) if p >= model.threshold else gathering


def _records(doc: Doc, found) -> Doc:
    for g in found:
        label = f"Samling {g.region}".strip() + f" {g.date}"
        topics = "; ".join(g.topics)
        text = " ".join(
            part
            for part in (
                f"{label}.",
                f"Tema: {topics}." if topics else "",
                f"Sted: {g.place}." if g.place else "",
                g.text,
                ("Program: " + " | ".join(g.programme)) if g.programme else "",
            )
            if part
        )
        doc.records.append(
            Gathering(
                id=f"gathering:{slug(g.region or doc.name, 30)}-{g.date}",
                title=label + (f": {topics}" if topics else ""),
                text=text,
                source=source(doc, g.locator),
                region=g.region,
                date=g.date,
                end_date=g.end_date,
                place=g.place,
                topics=g.topics,
                programme=g.programme,
            )
        )
    return doc
