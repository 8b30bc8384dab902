"""One document and everything found in it: what the extraction components read and add to (spaCy's ``Doc``).

A reader gives the blocks (headings, paragraphs, list items, table rows with
their cells and header, captions; line breaks kept in ``Block.lines``); the
``Doc`` adds the written standard. Each component of the pipeline
(``ingest.pipeline.PIPELINE``) reads what earlier ones found and adds its own
findings: recognised names, the list sections, people, works, practice
examples, gatherings, passages. The records are the last findings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from absolutt_kb.language import written_standard
from ingest.debris import clean
from ingest.layout import Block

if TYPE_CHECKING:
    from absolutt_kb.records import Record
    from ingest.people import PersonMention
    from ingest.sections import Entry, Section


class NameSpanLike(Protocol):
    """What a recogniser returns for each name: its type and place in the text it read."""

    label: str
    start: int
    end: int
    text: str


@dataclass
class Doc:
    """A read document and the findings of the components that have run over it.

    Attributes:
        name: The document's name in the corpus (its relative path).
        format: "txt", "md", "pdf", "docx" or "html".
        blocks: Layout blocks in reading order.
        standard: "bokmål", "nynorsk" or "english".
        names: Per block, the names a recogniser found in its text (None when no recogniser ran).
        sections: Blocks under their heading path.
        entries: List entries of the sections, each classified as a kind of record or None.
        listed: Indices of blocks that became records of their own (a reference, a person entry).
        rule_people: People the layout rules found, with the locator of their block; a feature for the model.
        records: The records found so far, in document order.
    """

    name: str
    format: str
    blocks: tuple[Block, ...]
    standard: str = "bokmål"
    names: list[list[NameSpanLike]] | None = None
    sections: list[Section] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    listed: set[int] = field(default_factory=set)
    rule_people: list[tuple[PersonMention, str]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    @classmethod
    def read(cls, name: str, format: str, blocks: tuple[Block, ...]) -> Doc:
        """A new ``Doc`` for a reader's blocks, without converter debris, with its written standard."""
        blocks = tuple(b for b in (_cleaned(b) for b in blocks) if b.text.strip())
        return cls(
            name=name, format=format, blocks=tuple(blocks), standard=written_standard(" ".join(b.text for b in blocks))
        )

    @property
    def text(self) -> str:
        """The whole document as plain text, one block a line."""
        return "\n".join(b.text for b in self.blocks)

    def names_in(self, index: int, label: str = "PER") -> list[NameSpanLike]:
        """The names of one type the recogniser found in block ``index`` (none without a recogniser)."""
        if self.names is None:
            return []
        return [s for s in self.names[index] if s.label == label]


def _cleaned(block: Block) -> Block:
    """A block without converter debris in its text, lines and cells (the same block when there is none)."""
    text = clean(block.text)
    if text == block.text:
        return block
    return dataclasses.replace(block, text=text, lines=tuple(clean(t) for t in block.lines),
                               cells=tuple(clean(c) for c in block.cells))
