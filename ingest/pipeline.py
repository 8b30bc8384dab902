"""From a read document to typed records: a list of components over one ``Doc`` (spaCy's pipeline).

Each component takes the ``Doc`` and returns it with its findings added; the
order is the list below. Rules and trained models are both components, so
each can be measured with and without (``bench/extraction.py``).
``merge_records`` (in ``absolutt_kb.merge``) later joins what several
documents say about the same person or work.
"""

from __future__ import annotations

from collections.abc import Callable

from absolutt_kb.records import Record
from ingest.chunking import ChunkPolicy
from ingest.components.gatherings import Gatherings
from ingest.components.lists import list_records, slug  # noqa: F401 - slug is part of the pipeline's API
from ingest.components.names import RecogniseNames
from ingest.components.ocr import repair_ocr
from ingest.components.passages import Passages
from ingest.components.people import People, books_in_bios
from ingest.components.practice import PracticeExamples
from ingest.components.rule_people import rule_people
from ingest.components.sections import find_sections
from ingest.doc import Doc
from ingest.mentions import NameFinder
from ingest.models import ExtractionModels, shared_models

Component = Callable[[Doc], Doc]


def make_pipeline(
    policy: ChunkPolicy | None = None, names: NameFinder | None = None, models: ExtractionModels | None = None
) -> list[tuple[str, Component]]:
    """The extraction components in order, each with its name.

    Args:
        policy: Passage size (default: the standard ``ChunkPolicy``).
        names: The name recogniser; without it no names are tagged and people come from the layout rules.
        models: The trained extraction models (default: the shipped ones).

    Returns:
        (name, component) pairs.
    """
    models = shared_models() if models is None else models
    return [
        ("sections", find_sections),
        *([("names", RecogniseNames(names))] if names is not None else []),
        ("rule_people", rule_people),
        ("people", People(models)),
        ("lists", list_records),
        ("books", books_in_bios),
        ("practice", PracticeExamples(models)),
        ("gatherings", Gatherings(models)),
        ("passages", Passages(policy or ChunkPolicy())),
        ("ocr", repair_ocr),
    ]


def run_pipeline(doc: Doc, pipeline: list[tuple[str, Component]], until: str | None = None) -> Doc:
    """Run the components over a document, stopping before the one named ``until`` (training reads that far)."""
    for name, component in pipeline:
        if name == until:
            break
        doc = component(doc)
    return doc


def extract_document(
    doc: Doc, policy: ChunkPolicy | None = None, names: NameFinder | None = None,
    models: ExtractionModels | None = None,
) -> list[Record]:
    """All records one document gives.

    Args:
        doc: A read document (``ingest.readers.read_document``).
        policy: Passage size.
        names: A name recogniser; with it, people come from every recognised name.
        models: The trained extraction models (default: the shipped ones).

    Returns:
        Records in document order, passages last; persons are not yet merged across documents.
    """
    fresh = Doc(name=doc.name, format=doc.format, blocks=doc.blocks, standard=doc.standard)  # findings start empty
    return run_pipeline(fresh, make_pipeline(policy, names, models)).records
