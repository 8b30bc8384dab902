"""Document text shown through Markdown: escaped so it is always text, never markup or HTML."""

from __future__ import annotations

import re

from absolutt_kb.unicode_forms import strip_invisible

_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)")


def escape(text: str) -> str:
    """``text`` on one line with the characters that make Markdown escaped.

    "<script>" stays the visible text "<script>", "[lenke](javascript:…)" stays
    brackets, "$x$" is not typeset and a leading "#" is not a heading.
    Full stops, dashes and parentheses inside the text are left readable.
    Bidi overrides and zero-width characters are dropped, so nothing is shown reversed.
    """
    line = _INLINE.sub(r"\\\1", " ".join(strip_invisible(text or "").split()))
    def mark(m: re.Match) -> str:
        token = m.group(2)
        return m.group(1) + (token[:-1] + "\\." if token.endswith(".") else "\\" + token)

    return _LINE_START.sub(mark, line)


def plain(text: str) -> str:
    """Text for ``st.text`` and tables: kept as written, without bidi overrides or zero-width characters."""
    return strip_invisible(text or "")
