"""Programme themes: the taxonomy, and scored links from every record to its themes.

The taxonomy lives in ``themes.json`` (or the file ``ABSOLUTT_KB_THEMES`` names),
so a region can edit or extend it without code. A record's link to a theme is
scored by how close its vector is to the theme's description and sub-themes,
plus the theme's keywords it contains; the evidence says which.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from absolutt_kb.embedder import Embedder
from absolutt_kb.records import ThemeLink
from absolutt_kb.text import analyse

DEFAULT_TAXONOMY = Path(__file__).with_name("themes.json")
KEYWORD_WEIGHT = 0.02
MAX_KEYWORDS = 3


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
        path: A theme file; defaults to ``ABSOLUTT_KB_THEMES`` or the bundled one.

    Returns:
        The themes, in file order.

    Raises:
        TaxonomyError: The file is missing or malformed.
    """
    path = Path(path or os.environ.get("ABSOLUTT_KB_THEMES") or DEFAULT_TAXONOMY)
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


class ThemeLinker:
    """Scores records against the themes of one taxonomy with one embedder."""

    def __init__(self, themes: list[Theme], embedder: Embedder) -> None:
        self.themes = themes
        self._anchors: list[tuple[int, str]] = []
        texts: list[str] = []
        for n, theme in enumerate(themes):
            for text in (theme.description, *theme.subthemes):
                self._anchors.append((n, text))
                texts.append(text)
        self._vectors = embedder.embed_passages(texts)
        self._keywords = [
            {term: kw for kw in theme.keywords for term in analyse(kw, compounds=False)} for theme in themes
        ]

    def link(self, text: str, vector: np.ndarray) -> tuple[ThemeLink, ...]:
        """Every theme scored for one record, best first.

        Args:
            text: The record's text.
            vector: The record's embedding.

        Returns:
            One link per theme, with evidence: the closest sub-theme and matched keywords.
        """
        sims = self._vectors @ vector
        terms = set(analyse(text, compounds=False))  # whole words only: a keyword is a concept
        links = []
        for n, theme in enumerate(self.themes):
            rows = [i for i, (owner, _) in enumerate(self._anchors) if owner == n]
            best_row = max(rows, key=lambda i: sims[i])
            matched = sorted({kw for term, kw in self._keywords[n].items() if term in terms})
            score = float(sims[best_row]) + KEYWORD_WEIGHT * min(len(matched), MAX_KEYWORDS)
            evidence = f"nærmest «{self._anchors[best_row][1]}»"
            if matched:
                evidence += "; ord: " + ", ".join(matched[:4])
            anchor = self._anchors[best_row][1]
            subtheme = anchor if anchor in theme.subthemes else ""
            links.append(
                ThemeLink(id=theme.id, label=theme.title, score=round(score, 4), evidence=evidence, subtheme=subtheme)
            )
        return tuple(sorted(links, key=lambda link: -link.score))
