"""Component: the people a document gives a part, decided by trained models over every candidate name.

For each candidate (``ingest.candidates``) the person model scores every
mention from the words and layout around it (``ingest.person_features``); the
candidate is a person when its best mention passes the model's threshold. The
role model names the part, and two rankers pick the affiliation and the topic
among the phrases near the mentions (``ingest.affiliations``,
``ingest.topics``), or none when no phrase passes.

Without trained models, or without the name recogniser (whose names the
models were trained on), the layout rules' people are taken as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from absolutt_kb.language import fold
from absolutt_kb.records import Person, Work
from absolutt_kb.roles import ROLES, role_label
from ingest.affiliations import affiliation_candidates, affiliation_features
from ingest.candidates import Candidate, Mention, person_candidates
from ingest.components.lists import slug, source
from ingest.cues import BYLINE
from ingest.doc import Doc
from ingest.gatherings import GATHERING_WORDS
from ingest.linear import LinearModel
from ingest.models import ExtractionModels
from ingest.names import JOB_TITLE_RE, is_org
from ingest.person_context import context_features
from ingest.person_features import TIME_START, Layout, candidate_features, mention_features
from ingest.phrases import Phrase
from ingest.talk_topics import is_talk_topic
from ingest.topics import topic_candidates, topic_features

_EMAIL_OR_PHONE = re.compile(r"\(?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\)?|\(?\+?\d[\d ]{6,}\d\)?")


@dataclass
class Evidence:
    """Everything the models read about one candidate."""

    candidate: Candidate
    mentions: list[dict[str, float]]  # features of each mention, in order
    features: dict[str, float]  # the candidate's own
    affiliations: list[tuple[Mention, Phrase, dict[str, float]]] = field(default_factory=list)
    topics: list[tuple[Mention, Phrase, dict[str, float]]] = field(default_factory=list)
    rule_role: str = ""


def gather_evidence(doc: Doc, layout: Layout | None = None) -> list[Evidence]:
    """The features of every candidate name of a document, and of the phrases near its mentions.

    Args:
        doc: A document the recogniser and the layout rules have read.
        layout: Its layout facts, where the caller has them already.

    Returns:
        One ``Evidence`` per candidate, in order of first mention.
    """
    layout = layout or Layout.of(doc)
    rule_roles: dict[str, str] = {}
    rules: dict[str, list] = {}
    for person, _ in doc.rule_people:
        rule_roles.setdefault(fold(person.name), person.role)
        rules.setdefault(fold(person.name), []).append(person)
    candidates = person_candidates(doc)
    spans_in: dict[int, list[tuple[int, int]]] = {}
    for c in candidates:
        for m in c.mentions:
            spans_in.setdefault(m.block, []).append((m.start, m.end))
    out = []
    for c in candidates:
        ev = Evidence(
            candidate=c,
            mentions=[mention_features(doc, layout, m, rule_roles.get(c.key)) for m in c.mentions],
            features=candidate_features(doc, layout, c, rule_roles),
            rule_role=rule_roles.get(c.key, ""),
        )
        for person in rules.get(c.key, ()):  # what the layout rules say of the name is one more candidate
            first = c.mentions[0]
            if person.affiliation:
                p = Phrase(person.affiliation, "rules", first.block)
                ev.affiliations.append((first, p, affiliation_features(doc, first, p)))
            for topic in person.topics[:1]:
                p = Phrase(topic, "rules", first.block)
                ev.topics.append((first, p, topic_features(doc, first, p)))
        for m in c.mentions:
            names = spans_in.get(m.block, [])
            ev.affiliations.extend(
                (m, p, affiliation_features(doc, m, p)) for p in affiliation_candidates(doc, m, names)
            )
            ev.topics.extend((m, p, topic_features(doc, m, p)) for p in topic_candidates(doc, m, names))
        out.append(ev)
    return out


_CREDIT = re.compile(r"\b(?:foto|fotograf|photo|bilde|illustrasjon)\s*:?\s*$", re.IGNORECASE)


def vetoed(doc: Doc, mention: Mention) -> bool:
    """Whether a mention can never be a part: a photo credit or a byline.

    Vetoes, not only features: the trained model saw too few of them to learn them reliably. Cross-validated,
    they raise person precision on the locked documents (0.714 to 0.724) at the same recall. A veto on the
    speaker of a quotation ("…, sier Name") was tried and dropped: it removed presenters quoted in news.
    """
    text = doc.blocks[mention.block].text
    before, after = text[: mention.start], text[mention.end :]
    if _CREDIT.search(before[-25:]):
        return True
    return bool(BYLINE.search(before)) and not after.strip(" .,")  # "Av Hans Kristian Aas" on its own line


def _best_phrase(model, options: list[tuple[Mention, Phrase, dict[str, float]]], band: float = 0.0) -> str:
    """The shortest phrase among those the ranker scores nearly as high as the best, if the best passes the
    ranker's threshold ("NTNU" rather than "professor, NTNU" when both score alike)."""
    if model is None or not options:
        return ""
    scored = [(model.probabilities(f).get("y", 0.0), p.text) for _, p, f in options]
    best = max(score for score, _ in scored)
    if best < model.threshold:
        return ""
    return min((text for score, text in scored if score >= best - band), key=len)


_TITLE_BEFORE_PLACE = re.compile(r"^(?:[a-zæøå][\w.-]*\s+){1,4}(?:ved|hos|på|fra|frå|i|at)\s+(?=[A-ZÆØÅ0-9])")


def _bare_title(part: str) -> bool:
    """ "Førsteamanuensis", "Seniorrådgiver": a job title alone, naming no organisation."""
    return len(part.split()) <= 3 and JOB_TITLE_RE.search(part) is not None and not is_org(part)


def tidy_affiliation(text: str) -> str:
    """An affiliation without the job title before it: "professor, NTNU" → "NTNU", "førsteamanuensis ved
    Institutt for X, UiB" → "Institutt for X, UiB". A part with no capital letter names no organisation."""
    parts = text.split(", ")
    while len(parts) > 1 and (not any(c.isupper() for c in parts[0]) or _bare_title(parts[0])):
        parts = parts[1:]
    return _TITLE_BEFORE_PLACE.sub("", ", ".join(parts))


def _context(doc: Doc, mention: Mention) -> str:
    """Where the document names a person: the programme slot or heading above, then the block (or its sentence).

    In a programme the slot's lines from its clock time down to the name ("12:30 - 13:00 › Verdigrunnlag … ›
    Inga Bostad, professor …") say what the person talks about; elsewhere the section's heading does
    ("Paneldebatt med samfunnsperspektiv … › Eva Grinde, Dagens Næringsliv").
    """
    blocks = doc.blocks
    text = blocks[mention.block].text
    if len(text) > 600:
        first = max(text.rfind(". ", 0, mention.start) + 2, 0)
        last = text.find(". ", mention.end)
        text = text[first : last + 1 if last >= 0 else len(text)]
    above: list[str] = []
    slot = next(
        (
            j
            for j in range(mention.block, max(mention.block - 4, -1), -1)
            if TIME_START.match(blocks[j].text) or blocks[j].kind == "heading"
        ),
        None,
    )
    if slot is not None and slot < mention.block and TIME_START.match(blocks[slot].text):
        above = [b.text for b in blocks[slot : mention.block] if len(b.text) <= 300]
    else:
        heading = next(
            (j for j in range(mention.block - 1, max(mention.block - 8, -1), -1) if blocks[j].kind == "heading"), None
        )
        if heading is not None and len(blocks[heading].text) <= 200:
            above = [blocks[heading].text]
    return " › ".join([*above, text])


def _with_title(doc: Doc, context: str, name: str) -> str:
    """The context, with the document's title when the title names an event ("Styrerkonferansen 2021") or the
    context says little beyond the name ("Praktisk ansvarlig › Marianne Aagedal"): where the person is from."""
    title = doc.blocks[0].text if doc.blocks else ""
    if not title or len(title) > 120 or title in context:
        return context
    event = bool(GATHERING_WORDS.search(title) or re.search(r"\b(?:19|20)\d\d\b", title))
    bare = len(context.replace(name, "").strip(" ,.:;–-›")) < 40
    return f"{context} (fra «{title}»)" if event or bare else context


def person_text(name: str, affiliation: str, topics: tuple[str, ...], role: str, context: str) -> str:
    """A person card's text: who, where from, about what, which part, and the place that says so."""
    parts = [name + (f", {affiliation}" if affiliation else "")]
    if topics:
        parts.append("om " + "; ".join(topics))
    parts.append(f"({role_label(role).lower()})")
    context = " ".join(_EMAIL_OR_PHONE.sub("", context).split())
    if context and context not in " ".join(parts):
        parts.append("– " + context)
    return " ".join(parts)


class People:
    """The trained person component.

    Args:
        models: The trained models; without a person model the layout rules decide.
    """

    def __init__(self, models: ExtractionModels) -> None:
        self.models = models

    def __call__(self, doc: Doc) -> Doc:
        if self.models.person is None or doc.names is None:
            return _rule_persons(doc)  # the models read recognised names: without the recogniser the rules decide
        layout = Layout.of(doc)
        evidence = gather_evidence(doc, layout)
        decider, all_scores = person_scores(self.models, evidence, layout.headings)
        for ev, scores in zip(evidence, all_scores):
            if all(vetoed(doc, m) for m in ev.candidate.mentions):
                continue
            best = max(range(len(scores)), key=scores.__getitem__)
            if scores[best] < decider.threshold and not (LABELLED and _labelled(ev)):
                continue
            mention = ev.candidate.mentions[best]
            role = _role(self.models, ev)
            listed = _listed_topic(doc, ev)
            # What a list entry gives after "om" is the talk, so it is no affiliation ("Sten Ludvigsen, UIO, om
            # Fremtidens skole": UIO, not "Fremtidens skole").
            places = [a for a in ev.affiliations if not listed or fold(a[1].text) != fold(listed)]
            affiliation = tidy_affiliation(_best_phrase(self.models.affiliation, places))
            # A phrase that opens with the affiliation is not the talk ("NTNU: «Leseglede i barnehagen»", "frå
            # Høgskolen Innlandet med temaet …"); one that names it further on may be ("Medverknad i kvardagen,
            # korleis arbeidar me med dette i Årdalstangen barnehage?").
            options = [t for t in ev.topics if not affiliation or not _opens_with(t[1].key, fold(affiliation))]
            topic = listed or _best_phrase(self.models.topic, options, band=0.05)
            # A job title or a contact line is not what a person speaks about ("… om jurist").
            topics = (topic,) if topic and fold(topic) not in fold(affiliation) and is_talk_topic(topic) else ()
            context = _with_title(doc, _context(doc, mention), ev.candidate.name)
            name = ev.candidate.name
            where = source(doc, doc.blocks[mention.block].locator)
            doc.records.append(
                Person(
                    id=f"person:{slug(name)}",
                    title=name,
                    text=person_text(name, affiliation, topics, role, context),
                    source=where,
                    name=name,
                    affiliation=affiliation,
                    topics=topics,
                    role=role,
                    mentions=(where,),
                )
            )
        return doc


LABELLED = True


def person_scores(
    models: ExtractionModels, evidence: list[Evidence], headings: Sequence[str]
) -> tuple[LinearModel, list[list[float]]]:
    """The person probability of every mention of every candidate, and the model whose threshold decides.

    The person model scores each mention on its own; where the context model is trained, it scores each
    mention again from that score and the scores of the other names around it (``ingest.person_context``).
    """
    first = [[models.person.probabilities(f).get("person", 0.0) for f in ev.mentions] for ev in evidence]
    if models.person_context is None:
        return models.person, first
    features = context_features([ev.candidate for ev in evidence], first, headings)
    second = [[models.person_context.probabilities(f).get("person", 0.0) for f in rows] for rows in features]
    return models.person_context, second


def _opens_with(phrase: str, affiliation: str) -> bool:
    """Whether a (folded) phrase opens with the (folded) affiliation, after at most one word ("frå …")."""
    at = phrase.find(affiliation)
    return at >= 0 and len(phrase[:at].split()) <= 1


def _labelled(ev: Evidence) -> bool:
    """Whether a name stands right after a label that names its part ("Ordstyrar: Name", "Kontaktperson: Name")."""
    return any(k.startswith("cue_lab=") and f.get("starts_label") for f in ev.mentions for k in f)


def _listed_topic(doc: Doc, ev: Evidence) -> str:
    """The topic a list of people gives after "om" ("Eva Sørensen, Danmark, om samarbeidende medarbeiderskap"
    under "Ressurspersoner"), as the list rules parse it: such an entry says it in one fixed way."""
    listed = {id(e.block) for e in doc.entries if e.kind == "person"}
    if not any(id(doc.blocks[m.block]) in listed for m in ev.candidate.mentions):
        return ""
    texts = [doc.blocks[m.block].text for m in ev.candidate.mentions]
    return next(
        (
            p.text
            for _, p, _ in ev.topics
            if p.origin == "rules" and any(re.search(rf"\b(?:om|about)\s+{re.escape(p.text)}", t) for t in texts)
        ),
        "",
    )


def _role(models: ExtractionModels, ev: Evidence) -> str:
    """The part a person plays: named by the label they stand under ("Kontaktperson:", "Møteleiar:") or the
    section's heading ("Ressurspersoner"), else the role model's choice (cross-validated: the label raises
    role accuracy from 0.679 to 0.687; the heading is used only for resource persons, where it cost nothing)."""
    labelled = {k.split("=", 1)[1] for k in ev.features if k.startswith("m:cue_lab=")}
    if len(labelled) == 1:
        return labelled.pop()
    if "m:cue_h=resource_person" in ev.features:
        return "resource_person"
    if models.role is not None:
        probabilities = models.role.probabilities(ev.features)
        return max(probabilities, key=probabilities.get)
    return ev.rule_role or "presenter"


def _rule_persons(doc: Doc) -> Doc:
    """The layout rules' people as records (no trained model): one per name, the first place that gives a part."""
    seen: set[str] = set()
    for m, locator in doc.rule_people:
        if fold(m.name) in seen:
            continue
        seen.add(fold(m.name))
        where = source(doc, locator)
        talks = tuple(t for t in m.topics if is_talk_topic(t))
        doc.records.append(
            Person(
                id=f"person:{slug(m.name)}",
                title=m.name,
                text=person_text(m.name, m.affiliation, talks, m.role, m.context),
                source=where,
                name=m.name,
                affiliation=m.affiliation,
                topics=talks,
                role=m.role,
                mentions=(where,),
            )
        )
    return doc


_BOOK = re.compile(
    r"\b(?:bok|boka|boken|boki|bøker|book)\b[^.]{0,60}?\b(?:heter|heiter|med tittelen|kalt|kalla|titled)\s+"
    r"[«\"“]?(?P<title>[A-ZÆØÅ][^«»\"“”.]{2,120})",
    re.IGNORECASE,
)


def books_in_bios(doc: Doc) -> Doc:
    """Add a work for each book a speaker's bio names ("… har skrive boka Ord i krise")."""
    for person in [r for r in doc.records if isinstance(r, Person) and r.role in ("presenter", "resource_person")]:
        for match in _BOOK.finditer(person.text):
            title = match.group("title").strip(" ,:")
            given, surname = " ".join(person.name.split()[:-1]), person.name.split()[-1]
            citation = f"{surname}, {given}: {title}."
            doc.records.append(
                Work(
                    id=f"literature:{slug(surname, 24)}-ua-{slug(title, 40)}",
                    title=title,
                    text=citation,
                    source=person.source,
                    authors=(f"{surname}, {given}",),
                    citation=citation,
                )
            )
    return doc


ROLE_KEYS = tuple(r.key for r in ROLES)
