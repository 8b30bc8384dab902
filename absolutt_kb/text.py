"""Norwegian text analysis for keyword search: tokens, stopwords, stems, folding.

Folding maps æ/ae→a, ø/oe→o, å/aa→a after stemming, so "læring", "laering"
and OCR's "lering" meet in one term. Compound words in documents are also
indexed by their parts when a Bokmål word list knows both and the split
respects the word's stem ("skoleeierprogram" → "skoleeier" + "program", but
not "eksisterte" → "eksis" + "terte"), so a search for a part finds the whole.

A query is split more carefully (``query_terms``): only a word the corpus
never uses as a whole, and only into parts the corpus uses as words of their
own, so a question never gains fragments it did not ask about. Question words
(hva, hvilket, kven, who, …) are stop words alike in Bokmål, Nynorsk and English.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Container, Iterable
from typing import NamedTuple

import Stemmer
from bm25s.stopwords import STOPWORDS_NORWEGIAN

_TOKEN = re.compile(r"[0-9a-zæøåäöüé]+", re.IGNORECASE)
_STEMMER = Stemmer.Stemmer("norwegian")
QUESTION_WORDS = frozenset(
    ["hva", "hvem", "hvor", "hvordan", "hvorfor", "hvilken", "hvilke", "hvilket", "hvilket", "når", "kva", "kven", "kvar", "korleis", "kvifor", "kor", "kvi", "kva", "slags", "who", "whom", "whose", "what", "which", "where", "when", "why", "how"]
)
# English function words a query in English brings ("who can talk about …"); "by" is a Norwegian word.
ENGLISH_STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "but", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with", "can", "could", "do", "does", "about", "any", "someone", "somebody", "anyone", "has", "have", "from", "between", "among", "within", "during", "through"]
)
# Prepositions and the Nynorsk forms Snowball's list lacks.
NORWEGIAN_EXTRA = frozenset(["om", "hos", "blant", "frå", "fram", "finnes", "fins", "nokon", "noko", "nokre", "ho", "dei"])
STOPWORDS = frozenset(STOPWORDS_NORWEGIAN) | QUESTION_WORDS | ENGLISH_STOPWORDS | NORWEGIAN_EXTRA


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


def word_term(word: str) -> str:
    """The index term of one lower-case word: stemmed, taken back to its base word, folded."""
    return _analyse_word(word)


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
    """The two parts of a compound the word list knows, or () ("årshjul" → ("års", "hjul") is too short).

    The split must respect the whole word's stem: the head plus the tail's
    stem is the word's stem ("styrings|dokumentene" → "styringsdokument"). A
    cut through an inflection ("eksis|terte": "eksistert" is not "eksister")
    is a fragment, not a compound.
    """
    from ingest.ocr import system_word_list

    lexicon = system_word_list()
    if len(word) < MIN_PART + MIN_TAIL or not lexicon:
        return ()
    stem = _STEMMER.stemWord(word)
    for cut in range(MIN_PART, len(word) - MIN_TAIL + 1):  # shortest known head first: kultur|skolen
        head, tail = word[:cut], word[cut:]
        if tail not in lexicon or tail in STOPWORDS:  # "inkluder|ingen" is an ending, not "ingen"
            continue
        if head + _STEMMER.stemWord(tail) != stem:
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


def word_set(text: str) -> set[str]:
    """The distinct terms of ``text``'s words, compounds not split: ``set(analyse(text, compounds=False))``,
    each distinct word analysed once (the theme linker asks this of every record at every ingest)."""
    return {_analyse_word(word) for word in set(_TOKEN.findall(normalise(text))) - STOPWORDS}


class Terms(NamedTuple):
    """A document's keyword terms: its words (and their Norwegian equivalents), and the parts of its compounds."""

    words: list[str]
    parts: list[str]

    @property
    def all(self) -> list[str]:
        """Every term the keyword index holds for the document."""
        return self.words + self.parts

    def encode(self) -> str:
        """One line for storage: the words, then " | " and the parts."""
        return " ".join(self.words) + " | " + " ".join(self.parts)

    @classmethod
    def decode(cls, line: str) -> Terms:
        """Read back what ``encode`` wrote."""
        words, _, parts = line.partition(" | ")
        return cls(words.split(), parts.split())


def document_terms(text: str) -> Terms:
    """Terms for the keyword index: the words of ``text`` stemmed and folded, the
    Norwegian equivalents of English words from the glossary, and compound parts."""
    from absolutt_kb.glossary import norwegian_equivalents

    words, parts = [], []
    for word in _TOKEN.findall(normalise(text)):
        if word in STOPWORDS:
            continue
        words.append(_analyse_word(word))
        parts.extend(_analyse_word(part) for part in compound_parts(word))
    return Terms(words + analyse(norwegian_equivalents(text), compounds=False), parts)


def keyword_terms(text: str) -> list[str]:
    """Every keyword index term of ``text`` (``document_terms`` in one list)."""
    return document_terms(text).all


def query_terms(
    query: str, lexicon: Container[str] = frozenset(), other_standard: Callable[[str], Iterable[str]] = lambda w: ()
) -> list[str]:
    """The keyword terms of a question.

    A compound is split only where the corpus never uses the word as a whole
    and uses both parts as words of their own ("skolefravær" → "skole" +
    "fravær" in a corpus that has both but not the compound); otherwise the
    word is searched as it is and meets the parts indexed in documents.

    Args:
        query: The question.
        lexicon: The whole-word terms of the indexed corpus.
        other_standard: A word's counterparts in the other written standard worth searching for.

    Returns:
        The terms, in order.
    """
    from absolutt_kb.glossary import norwegian_equivalents

    terms = []
    for word in _TOKEN.findall(normalise(query)):
        if word in STOPWORDS:
            continue
        terms.append(_analyse_word(word))
        terms.extend(t for t in (_analyse_word(p) for p in compound_parts(word)) if t in lexicon)
        # The other written standard's words, where the corpus uses them: "medverknad" also finds "medvirkning".
        for other in other_standard(word):
            terms.extend(t for t in analyse(other) if t in lexicon and t not in terms)
    return terms + analyse(norwegian_equivalents(query), compounds=False)
