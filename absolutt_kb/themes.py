"""Programme themes: the taxonomy, and scored links from every record to its themes.

The taxonomy lives in ``themes.json`` (or the file ``ABSOLUTT_KB_THEMES`` names),
so a region can edit or extend it without code.

A record is linked by what it is about, never by who it is: a person's
topics (not the name, not the affiliation), a work's title, a practice
example's description, a passage's headings and text. That text is scored
against each theme's description and sub-themes, plus the theme's keywords it
contains; a person linked to a gathering leans to the gathering's themes. The
e5 similarities of one text to the four themes differ by a few hundredths,
and some themes sit closer to everything than others, so each theme's score
is taken relative to how that theme scores across the whole corpus (in
standard deviations). Records with the same topic get the same themes. When
the best theme does not win by ``MARGIN``, ``shown_themes`` gives the top two,
or none, instead of a guess.

A record that says too little itself (``says_too_little``: no topic or title
of its own, and its own words show no theme, like a speaker named without a
topic) takes the themes of what it belongs to (``absolutt_kb.belonging``):
its gathering, else its section, else its document, the first whose themes
show; the evidence says which («fra samlingen «…»»).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from absolutt_kb import config
from absolutt_kb.belonging import Belonging, Surrounding
from absolutt_kb.embedder import Embedder
from absolutt_kb.indexing import text_key
from absolutt_kb.records import Gathering, Passage, Person, PracticeExample, Record, ThemeLink, Work
from absolutt_kb.text import analyse, word_set

DEFAULT_TAXONOMY = Path(__file__).with_name("themes.json")
KEYWORD_WEIGHT = 0.02  # per matched keyword, in cosine units (before scaling)
MAX_KEYWORDS = 3
CONTEXT_WEIGHT = 0.3  # how much a person leans to the themes of the gatherings they speak at
MARGIN = 0.35  # standard deviations the best theme must lead by to be shown alone
SHOWN_FLOOR = 0.0  # a theme below the corpus average is never shown
FROM_LEVEL = {"gathering": "samlingen", "section": "avsnittet", "document": "dokumentet"}  # «fra samlingen «…»»
LINK_VERSION = 6  # raise when the scoring changes: every record is linked again
RESCORE_SHARE = 0.1  # a version keeps the last normalisation until this share of the corpus is new since it was set


@dataclass(frozen=True)
class Theme:
    """A programme theme with its guiding question, description, sub-themes and keywords."""

    id: str
    label: str
    question: str
    description: str
    subthemes: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def title(self) -> str:
        """"Framtidsbilder – Hvor vil vi?"."""
        return f"{self.label} – {self.question}" if self.question else self.label


class TaxonomyError(ValueError):
    """The theme file cannot be used; the message says what is wrong."""


def load_taxonomy(path: Path | None = None) -> list[Theme]:
    """Read the theme file.

    Args:
        path: A theme file; defaults to the settings' (``ABSOLUTT_KB_THEMES``) or the bundled one.

    Returns:
        The themes, in file order.

    Raises:
        TaxonomyError: The file is missing or malformed.
    """
    path = Path(path or config.current().themes_path or DEFAULT_TAXONOMY)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        themes = [
            Theme(
                id=t["id"],
                label=t["label"],
                question=t.get("question", ""),
                description=t.get("description", t["label"]),
                subthemes=tuple(t.get("subthemes", ())),
                keywords=tuple(t.get("keywords", ())),
            )
            for t in data["themes"]
        ]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise TaxonomyError(f"Temafila «{path}» kan ikke brukes ({type(exc).__name__}: {exc}).") from exc
    if len({t.id for t in themes}) != len(themes) or not themes:
        raise TaxonomyError(f"Temafila «{path}» må ha minst ett tema og unike id-er.")
    return themes


def about_text(record: Record) -> str:
    """What a record is about, for its theme: never a person's name or affiliation alone."""
    if isinstance(record, Person):
        return "; ".join(record.topics)
    if isinstance(record, Work):
        return record.title
    if isinstance(record, PracticeExample):
        description = record.description
        if record.owner and description.startswith(record.owner):
            description = description[len(record.owner):].lstrip(" :–-")
        return description or record.title
    if isinstance(record, Passage):
        return ". ".join(p for p in (" › ".join(record.heading_path), record.readable_text) if p)
    if isinstance(record, Gathering):
        return ". ".join(p for p in (record.title, record.readable_text) if p)
    return record.readable_text or record.title


def shown_themes(themes: tuple[ThemeLink, ...]) -> tuple[ThemeLink, ...]:
    """The themes to show: the best alone when it leads clearly, else the top two above average, else none."""
    if not themes or themes[0].score <= SHOWN_FLOOR:
        return ()
    if len(themes) == 1 or themes[0].score - themes[1].score >= MARGIN:
        return themes[:1]
    shown = tuple(t for t in themes[:2] if t.score > SHOWN_FLOOR)
    return shown if len(shown) == 2 else ()  # no clear winner: both runners-up, or none, never one guessed


def says_too_little(record: Record, themes: tuple[ThemeLink, ...]) -> bool:
    """Whether a record's themes should come from what it belongs to instead of its own words.

    It has no topic or title of its own to be judged by (a person or gathering without topics, a tip, a
    question; not a work, a practice example or a passage), and its own words show no theme
    (``shown_themes`` gives none: nothing above the corpus average, or no text at all).
    """
    if isinstance(record, (Passage, Work, PracticeExample)) or getattr(record, "topics", ()):
        return False
    return not shown_themes(themes)


def anchor_vectors(texts: list[str], embedder: Embedder) -> np.ndarray:
    """The theme texts' vectors, kept on disk beside the converted models (per model and taxonomy text).

    Every ingest links themes in a fresh process; embedding the anchors again took about 0.8 s of each.
    A cache that cannot be read or written is simply not used.
    """
    key = hashlib.sha256(json.dumps([embedder.name, texts], ensure_ascii=False).encode()).hexdigest()[:24]
    path = Path(config.current().models_dir) / "theme-anchors" / f"{key}.npy"
    try:
        cached = np.load(path, allow_pickle=False)
        if cached.shape == (len(texts), embedder.dim):
            return cached.astype(np.float32)
    except (OSError, ValueError, EOFError):
        pass
    vectors = np.asarray(embedder.embed_passages(texts), dtype=np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as fh:
            try:
                np.save(fh, vectors, allow_pickle=False)
            except OSError:
                os.unlink(fh.name)  # no half-written file left behind
                raise
        os.replace(fh.name, path)  # whole or not at all: a reader never sees half a file
    except OSError:
        pass
    return vectors


def about_key(model: str, text: str) -> str:
    """The key a record's about-text vector is remembered by between versions."""
    return text_key(model, f"about\x00{text}")


def words_key(keywords_digest: str, text: str) -> str:
    """The key a text's theme keywords are remembered by between versions (they depend on the taxonomy's words)."""
    return text_key(keywords_digest, f"words\x00{text}")


@dataclass(frozen=True)
class ThemeNorm:
    """Each theme's mean and spread of raw scores over the corpus they were computed on.

    Scores are relative to these. A version keeps its predecessor's while little has changed since they
    were set (``RESCORE_SHARE``), so a record that did not change keeps exactly its links, and the
    database does not rewrite the row of every record when one document is added. ``changed`` counts
    the records added or removed since they were set; past the share, they are computed afresh.
    """

    mean: tuple[float, ...]
    spread: tuple[float, ...]
    records: int
    changed: int = 0

    def to_dict(self) -> dict:
        return {"mean": list(self.mean), "spread": list(self.spread), "records": self.records, "changed": self.changed}

    @classmethod
    def from_dict(cls, data: Mapping | None) -> ThemeNorm | None:
        """Read back what ``to_dict`` gave; None for anything else (an index from before: computed afresh)."""
        try:
            return cls(tuple(float(x) for x in data["mean"]), tuple(float(x) for x in data["spread"]),
                       int(data["records"]), int(data.get("changed", 0)))
        except (TypeError, KeyError, ValueError):
            return None


@dataclass(frozen=True)
class Linked:
    """Every record's theme links; and, to remember with the version, the vectors of what non-passage records
    are about (by ``about_key``) and the theme keywords each about-text holds (by ``words_key``)."""

    links: list[tuple[ThemeLink, ...]]
    about: dict[str, np.ndarray]
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    norm: ThemeNorm | None = None  # the normalisation the scores are relative to, to keep with the version


class ThemeLinker:
    """Scores records against the themes of one taxonomy with one embedder."""

    def __init__(self, themes: list[Theme], embedder: Embedder) -> None:
        self.themes = themes
        self._embedder = embedder
        self._anchors: list[tuple[int, str]] = []
        texts: list[str] = []
        for n, theme in enumerate(themes):
            for text in (theme.description, *theme.subthemes):
                self._anchors.append((n, text))
                texts.append(text)
        self._vectors = anchor_vectors(texts, embedder)
        self._owner = np.array([owner for owner, _ in self._anchors])
        self._keywords = [
            {term: kw for kw in theme.keywords for term in analyse(kw, compounds=False)} for theme in themes
        ]
        self._keyword_terms = frozenset().union(*(k.keys() for k in self._keywords))
        self._keywords_digest = "theme-words:" + hashlib.sha256(
            json.dumps([LINK_VERSION, sorted(self._keyword_terms)]).encode()
        ).hexdigest()[:16]

    def link_all(self, records: list[Record], vectors: np.ndarray,
                 remembered: Mapping[str, np.ndarray] | None = None,
                 remembered_words: Mapping[str, tuple[str, ...]] | None = None,
                 norm: ThemeNorm | None = None, changed: int = 0) -> Linked:
        """Every record's theme links, best first, scored relative to the whole corpus.

        Args:
            records: All records of the index.
            vectors: Their index vectors (a passage is about what it is indexed by).
            remembered: Vectors of what records are about, by ``about_key``, from the last version:
                only texts not among them are embedded.
            remembered_words: The theme keywords of about-texts, by ``words_key``, from the last version:
                only texts not among them are analysed.
            norm: The last version's normalisation, kept while ``changed`` (records added or removed
                since) stays within ``RESCORE_SHARE`` of the corpus it was computed on.
            changed: Records added or removed since the last version.

        Returns:
            Per record, one link per theme with its evidence; and the vectors and keywords to remember.
        """
        about = [about_text(r) for r in records]
        about_vectors, own = self._about_vectors(records, about, vectors, remembered or {})
        # records x anchors, in float64: float32 products differ in the last bits with the matrix's size (BLAS
        # blocking), which moved 363 of 30,869 rounded scores when one PDF was added, and so their rows.
        sims = about_vectors.astype(np.float64) @ self._vectors.T.astype(np.float64)
        best_anchor = np.stack([np.where(self._owner == n, sims, -np.inf).argmax(1) for n in range(len(self.themes))], 1)
        raw = np.take_along_axis(sims, best_anchor, 1)
        held, words = self._theme_words(about, remembered_words or {})
        by_terms: dict[frozenset[str], list[list[str]]] = {}  # few distinct sets: most texts hold none or one term
        for terms in set(held.values()):
            by_terms[terms] = [sorted({k[term] for term in terms.intersection(k.keys())}) for k in self._keywords]
        matched = [by_terms[held[text]] for text in about]
        counts = {terms: [min(len(m), MAX_KEYWORDS) for m in row] for terms, row in by_terms.items()}
        raw = raw + KEYWORD_WEIGHT * np.array([counts[held[text]] for text in about]).reshape(raw.shape)
        has_about = np.array([bool(t) for t in about])
        raw = self._lean_to_context(records, raw, has_about)
        usable = raw[has_about] if has_about.sum() >= 2 else raw
        kept = norm is not None and len(norm.mean) == raw.shape[1] and norm.changed + changed <= RESCORE_SHARE * norm.records
        if kept:
            mean, spread = np.asarray(norm.mean, dtype=raw.dtype), np.asarray(norm.spread, dtype=raw.dtype)
            used = replace(norm, changed=norm.changed + changed)
        else:
            mean, spread = usable.mean(0), np.maximum(usable.std(0), 1e-3)
            used = ThemeNorm(tuple(float(x) for x in mean), tuple(float(x) for x in spread), len(records))
        scores = (raw - mean) / spread
        out = []
        said: dict[tuple[int, tuple[str, ...]], str] = {}  # the same few phrases for 30,000 passages: built once
        for i in range(len(records)):
            if not has_about[i]:
                out.append(self._links(np.zeros(len(self.themes)), best_anchor[i], "ingen tema eller tittel å gå etter",
                                       judged=False))
                continue
            evidence = []
            for a, m in zip(best_anchor[i].tolist(), matched[i]):
                key = (a, tuple(m[:4]))
                if key not in said:
                    said[key] = f"nærmest «{self._anchors[a][1]}»" + ("; ord: " + ", ".join(key[1]) if m else "")
                evidence.append(said[key])
            out.append(self._links(scores[i], best_anchor[i], evidence))
        self._take_from_surroundings(records, out, scores, sims)
        return Linked(out, own, words, used)

    def _theme_words(self, about: list[str], remembered: Mapping[str, tuple[str, ...]]
                     ) -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
        """The taxonomy's keyword terms each distinct about-text holds (remembered, or analysed now); and the
        same by ``words_key``, to remember.

        Analysing every text's words was a third of linking at 30,000 passages, at every ingest. The
        terms a text holds of all the themes' keywords are all that matching needs, so they are exact.
        """
        by_text: dict[str, frozenset[str]] = {}
        by_key: dict[str, tuple[str, ...]] = {}
        for text in about:
            if text in by_text:
                continue
            key = words_key(self._keywords_digest, text)
            known = remembered.get(key)
            by_key[key] = tuple(sorted(word_set(text) & self._keyword_terms)) if known is None else tuple(known)
            by_text[text] = frozenset(by_key[key])
        return by_text, by_key

    def _about_vectors(self, records: list[Record], about: list[str], vectors: np.ndarray,
                       remembered: Mapping[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Per record the vector its theme is judged by; and, by key, those of records that are not passages.

        A passage is about what it is indexed by. Other records are about a text of their own (a
        person's topics, a work's title), embedded once and then remembered by the index.
        """
        out = np.asarray(vectors, dtype=np.float32).copy()
        own = [i for i, r in enumerate(records) if not isinstance(r, Passage) and about[i]]
        keys = [about_key(self._embedder.name, about[i]) for i in own]
        texts = dict(zip(keys, (about[i] for i in own)))  # one text per key
        new = [k for k in texts if k not in remembered]
        kept = {k: np.asarray(remembered[k], dtype=np.float32) for k in texts if k in remembered}
        if new:  # many (a folder of small notes, each with a person or practice card) go the bulk path
            kept |= zip(new, np.asarray(self._embedder.embed_many([texts[k] for k in new]), dtype=np.float32))
        for i, key in zip(own, keys):
            out[i] = kept[key]
        return out, kept

    def _links(self, scores: np.ndarray, anchors: np.ndarray, evidence: str | list[str], judged: bool = True
               ) -> tuple[ThemeLink, ...]:
        """One link per theme, best first (``judged``: scored from some text, so a close race is worth saying)."""
        links = []
        for n, theme in enumerate(self.themes):
            anchor = self._anchors[int(anchors[n])][1]
            links.append(ThemeLink(id=theme.id, label=theme.title, score=round(float(scores[n]), 3),
                                   evidence=evidence if isinstance(evidence, str) else evidence[n],
                                   subtheme=anchor if anchor in theme.subthemes else ""))
        links.sort(key=lambda link: -link.score)
        return _with_lead(tuple(links)) if judged else tuple(links)

    def _take_from_surroundings(self, records: list[Record], out: list, scores: np.ndarray, sims: np.ndarray) -> None:
        """Records that say too little take the themes of the nearest surrounding whose themes show.

        Gatherings go first, so a speaker takes the themes their gathering ended with.
        """
        belonging = Belonging(records)
        needy = [i for i, r in enumerate(records) if says_too_little(r, out[i])]
        for i in sorted(needy, key=lambda i: not isinstance(records[i], Gathering)):
            places = belonging.of(i)
            found = (self._surrounding_links(place, out, scores, sims) for place in places)
            taken = next((links for links in found if shown_themes(links)), None)
            if taken:
                out[i] = taken
            elif places:  # say that the surroundings were asked too
                more = f"; heller ikke {FROM_LEVEL[places[0].level]} «{places[0].name}» peker ut et tema"
                out[i] = tuple(ThemeLink(**{**link.__dict__, "evidence": link.evidence + more}) for link in out[i])

    def _surrounding_links(
        self, place: Surrounding, out: list, scores: np.ndarray, sims: np.ndarray
    ) -> tuple[ThemeLink, ...]:
        """A gathering's themes, or the mean of a section's or document's passages, saying where they came from."""
        evidence = f"fra {FROM_LEVEL[place.level]} «{place.name}»"
        if place.level == "gathering":
            gathering = out[place.rows[0]]
            return _with_lead(tuple(ThemeLink(**{**link.__dict__, "evidence": evidence}) for link in gathering))
        rows = list(place.rows)
        mean_sims = sims[rows].mean(0)
        anchors = [np.where(self._owner == n, mean_sims, -np.inf).argmax() for n in range(len(self.themes))]
        return self._links(scores[rows].mean(0), np.array(anchors), evidence)

    def _lean_to_context(self, records: list[Record], raw: np.ndarray, has_about: np.ndarray) -> np.ndarray:
        """A person with topics linked to gatherings leans to the gatherings' themes.

        One without topics takes them whole, later (``_take_from_surroundings``), with the gathering as evidence.
        """
        rows = {r.id: i for i, r in enumerate(records)}
        out = raw.copy()
        for i, r in enumerate(records):
            if not isinstance(r, Person) or not has_about[i]:
                continue
            context = [rows[link] for link in r.links if link in rows and isinstance(records[rows[link]], Gathering)]
            if context:
                out[i] = raw[i] + CONTEXT_WEIGHT * raw[context].mean(0)
        return out


def _with_lead(links: tuple[ThemeLink, ...]) -> tuple[ThemeLink, ...]:
    """The links, with the best one's evidence saying so when no theme leads by ``MARGIN``.

    Evidence that says where the themes came from («fra samlingen …») stays first.
    """
    if len(links) < 2 or links[0].score - links[1].score >= MARGIN:
        return links
    lead = f"ingen klar vinner: «{links[0].label.split(' – ')[0]}» og «{links[1].label.split(' – ')[0]}» står nesten likt"
    first = links[0].evidence
    evidence = f"{first}; {lead}" if first.startswith("fra ") else f"{lead}; {first}"
    return (ThemeLink(**{**links[0].__dict__, "evidence": evidence}), *links[1:])
