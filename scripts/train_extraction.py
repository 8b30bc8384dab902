"""Train the extraction models (person, role, affiliation, topic) on real-train.

Every document is read by the product's own reader and pipeline up to the
person component, with the shipped name recogniser; the gold of
``../shared/data/real-train`` (names, roles, affiliation and topic strings,
all substrings of the text) labels each candidate name and each phrase near
it. The locked documents (``bench/realtrain.py``) are never read here.

    .venv/bin/python scripts/train_extraction.py [--data ../shared/data/real-train] [--out absolutt_kb/models/extraction]

``bench/extraction.py --folds 5`` cross-validates the same training by document.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from absolutt_kb.language import fold
from bench.realtrain import DEFAULT_DATA, GoldDocument, load_documents, split
from ingest.components.gatherings import date_instances
from ingest.components.people import Evidence, gather_evidence
from ingest.components.practice import owner_instances
from ingest.doc import Doc
from ingest.gatherings import dated_mentions
from ingest.linear import LinearModel
from ingest.models import MODEL_DIR, ExtractionModels
from ingest.person_context import context_features
from ingest.person_features import Layout
from ingest.pipeline import make_pipeline, run_pipeline
from ingest.place_features import place_instances
from ingest.readers import read_document

CACHE = ROOT / ".models" / "ner-cache"


@dataclass(frozen=True)
class Settings:
    """Regularisation and decision thresholds of the models (chosen by cross-validation on the open folds)."""

    person_c: float = 0.3
    person_threshold: float = 0.6
    context: bool = True  # the second pass over the first pass's scores (ingest.person_context)
    context_folds: int = 5
    context_c: float = 0.01
    context_threshold: float = 0.45
    role_c: float = 1.0
    affiliation_c: float = 1.0
    affiliation_threshold: float = 0.2
    topic_c: float = 1.0
    topic_threshold: float = 0.2
    date_c: float = 0.1
    date_threshold: float = 0.5
    date_floor: float = 0.15
    place_c: float = 0.3
    place_threshold: float = 0.4
    practice_c: float = 0.3
    practice_threshold: float = 0.5
    practice_floor: float = 0.1


class CachedFinder:
    """The shipped name recogniser with its answers kept on disk, keyed by the text and the weights."""

    def __init__(self, cache: Path = CACHE) -> None:
        from absolutt_kb.name_model import MODEL_DIR as NAMES_DIR

        self.digest = hashlib.sha256((NAMES_DIR / "top.safetensors").read_bytes()).hexdigest()[:12]
        self.folder = Path(cache) / self.digest
        self.folder.mkdir(parents=True, exist_ok=True)
        self._finder = None

    def _key(self, text: str) -> Path:
        return self.folder / (hashlib.sha256(text.encode("utf-8")).hexdigest()[:24] + ".pkl")

    def __call__(self, texts: list[str]) -> list[list]:
        missing = [t for t in dict.fromkeys(texts) if not self._key(t).exists()]
        if missing:
            if self._finder is None:
                from absolutt_kb.name_model import load_name_finder

                self._finder = load_name_finder()
            for text, spans in zip(missing, self._finder(missing)):
                self._key(text).write_bytes(pickle.dumps(spans))
        return [pickle.loads(self._key(t).read_bytes()) for t in texts]


@dataclass
class Labelled:
    """A document read up to the person component, with its gold."""

    doc: Doc
    gold: dict
    evidence: list[Evidence] = field(default_factory=list)


def read_labelled(documents: list[GoldDocument], finder) -> list[Labelled]:
    """Read each document through the product's pipeline up to the person component, and gather the evidence."""
    pipeline = make_pipeline(names=finder, models=ExtractionModels())
    out = []
    for d in documents:
        doc = run_pipeline(read_document(d.path), pipeline, until="people")
        out.append(Labelled(doc, d.gold, gather_evidence(doc)))
    return out


def _gold_people(gold: dict) -> dict[str, dict]:
    return {fold(n): p for p in gold["persons"] for n in [p["name"], *p.get("aliases", [])]}


def _phrase_labels(options, want: str, longest: float | None = None, tight: bool = False) -> list[tuple[dict, str]]:
    """Training labels of the phrases near a person.

    A phrase that holds the gold string is right; with ``longest``, one longer than that many times the gold
    string is left out (right, but not what a card should show); with ``tight``, only the shortest phrases that
    hold it are right and the longer ones are left out. All other phrases are wrong.
    """
    holding = [len(p.key) for _, p, _ in options if want and want in p.key]
    shortest = min(holding, default=0)
    out = []
    for _, phrase, features in options:
        if want and want in phrase.key:
            too_long = longest is not None and len(phrase.key) > longest * len(want) + 15
            if not too_long and not (tight and len(phrase.key) > shortest + 3):
                out.append((features, "y"))
        else:
            out.append((features, "n"))
    return out


def _person_labels(ev: Evidence, gold: dict[str, dict], rows: list) -> list[str]:
    """One label per row of a candidate's features: "person" where the candidate is a gold person."""
    return ["person" if ev.candidate.key in gold else "none"] * len(rows)


def _mentions(labelled: list[Labelled]) -> tuple[list[dict], list[str]]:
    """Every mention's first-pass features, labelled "person" where its candidate is a gold person."""
    xs, ys = [], []
    for item in labelled:
        gold = _gold_people(item.gold)
        for ev in item.evidence:
            xs.extend(ev.mentions)
            ys.extend(_person_labels(ev, gold, ev.mentions))
    return xs, ys


def fit_context(labelled: list[Labelled], settings: Settings = Settings()) -> LinearModel:
    """The second pass, trained on first-pass scores made out of fold (by document), as at run time on new text.

    Args:
        labelled: Documents read up to the person component, with gold.
        settings: Regularisation and thresholds.

    Returns:
        The context model.
    """
    xs, ys = [], []
    k = settings.context_folds
    for part in range(k):
        held = labelled[part::k]
        first = LinearModel.fit(*_mentions([d for i, d in enumerate(labelled) if i % k != part]), c=settings.person_c)
        for item in held:
            gold = _gold_people(item.gold)
            scores = [[first.probabilities(f).get("person", 0.0) for f in ev.mentions] for ev in item.evidence]
            rows = context_features([ev.candidate for ev in item.evidence], scores, Layout.of(item.doc).headings)
            for ev, features in zip(item.evidence, rows):
                xs.extend(features)
                ys.extend(_person_labels(ev, gold, features))
    return LinearModel.fit(xs, ys, c=settings.context_c, threshold=settings.context_threshold)


def fit(labelled: list[Labelled], settings: Settings = Settings()) -> ExtractionModels:
    """Fit every extraction model on labelled documents.

    Args:
        labelled: Documents read up to the person component, with gold.
        settings: Regularisation and thresholds.

    Returns:
        The trained models.
    """
    roles, role_labels = [], []
    affiliations, affiliation_labels = [], []
    topics, topic_labels = [], []
    for item in labelled:
        gold = _gold_people(item.gold)
        for ev in item.evidence:
            person = gold.get(ev.candidate.key)
            if not person:
                continue
            roles.append(ev.features)
            role_labels.append(person.get("role", "presenter"))
            for options, key, tight, xs, ys in (
                (ev.affiliations, "affiliation", False, affiliations, affiliation_labels),
                (ev.topics, "topic_contains", True, topics, topic_labels),  # the tightest phrase that holds the talk
            ):
                for features, label in _phrase_labels(
                    options, fold(person.get(key) or ""), None if tight else 2.0, tight
                ):
                    xs.append(features)
                    ys.append(label)
    dates, date_labels = [], []
    for item in labelled:
        wanted = {g["date"] for g in item.gold["gatherings"]}
        for iso, features in date_instances(list(item.doc.blocks)):
            dates.append(features)
            date_labels.append("y" if iso in wanted else "n")
    places, place_labels = [], []
    for item in labelled:
        days = {}
        for i, _m, iso in dated_mentions(list(item.doc.blocks)):
            days.setdefault(iso, i)
        for g in item.gold["gatherings"]:
            want = fold(g.get("region_contains") or "")
            if not want or g["date"] not in days:
                continue
            for mention, features in place_instances(item.doc, days[g["date"]]):
                places.append(features)
                right = want in mention.key or (len(mention.key) >= 4 and mention.key in want)
                place_labels.append("y" if right else "n")
    owners, owner_labels = [], []
    for item in labelled:
        wanted = [fold(p["owner_contains"]) for p in item.gold["practice"]]
        for owner, features in owner_instances(item.doc):
            owners.append(features)
            owner_labels.append("y" if any(w in owner.key for w in wanted) else "n")
    s = settings
    return ExtractionModels(
        practice=LinearModel.fit(
            owners, owner_labels, c=s.practice_c, threshold=s.practice_threshold, floor=s.practice_floor
        ),
        date=LinearModel.fit(dates, date_labels, c=s.date_c, threshold=s.date_threshold, floor=s.date_floor),
        place=LinearModel.fit(places, place_labels, c=s.place_c, threshold=s.place_threshold) if places else None,
        person=LinearModel.fit(*_mentions(labelled), c=s.person_c, threshold=s.person_threshold),
        person_context=fit_context(labelled, s) if s.context else None,
        role=LinearModel.fit(roles, role_labels, c=s.role_c),
        affiliation=LinearModel.fit(
            affiliations, affiliation_labels, c=s.affiliation_c, threshold=s.affiliation_threshold
        ),
        topic=LinearModel.fit(topics, topic_labels, c=s.topic_c, threshold=s.topic_threshold),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="real-train-mappa")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="hvor modellene skrives")
    args = parser.parse_args()
    started = time.perf_counter()
    open_documents, locked = split(load_documents(args.data))
    labelled = read_labelled(open_documents, CachedFinder())
    models = fit(labelled)
    models.save(args.out)
    sizes = {p.name: p.stat().st_size for p in sorted(args.out.glob("*.npz"))}
    print(
        f"trente på {len(open_documents)} dokumenter ({len(locked)} låste ikke lest) på "
        f"{time.perf_counter() - started:.0f} s; {sizes}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
