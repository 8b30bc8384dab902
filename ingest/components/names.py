"""Component: the names in each block, from the trained name recogniser (``absolutt_kb.name_model``)."""

from __future__ import annotations

import re

from ingest.doc import Doc
from ingest.mentions import NameFinder

# A capital letter that does not start a sentence: prose without one cannot hold a full name.
_INNER_CAPITAL = re.compile(r"(?<![.!?:•«\"(]\s)(?<![.!?:•«\"(])(?<!^)\b[A-ZÆØÅ]\w")


class RecogniseNames:
    """Tag the names in every block that can hold one; long prose whose only capitals start sentences is skipped.

    Args:
        finder: The recogniser's ``find`` (texts in, spans per text out).
    """

    def __init__(self, finder: NameFinder) -> None:
        self.finder = finder

    def __call__(self, doc: Doc) -> Doc:
        texts = [b.text for b in doc.blocks]
        wanted = [i for i, t in enumerate(texts) if len(t.split()) <= 12 or _INNER_CAPITAL.search(t)]
        found = self.finder([texts[i] for i in wanted]) if wanted else []
        spans: list[list] = [[] for _ in texts]
        for i, block_spans in zip(wanted, found):
            spans[i] = list(block_spans)
        doc.names = spans
        return doc
