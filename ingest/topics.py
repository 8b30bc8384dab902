"""What a person talks about: the phrases near a mention that might be their talk or topic.

Candidates: "om …" after the name, a quoted title, what follows a colon after
the name, the start of a programme line before the name ("09.00 Talk title v/
Name"), the lines of the programme slot above it, a table row's other cells,
and the block after a name that stands alone. The trained ranker
(``ingest.components.people``) picks one or none; a job title is not a topic,
and the ranker learns that from the words.
"""

from __future__ import annotations

import re

from ingest.candidates import Mention
from ingest.doc import Doc
from ingest.person_features import TIME_START
from ingest.phrases import Phrase, phrase_features, trim

_TIME_PREFIX = re.compile(r"^\s*(?:kl\.?\s*)?[0-2]?\d[.:][0-5]\d(?:\s*[-–—]\s*[0-2]?\d[.:][0-5]\d)?\s*")
_SPEAKER_CUE = re.compile(r"\s*(?:v/|ved|[–—-]|:|,)\s*(?:\w+\s+){0,3}$", re.IGNORECASE)


def _add(out: list[Phrase], text: str, origin: str, block: int, offset: int = -1, between: str = "") -> None:
    text = trim(_TIME_PREFIX.sub("", text))
    if 3 <= len(text) <= 220 and len(text.split()) >= 1 and any(c.isalpha() for c in text):
        out.append(Phrase(text, origin, block, offset, between))


def topic_candidates(doc: Doc, mention: Mention, names: list[tuple[int, int]]) -> list[Phrase]:
    """Phrases near one mention that might be the person's talk or topic.

    Args:
        doc: The document.
        mention: Where the name is.
        names: (start, end) of every person name in the mention's block.

    Returns:
        Candidates, each once per (text, origin).
    """
    blocks = doc.blocks
    text = blocks[mention.block].text
    after = text[mention.end :]
    out: list[Phrase] = []
    about = re.search(r"\b(?:om|about|on)\s+(.{3,200}?)(?:[.!?](?:\s|$)|$)", after)
    if about:
        _add(out, about.group(1), "about", mention.block, mention.end + about.start(1), after[: about.start(1)])
    for quoted in re.finditer(r"[«“\"]([^«»“”\"]{3,200})[»”\"]", text):
        side = "after" if quoted.start() >= mention.end else "before"
        _add(out, quoted.group(1), f"quoted:{side}", mention.block, quoted.start(1))
    colon = re.match(r"^[^:.!?]{0,90}:\s+([^:]{3,200})", after)
    if colon:
        _add(out, colon.group(1), "colon", mention.block, mention.end + colon.start(1), after[: colon.start(1)])
    before = text[: mention.start]
    earlier = [e for s, e in names if e <= mention.start]
    lead = before[max(earlier) :] if earlier else before
    cue = _SPEAKER_CUE.search(lead)
    if cue and cue.start() > 3:
        _add(out, lead[: cue.start()], "line_before", mention.block, 0, lead[cue.start() :])
    sentence_end = re.search(r"[.!?](?:\s|$)", after)
    _add(
        out,
        after[: sentence_end.start()] if sentence_end else after,
        "rest_of_sentence",
        mention.block,
        mention.end,
        "",
    )
    if blocks[mention.block].kind == "row":
        for cell in blocks[mention.block].cells:
            if cell and cell.strip() and cell.strip() not in text[mention.start : mention.end + 2]:
                _add(out, cell.replace("\n", " "), "cell", mention.block)
    for back in (1, 2):
        j = mention.block - back
        if j < 0 or blocks[j].kind == "heading" and back == 2:
            break
        prev = blocks[j]
        if doc.names_in(j) and back == 2:
            break
        origin = f"previous{back}:{prev.kind}" + (":time" if TIME_START.match(prev.text) else "")
        _add(out, prev.text, origin, j)
        if doc.names_in(j):
            break
    heading = next((j for j in range(mention.block - 1, -1, -1) if blocks[j].kind == "heading"), None)
    if heading is not None:
        _add(out, blocks[heading].text, "heading", heading)
    lead = next(
        (j for j in range(mention.block - 1, max(mention.block - 7, -1), -1) if blocks[j].text.rstrip().endswith(":")),
        None,
    )
    if lead is not None:
        _add(out, blocks[lead].text, "lead_in", lead)
    if mention.block + 1 < len(blocks):
        nxt = blocks[mention.block + 1]
        if len(nxt.text.split()) <= 25 and not doc.names_in(mention.block + 1):
            _add(out, nxt.text, f"next:{nxt.kind}", mention.block + 1)
    seen: set[tuple[str, str]] = set()
    unique = []
    for p in out:
        if (p.key, p.origin) not in seen:
            seen.add((p.key, p.origin))
            unique.append(p)
    return unique


def topic_features(doc: Doc, mention: Mention, phrase: Phrase) -> dict[str, float]:
    """Features of a candidate topic: the phrase's own, and the layout it comes from."""
    f = phrase_features(phrase)
    f["kind=" + doc.blocks[mention.block].kind] = 1.0
    if any(
        s.label == "PER"
        for s in (doc.names[phrase.block] if doc.names is not None else ())
        if phrase.offset < 0 or s.start >= phrase.offset
    ):
        f["has_person"] = 1.0
    if TIME_START.match(doc.blocks[mention.block].text):
        f["timed_line"] = 1.0
    return f
