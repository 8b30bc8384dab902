"""Hybrid search: BM25 over Norwegian terms fused with dense retrieval.

Keyword search finds names and rare words; the embedding finds paraphrases and
English questions. The two are fused by score, each put on a 0–1 scale first:
BM25 as a share of the best BM25 score, the cosine as how far it lies above the
query's mean similarity to the whole corpus, relative to the best hit. Unlike
reciprocal rank fusion, a record that one method finds far better than anything
else keeps that lead (a person whose topic is exactly "psykisk helse").
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from absolutt_kb.embedder import Embedder
from absolutt_kb.glossary import norwegian_equivalents
from absolutt_kb.intent import wanted_kinds
from absolutt_kb.language import system_word_list as norwegian_words
from absolutt_kb.records import KINDS, Record
from absolutt_kb.relevance import Calibration, QueryTopic, load_calibration, query_topic
from absolutt_kb.schedule import asks_ahead, status, today
from absolutt_kb.standards import bridge, toward_corpus
from absolutt_kb.storage.base import KnowledgeIndex
from absolutt_kb.text import STOPWORDS, analyse, document_terms, query_terms
from absolutt_kb.themes import shown_themes
from ingest.names import fold

MAX_QUERY_CHARS = 500
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 0.5  # dense alone is the weaker list; 0.4–0.7 gave nearly the same ranking quality, 0.9+ worse
# A question for the next gathering lifts upcoming ones and lowers past ones (undated stay as they are).
AHEAD_FACTOR = {"upcoming": 2.0, "past": 0.5}
KIND_BOOST = 0.7  # fused score is multiplied by 1 + KIND_BOOST for kinds the query asks for (0.6–1.0 alike)
REPEAT_PENALTY = 0.5  # a passage that only repeats list entries (now records) counts half
SAME_SECTION_DECAY = 0.7  # the n-th piece of one section counts 0.7**n: one section, one place on the page
NAME_WEIGHT = 1.0  # a name typed (even misspelt) counts as much as the best keyword hit
NAME_CUTOFF = 85
_NAME_WORD = re.compile(r"[\wÆØÅæøåÉé'-]+")


@functools.lru_cache(maxsize=100_000)
def _word_terms(word: str) -> frozenset[str]:
    """The index terms one shown word stands for (cached: the same words recur in every answer)."""
    return frozenset(analyse(word))


class _Lexicon:
    """The corpus's whole-word terms, asked one at a time (``text.query_terms`` wants a container)."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self._index = index

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._index.knows_word(term)


class QueryError(ValueError):
    """A query that cannot be searched; the message tells the user what to do."""


@dataclass(frozen=True)
class SearchHit:
    """A record found for a query: its ranking score, why it matched, and how sure the search is that it answers.

    ``relevance`` is the calibrated probability that the record answers the
    question (see ``relevance``); ``answer`` says whether it clears the
    threshold. A hit that does not is a suggestion, not an answer.
    """

    record: Record
    score: float
    why: str
    relevance: float = 1.0
    answer: bool = True
    features: tuple[float, ...] = ()

    def to_dict(self) -> dict:
        """The hit as JSON-ready data: the record's fields plus score, why, relevance and answer."""
        data = self.record.to_dict()
        data["score"] = round(float(self.score), 6)
        data["why"] = self.why
        data["relevance"] = round(float(self.relevance), 4)
        data["answer"] = self.answer
        return data


def check_query(query: str) -> str:
    """Tidy a query or say why it cannot be searched.

    Raises:
        QueryError: The query is empty or has no letters or digits.
    """
    query = " ".join((query or "").split())
    if not query:
        raise QueryError("Skriv et spørsmål eller noen stikkord, for eksempel «inkludering».")
    if not any(ch.isalnum() for ch in query):
        raise QueryError("Søket inneholder ingen ord. Prøv med noen stikkord.")
    return query[:MAX_QUERY_CHARS]


class Searcher:
    """Answers queries over one loaded index with one embedder."""

    def __init__(self, index: KnowledgeIndex, embedder: Embedder, calibration: Calibration | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.calibration = calibration or load_calibration()
        self._kinds = index.column("kind").astype(str)
        self._prior = 1.0 - REPEAT_PENALTY * index.column("record_share").astype(np.float64)
        self._best_theme = index.column("theme")
        self._documents = index.column("document").tolist()
        self._titles = index.column("title").tolist()
        self._regions = index.column("regions").tolist()
        self._is_passage = (self._kinds == "passage").tolist()
        # Name tokens of people (and aliases) and authors' surnames, folded (æ→ae, ø→o, å→a).
        self._name_tokens: list[str] = []
        self._name_rows: list[tuple[int, str, bool]] = []  # row, name, whether the token is the surname
        for kind in ("person", "literature"):
            rows = index.rows_of_kind(kind)
            for i, r in zip(rows, index.records_at(rows)):
                names = [r.name, *r.aliases] if kind == "person" else [a.split(",")[0] for a in r.authors if "," in a]
                for name in names:
                    tokens = fold(name).split()
                    for n, token in enumerate(tokens):
                        if len(token) >= 4:  # as the query's tokens: "døve" is not "Ove"
                            self._name_tokens.append(token)
                            self._name_rows.append((int(i), name, n == len(tokens) - 1))
        rows = index.rows_of_kind("gathering")
        self._gatherings = {int(i): g for i, g in zip(rows, index.records_at(rows))}
        # A person speaks at the gatherings of their document, under its title: what those are about counts for
        # the person too ("Pedagogikkfaget i barnehagelærarutdanninga" for the speakers of that seminar). Read once
        # per version, as the gatherings themselves are, not at every question.
        self._context_terms: dict[str, set[str]] = {}
        gathering_rows = list(self._gatherings)
        for i, terms in zip(gathering_rows, index.terms(gathering_rows) if gathering_rows else []):
            self._context_terms.setdefault(self._documents[i], set()).update(terms.all)
        first_passages: dict[str, int] = {}
        for i in index.rows_of_kind("passage").tolist():
            first_passages.setdefault(self._documents[i], i)
        for document, i in first_passages.items():
            self._context_terms.setdefault(document, set()).update(document_terms(self._titles[i]).all)
        self._n = max(len(index), 1)

    def idf(self, term: str) -> float | None:
        """The corpus's inverse document frequency of a term (Lucene's, as BM25 uses), None when it never occurs."""
        df = self.index.document_frequency(term)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5)) if df else None

    def topic(self, query: str) -> QueryTopic:
        """The topical words of a question, weighted by how rare they are in the corpus."""
        return query_topic(check_query(query), self.idf, math.log(1 + (self._n + 0.5) / 0.5), self.index.document_frequency)

    @property
    def _row(self) -> dict[str, int]:
        return self.index.rows_by_id

    def _name_ranking(self, query: str) -> tuple[list[int], dict[int, str]]:
        """People and works whose names the query spells, even with a typo or without æøå.

        A surname names a person; a given name alone ("Christian") is shared by
        too many to count. Where the query writes a name with capitals, the
        word before the surname must be one of the person's names ("Christian
        Eriksen" is not "Eskil Eriksen") and a word followed by another
        capitalised word is a given name, not a surname ("Karsten Warholm" is
        not a "Karlsen"). An ordinary word ("står") counts as a name only
        where the query capitalises it.
        """
        scores: dict[int, float] = {}
        names: dict[int, str] = {}
        for token, given in _name_words(query):
            for _, score, j in process.extract(token, self._name_tokens, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF, limit=20):
                row, name, surname = self._name_rows[j]
                if not surname or score <= scores.get(row, 0):
                    continue
                if given and not any(fuzz.ratio(given, t) >= NAME_CUTOFF for t in fold(name).split()[:-1]):
                    continue
                scores[row], names[row] = score, name
        people = sorted((r for r in scores if self._kinds[r] == "person"), key=lambda r: -scores[r])
        ordered = list(people)
        for row in people:  # a person's own works follow them
            ordered += [self._row[l] for l in self.index.record(row).links if l in self._row and self._row[l] not in ordered and self._kinds[self._row[l]] == "literature"]
        ordered += [r for r in sorted(scores, key=lambda r: -scores[r]) if r not in ordered]
        return ordered, names

    def search(
        self, query: str, k: int = 10, kind: str | None = None, mode: str = "hybrid", theme: str | None = None,
        region: str | None = None,
    ) -> list[SearchHit]:
        """The best ``k`` records for ``query``.

        Args:
            query: Words or a question, Norwegian or English.
            k: How many hits.
            kind: Only records of this kind.
            mode: "hybrid" (default), or "bm25" / "dense" alone (for evaluation).
            theme: Only records whose best theme is this theme id.
            region: Only records found in this collection (KS region); None searches all.

        Returns:
            Hits, best first.

        Raises:
            QueryError: The query is empty or has no words.
            IndexChanged: A newer version was published (database); open it and ask again.
        """
        with self.index.snapshot():
            return self._search(check_query(query), k, kind, mode, theme, region)

    def _search(
        self, query: str, k: int, kind: str | None, mode: str, theme: str | None, region: str | None
    ) -> list[SearchHit]:
        if kind is not None and kind not in KINDS:
            raise QueryError(f"Ukjent type «{kind}». Velg en av: {', '.join(KINDS)}.")
        terms = query_terms(query, _Lexicon(self.index), lambda word: toward_corpus(word, self.index.document_frequency))
        filtered = kind is not None or theme is not None or region is not None
        depth = max(200, 20 * k, 2000) if filtered else max(200, 20 * k)
        fused: dict[int, float] = {}
        vector = None
        if mode != "dense" and terms:
            order, scores = self.index.keyword(terms, depth)
            for i, score in zip(order, scores):
                fused[int(i)] = fused.get(int(i), 0.0) + BM25_WEIGHT * float(score / scores[0])
        if mode != "bm25":
            # In hybrid mode a query is embedded with its Norwegian glossary words and its words in the other
            # written standard beside it ("kven kan halde innlegg" also as "hvem holde").
            bridged = f"{query} {norwegian_equivalents(query)} {bridge(query, self.index.document_frequency)}".strip() if mode == "hybrid" else query
            vector = self.embedder.embed_query(bridged)
            ids, sims = self.index.nearest(vector, depth)
            mean = self.index.mean_similarity(vector)
            if len(ids):
                span = max(float(sims[0]) - mean, 1e-6)
                for i, sim in zip(ids, sims):
                    fused[int(i)] = fused.get(int(i), 0.0) + DENSE_WEIGHT * max(0.0, (float(sim) - mean) / span)
        name_order, names = self._name_ranking(query) if mode == "hybrid" else ([], {})
        for rank, i in enumerate(name_order):  # the best name match counts fully, the next half, …
            fused[i] = fused.get(i, 0.0) + NAME_WEIGHT / (rank + 1)
        if mode == "hybrid":
            for i in fused:
                fused[i] *= self._prior[i]
            for wanted in wanted_kinds(query):
                for i in fused:
                    if self._kinds[i] == wanted:
                        fused[i] *= 1.0 + KIND_BOOST
            if asks_ahead(query):  # "neste samling": what is still to come before what has been
                on = today()
                for i in fused.keys() & self._gatherings.keys():
                    fused[i] *= AHEAD_FACTOR.get(status(self._gatherings[i], on), 1.0)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        if mode == "hybrid":
            ranked = self._one_place_per_section(ranked)
        if kind is not None:
            ranked = [(i, s) for i, s in ranked if self._kinds[i] == kind]
        if theme is not None:
            ranked = [(i, s) for i, s in ranked if self._best_theme[i] == theme]
        if region is not None:
            ranked = [(i, s) for i, s in ranked if region in self._regions[i].split("|")]
        term_set = set(terms)
        rows = [i for i, _ in ranked[:k]]
        records = dict(zip(rows, self.index.records_at(rows)))
        hits = [self._hit(records[i], s, term_set, names.get(i)) for i, s in ranked[:k]]
        if mode == "hybrid" and vector is not None:
            hits = self._judge(query, hits, rows, vector, names)
        return hits

    def _judge(self, query: str, hits: list[SearchHit], rows: list[int], vector: np.ndarray, names: dict[int, str]
               ) -> list[SearchHit]:
        """Each hit (at its row) with its calibrated relevance, and whether that makes it an answer."""
        topic = self.topic(query)
        mean = self.index.mean_similarity(vector)
        all_terms = self.index.terms(rows)
        meanings = self.index.vectors(rows) @ vector - mean if rows else np.zeros(0)
        measured = []
        for hit, row, terms, meaning in zip(hits, rows, all_terms, meanings):
            spelt = set()
            if row in names:  # the words that spell the name (perhaps misspelt) are found in this hit
                tokens = fold(names[row]).split()
                spelt = {c.word for c in topic.concepts
                         if any(fuzz.ratio(fold(c.word), t) >= NAME_CUTOFF for t in tokens)}
            own = set(terms.all)
            if self._kinds[row] == "person":
                own |= self._context_terms.get(self._documents[row], set())
            coverage = topic.coverage(own, spelt)
            measured.append((coverage, float(meaning), 1.0 if row in names else 0.0))
        best = max((m[0] for m in measured), default=0.0)
        out = []
        for hit, (coverage, meaning, name) in zip(hits, measured):
            features = (coverage, best, meaning, name)
            p = self.calibration.probability(features)
            out.append(dataclasses.replace(hit, relevance=p, answer=p >= self.calibration.threshold, features=features))
        return out

    def _one_place_per_section(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Rank again so the pieces of one long section do not fill the page one after another."""
        seen: dict[tuple[str, str], int] = {}
        decayed = []
        for i, score in ranked:
            if self._is_passage[i]:
                section = (self._documents[i], self._titles[i])
                n = seen.get(section, 0)
                seen[section] = n + 1
                score *= SAME_SECTION_DECAY**n
            decayed.append((i, score))
        return sorted(decayed, key=lambda kv: -kv[1])

    def _hit(self, record: Record, score: float, terms: set[str], name: str | None = None) -> SearchHit:
        words = dict.fromkeys(w.strip(".,:;()«»\"!?") for w in record.title.split() + record.readable_text.split())
        matched = list(dict.fromkeys(w for w in words if w and _word_terms(w) & terms))
        matched = list({w.lower(): w for w in matched}.values())[:5]
        reasons = []
        if name and fold(name) not in fold(" ".join(matched)):
            reasons.append(f"navnet ligner «{name}»")
        reasons.append(f"ordene {', '.join(matched)}" if matched else "lignende innhold")
        shown = shown_themes(record.themes)
        if shown:
            reasons.append("tema " + " / ".join(t.label.split(" – ")[0] for t in shown))
        linked = self.index.records_at([self._row[l] for l in record.links[:2] if l in self._row])
        more = sum(l in self._row for l in record.links)
        if linked:
            reasons.append(f"knyttet til «{linked[0].title[:60]}»" + (f" og {more - 1} til" if more > 1 else ""))
        why = "Treff fordi: " + "; ".join(reasons)
        return SearchHit(record=record, score=score, why=why)


def _name_words(query: str) -> list[tuple[str, str]]:
    """The query's words that may be a surname, folded, each with the capitalised word before it ("" when none)."""
    words = _NAME_WORD.findall(query)
    capitalised = [w[:1].isupper() for w in words]
    out = []
    for n, word in enumerate(words):
        folded = fold(word)
        if len(folded) < 4 or folded in STOPWORDS:
            continue
        if word.lower() in norwegian_words() and not capitalised[n]:
            continue  # "står" is a word; "Berg" written with a capital may be a name
        if capitalised[n] and n + 1 < len(words) and capitalised[n + 1]:
            continue  # "Karsten" in "Karsten Warholm": a given name
        given = fold(words[n - 1]) if n > 0 and capitalised[n] and capitalised[n - 1] else ""
        out.append((folded, given))
    return out
