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
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from absolutt_kb import config
from absolutt_kb.embedder import Embedder
from absolutt_kb.records import Gathering, Passage, Person, PracticeExample, Record, ThemeLink, Work
from absolutt_kb.text import analyse

DEFAULT_TAXONOMY = Path(__file__).with_name("themes.json")
KEYWORD_WEIGHT = 0.02  # per matched keyword, in cosine units (before scaling)
MAX_KEYWORDS = 3
CONTEXT_WEIGHT = 0.3  # how much a person leans to the themes of the gatherings they speak at
MARGIN = 0.35  # standard deviations the best theme must lead by to be shown alone
SHOWN_FLOOR = 0.0  # a theme below the corpus average is never shown
LINK_VERSION = 5  # raise when the scoring changes: every record is linked again


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
        self._vectors = embedder.embed_passages(texts)
        self._owner = np.array([owner for owner, _ in self._anchors])
        self._keywords = [
            {term: kw for kw in theme.keywords for term in analyse(kw, compounds=False)} for theme in themes
        ]

    def link_all(self, records: list[Record], vectors: np.ndarray) -> list[tuple[ThemeLink, ...]]:
        """Every record's theme links, best first, scored relative to the whole corpus.

        Args:
            records: All records of the index.
            vectors: Their index vectors (a passage is about what it is indexed by).

        Returns:
            Per record, one link per theme with its evidence.
        """
        about = [about_text(r) for r in records]
        own = [i for i, r in enumerate(records) if not isinstance(r, Passage) and about[i]]
        about_vectors = np.asarray(vectors, dtype=np.float32).copy()
        if own:
            about_vectors[own] = self._embedder.embed_passages([about[i] for i in own])  # short texts: the plain path is quick
        sims = about_vectors @ self._vectors.T  # records x anchors
        best_anchor = np.stack([np.where(self._owner == n, sims, -np.inf).argmax(1) for n in range(len(self.themes))], 1)
        raw = np.take_along_axis(sims, best_anchor, 1)
        matched = [[sorted({kw for term, kw in k.items() if term in words}) for k in self._keywords]
                   for words in (set(analyse(text, compounds=False)) for text in about)]
        raw = raw + KEYWORD_WEIGHT * np.array([[min(len(m), MAX_KEYWORDS) for m in row] for row in matched]).reshape(raw.shape)
        has_about = np.array([bool(t) for t in about])
        raw = self._lean_to_context(records, raw, has_about)
        usable = raw[has_about] if has_about.sum() >= 2 else raw
        mean, spread = usable.mean(0), np.maximum(usable.std(0), 1e-3)
        scores = (raw - mean) / spread
        out = []
        for i in range(len(records)):
            links = []
            for n, theme in enumerate(self.themes):
                anchor = self._anchors[int(best_anchor[i, n])][1]
                evidence = f"nærmest «{anchor}»" if has_about[i] else "ingen tema eller tittel å gå etter"
                if matched[i][n]:
                    evidence += "; ord: " + ", ".join(matched[i][n][:4])
                score = float(scores[i, n]) if has_about[i] else 0.0
                links.append(ThemeLink(id=theme.id, label=theme.title, score=round(score, 3), evidence=evidence,
                                       subtheme=anchor if anchor in theme.subthemes else ""))
            links.sort(key=lambda link: -link.score)
            if len(links) > 1 and has_about[i] and links[0].score - links[1].score < MARGIN:
                lead = f"ingen klar vinner: «{links[0].label.split(' – ')[0]}» og «{links[1].label.split(' – ')[0]}» står nesten likt"
                links[0] = ThemeLink(**{**links[0].__dict__, "evidence": f"{lead}; {links[0].evidence}"})
            out.append(tuple(links))
        return out

    def _lean_to_context(self, records: list[Record], raw: np.ndarray, has_about: np.ndarray) -> np.ndarray:
        """A person linked to gatherings leans to the gatherings' themes (and takes them when they have no topic)."""
        rows = {r.id: i for i, r in enumerate(records)}
        out = raw.copy()
        for i, r in enumerate(records):
            if not isinstance(r, Person):
                continue
            context = [rows[link] for link in r.links if link in rows and isinstance(records[rows[link]], Gathering)]
            if context:
                lean = raw[context].mean(0)
                out[i] = raw[i] + CONTEXT_WEIGHT * lean if has_about[i] else lean
                has_about[i] = True
        return out
