"""The storage interface: one way to read the knowledge base and one way to write it, whatever holds it.

``KnowledgeIndex`` is one consistent version of the knowledge base, opened
for reading: records by row, the columns search needs for every row, keyword
(BM25) and vector retrieval, and the manifest. ``Store`` is where versions are
written: one writer at a time, published atomically, with the cache of what
each document gave. A folder (``storage.folder``) and a PostgreSQL database
(``storage.postgres``) implement both; ``storage.open_store`` picks one from
the settings.

Rows are positions 0..n-1 within one opened version. A row number from one
version means nothing in another, so a reader that finds a newer version
published raises ``IndexChanged`` and the caller opens the new one.
"""

from __future__ import annotations

import contextlib
import functools
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from absolutt_kb.corpus import CorpusFile, CorpusWalk
from absolutt_kb.manifest import IndexUnusable, Manifest
from absolutt_kb.privacy import PrivacyRules
from absolutt_kb.records import KINDS, Record
from absolutt_kb.text import Terms

COLUMNS = ("id", "kind", "theme", "document", "title", "record_share", "text_key", "regions")


class IndexChanged(Exception):
    """A newer version was published while this one was open; open the new one and ask again."""


@dataclass(frozen=True)
class Written:
    """What a writer publishes: every record with its vector and keyword terms, and the manifest.

    ``about`` holds the vectors of what non-passage records are about (``themes.about_key``), and
    ``theme_words`` the theme keywords each about-text holds (``themes.words_key``); both are kept with the
    version so the next ingest does not embed or analyse those texts again, and go with it.
    """

    records: list[Record]
    vectors: np.ndarray
    terms: list[Terms]
    keys: list[str]
    manifest: Manifest
    about: dict[str, np.ndarray] = field(default_factory=dict)
    theme_words: dict[str, tuple[str, ...]] = field(default_factory=dict)


class KnowledgeIndex(ABC):
    """One version of the knowledge base, opened for reading."""

    manifest: Manifest
    warning: str = ""  # set when a damaged newest version was passed over for this one

    @property
    def model(self) -> str:
        """The embedding model the index was built with."""
        return self.manifest.model

    @property
    def version(self) -> str:
        """Which version this is; a different value means different rows."""
        return self.manifest.generation

    @abstractmethod
    def __len__(self) -> int: ...

    # Records -------------------------------------------------------------------------------------

    @abstractmethod
    def record(self, row: int) -> Record:
        """One record."""

    def records_at(self, rows: Sequence[int]) -> list[Record]:
        """Several records, in the order asked for."""
        return [self.record(int(r)) for r in rows]

    @abstractmethod
    def column(self, name: str) -> np.ndarray:
        """One of ``COLUMNS`` for every row, in row order."""

    @functools.cached_property
    def rows_by_id(self) -> dict[str, int]:
        """Row number of each record id."""
        return {rid: i for i, rid in enumerate(self.column("id"))}

    def find(self, record_id: str) -> Record | None:
        """The record with this id, or None."""
        row = self.rows_by_id.get(record_id)
        return None if row is None else self.record(row)

    def rows_of_kind(self, kind: str) -> np.ndarray:
        """Row numbers of the records of one kind."""
        return np.flatnonzero(self.column("kind") == kind)

    def of_kind(self, kind: str) -> list[Record]:
        """The records of one kind."""
        return self.records_at(self.rows_of_kind(kind))

    def all_records(self) -> list[Record]:
        """Every record (for browsing a corpus of programme material, not for a million passages)."""
        return self.records_at(range(len(self)))

    def documents(self) -> list[str]:
        """Every source document's name, sorted."""
        return sorted(set(self.column("document").tolist()))

    def regions(self) -> list[str]:
        """Every collection (KS region) records belong to, sorted."""
        return sorted({r for value in set(self.column("regions").tolist()) for r in value.split("|") if r})

    def kinds_by_document(self) -> dict[str, dict[str, int]]:
        """How many records of each kind every document holds, kinds in the order of ``KINDS`` (one pass)."""
        held = Counter(zip(self.column("document").tolist(), self.column("kind").tolist()))
        out: dict[str, dict[str, int]] = {}
        for kind in KINDS:
            for (document, of_kind), n in held.items():
                if of_kind == kind:
                    out.setdefault(document, {})[kind] = n
        return out

    def in_document(self, document: str, kind: str | None = None) -> list[Record]:
        """The records found in one document (of one kind), in row order (reading order for passages)."""
        rows = np.flatnonzero(self.column("document") == document)
        if kind is not None:
            rows = rows[self.column("kind")[rows] == kind]
        return self.records_at(rows)

    # Search --------------------------------------------------------------------------------------

    @abstractmethod
    def terms(self, rows: Sequence[int]) -> list[Terms]:
        """The keyword terms of some records."""

    @abstractmethod
    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The vectors of some records, float32, one row each."""

    def vector(self, row: int) -> np.ndarray:
        """One record's vector."""
        return self.vectors([row])[0]

    @abstractmethod
    def keyword(self, terms: list[str], depth: int) -> tuple[np.ndarray, np.ndarray]:
        """BM25 (Lucene variant, k1 1.5, b 0.75): the best ``depth`` rows and their scores, best first.

        A term asked for twice counts twice.
        """

    @abstractmethod
    def nearest(self, vector: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``depth`` rows closest to ``vector`` by cosine and their similarities, closest first."""

    centroid: np.ndarray  # the mean of all vectors, stored with each version

    def mean_similarity(self, vector: np.ndarray) -> float:
        """The query's mean cosine to the whole corpus (one dot product with the centroid)."""
        return float(np.asarray(vector, dtype=np.float32) @ self.centroid)

    @abstractmethod
    def document_frequency(self, term: str) -> int:
        """How many records hold a keyword term."""

    @abstractmethod
    def knows_word(self, term: str) -> bool:
        """Whether the corpus uses a term as a word of its own (not only as a compound's part)."""

    # Reuse by the next ingest ------------------------------------------------------------------------

    @abstractmethod
    def about_vectors(self) -> dict[str, np.ndarray]:
        """The vectors of what non-passage records are about, by ``themes.about_key`` (see ``Written.about``)."""

    @abstractmethod
    def theme_words(self) -> dict[str, tuple[str, ...]]:
        """The theme keywords each about-text holds, by ``themes.words_key`` (see ``Written.theme_words``)."""

    def intact(self) -> bool:
        """Whether this version's stored files match their seal, waiting for a check still running.

        A writer asks before it reuses anything of the previous version; search does not wait.
        """
        return True

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Everything read inside comes from this one version (a database reads it in one transaction).

        Raises:
            IndexChanged: A newer version was published since this one was opened.
        """
        yield


class DocumentCache(ABC):
    """What each document gave when it was last read, keyed by its content, name and settings.

    Entries hold records after the privacy rules, so no hidden contact or
    suppressed name is stored; a failure is never remembered.
    """

    @abstractmethod
    def get(self, key: str) -> tuple[dict, list[dict]] | None:
        """The report and records (as dicts) a document gave, or None."""

    @abstractmethod
    def held(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` have an entry (without reading or checking them): what need not be read again."""

    @abstractmethod
    def put(self, key: str, report: dict, records: list[dict]) -> None:
        """Remember what a document gave."""

    @abstractmethod
    def keep_only(self, keys: set[str]) -> None:
        """Forget documents that are no longer in the corpus."""


class Store(ABC):
    """Where versions of the knowledge base are written and opened."""

    name: str  # shown in messages: the folder, or the database without its password

    @abstractmethod
    def open(self, *, model: str | None = None, word_list: bool | None = None, verify: bool = True) -> KnowledgeIndex:
        """The newest complete version, checked against the model and analysis at hand.

        Raises:
            IndexUnusable: There is none, or it cannot answer here; the message says what to do.
        """

    @abstractmethod
    def manifest(self) -> Manifest | None:
        """The newest version's manifest, cheaply; None when there is none or it cannot be read."""

    @abstractmethod
    def current_version(self) -> str:
        """The newest published version ("" when none): cheap, for noticing a new one."""

    @abstractmethod
    def writer(self, *, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]:
        """Hold the one writer lock for an ingest.

        Raises:
            IngestRunning: Another ingest holds it after waiting.
        """

    @abstractmethod
    def corpus(self, corpus_dir: Path | None, *, writing: bool = False) -> CorpusWalk:
        """The documents of the corpus, with their collections.

        Args:
            corpus_dir: A corpus folder. A database takes its documents into
                their collections (when ``writing``, under the writer lock) and
                answers with every document it holds; None: only those it holds.
            writing: The caller holds the writer lock and may change what is stored.
        """

    def materialize(self, document: CorpusFile, scratch: Path) -> Path:
        """A file to read the document from (the store may write it into ``scratch``)."""
        assert document.path is not None
        return document.path

    @abstractmethod
    def privacy_rules(self) -> PrivacyRules:
        """The privacy rules every ingest applies (the rules file, and what administrators added)."""

    def failure_message(self, exc: BaseException) -> str | None:
        """A clear message when ``exc`` means the store cannot be written (full, read-only); None otherwise."""
        return None

    @abstractmethod
    def document_cache(self, settings_key: str) -> DocumentCache:
        """The cache of what each document gave under these extraction settings. The caller holds the writer."""

    @abstractmethod
    def publish(self, written: Written, *, previous: KnowledgeIndex | None, keep_previous: bool) -> KnowledgeIndex:
        """Write a new version and make it the one readers open, atomically. The caller holds the writer.

        Args:
            written: Records, vectors, terms and manifest.
            previous: The version this one replaces (its work may be reused).
            keep_previous: Keep the version before for readers and as a fallback;
                False removes it (after a change of privacy rules).

        Raises:
            IndexNotWritten: There is no room or no permission; the version in use is untouched.
        """


__all__ = ["COLUMNS", "DocumentCache", "IndexChanged", "IndexUnusable", "KnowledgeIndex", "Store", "Written"]
