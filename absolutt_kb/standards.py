"""Nynorsk and Bokmål words for each other, so a question in one finds text in the other.

"kven kan halde innlegg om elevmedverknad?" should find a passage about
"elevmedvirkning", and "hvem kan snakke om ledelse?" a Nynorsk bio about
"leiing". The table (``written_standards.tsv.gz``) is built by
``scripts/build_standards_lexicon.py`` from Debian's Norwegian word lists and
Apertium's Nynorsk–Bokmål dictionaries: every word form of either standard
with the lemmas the other standard uses for it, where they are spelt
differently. A compound the table lacks is bridged by its longest known tail
("elevmedverknad" → "elevmedvirkning", "skuleeigar" → "skoleeier").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from absolutt_kb.word_tables import read_table

TABLE = Path(__file__).with_name("written_standards.tsv.gz")
MIN_TAIL = 5  # a compound's tail must be a word of its own: "…verknad", not "…ad"
MIN_HEAD = 3
# A word the corpus uses itself is carried over only where the counterpart is far more common there: "skule" in a
# mostly Bokmål corpus with a few Nynorsk documents, not "trodde" whose stem collides with a rare Nynorsk lemma.
CLEARLY_MORE = 3.0
_WORD = re.compile(r"[a-zæøåé]+")


@functools.cache
def _table() -> dict[str, tuple[str, ...]]:
    """Word → the other standard's words (empty when the file is missing)."""
    return {word: tuple(others.split()) for word, others in read_table(TABLE).items()}


@functools.lru_cache(maxsize=65_536)  # asked for every word of every question, by the bridge and the relevance model
def counterparts(word: str) -> tuple[str, ...]:
    """The other written standard's words for one word ("skule" → ("skole",)); () when spelt alike.

    Args:
        word: One word, any case.

    Returns:
        The counterparts in lower case, in the table's order.
    """
    word, table = word.lower(), _table()
    if word in table:
        return table[word]
    for cut in range(MIN_HEAD, len(word) - MIN_TAIL + 1):  # the longest known tail bridges a compound
        head, tail = word[:cut], word[cut:]
        if tail in table:
            heads = table.get(head, ())[:1] or (head,)  # "skule|eigar" → "skole|eier"
            return tuple(heads[0] + other for other in table[tail])
    return ()


def toward_corpus(word: str, usage: Callable[[str], float]) -> tuple[str, ...]:
    """The counterparts of ``word`` that the corpus uses, where it uses the word itself far less or not at all.

    A question is carried toward the corpus's own words and no further: "skule"
    gains "skole" in a Bokmål corpus, and a Bokmål "sikrer" gains nothing
    from a dictionary's rare alternative where the corpus says "sikrer" itself.

    Args:
        word: One word of a question.
        usage: How much the corpus uses an index term (its document frequency, or anything that orders alike).

    Returns:
        The counterparts worth searching for, in the table's order.
    """
    from absolutt_kb.text import STOPWORDS, word_term

    if word.lower() in STOPWORDS:  # never indexed, so never "used": "hvordan" must not gain "korleis"
        return ()
    own = usage(word_term(word.lower()))
    return tuple(other for other in counterparts(word) if not own or usage(word_term(other)) > CLEARLY_MORE * own)


def bridge(text: str, usage: Callable[[str], float]) -> str:
    """The counterparts ``toward_corpus`` gives for the words of ``text``, space-separated ("" when none)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        for other in toward_corpus(word, usage):
            seen.setdefault(other, None)
    return " ".join(seen)
