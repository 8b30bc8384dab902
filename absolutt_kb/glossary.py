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

A question gets more: English words the glossary lacks are carried over by a
general dictionary (``english_norwegian.tsv.gz``, built from FreeDict's
English–Norwegian dictionary by ``scripts/build_english_dictionary.py``), so
"is there any research on equality in the services?" also asks for "likhet"
and "tjeneste". Documents are not: their English words keep to the field's
glossary, so the index does not change with the dictionary.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import Stemmer

from absolutt_kb import config
from absolutt_kb.word_tables import read_table

DEFAULT_GLOSSARY = Path(__file__).with_name("glossary.json")
DICTIONARY = Path(__file__).with_name("english_norwegian.tsv.gz")
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
    return _equivalents(text, glossary())


@functools.cache
def dictionary() -> dict[str, str]:
    """English stem → Norwegian words from the general dictionary ({} when the file is missing)."""
    return read_table(DICTIONARY)


def query_equivalents(text: str) -> str:
    """The Norwegian words for the English words of a question: the glossary's, else the dictionary's."""
    return _equivalents(text, glossary(), dictionary())


def _equivalents(text: str, *tables: dict[str, str]) -> str:
    """For each English word of ``text`` (not a Norwegian word), the first table's words for its stem."""
    from ingest.ocr import system_word_list

    norwegian, found = system_word_list(), []
    for word in _WORD.findall(text.lower()):
        if word not in norwegian:
            stem = _ENGLISH.stemWord(word)
            found.append(next((table[stem] for table in tables if stem in table), ""))
    return " ".join(nb for nb in found if nb)
