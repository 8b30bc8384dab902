"""What to offer when nothing answers a question: the nearest themes, people and documents.

When no hit clears the calibrated threshold, the honest answer is "nothing
about that", and the useful one is where to look instead: the programme
themes closest to the question in meaning, the people and the documents the
search came closest with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from absolutt_kb.records import Person
from absolutt_kb.search import Searcher, SearchHit, check_query
from absolutt_kb.themes import Theme, load_taxonomy


@dataclass(frozen=True)
class Suggestions:
    """Places to look when the knowledge base has no answer: themes, people, documents (closest first)."""

    themes: tuple[Theme, ...]
    people: tuple[Person, ...]
    documents: tuple[str, ...]


def nothing_found(query: str) -> str:
    """The honest message for a question nothing answers."""
    return f"Fant ingen som handler om «{check_query(query)}»."


class Suggester:
    """Finds suggestions with one searcher; the theme vectors are embedded once."""

    def __init__(self, searcher: Searcher, themes: list[Theme] | None = None) -> None:
        self.searcher = searcher
        self.themes = themes if themes is not None else load_taxonomy()
        texts, self._owner = [], []
        for n, theme in enumerate(self.themes):
            for text in (theme.description, *theme.subthemes):
                texts.append(text)
                self._owner.append(n)
        self._vectors = searcher.embedder.embed_passages(texts) if texts else np.zeros((0, 1), np.float32)
        self._owner = np.array(self._owner)

    def suggest(self, query: str, hits: list[SearchHit], n: int = 3) -> Suggestions:
        """The nearest themes, people and documents for a question.

        Args:
            query: The question.
            hits: What the search found (none of it an answer).
            n: How many of each.

        Returns:
            The suggestions.
        """
        vector = self.searcher.embedder.embed_query(check_query(query))
        sims = self._vectors @ vector
        best = [float(sims[self._owner == i].max()) for i in range(len(self.themes))]
        themes = tuple(self.themes[i] for i in np.argsort(best)[::-1][:n])
        people = [h.record for h in hits if isinstance(h.record, Person)]
        if len(people) < n:
            seen = {p.id for p in people}
            people += [h.record for h in self.searcher.search(query, k=n, kind="person") if h.record.id not in seen]
        documents = tuple(dict.fromkeys(h.record.source.document for h in hits))[:n]
        return Suggestions(themes=themes, people=tuple(people[:n]), documents=documents)
