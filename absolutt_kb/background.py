"""How common a word is in Norwegian in general, beside how rare it is in the corpus.

A small corpus makes everyday words look rare ("får", "samtidig", the Nynorsk
"seier" and "treng" occur in a few of its passages). A question's topic is
judged by the rarer of the two: a word common in general text is never taken
for what a question is about. The counts (``background_words.tsv.gz``) come
from NorNE's running text, Bokmål and Nynorsk, in passage-sized pieces
(``scripts/build_background_words.py``); only words in at least 0.4 % of the
pieces are listed, so a word missing from the table is simply not common.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from absolutt_kb.word_tables import read_table

TABLE = Path(__file__).with_name("background_words.tsv.gz")


@functools.cache
def _table() -> tuple[int, dict[str, int]]:
    """(number of pieces, word → pieces it occurs in); (0, {}) when the file is missing."""
    counts = {word: int(count) for word, count in read_table(TABLE).items()}
    return counts.pop("# pieces", 0), counts


def background_idf(word: str) -> float | None:
    """The inverse document frequency of a common word in general Norwegian (BM25's form); None when not common.

    Args:
        word: One word, any case.
    """
    pieces, counts = _table()
    n = counts.get(word.lower())
    if not n:
        return None
    return math.log(1 + (pieces - n + 0.5) / (n + 0.5))
