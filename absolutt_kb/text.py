"""Norwegian text analysis for keyword search: tokens, stopwords, stems, folding.

Folding maps æ/ae→a, ø/oe→o, å/aa→a after stemming, so "læring", "laering"
and OCR's "lering" meet in one term. Compound words are also indexed by their
parts when a Bokmål word list knows both ("skoleeierprogram" → "skoleeier" +
"program"), so a search for a part finds the whole.
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


MIN_PART = 4
MIN_TAIL = 5  # "samarbeid|ende" and "medarbeider|skap" are not compounds


@functools.lru_cache(maxsize=200_000)
def _analyse_word(word: str) -> str:
    return fold_term(_derivation_base(_STEMMER.stemWord(word)))


def _derivation_base(stem: str) -> str:
    """Take a verbal noun or a -skap noun back to the word it is made from.

    Snowball leaves "inkludering" and "eierskap" whole, so they never meet
    "inkluderende" or "eier". The word list decides: "inkludering" → "inkludere"
    is a verb, "eierskap" → "eier" is a word, "kunnskap" → "kunn" is not.
    """
    from ingest.ocr import system_word_list

    lexicon = system_word_list()
    if not lexicon:
        return stem
    for suffix in ("ning", "ing"):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 4 and stem[: -len(suffix)] + "e" in lexicon:
            return _STEMMER.stemWord(stem[: -len(suffix)] + "e")
    if stem.endswith("skap") and stem[:-4] in lexicon and len(stem) - 4 >= 4:
        return _STEMMER.stemWord(stem[:-4])
    return stem


@functools.lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The two parts of a compound the word list knows, or () ("årshjul" → ("års", "hjul") is too short)."""
    from ingest.ocr import system_word_list

    lexicon = system_word_list()
    if len(word) < MIN_PART + MIN_TAIL or not lexicon:
        return ()
    for cut in range(MIN_PART, len(word) - MIN_TAIL + 1):  # shortest known head first: kultur|skolen
        head, tail = word[:cut], word[cut:]
        if tail not in lexicon or tail in STOPWORDS:  # "inkluder|ingen" is an ending, not "ingen"
            continue
        for left in (head, head[:-1] if head.endswith(("s", "e")) else None):
            if left and len(left) >= MIN_PART and left in lexicon:
                return (left, tail)
    return ()


def analyse(text: str, *, compounds: bool = True) -> list[str]:
    """Index terms of ``text``: tokens without stopwords, stemmed and folded.

    Args:
        text: Any text.
        compounds: Add the parts of compound words after the word itself.

    Returns:
        The terms, in order, repeats kept.
    """
    terms = []
    for word in _TOKEN.findall(normalise(text)):
        if word in STOPWORDS:
            continue
        terms.append(_analyse_word(word))
        if compounds:
            terms.extend(_analyse_word(part) for part in compound_parts(word))
    return terms


def keyword_terms(text: str) -> list[str]:
    """Terms for the keyword index and keyword queries: ``analyse`` terms, plus
    the Norwegian equivalents of English words from the glossary."""
    from absolutt_kb.glossary import norwegian_equivalents

    return analyse(text) + analyse(norwegian_equivalents(text))
