"""Text as people see it: invisible characters, look-alike letters and control characters.

A name written ``Kvern\\u200bhusvik`` (zero-width space), ``Кvernhusvik``
(Cyrillic К), ``Kvernhusvık`` (dotless ı) or with a right-to-left override
looks like the plain name on screen but is another string to a program. One
normalisation serves the readers (invisible and bidi controls dropped at
reading time), the display (nothing shown reversed), the personal-data
detector and the removal of a person's name (look-alikes folded to the Latin
letter they imitate, using Unicode's confusables table from
``confusable_homoglyphs``).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

# Zero-width characters, bidi embeddings, overrides and isolates, the word joiner and invisible operators, the BOM.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# C0 and C1 control characters other than tab and line breaks.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NORWEGIAN = set("æøåÆØÅ")


def strip_invisible(text: str) -> str:
    """``text`` without zero-width, bidi-control and other invisible format characters."""
    return INVISIBLE.sub("", text) if text else text


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character (NUL, escape, …) or an invisible format character."""
    return bool(CONTROL.search(text) or INVISIBLE.search(text))


@functools.cache
def _confusables() -> dict[str, str]:
    """Single characters that imitate an ASCII letter, mapped to that letter (Unicode's confusables.txt)."""
    import confusable_homoglyphs

    data = json.loads((Path(confusable_homoglyphs.__file__).parent / "confusables.json").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for char, glyphs in data.items():
        for glyph in (g["c"] for g in glyphs):
            if char.isascii() and char.isalpha() and len(glyph) == 1 and not glyph.isascii() and glyph not in _NORWEGIAN:
                table.setdefault(glyph, char)  # "ｉ", "ⅰ" … look like "i"
            elif not char.isascii() and char not in _NORWEGIAN and len(glyph) == 1 and glyph.isascii() and glyph.isalpha():
                table.setdefault(char, glyph)  # Cyrillic "К" looks like "K", dotless "ı" like "i"
    return table


def fold_confusables(text: str) -> str:
    """``text`` with letters that imitate Latin letters (Cyrillic, Greek, dotless ı, full-width) replaced by them."""
    table = _confusables()
    return "".join(table.get(c, c) for c in text) if any(not c.isascii() for c in text) else text


def canonical(text: str) -> str:
    """The form to compare names and detect contacts on: NFKC, invisibles dropped, look-alikes folded, NFC.

    Lengths change, so use it to decide, and :func:`canonical_with_offsets` to replace in the original.
    """
    return canonical_with_offsets(text)[0]


def canonical_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """:func:`canonical` text and, for each of its characters, the offset of the original character it came from.

    The offsets have one more entry than the text: the original's length, so a span's end maps too.
    Text that is already canonical (nearly all) is returned as it is, with its own offsets.
    """
    table = _confusables()
    if unicodedata.is_normalized("NFKC", text) and not INVISIBLE.search(text) \
            and (text.isascii() or not table.keys() & set(text)):
        return text, range(len(text) + 1)
    out: list[str] = []
    offsets: list[int] = []
    for n, char in enumerate(text):
        if INVISIBLE.match(char):
            continue
        if unicodedata.combining(char) and out:
            # A combining mark joins the letter before it where Unicode has the pair ("a" + ring is "å");
            # any other mark is dropped, so "Kvernhusvi\u0301k" compares as "Kvernhusvik".
            composed = unicodedata.normalize("NFC", out[-1] + char)
            if len(composed) == 1 and composed in _NORWEGIAN:
                out[-1] = composed
            continue
        for piece in unicodedata.normalize("NFKC", char):
            out.append(table.get(piece, piece))
            offsets.append(n)
    offsets.append(len(text))
    return "".join(out), offsets
