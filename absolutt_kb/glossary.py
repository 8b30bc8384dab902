"""English words indexed and searched by their Norwegian equivalents too.

Users sometimes search in English ("Who can talk about school leadership?"),
and some works have English titles ("Leading Public Sector Innovation").
The multilingual embedding bridges the languages only weakly for short texts,
so keyword search gets a bridge as well: an editable glossary
(``glossary.json``, or the file ``ABSOLUTT_KB_GLOSSARY`` names) of English
words in the programme's field and their bokmål equivalents. English words are
matched in any inflection (Snowball English stems); a key that is also a
Norwegian word ("plan", "student") is left out, so Norwegian text never gains
terms it did not have.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import Stemmer

from absolutt_kb import config

DEFAULT_GLOSSARY = Path(__file__).with_name("glossary.json")
_ENGLISH = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z][a-z-]+")


class GlossaryError(ValueError):
    """The glossary file cannot be used; the message says why."""


@functools.lru_cache(maxsize=4)
def _load(path: str) -> dict[str, str]:
    from ingest.ocr import system_word_list

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        terms = data["terms"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GlossaryError(f"Ordlisten «{path}» kan ikke leses: {exc}") from exc
    norwegian = system_word_list()
    return {
        _ENGLISH.stemWord(word.lower()): " ".join(str(nb).split())
        for word, nb in terms.items()
        if word.lower() not in norwegian and str(nb).strip()
    }


def glossary(path: Path | None = None) -> dict[str, str]:
    """English stem → Norwegian words, from ``path``, ``ABSOLUTT_KB_GLOSSARY`` or the bundled file."""
    return _load(str(path or config.current().glossary_path or DEFAULT_GLOSSARY))


def norwegian_equivalents(text: str) -> str:
    """The Norwegian words for the English words in ``text``, space-separated ("" when none)."""
    from ingest.ocr import system_word_list

    table, norwegian = glossary(), system_word_list()
    found = (table.get(_ENGLISH.stemWord(w)) for w in _WORD.findall(text.lower()) if w not in norwegian)
    return " ".join(nb for nb in found if nb)
