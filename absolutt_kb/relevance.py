"""How sure the search is that a hit answers the question: a calibrated probability.

Ranking scores are relative (each method's best hit counts 1), so the first
hit for a question the corpus cannot answer looks as good as any other. Three
absolute signals decide instead:

- **coverage**: how much of the question's topic the hit's words cover,
  weighted by how rare each word is in the corpus. Question words and words
  that only say what kind of answer is wanted ("hvem", "litteratur",
  "foredragsholder") are left out; a word the corpus never uses counts as
  much as the rarest word, so "fravær" in a corpus without it leaves every
  hit about "skole" with a small coverage;
- **meaning**: how far the hit's vector lies above the query's mean similarity
  to the whole corpus (cosine units);
- **name**: whether the query spells a name the hit carries;
- **best coverage**: the coverage of the best-covered hit of the same
  question. A question the corpus can answer has some hit that covers it, and
  then a hit related by meaning alone is still worth showing; a question no
  hit covers has no answer.

A logistic model over them, fitted by ``bench/calibrate.py`` on the public
questions and on questions with no answer in the corpus, is stored in
``relevance.json`` with the threshold below which a hit is not an answer.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Container
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from absolutt_kb.background import background_idf
from absolutt_kb.glossary import query_equivalents
from absolutt_kb.intent import cue_terms
from absolutt_kb.language import system_word_list as norwegian_words
from absolutt_kb.schedule import asks_ahead
from absolutt_kb.standards import counterparts, toward_corpus
from absolutt_kb.text import STOPWORDS, analyse, compound_parts, normalise, word_term

DEFAULT_CALIBRATION = Path(__file__).with_name("relevance.json")
FEATURES = ("coverage", "best_coverage", "meaning", "name")
PART_CREDIT = 0.5  # a compound's parts found apart count half the word
LONG_WORD = 12  # letters from which a word one edit away counts as the same word
STEM_PREFIX = 8  # letters from which a stem that begins another, a few letters longer, counts as the same word
PREFIX_SLACK = 3
UNTRANSLATED = 0.5  # a foreign word with no glossary entry weighs half: the corpus may have it in Norwegian
_TOKEN = re.compile(r"[0-9a-zæøåäöüé]+")


@dataclass(frozen=True)
class Concept:
    """One topical word of a question: the terms that count as finding it, its compound parts, its weight."""

    word: str
    terms: frozenset[str]
    parts: frozenset[str]
    weight: float


@dataclass(frozen=True)
class QueryTopic:
    """What a question is about, as weighted concepts."""

    concepts: tuple[Concept, ...]

    def coverage(self, terms: Collection[str], words: Container[str] = ()) -> float:
        """The weighted share of the concepts a hit contains (1 when the question names no topic).

        Args:
            terms: The hit's keyword terms.
            words: Question words the hit carries in another way (a misspelt name it bears).
        """
        total = sum(c.weight for c in self.concepts)
        if not total:
            return 1.0
        found = 0.0
        long_terms: list[str] | None = None
        for c in self.concepts:
            if c.word in words or any(t in terms for t in c.terms):
                found += c.weight
                continue
            if long_terms is None:
                long_terms = [t for t in terms if len(t) >= STEM_PREFIX]
            if _spelt_alike(c.terms, long_terms):
                found += c.weight
            elif c.parts:
                found += c.weight * PART_CREDIT * sum(p in terms for p in c.parts) / len(c.parts)
        return found / total


def _spelt_alike(wanted: frozenset[str], long_terms: list[str]) -> bool:
    """Whether a long word of the hit is the concept's word spelt another way: a long compound one letter apart
    in the other written standard ("barnehagelærerutdanning" / "barnehagelærarutdanning"), or a stem cut a few
    letters shorter from another inflection ("skulelei" from "skuleleiarar", "skuleleiar" from "skuleleiarane")."""
    for w in wanted:
        if len(w) < STEM_PREFIX:
            continue
        for t in long_terms:
            short, long = (w, t) if len(w) <= len(t) else (t, w)
            if len(long) - len(short) <= PREFIX_SLACK and long.startswith(short):
                return True
            if len(short) >= LONG_WORD and len(long) - len(short) <= 1 and Levenshtein.distance(w, t, score_cutoff=1) <= 1:
                return True
    return False


def query_topic(
    query: str, idf: Callable[[str], float | None], unknown_weight: float, usage: Callable[[str], float] = lambda t: 0
) -> QueryTopic:
    """The topical concepts of a question.

    Args:
        query: The question as typed.
        idf: The corpus's inverse document frequency of a term, None for a term it never uses.
        unknown_weight: The weight of a word the corpus never uses (the largest idf).
        usage: The corpus's document frequency of a term, to carry a word into the other written standard.

    Returns:
        The concepts; kind and question words are left out unless nothing else is asked.
    """
    cues = cue_terms()
    topical, kind_words = [], []

    for word in dict.fromkeys(_TOKEN.findall(normalise(query))):
        if word in STOPWORDS or asks_ahead(word):  # "neste", "kommende" say when, not what about
            continue
        translated = [w for w in query_equivalents(word).split() if w not in STOPWORDS]
        terms = {word_term(word)} | set(analyse(" ".join(translated), compounds=False))
        others = toward_corpus(word, usage)
        terms |= set(analyse(" ".join(others), compounds=False))  # "medverknad" met by "medvirkning"
        # The parts of the word, or of its counterpart: "elevmedverknad" is met by "elev" + "medvirke" as
        # "elevmedvirkning" is.
        parts = frozenset(word_term(p) for w in (word, *others) for p in compound_parts(w))
        known = [w for w in (idf(t) for t in terms) if w is not None]
        untranslated = len(terms) == 1 and bool(norwegian_words()) and word not in norwegian_words()
        weight = max(known) if known else unknown_weight * (UNTRANSLATED if untranslated else 1.0)
        # An everyday word ("får", "seier", "treng") weighs no more than in general text, however rare here.
        common = [w for w in (background_idf(x) for x in (word, *counterparts(word), *translated)) if w is not None]
        weight = min([weight, *common])
        concept = Concept(word, frozenset(terms), parts, weight)
        (kind_words if terms & cues else topical).append(concept)
    return QueryTopic(tuple(topical or kind_words))


@dataclass(frozen=True)
class Calibration:
    """A fitted logistic model over ``FEATURES`` and the probability a hit must reach to count as an answer."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    fitted_on: str = ""

    def probability(self, features: tuple[float, ...]) -> float:
        """The probability that a hit with these features answers the question."""
        z = self.bias + sum(w * f for w, f in zip(self.weights, features))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


class CalibrationError(ValueError):
    """The calibration file cannot be used; the message says why."""


def load_calibration(path: Path | None = None) -> Calibration:
    """Read the fitted model (``relevance.json`` beside this module unless a path is given).

    Raises:
        CalibrationError: The file is missing or malformed.
    """
    path = Path(path or DEFAULT_CALIBRATION)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"forventet egenskapene {FEATURES}, fant {data['features']}")
        return Calibration(tuple(float(w) for w in data["weights"]), float(data["bias"]),
                           float(data["threshold"]), str(data.get("fitted_on", "")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CalibrationError(f"Kalibreringsfila «{path}» kan ikke brukes ({exc}).") from exc


def save_calibration(calibration: Calibration, path: Path | None = None) -> None:
    """Write a fitted model where ``load_calibration`` reads it."""
    data = {"features": list(FEATURES), "weights": [round(w, 4) for w in calibration.weights],
            "bias": round(calibration.bias, 4), "threshold": round(calibration.threshold, 4),
            "fitted_on": calibration.fitted_on}
    Path(path or DEFAULT_CALIBRATION).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
