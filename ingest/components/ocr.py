"""Component: OCR repair. Every record of a damaged document is read in its repaired form; its text stays as written."""

from __future__ import annotations

import re
from collections.abc import Callable

from absolutt_kb.records import with_changes
from ingest.doc import Doc
from ingest.ocr import OcrRepairer, system_word_list


def repairer_for(doc: Doc) -> Callable[[str], str] | None:
    """A function that repairs this document's OCR damage ("" when a text needs none), or None when it has none."""
    text = doc.text
    words = re.findall(r"\w+", text.lower())
    if sum(w in ("pa", "ma", "ogsa") for w in words) < 3:  # cheap test before loading the word list
        return None
    repairer = OcrRepairer(system_word_list())
    if not repairer.looks_damaged(text):
        return None
    vocabulary = sorted({w for w in words if len(w) >= 6 and w in repairer.lexicon})

    def repair(chunk: str) -> str:
        fixed = repairer.repair(chunk, vocabulary)
        return fixed if fixed != chunk else ""

    return repair


def repair_ocr(doc: Doc) -> Doc:
    """Give every record of a damaged document its repaired text."""
    repair = repairer_for(doc)
    if repair:
        doc.records = [with_changes(r, repaired_text=fixed) if (fixed := repair(r.text)) else r for r in doc.records]
    return doc
