"""Turn raw lines into layout blocks: headings, list items and paragraphs.

Readers hand over lines as they come out of a file (with a locator each);
this module rejoins lines broken mid-sentence or mid-entry, recognises list
items by their bullets and headings by their shape, so the record parsers see
the same structure whatever the file format was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from absolutt_kb.unicode_forms import strip_invisible

BULLET_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?:[•·▪●◦‣∙○■□➢➤►\-\*–]|\d{1,2}[.)](?!\d)(?!\s*(?:[-–]\s*\d{1,2}\.?\s*)?(?:jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)[a-z]*\b)|[eo¢©](?=\s+[A-ZÆØÅ«\"]))\s+(?P<body>\S.*)$"
)
TERMINAL = ".!?;"
# A clock time as programmes write it ("09.30", "9:05", "kl. 10.00"), never the "08.10" of a date "08.10.2021".
CLOCK_DIGITS = r"[0-2]?\d[.:][0-5]\d"
CLOCK = rf"{CLOCK_DIGITS}(?!\.?\d)"
TIME = rf"(?:kl\.?\s*)?{CLOCK}"
_TIME_START = re.compile(rf"^\s*{TIME}", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]{2,}|\t")
_HYPHEN_KEEP = {"og", "eller", "til", "and", "or", "samt"}


@dataclass(frozen=True)
class Line:
    """A raw line of text and where it came from."""

    text: str
    locator: str


@dataclass(frozen=True)
class Block:
    """A unit of layout: a heading, a list item, or a paragraph/line group."""

    text: str
    kind: str  # "heading", "item", "paragraph", "caption" or "row" (a table row)
    level: int
    locator: str
    lines: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()  # a table row's cells, in column order
    header: tuple[str, ...] = ()  # the header row of the table a row belongs to


def row_text(cells: list[str] | tuple[str, ...]) -> str:
    """A table row as one line of text: cells joined by " | ", a cell's own lines by " / "."""
    return " | ".join(cell.replace("\n", " / ") for cell in cells)


def cell_lines(block: Block) -> list[str]:
    """The lines of a block as the list rules read them: a table row gives each line of each cell."""
    if block.kind != "row":
        return [block.text]
    return [line for cell in block.cells for line in cell.split("\n") if line]


def clean_line(text: str) -> str:
    """Collapse runs of spaces (justified text) and strip light markup."""
    text = strip_invisible(text)  # soft hyphens, zero-width characters and bidi overrides: "Kvern\u200bhusvik" is one name
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(\S.*?\S|\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\((?:[^)]*)\)", r"\1", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = _SPACES.sub(" ", text)
    return text.strip()


def _indent(raw: str) -> int:
    prefix = raw[: len(raw) - len(raw.lstrip(" \t"))]
    return prefix.count(" ") + 4 * prefix.count("\t")


def _join(left: str, right: str) -> str:
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        first = right.split(" ", 1)[0].lower()
        if right[:1].islower() and first not in _HYPHEN_KEEP:
            return left[:-1] + right
        return left + right if right[:1].islower() else left + " " + right
    return left + " " + right


# A line that starts a new entry: "Owner: …", "Surname, I. …", "Name Name, Org …", or only names.
_ENTRY_START = re.compile(
    r"^(?:[A-ZÆØÅ][\wæøå-]*(?:\s+[\wæøå-]+){0,4}\s?:\s"
    r"|[A-ZÆØÅ][\wæøå'-]+,\s+[A-ZÆØÅ]"
    r"|[A-ZÆØÅ][a-zæøå-]+(?:\s+[A-ZÆØÅ][a-zæøå.-]+){1,3}\s*(?:,|\(|\s+om\s))"
)
_ONLY_NAMES = re.compile(
    r"^[A-ZÆØÅ][a-zæøå-]+(?:\s+[A-ZÆØÅ][a-zæøå.-]+){1,3}(?:\s*(?:,|og|&)\s*[A-ZÆØÅ][a-zæøå-]+(?:\s+[A-ZÆØÅ][a-zæøå.-]+){1,3})*$"
)


def _continues(prev: str, nxt: str, wide: int) -> bool:
    """Whether ``nxt`` continues the sentence or entry that ``prev`` began."""
    if not prev or not nxt or BULLET_RE.match(nxt) or _TIME_START.match(nxt):
        return False  # a bullet or a programme time starts a new line of its own
    if prev[-1] in TERMINAL or prev.endswith(":"):
        return False
    if nxt[0].islower() or nxt[0] in ",;)":
        return True
    if prev.endswith(("-", ",", "&")) or prev.split()[-1].lower() in {"og", "i", "for", "av", "med", "til", "om", "på", "the", "of", "and"}:
        return True
    if _ENTRY_START.match(nxt) or _ONLY_NAMES.match(nxt):
        return False
    if len(nxt.split()) <= 5 and _looks_like_heading(nxt):
        return False
    # A long line that stops without punctuation was wrapped by the layout.
    return len(prev) >= max(45, int(wide * 0.8))


_LIST_LABEL = re.compile(
    r"(?:references|referanser|referansar|litteratur|litteraturliste|kilder|kjelder|bibliografi|bibliography|"
    r"anbefalt litteratur|litteratur og kilder)\s*:?",
    re.IGNORECASE,
)


def _heading_level(text: str) -> int:
    return 1 if text.isupper() and len(text) > 3 else 2


_REFERENCE_LIKE = re.compile(r"\((?:1[5-9]|20)\d\d[a-z]?\)|^[A-ZÆØÅ][\w'’-]+,\s+[A-ZÆØÅ][\w.'’ -]{0,40}:\s")


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 12 or len(text) > 90:
        return False
    if _REFERENCE_LIKE.search(text):
        return False  # "Egner, Thorbjørn: Klatremus … (1953)" is an entry of a reading list
    if text[-1] in ".,;:" or text.startswith(("(", "«", "\"", "[")):
        return False
    if re.match(r"^[\wæøåÆØÅ ]{1,20}:\s", text):
        return False  # "Sted: Gol kulturhus" is a field, not a heading
    first = text.lstrip("0123456789.) ")[:1]
    if not first or not (first.isupper() or first.isdigit()):
        return False
    letters = sum(c.isalpha() for c in text)
    return letters >= 3 and letters / max(len(text), 1) > 0.6


# The start of an entry in an author-year reference list: "Surname, I.", "Surname, Given", "Author (2015)".
_REFERENCE_START = re.compile(
    r"^(?:[A-ZÆØÅ][\wæøåÆØÅ'’-]+,\s+(?:[A-ZÆØÅ]\.|[A-ZÆØÅ][a-zæøå]+[\s,])"
    r"|[A-ZÆØÅ][^\W\d_]*[.-]?(?:\s+[^\W\d_][^\W\d_.-]*[.-]?){0,5}\s*\((?:19|20)\d\d)"
)
_YEAR_FIRST = re.compile(r"^\(?(?:19|20)\d\d[a-z]?\)")


def join_reference_lines(lines: list[Line]) -> list[Line]:
    """Rejoin entries of an author-year reference list that a PDF broke across lines, columns and pages.

    From the first line that starts an entry on, a line that does not start one
    ("Preschool», Scandinavian", "(2011): «…»") continues the entry before it.
    Lists with fewer than four entries are left alone.
    """
    texts = [ln.text.strip() for ln in lines]
    starts = []
    previous = ""
    for i, text in enumerate(texts):
        following = next((t for t in texts[i + 1 : i + 3] if t), "")
        open_end = previous.endswith((",", "&", "-", ":")) or previous.split()[-1:] in (["og"], ["and"], ["i"], ["in"])
        previous = text or previous
        starts.append(bool(text) and not open_end and (bool(_REFERENCE_START.match(text)) or (
            len(text) < 80 and text[:1].isupper() and bool(_YEAR_FIRST.match(following)) and not text.endswith(".")
        )))
    if sum(starts) < 4:
        return lines
    first = starts.index(True)
    out = list(lines[:first])
    current: list[Line] = []
    for ln, text, start in zip(lines[first:], texts[first:], starts[first:]):
        if not text:
            continue
        if start or not current or len(current) >= 14:
            if current:
                out.extend([Line(_joined(current), current[0].locator), Line("", current[0].locator)])
            current = [ln]
        else:
            current.append(ln)
    if current:
        out.append(Line(_joined(current), current[0].locator))
    return out


def _joined(lines: list[Line]) -> str:
    text = clean_line(lines[0].text)
    for ln in lines[1:]:
        text = _join(text, clean_line(ln.text))
    return text


def build_blocks(lines: list[Line], *, markdown: bool = False, loose: bool = False, headings: bool = True) -> list[Block]:
    """Group raw lines into layout blocks.

    Args:
        lines: Lines in reading order; blank lines separate paragraphs.
        markdown: Treat ``#`` lines as headings.
        loose: The lines come without blank lines between paragraphs (PDF), so a
            short heading-like line between sentences is a heading.
        headings: Recognise headings at all (off for table cells).

    Returns:
        Blocks in reading order.
    """
    if loose:
        lines = join_reference_lines(lines)
    widths = sorted(len(ln.text.strip()) for ln in lines if ln.text.strip())
    wide = widths[int(len(widths) * 0.9)] if widths else 80

    groups: list[list[tuple[str, int, str]]] = []
    current: list[tuple[str, int, str]] = []
    for ln in lines:
        raw = ln.text.rstrip("\r\n")
        if not raw.strip():
            if current:
                groups.append(current)
                current = []
            continue
        current.append((raw, _indent(raw), ln.locator))
    if current:
        groups.append(current)

    blocks: list[Block] = []
    for group in groups:
        blocks.extend(_group_blocks(group, wide, markdown, loose, headings))
    return _promote_parent_items(blocks)


def _group_blocks(
    group: list[tuple[str, int, str]], wide: int, markdown: bool, loose: bool, headings: bool
) -> list[Block]:
    out: list[Block] = []
    pending: list[str] = []  # texts of the current paragraph/item
    pending_kind = "paragraph"
    pending_level = 0
    pending_loc = ""

    def flush() -> None:
        nonlocal pending
        if not pending:
            return
        text = pending[0]
        for nxt in pending[1:]:
            text = _join(text, nxt)
        out.append(Block(text=text, kind=pending_kind, level=pending_level, locator=pending_loc, lines=tuple(pending)))
        pending = []

    standalone = len(group) == 1
    for raw, indent, loc in group:
        md = re.match(r"^\s{0,3}(#{1,6})\s+(.*)$", raw) if markdown else None
        if md:
            flush()
            out.append(Block(text=clean_line(md.group(2)), kind="heading", level=len(md.group(1)), locator=loc))
            continue
        bullet = BULLET_RE.match(raw)
        text = clean_line(bullet.group("body") if bullet else raw)
        if not text:
            continue
        if bullet:
            flush()
            pending, pending_kind, pending_level, pending_loc = [text], "item", indent, loc
            continue
        if pending and _continues(pending[-1], text, wide):
            pending.append(text)
            continue
        after_sentence = not out and not pending or (pending and pending[-1][-1:] in ".!?:") or (
            pending_kind == "heading"
        )
        flush()
        kind = "paragraph"
        short = len(text.split()) <= 6
        if headings and not markdown and _looks_like_heading(text) and (standalone or (loose and short and after_sentence)):
            kind = "heading"
        elif headings and _LIST_LABEL.fullmatch(text):
            kind = "heading"  # "References" on a line of its own starts the list, blank line or not
        pending, pending_kind, pending_loc = [text], kind, loc
        pending_level = _heading_level(text) if kind == "heading" else indent
    flush()
    return out


def _promote_parent_items(blocks: list[Block]) -> list[Block]:
    """A list item whose following blocks are indented deeper heads a section."""
    out = list(blocks)
    for i, block in enumerate(blocks[:-1]):
        nxt = blocks[i + 1]
        if block.kind == "item" and nxt.kind != "heading" and nxt.level > block.level + 1 and len(block.text) <= 90:
            out[i] = Block(text=block.text, kind="heading", level=2, locator=block.locator, lines=block.lines)
    return out
