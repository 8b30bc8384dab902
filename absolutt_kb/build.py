"""Building the index from a corpus folder, with a per-file report.

Each file is read and parsed on its own; a file that fails is reported with its
reason and skipped. Vectors of texts the previous index already embedded with
the same model are reused, so only new or changed text is embedded.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from absolutt_kb.embedder import Embedder
from absolutt_kb.index import FORMAT_VERSION, KnowledgeIndex, build_index, index_text, load_index, read_manifest, IndexUnusable
from absolutt_kb.records import KIND_LABELS, Record, with_changes
from absolutt_kb.themes import ThemeLinker, load_taxonomy
from ingest.chunking import ChunkPolicy
from ingest.links import link_records
from ingest.pipeline import extract_document, merge_records
from ingest.readers import SUPPORTED_SUFFIXES, UnreadableDocument, read_document

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FileReport:
    """What ingest made of one file."""

    document: str
    ok: bool
    reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """One line for the ingest report, in Norwegian."""
        if not self.ok:
            return f"FEIL  {self.document}: {self.reason}"
        parts = ", ".join(f"{n} {KIND_LABELS[k].lower()}" for k, n in self.counts.items() if n)
        return f"OK    {self.document}: {parts or 'ingen poster'}"


class NothingToIndex(Exception):
    """No document in the corpus could be read, so no index was built."""

    def __init__(self, message: str, reports: tuple[FileReport, ...] = ()) -> None:
        super().__init__(message)
        self.reports = reports


@dataclass(frozen=True)
class BuildReport:
    """The result of an ingest run."""

    files: tuple[FileReport, ...]
    records: int
    embedded: int
    reused: int
    seconds: float
    index: KnowledgeIndex | None
    index_dir: Path


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Documents in the corpus folder (hidden files skipped), sorted by path."""
    corpus_dir = Path(corpus_dir)
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def corpus_fingerprint(corpus_dir: Path) -> str:
    """A hash of every document's name and content."""
    h = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        h.update(str(path.relative_to(corpus_dir)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def is_current(corpus_dir: Path, index_dir: Path, model: str) -> bool:
    """Whether the index exists and was built from this corpus with this model."""
    manifest = read_manifest(index_dir)
    return bool(
        manifest
        and manifest.get("model") == model
        and manifest.get("format_version") == FORMAT_VERSION
        and manifest.get("corpus", {}).get("fingerprint") == corpus_fingerprint(corpus_dir)
    )


def _text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


def _previous_vectors(index_dir: Path, model: str) -> dict[str, np.ndarray]:
    try:
        old = load_index(index_dir, model=model)
    except IndexUnusable:
        return {}
    if not old.records:
        return {}
    matrix = old.vectors.reconstruct_n(0, old.vectors.ntotal)
    return {_text_key(model, index_text(r)): matrix[i] for i, r in enumerate(old.records)}


def ingest_corpus(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    policy: ChunkPolicy = ChunkPolicy(),
    progress: Progress = lambda _msg: None,
) -> BuildReport:
    """Read every document in ``corpus_dir`` and build the index in ``index_dir``.

    Args:
        corpus_dir: Source documents.
        index_dir: Where the index is written.
        embedder: The embedding model.
        policy: Passage size.
        progress: Called with a line of progress text now and then.

    Returns:
        The report, with the loaded index.

    Raises:
        NothingToIndex: No file could be read.
    """
    started = time.perf_counter()
    corpus_dir = Path(corpus_dir)
    files = corpus_files(corpus_dir)
    reports: list[FileReport] = []
    records: list[Record] = []
    for n, path in enumerate(files, start=1):
        name = str(path.relative_to(corpus_dir))
        progress(f"[{n}/{len(files)}] leser {name}")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            reports.append(FileReport(name, False, f"filtypen {path.suffix or '(ingen)'} støttes ikke"))
            continue
        try:
            found = extract_document(read_document(path, name=name), policy)
        except UnreadableDocument as exc:
            reports.append(FileReport(name, False, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
            reports.append(FileReport(name, False, f"uventet feil under lesing ({type(exc).__name__}: {exc})"))
            continue
        counts = Counter(r.kind for r in found)
        reports.append(FileReport(name, True, counts={k: counts[k] for k in KIND_LABELS if counts[k]}))
        records.extend(found)

    if not any(r.ok for r in reports):
        raise NothingToIndex("Ingen dokumenter kunne leses, så ingen indeks ble bygget.", tuple(reports))
    records = link_records(merge_records(records))

    cache = _previous_vectors(index_dir, embedder.name)
    texts = [index_text(r) for r in records]
    keys = [_text_key(embedder.name, t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in cache]
    progress(f"bygger vektorer for {len(missing)} nye tekster ({len(records) - len(missing)} gjenbrukt)")
    vectors = np.zeros((len(records), embedder.dim), dtype=np.float32)
    batch = 32
    for start in range(0, len(missing), batch):
        rows = missing[start : start + batch]
        vectors[rows] = embedder.embed_passages([texts[i] for i in rows])
        progress(f"  {min(start + batch, len(missing))}/{len(missing)} tekster")
    for i, key in enumerate(keys):
        if key in cache:
            vectors[i] = cache[key]

    progress("knytter postene til programtemaene")
    linker = ThemeLinker(load_taxonomy(), embedder)
    records = [with_changes(r, themes=linker.link(texts[i], vectors[i])) for i, r in enumerate(records)]

    corpus = {
        "fingerprint": corpus_fingerprint(corpus_dir),
        "documents": [
            {"document": r.document, "ok": r.ok, "reason": r.reason, "counts": r.counts} for r in reports
        ],
    }
    index = build_index(
        records, vectors, index_dir, model=embedder.name, chunking=policy.describe(), corpus=corpus
    )
    return BuildReport(
        files=tuple(reports),
        records=len(records),
        embedded=len(missing),
        reused=len(records) - len(missing),
        seconds=time.perf_counter() - started,
        index=index,
        index_dir=Path(index_dir),
    )
