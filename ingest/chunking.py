"""Chunking documents into passages of about 150–300 model tokens.

Passages follow the document's sections: a chunk never spans two headings
unless the sections are too short to stand alone, and a long paragraph is split
at sentence ends. Word counts stand in for tokens (Norwegian text runs at about
1.5 multilingual-e5 tokens a word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.sections import Section

TOKENS_PER_WORD = 1.5


@dataclass(frozen=True)
class ChunkPolicy:
    """How large passages are, in words."""

    min_words: int = 70
    max_words: int = 170

    def describe(self) -> dict[str, float]:
        """The policy as manifest data."""
        return {
            "min_words": self.min_words,
            "max_words": self.max_words,
            "approx_min_tokens": self.min_words * TOKENS_PER_WORD,
            "approx_max_tokens": self.max_words * TOKENS_PER_WORD,
        }


@dataclass(frozen=True)
class Chunk:
    """A passage's text, its heading path and where it starts."""

    text: str
    heading_path: tuple[str, ...]
    locator: str
    record_words: int = 0


def _split_long(text: str, max_words: int) -> list[str]:
    words = text.split()
    if len(words) <= max_words:
        return [text]
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«\"(])", text)
    parts: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        sw = sentence.split()
        if len(sw) > max_words:  # one enormous sentence: cut by words
            if current:
                parts.append(" ".join(current))
                current = []
            parts.extend(" ".join(sw[i : i + max_words]) for i in range(0, len(sw), max_words))
            continue
        if current and len(current) + len(sw) > max_words:
            parts.append(" ".join(current))
            current = []
        current.extend(sw)
    if current:
        parts.append(" ".join(current))
    return parts


def chunk_sections(
    sections: list[Section], policy: ChunkPolicy = ChunkPolicy(), recorded: frozenset[int] = frozenset()
) -> list[Chunk]:
    """Cut a document's sections into passages.

    Args:
        sections: The document's sections, in order.
        policy: Passage size.
        recorded: ``id()`` of blocks that became records, so a chunk knows how
            much of it repeats them.

    Returns:
        The chunks in reading order; each starts with its nearest heading.
    """
    chunks: list[Chunk] = []
    buffer: list[str] = []
    buffer_path: tuple[str, ...] = ()
    buffer_loc = ""
    covered = 0

    def count() -> int:
        return sum(len(t.split()) for t in buffer)

    def flush() -> None:
        nonlocal buffer, covered
        if buffer and count() > 0:
            chunks.append(Chunk(" ".join(buffer).strip(), buffer_path, buffer_loc, covered))
        buffer = []
        covered = 0

    for section in sections:
        heading = section.heading_path[-1] if section.heading_path else ""
        if buffer and count() >= policy.min_words:
            flush()
        if not buffer:
            buffer_path, buffer_loc = section.heading_path, section.blocks[0].locator if section.blocks else ""
        if heading and heading not in buffer[-1:]:
            buffer.append(heading if heading.endswith((".", "?", "!", ":")) else heading + ".")
        for block in section.blocks:
            text = block.text if block.kind != "item" else "• " + block.text
            for piece in _split_long(text, policy.max_words):
                n = len(piece.split())
                if buffer and count() + n > policy.max_words:
                    flush()
                    buffer_path, buffer_loc = section.heading_path, block.locator
                    if heading:
                        buffer.append(f"({heading})")
                buffer.append(piece)
                if id(block) in recorded:
                    covered += n
    flush()
    return chunks
