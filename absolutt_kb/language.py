"""The language layer that reading (``ingest``) and the corpus stages (``absolutt_kb``) share.

One ``fold`` for comparing Norwegian words and names, and one Norwegian word
list (Debian's ``wnorwegian``), read once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

WORD_LISTS = (Path("/usr/share/dict/bokmaal"), Path("/usr/share/dict/bokmål"))


def fold(text: str) -> str:
    """Lower-case and fold Scandinavian letters for comparisons (æ→ae, ø→o, å→a)."""
    text = text.lower()
    return text.replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("ä", "a").replace("ö", "o")


@functools.cache
def system_word_list() -> frozenset[str]:
    """Bokmål word forms from Debian's wnorwegian, lower case (empty when not installed)."""
    for path in WORD_LISTS:
        if path.exists():
            return frozenset(w.strip().lower() for w in path.read_text(encoding="latin-1").splitlines() if w.strip())
    return frozenset()
