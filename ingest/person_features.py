"""What the text and layout around a name say, as features for the trained person model.

Every mention of a candidate gives words and facts from its place: the words
just before and after the name, the label it hangs under ("Til stede:",
"Kontakt:", "v/"), its sentence, the heading of its section, the block's
layout kind and table header, the lines before and after, whether the block is
a programme slot. The candidate's features are the union of its mentions'
(``m:``), the first mention's own (``f:``), and counts. The layout rules'
verdict (``rule=``) is one feature among them, so the model learns how far to
trust it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from absolutt_kb.language import fold
from absolutt_kb.roles import ROLES, cue_pattern
from ingest.candidates import Candidate, Mention
from ingest.cues import BYLINE, QUOTED, THING_AFTER, VETO
from ingest.doc import Doc
from ingest.layout import TIME

TOKEN = re.compile(r"\w+(?:[-’'/]\w+)*/?|[^\w\s]")
TIME_START = re.compile(rf"^\s*(?:[•\-–]\s*)?{TIME}", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«\"“\-–])")
CUES = {r.key: cue_pattern(r.key) for r in ROLES}
_LABEL = re.compile(r"([A-Za-zÆØÅæøå][\w ./-]{0,40}?)\s*:\s*[^:]*$")


def tokens(text: str) -> list[str]:
    """Words and punctuation marks of a text, folded to lower case."""
    return [fold(t) for t in TOKEN.findall(text)]


def shape(word: str) -> str:
    """A word's shape: "Xx" for Kari, "X" for KS, "d4" for 2015, "x" for og, the mark itself for punctuation."""
    if word.isdigit():
        return f"d{min(len(word), 4)}"
    if not word[:1].isalnum():
        return word[:2]
    if word.isupper():
        return "X" if len(word) > 1 else "X1"
    return "Xx" if word[:1].isupper() else "x"


def bucket(n: int, edges: tuple[int, ...] = (0, 1, 2, 3, 5, 10, 20, 50)) -> str:
    """A count as the largest edge it reaches."""
    return str(max(e for e in edges if n >= e) if n >= edges[0] else edges[0])


@dataclass(frozen=True)
class Layout:
    """Facts about a document's layout, computed once for all its names."""

    headings: tuple[str, ...]  # the nearest heading above each block
    programme: bool  # two or more blocks start with a clock time
    slot: tuple[bool, ...]  # the block is in a programme slot (a timed block or the lines after it)
    title: str  # the document's first block
    quoting: int  # sentences with a verb of saying: news prose

    @classmethod
    def of(cls, doc: Doc) -> Layout:
        heading, headings, slots, in_slot = "", [], [], False
        for b in doc.blocks:
            if b.kind == "heading":
                heading, in_slot = b.text, False
            elif TIME_START.match(b.text):
                in_slot = True
            headings.append(heading)
            slots.append(in_slot)
        return cls(
            headings=tuple(headings),
            programme=sum(1 for b in doc.blocks if TIME_START.match(b.text)) >= 2,
            slot=tuple(slots),
            title=doc.blocks[0].text if doc.blocks else "",
            quoting=len(QUOTED.findall(doc.text)),
        )


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    first, last = 0, len(text)
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= start:
            first = m.end()
        elif m.start() >= end:
            last = m.start()
            break
    return first, last


def mention_features(doc: Doc, layout: Layout, mention: Mention, rule_role: str | None) -> dict[str, float]:
    """Features of one place a name is mentioned.

    Args:
        doc: The document.
        layout: Its layout facts.
        mention: Where the name is.
        rule_role: The role the layout rules gave this name ("" or None when they gave none).

    Returns:
        Feature name to value (1.0 for the presence of a word or fact).
    """
    blocks = doc.blocks
    block = blocks[mention.block]
    text = block.text
    before, after = text[: mention.start], text[mention.end :]
    f: dict[str, float] = {"kind=" + block.kind: 1.0, "bias": 1.0}
    left = tokens(before)[-6:]
    right = tokens(after)[:6]
    for k, w in enumerate(reversed(left)):
        if k < 2:
            f[f"l{k}={w}"] = 1.0
        f["l=" + w] = 1.0
    for k, w in enumerate(right):
        if k < 2:
            f[f"r{k}={w}"] = 1.0
        f["r=" + w] = 1.0
    if len(left) >= 2:
        f[f"l01={left[-2]}_{left[-1]}"] = 1.0
    raw_left = TOKEN.findall(before)[-2:]
    raw_right = TOKEN.findall(after)[:3]
    for k, w in enumerate(reversed(raw_left)):
        f[f"ls{k}={shape(w)}"] = 1.0
    for k, w in enumerate(raw_right):
        f[f"rs{k}={shape(w)}"] = 1.0
    entry = next((e.kind for e in doc.entries if e.block is block), None)
    if entry:
        f["listed=" + entry] = 1.0
    name = text[mention.start : mention.end]
    if name.isupper():
        f["upper_name"] = 1.0
    if not left or TIME_START.fullmatch(before.strip() or "x") or not before.strip(" \t•-–*|"):
        f["starts"] = 1.0
    if not after.strip(" .,;:"):
        f["ends"] = 1.0
    if len(text) - (mention.end - mention.start) < 12:
        f["alone"] = 1.0
    first, last = _sentence(text, mention.start, mention.end)
    for w in set(tokens(text[first : mention.start]) + tokens(text[mention.end : last])):
        if w.isalpha() and len(w) > 1:
            f["s=" + w] = 1.0
    label = _LABEL.search(before[-60:])
    if label:
        for w in tokens(label.group(1))[-3:]:
            f["lab=" + w] = 1.0
        if not before[label.end(1) :].strip(" :\t"):
            f["starts_label"] = 1.0  # the name is the first thing after the label ("Ordstyrar: Name")
    for w in tokens(layout.headings[mention.block])[:8]:
        f["h=" + w] = 1.0
    if mention.block > 0:
        prev = blocks[mention.block - 1]
        f["pkind=" + prev.kind] = 1.0
        for w in tokens(prev.text)[-4:]:
            f["p=" + w] = 1.0
        if TIME_START.match(prev.text):
            f["ptime"] = 1.0
    if mention.block + 1 < len(blocks):
        nxt = blocks[mention.block + 1]
        f["nkind=" + nxt.kind] = 1.0
        for w in tokens(nxt.text)[:4]:
            f["n=" + w] = 1.0
    for w in tokens(layout.title)[:10]:
        if w.isalpha():
            f["t=" + w] = 0.5
    if layout.programme:
        f["programme"] = 1.0
    if layout.slot[mention.block]:
        f["slot"] = 1.0
    if TIME_START.match(text):
        f["time"] = 1.0
    f["quoting=" + bucket(layout.quoting, (0, 1, 3, 6))] = 1.0
    f["blen=" + bucket(len(text.split()), (0, 4, 8, 15, 30, 60, 120))] = 1.0
    f["names=" + bucket(len(doc.names_in(mention.block)), (0, 1, 2, 3, 5, 10))] = 1.0
    f[
        "orgs="
        + bucket(len(doc.names_in(mention.block, "ORG")) + len(doc.names_in(mention.block, "GPE_ORG")), (0, 1, 2, 4))
    ] = 1.0
    if block.kind == "row":
        column = _cell_of(block, mention.start)
        header = block.header[column] if column is not None and column < len(block.header) else ""
        for w in tokens(header):
            f["hdr=" + w] = 1.0
        f["col=" + str(min(column if column is not None else 9, 4))] = 1.0
    if VETO.search(before[-40:] + " " + after[:30]):
        f["veto"] = 1.0
    if QUOTED.search(after[:60]) or QUOTED.search(before[-30:]):
        f["quoted"] = 1.0
    if THING_AFTER.match(after):
        f["thing"] = 1.0
    if BYLINE.search(before):
        f["byline"] = 1.0
    if re.search(r"«[^»]*$", before) and re.match(r"^[^«]*»", after):
        f["in_title"] = 1.0
    for r in ROLES:  # the role vocabulary's words, Bokmål and Nynorsk, where they stand
        pattern = CUES[r.key]
        for where, part in (
            ("h", layout.headings[mention.block]),
            ("b", before[-60:]),
            ("a", after[:60]),
            ("lab", label.group(1) if label else ""),
        ):
            if part and pattern.search(part):
                f[f"cue_{where}={r.key}"] = 1.0
    f["rule=" + (rule_role or "none")] = 1.0
    f["source=" + mention.source] = 1.0
    f["pos=" + bucket(int(10 * mention.block / max(len(blocks), 1)), (0, 1, 3, 6, 9))] = 1.0
    return f


def _cell_of(block, start: int) -> int | None:
    """The column of the cell a character of a row's text falls in."""
    offset = 0
    for n, cell in enumerate(block.cells):
        if not cell:
            continue
        shown = cell.replace("\n", " / ")
        at = block.text.find(shown, offset)
        if at >= 0 and at <= start < at + len(shown):
            return n
        if at >= 0:
            offset = at + len(shown)
    return None


def candidate_features(doc: Doc, layout: Layout, candidate: Candidate, rule_roles: dict[str, str]) -> dict[str, float]:
    """Features of a candidate: its mentions' features together, the first mention's, and counts.

    Args:
        doc: The document.
        layout: Its layout facts.
        candidate: The name and its mentions.
        rule_roles: Folded name to the role the layout rules gave it.

    Returns:
        Feature name to value.
    """
    rule = rule_roles.get(candidate.key)
    features: dict[str, float] = {}
    for n, mention in enumerate(candidate.mentions):
        for name, value in mention_features(doc, layout, mention, rule).items():
            features["m:" + name] = max(features.get("m:" + name, 0.0), value)
            if n == 0:
                features["f:" + name] = value
    words = candidate.name.split()
    features["count=" + bucket(len(candidate.mentions), (1, 2, 3, 5))] = 1.0
    features["words=" + str(min(len(words), 4))] = 1.0
    if any(re.fullmatch(r"[A-ZÆØÅ]\.?", w) for w in words):
        features["initial"] = 1.0
    features["standard=" + doc.standard] = 1.0
    return features
