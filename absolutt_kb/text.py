"""Norwegian text analysis for keyword search: tokens, stopwords, stems, folding.

Folding maps æ/ae→a, ø/oe→o, å/aa→a after stemming, so "læring", "laering"
and OCR's "lering" meet in one term.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer
from bm25s.stopwords import STOPWORDS_NORWEGIAN

_TOKEN = re.compile(r"[0-9a-zæøåäöüé]+", re.IGNORECASE)
_STEMMER = Stemmer.Stemmer("norwegian")
STOPWORDS = frozenset(STOPWORDS_NORWEGIAN) | {"om", "kan", "the", "of", "and", "a", "in", "on", "for", "to"}


def fold_term(term: str) -> str:
    """Fold Scandinavian letters and their two-letter spellings to one vowel."""
    term = term.replace("æ", "a").replace("ø", "o").replace("å", "a").replace("ä", "a").replace("ö", "o")
    return term.replace("ae", "a").replace("oe", "o").replace("aa", "a")


def normalise(text: str) -> str:
    """NFKC and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@functools.lru_cache(maxsize=200_000)
def _analyse_word(word: str) -> str:
    return fold_term(_STEMMER.stemWord(word))


def analyse(text: str) -> list[str]:
    """Index terms of ``text``: tokens without stopwords, stemmed and folded.

    Args:
        text: Any text.

    Returns:
        The terms, in order, repeats kept.
    """
    return [_analyse_word(w) for w in _TOKEN.findall(normalise(text)) if w not in STOPWORDS]
