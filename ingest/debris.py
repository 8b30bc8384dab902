"""Converter debris removed at reading time, so cards show the document's words and nothing a tool left.

Documents reach a region after passing through converters: a Word file saved
as text leaves ``[image: ]`` where a picture was, Markdown exports leave
``![logo](bilde.png)`` and ``{width="3in"}``, e-mail leaves ``[cid:image001.png@…]``,
HTML copied as text leaves ``&nbsp;`` and ``<br>``. None of it is text a person
wrote; all of it is removed from every block before anything reads the
document, whatever its format.
"""

from __future__ import annotations

import html
import re

_PATTERNS = (
    re.compile(r"!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)"),  # Markdown image
    re.compile(r"\[(?:image|img|picture|pic|bilde|grafikk|graphic|figure|logo)\b[^\]\n]{0,200}\]", re.IGNORECASE),
    re.compile(r"\[cid:[^\]\n]{0,300}\]", re.IGNORECASE),  # an e-mail's inline picture
    re.compile(r"\{(?:\s*(?:width|height|style|\.\w+|#\w+)(?:=\"?[^}\n]{0,80})?)+\s*\}"),  # pandoc attributes
    re.compile(r"</?(?:img|br|span|div|p|font|o:p)\b[^>\n]{0,300}/?>", re.IGNORECASE),  # HTML tags left in text
)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_SPACES = re.compile(r"[ \t]{2,}")


def clean(text: str) -> str:
    """``text`` without converter debris, its spacing tidied ("[image: ]VELKOMMEN" → "VELKOMMEN")."""
    if "[" not in text and "<" not in text and "&" not in text and "{" not in text:
        return text  # nearly every line: nothing to do
    for pattern in _PATTERNS:
        text = pattern.sub(" ", text)
    if _ENTITY.search(text):
        text = html.unescape(text).replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()
