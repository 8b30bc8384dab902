"""Where a person works: the organisations and phrases near a mention that might be their affiliation.

Candidates come from the recognised organisations and places in the name's
block, the clause after the name split at its commas ("professor ved
Institutt for X, UiB" gives "Institutt for X, UiB", "UiB", …), a parenthesis,
a "Frå X:" label before a list of names, a table row's other cells, and for a
name standing alone (a bio's heading) the first sentence of the next block.
The trained ranker (``ingest.components.people``) picks one or none.
"""

from __future__ import annotations

import re

from ingest.candidates import Mention
from ingest.doc import Doc
from ingest.person_features import tokens
from ingest.phrases import Phrase, phrase_features, trim

ORG_LABELS = ("ORG", "GPE_ORG", "GPE_LOC", "LOC")
_CLAUSE_END = re.compile(r"[.!?](?:\s|$)|\s[–—-]\s|\bom\s|:|\||;|\n")
_PLACE_WORD = re.compile(r"\b(?:ved|fra|frå|i|hos|på|for|at|from)\s+(?=[A-ZÆØÅ0-9])")
_LABEL_BEFORE = re.compile(r"(?:^|[.:;]\s+)(?:fra|frå)\s+(?P<org>[^:]{2,80}):\s*[^:]*$", re.IGNORECASE)


def _add(out: list[Phrase], text: str, origin: str, block: int, offset: int, between: str) -> None:
    text = trim(text)
    if 2 <= len(text) <= 140 and any(c.isalpha() for c in text):
        out.append(Phrase(text, origin, block, offset, between))


def affiliation_candidates(doc: Doc, mention: Mention, names: list[tuple[int, int]]) -> list[Phrase]:
    """Phrases near one mention that might be the person's affiliation.

    Args:
        doc: The document (its recognised names, if any, are used).
        mention: Where the name is.
        names: (start, end) of every person name in the mention's block, to stop a clause at the next name.

    Returns:
        Candidates, possibly overlapping, each once per (text, origin).
    """
    block = doc.blocks[mention.block]
    text = block.text
    out: list[Phrase] = []
    for span in doc.names[mention.block] if doc.names is not None else ():
        if span.label in ORG_LABELS:
            between = text[mention.end : span.start] if span.start >= mention.end else text[span.end : mention.start]
            side = "after" if span.start >= mention.end else "before"
            _add(out, span.text, f"ner:{span.label}:{side}", mention.block, span.start, between)
    following = [s for s, _ in names if s > mention.start]
    stop = min(following) if following else len(text)
    clause = text[mention.end : stop]
    end = _CLAUSE_END.search(clause)
    clause = clause[: end.start()] if end else clause
    if clause.strip():
        lead = re.match(r"^[\s,(–-]*", clause).end()
        body = clause[lead:]
        segments = [m for m in re.finditer(r"[^,()]+", body)]
        for i, seg in enumerate(segments):
            start = mention.end + lead + seg.start()
            _add(out, seg.group(0), "after:segment", mention.block, start, text[mention.end : start])
            rest_end = segments[-1].end()
            if i < len(segments) - 1:
                _add(out, body[seg.start() : rest_end], "after:rest", mention.block, start, text[mention.end : start])
            caps = re.search(r"(?<![\w-])[A-ZÆØÅ0-9]", seg.group(0))
            if caps and caps.start() > 0:  # "styrer Høvik barnehage og førstelektor": from the first capital
                at = start + caps.start()
                tail = re.split(r"\s+(?:og|and|&)\s+(?=[a-zæøå])", seg.group(0)[caps.start() :])[0]
                _add(out, tail, "after:capitals", mention.block, at, text[mention.end : at])
            placed = _PLACE_WORD.search(seg.group(0))
            if placed:
                at = start + placed.end()
                _add(
                    out,
                    text[at : mention.end + lead + rest_end],
                    "after:placed",
                    mention.block,
                    at,
                    text[mention.end : at],
                )
                _add(
                    out,
                    text[at : mention.end + lead + seg.end()],
                    "after:placed_segment",
                    mention.block,
                    at,
                    text[mention.end : at],
                )
    paren = re.match(r"^\s*\(([^()]{2,120})\)", text[mention.end :])
    if paren:
        _add(out, paren.group(1), "paren", mention.block, mention.end + paren.start(1), "(")
    label = _LABEL_BEFORE.search(text[: mention.start])
    if label:
        _add(
            out,
            label.group("org"),
            "label_before",
            mention.block,
            label.start("org"),
            text[label.end("org") : mention.start],
        )
    before = text[: mention.start]
    if re.search(r"(?:fra|frå|ved|i)\s*$", before.rstrip(" ,")) is None:
        prefix = re.search(r"([A-ZÆØÅ][\w .&-]{1,60}?)\s*(?:[:–—-]|,)\s*$", before)
        if prefix and len(tokens(prefix.group(1))) <= 8:
            _add(out, prefix.group(1), "before", mention.block, prefix.start(1), before[prefix.end(1) :])
    if block.kind == "row":
        for cell in block.cells:
            if cell and cell.strip() and cell.strip() not in text[mention.start : mention.end + 2]:
                at = text.find(cell.replace("\n", " / "))
                _add(out, cell.replace("\n", " "), "cell", mention.block, at, "|")
    if len(text) - (mention.end - mention.start) < 12 and mention.block + 1 < len(doc.blocks):
        nxt = doc.blocks[mention.block + 1].text
        first = re.split(r"(?<=[.!?])\s", nxt, maxsplit=1)[0][:200]
        for seg in re.split(r",\s*", first):
            _add(out, seg, "next:segment", mention.block + 1, nxt.find(seg), "")
        placed = _PLACE_WORD.search(first)
        if placed:
            _add(out, re.split(r"[.;]", first[placed.end() :])[0], "next:placed", mention.block + 1, placed.end(), "")
    seen: set[tuple[str, str]] = set()
    unique = []
    for p in out:
        if (p.key, p.origin) not in seen:
            seen.add((p.key, p.origin))
            unique.append(p)
    return unique


def affiliation_features(doc: Doc, mention: Mention, phrase: Phrase) -> dict[str, float]:
    """Features of a candidate affiliation of a mention: the phrase's own, and how it relates to the name."""
    f = phrase_features(phrase)
    if doc.names is not None:
        inside = [
            s
            for s in doc.names[phrase.block]
            if phrase.offset >= 0 and s.start >= phrase.offset and s.end <= phrase.offset + len(phrase.text) + 1
        ]
        for s in inside:
            f["has=" + s.label] = 1.0
        exact = [s for s in inside if s.start == phrase.offset and s.end - s.start >= len(phrase.text) - 1]
        if exact:
            f["exact=" + exact[0].label] = 1.0
    if phrase.block != mention.block:
        f["other_block"] = 1.0
    elif doc.names is not None and phrase.offset >= 0:
        low, high = sorted((phrase.offset, mention.start))
        if any(s.label == "PER" and low < s.start < high and s.start != mention.start for s in doc.names[phrase.block]):
            f["crosses_name"] = 1.0
    f["kind=" + doc.blocks[mention.block].kind] = 1.0
    return f
