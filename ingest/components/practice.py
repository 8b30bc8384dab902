"""Component: practice examples a document presents, decided by a trained model over every candidate owner.

Each organisation or place the document names is a candidate owner
(``ingest.practice_features``); the model scores it from the words and layout
around its mentions, and the layout rules' own finds are one feature. A
document's best candidate is taken when it passes the model's floor, any
other when it passes the threshold. Practice examples listed as entries
("Namsos kommune: Årshjul for styringsdokumentene") come from the list
component. Without a trained model the rules' finds are taken as they are.
"""

from __future__ import annotations

import re

from absolutt_kb.language import fold
from ingest.components.lists import practice_record
from ingest.doc import Doc
from ingest.mentions import find_people
from ingest.models import ExtractionModels
from ingest.practice import Practice, document_practice, practice_in_line
from ingest.practice_features import Owner, owner_candidates, owner_features

UNION = True


def rule_practice(doc: Doc) -> list[tuple[Practice, str]]:
    """The practice examples the layout rules find outside the list sections: talks on an owner's own work,
    programme lines and sentences ("Erfaringar frå Gloppen kommune: …"), a document telling one owner's work."""
    found: list[tuple[Practice, str]] = []
    if doc.names is not None:
        found.extend(find_people(doc.blocks, doc.names).practice)
    for i, b in enumerate(doc.blocks):
        if i in doc.listed or b.kind == "heading" and len(b.text) > 150:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", b.text) if len(b.text) > 300 else [b.text]:
            p = practice_in_line(sentence)
            if p:
                found.append((p, b.locator))
    if doc.blocks:
        opening = " ".join(b.text for b in doc.blocks[:4])[:800]
        p = document_practice(doc.blocks[0].text, opening)
        if p:
            found.append((p, doc.blocks[0].locator))
    return found


def owner_instances(doc: Doc) -> list[tuple[Owner, dict[str, float]]]:
    """Every candidate owner of a document with its features: what the practice model reads and is trained on."""
    affiliations = {fold(p.affiliation) for p, _ in doc.rule_people if p.affiliation}
    by_rules = {fold(p.owner) for p, _ in rule_practice(doc)}
    return [(o, owner_features(doc, o, affiliations, by_rules)) for o in owner_candidates(doc)]


def _example(doc: Doc, owner: Owner) -> tuple[Practice, str]:
    """The practice record for a chosen owner: the document's title, and the places that name the owner."""
    title = doc.blocks[0].text if doc.blocks else ""
    first = owner.mentions[0][0]
    if len(title) > 150 or not title:
        title = re.split(r"(?<=[.!?])\s+", doc.blocks[first].text)[0][:150]
    blocks = list(dict.fromkeys(i for i, _, _ in owner.mentions[:3]))
    description = " ".join([doc.blocks[0].text if doc.blocks else "", *(doc.blocks[i].text for i in blocks)])
    return Practice(owner.name, title, description[:1200].strip(), strong=True), doc.blocks[first].locator


class PracticeExamples:
    """Add the practice examples a document presents (outside its lists).

    Args:
        models: The trained models; without a practice model the rules decide.
    """

    def __init__(self, models: ExtractionModels) -> None:
        self.models = models

    def __call__(self, doc: Doc) -> Doc:
        model = self.models.practice
        if model is None:
            found = rule_practice(doc)
        else:
            scored = [(model.probabilities(f).get("y", 0.0), o) for o, f in owner_instances(doc)]
            top = max(scored, key=lambda s: s[0], default=None)
            found = [_example(doc, o) for p, o in scored if p >= model.threshold or (o is top[1] and p >= model.floor)]
            found += rule_practice(doc) if UNION else []
        listed = {fold(r.owner) for r in doc.records if r.kind == "practice"}
        for p, loc in found:
            if fold(p.owner) not in listed:
                doc.records.append(practice_record(doc, p, loc))
        return doc
