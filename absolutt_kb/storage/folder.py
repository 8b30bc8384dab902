"""The folder backend: the knowledge base as sealed generations in one folder on one machine.

An index folder holds generations (see ``generations``); one generation is::

    manifest.json     the ``Manifest``
    records.arrow     Arrow IPC file, one row a record: the columns search needs for every row
                      (id, kind, best theme, document, title, repeat share, regions), the text key and
                      keyword terms that let the next ingest reuse work, and the record as JSON;
                      memory-mapped, decoded on use
    vectors.npy       float16 embeddings, row i = record i: the next ingest's embedding cache
    dense.faiss       exact or IVF inner-product index over the same vectors (see ``dense``)
    centroid.npy      mean of all vectors: a query's mean similarity to the corpus is one dot product
    postings/         keyword posting lists (``postings.Postings``), memory-mapped; BM25 is scored from them
                      at query time (a generation written before them has ``bm25/``, bm25s's arrays, read as such)
    lexicon.txt       every whole-word term of the corpus, one a line: which query compounds may be split
    about.npy         float32 vectors of what non-passage records are about, row i = key on line i of
    about-keys.txt    (``themes.about_key``): the next ingest embeds only new ones
    theme-words.tsv   per about-text key (``themes.words_key``), the theme keywords it holds: the next
                      ingest analyses only new texts
    SEAL              the BLAKE3 checksum of every other file, written last: the generation is complete

Nothing is unpickled when loading; files that do not match their seal, or a
manifest for another model, give ``IndexUnusable`` with a message (or the
previous complete generation with a warning), never wrong answers.

A generation over ``CHECK_BESIDE_BYTES`` (a million passages is 4.7 GB) is
opened after the cheap checks (seal, file list, manifest) and its files are
hashed in a thread beside the first answers. A mismatch makes every later
search raise ``DamageFound`` and leaves a ``DAMAGED`` mark in the generation,
so the next opening, in this process or another, falls back to the previous
complete generation as above.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import faiss
import numpy as np
import pyarrow as pa

from absolutt_kb import config, generations
from absolutt_kb.corpus import CorpusWalk, walk_corpus
from absolutt_kb.dense import build_dense, set_threads
from absolutt_kb.manifest import IndexUnusable, Manifest
from absolutt_kb.postings import Postings, build_postings
from absolutt_kb.privacy import PrivacyRules, load_rules
from absolutt_kb.records import Record, record_from_dict
from absolutt_kb.storage.base import DocumentCache, IndexChanged, KnowledgeIndex, Store, Written
from absolutt_kb.text import Terms

MANIFEST = "manifest.json"
LEXICON = "lexicon.txt"
ABOUT = "about.npy"
ABOUT_KEYS = "about-keys.txt"
THEME_WORDS = "theme-words.tsv"
POSTINGS = "postings"
LEGACY_BM25 = "bm25"  # bm25s's arrays, in generations written before the posting lists
ARROW_BATCH = 65_536  # records turned into Arrow rows at a time: the JSON of a million records is never held at once
DECODE_CACHE = 50_000  # decoded records kept per loaded index
CHECK_BESIDE_BYTES = 512 * 2**20  # larger generations are hashed beside the first answers (BLAKE3: ~1 s for 4.7 GB)
DAMAGED = "DAMAGED"  # left in a generation a check beside the answers found damaged: the next opening falls back


class DamageFound(IndexChanged, IndexUnusable):
    """The check beside the answers found the generation damaged: open the index again (it falls back)."""


def regions_value(record: Record) -> str:
    """The collections a record belongs to, as one stored string ("innlandet|felles")."""
    return "|".join(record.regions)


def _record_json(record: Record) -> str:
    data = record.to_dict()
    del data["themes"]  # stored once, in the themes column
    return json.dumps(data, ensure_ascii=False)


def _arrow_batch(written: Written, start: int, end: int) -> pa.RecordBatch:
    records = written.records[start:end]
    themes = [json.dumps([t.__dict__ for t in r.themes], ensure_ascii=False) for r in records]
    return pa.record_batch(
        {
            "id": pa.array([r.id for r in records], pa.string()),
            "kind": pa.array([r.kind for r in records], pa.string()),
            "theme": pa.array([r.themes[0].id if r.themes else "" for r in records], pa.string()),
            "document": pa.array([r.source.document for r in records], pa.string()),
            "title": pa.array([r.title for r in records], pa.string()),
            "record_share": pa.array([float(getattr(r, "record_share", 0.0)) for r in records], pa.float32()),
            "regions": pa.array([regions_value(r) for r in records], pa.string()),
            "text_key": pa.array(written.keys[start:end], pa.string()),
            "terms": pa.array([t.encode() for t in written.terms[start:end]], pa.large_string()),
            "themes": pa.array(themes, pa.string()),
            "data": pa.array([_record_json(r) for r in records], pa.large_string()),
        }
    )


class _LegacyKeywords:
    """BM25 from bm25s's precomputed arrays, for a generation written before the posting lists."""

    def __init__(self, folder: Path) -> None:
        import bm25s

        self._bm25 = bm25s.BM25.load(str(folder), mmap=True, allow_pickle=False, show_progress=False)
        scores = self._bm25.scores
        indptr = np.asarray(scores["indptr"], dtype=np.int64)
        ends = np.append(indptr[1:], len(scores["data"]))
        self._df = (ends - indptr)[: len(self._bm25.vocab_dict)]

    def __len__(self) -> int:
        return int(self._bm25.scores.get("num_docs", 0))

    def top(self, terms: list[str], depth: int) -> tuple[np.ndarray, np.ndarray]:
        from absolutt_kb.postings import best

        known = [t for t in terms if t in self._bm25.vocab_dict]
        if not known or not len(self):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return best(self._bm25.get_scores(known), depth)

    def document_frequency(self, term: str) -> int:
        t = self._bm25.vocab_dict.get(term)
        return int(self._df[t]) if t is not None and t < len(self._df) else 0


class FolderIndex(KnowledgeIndex):
    """A loaded generation: records memory-mapped from Arrow, vectors in faiss, BM25 from posting lists."""

    def __init__(self, folder: Path, manifest: Manifest, table: pa.Table, dense: faiss.Index,
                 keywords: Postings | _LegacyKeywords, centroid: np.ndarray, embeddings: np.ndarray,
                 lexicon: frozenset[str]) -> None:
        self.folder = folder
        self.manifest = manifest
        self._table = table
        self._data = table.column("data")
        self._themes = table.column("themes")
        self._terms = table.column("terms")
        self._decoded: dict[int, Record] = {}
        self.dense = dense
        self.keywords = keywords
        self.centroid = centroid
        self.embeddings = embeddings  # float16, memory-mapped and open while the index is
        self.lexicon = lexicon
        self._damage = ""
        self._checked = threading.Event()
        self._checked.set()

    def __len__(self) -> int:
        return self._table.num_rows

    def check_beside(self) -> None:
        """Hash every file against the seal in a thread; answers are given meanwhile (``wait_checked``)."""
        self._checked.clear()
        threading.Thread(target=self._check, name=f"seal-check {self.folder.name}", daemon=True).start()

    def _check(self) -> None:
        try:
            generations.verify(self.folder, deep=True, one_core=True)
        except generations.GenerationDamaged as exc:
            self._damage = str(exc)
            with contextlib.suppress(OSError), (self.folder / DAMAGED).open("x", encoding="utf-8") as mark:
                mark.write(self._damage + "\n")  # the first finding stays (a read-only index: refused here only)
        finally:
            self._checked.set()

    def wait_checked(self, timeout: float | None = None) -> bool:
        """Wait for the check beside the answers; whether it has finished (True at once when there is none)."""
        return self._checked.wait(timeout)

    def intact(self) -> bool:
        self._checked.wait()
        return not self._damage

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        if self._damage:
            raise DamageFound(
                f"Indeksen er skadet ({self._damage}). Åpne den på nytt: da brukes forrige hele versjon."
            )
        yield

    def record(self, row: int) -> Record:
        row = int(row)
        if not 0 <= row < len(self):
            raise IndexError(row)
        record = self._decoded.get(row)
        if record is None:
            data = json.loads(self._data[row].as_py())
            data["themes"] = json.loads(self._themes[row].as_py())
            record = record_from_dict(data)
            if len(self._decoded) < DECODE_CACHE:
                self._decoded[row] = record
        return record

    @functools.cache  # noqa: B019 - one index, a handful of columns
    def column(self, name: str) -> np.ndarray:
        return self._table.column(name).to_numpy(zero_copy_only=False)

    def terms(self, rows: Sequence[int]) -> list[Terms]:
        return [Terms.decode(self._terms[int(r)].as_py()) for r in rows]

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        order = np.argsort(rows)  # read the memory map front to back
        out = np.empty((len(rows), self.embeddings.shape[1] if len(self.embeddings) else self.manifest.dimension),
                       dtype=np.float32)
        if len(rows):
            out[order] = np.asarray(self.embeddings[rows[order]], dtype=np.float32)
        return out

    def keyword(self, terms: list[str], depth: int) -> tuple[np.ndarray, np.ndarray]:
        return self.keywords.top(terms, depth)

    def nearest(self, vector: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        depth = min(depth, self.dense.ntotal)
        if depth == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sims, ids = self.dense.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), depth)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), sims[0][keep]

    def document_frequency(self, term: str) -> int:
        return self.keywords.document_frequency(term)

    def knows_word(self, term: str) -> bool:
        return term in self.lexicon

    def about_vectors(self) -> dict[str, np.ndarray]:
        try:
            keys = (self.folder / ABOUT_KEYS).read_text(encoding="ascii").split()
            vectors = np.load(self.folder / ABOUT, allow_pickle=False)
        except (OSError, ValueError):  # a generation from before they were kept: embed them again
            return {}
        return dict(zip(keys, vectors)) if len(keys) == len(vectors) else {}

    def theme_words(self) -> dict[str, tuple[str, ...]]:
        try:
            lines = (self.folder / THEME_WORDS).read_text(encoding="utf-8").splitlines()
        except OSError:  # a generation from before they were kept: analyse the texts again
            return {}
        return {key: tuple(terms.split()) for key, _, terms in (line.partition("\t") for line in lines)}


class FolderCache(DocumentCache):
    """One JSON file per document under ``index/documents/``, written atomically and checksummed.

    A damaged or edited entry counts as missing, so the document is simply read again.
    """

    def __init__(self, folder: Path, settings_key: str) -> None:
        self.folder = Path(folder)
        self._settings = settings_key

    def _path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(f'{self._settings}{key}'.encode()).hexdigest()}.json"

    def get(self, key: str) -> tuple[dict, list[dict]] | None:
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            payload = entry["payload"]
            if hashlib.sha256(payload.encode()).hexdigest() != entry["sha256"]:
                return None  # edited or damaged: read the document again
            data = json.loads(payload)
            return data["report"], data["records"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def held(self, keys: list[str]) -> set[str]:
        try:
            present = {p.name for p in self.folder.iterdir()}
        except OSError:
            return set()
        return {k for k in keys if self._path(k).name in present}

    def put(self, key: str, report: dict, records: list[dict]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"report": report, "records": records}, ensure_ascii=False)
        entry = {"sha256": hashlib.sha256(payload.encode()).hexdigest(), "payload": payload}
        path = self._path(key)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def keep_only(self, keys: set[str]) -> None:
        if not self.folder.is_dir():
            return
        wanted = {self._path(k).name for k in keys}
        for path in self.folder.iterdir():
            if path.name not in wanted:  # also what a killed writer left (.tmp)
                path.unlink(missing_ok=True)


class FolderStore(Store):
    """An index folder of sealed generations (see ``generations``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.name = str(folder)

    def open(self, *, model: str | None = None, word_list: bool | None = None, verify: bool = True) -> FolderIndex:
        index = load_index(self.folder, verify=verify)
        index.manifest.check(model=model, word_list=word_list)
        return index

    def manifest(self) -> Manifest | None:
        try:
            folder = _generation_folder(self.folder)
            return _manifest_of(folder, deep=False) if folder is not None else None
        except (generations.GenerationDamaged, IndexUnusable):
            return None

    def current_version(self) -> str:
        folder = generations.current_generation(self.folder)
        return folder.name if folder is not None else ""

    @contextlib.contextmanager
    def writer(self, *, wait_seconds: float = 0.0) -> Iterator[None]:
        with generations.writer_lock(self.folder, wait_seconds=wait_seconds):
            # What a killed writer left: unsealed folders, and generations it published but did not prune yet.
            generations.clear_unfinished(self.folder)
            generations.prune(self.folder)
            yield

    def corpus(self, corpus_dir: Path | None, *, writing: bool = False) -> CorpusWalk:
        return walk_corpus(corpus_dir or config.current().corpus_dir)

    def privacy_rules(self) -> PrivacyRules:
        return load_rules()

    def failure_message(self, exc: BaseException) -> str | None:
        return generations.write_failure(self.folder, exc)

    def document_cache(self, settings_key: str) -> FolderCache:
        return FolderCache(self.folder / "documents", settings_key)

    def publish(self, written: Written, *, previous: KnowledgeIndex | None, keep_previous: bool) -> FolderIndex:
        if len(written.records) != len(written.vectors):
            raise ValueError("one vector per record is required")
        folder = generations.new_generation(self.folder)
        try:
            _write_generation(folder, written, previous if isinstance(previous, FolderIndex) else None)
            generations.publish(self.folder, folder, keep_previous=keep_previous)
        except BaseException as exc:
            shutil.rmtree(folder, ignore_errors=True)
            message = generations.write_failure(self.folder, exc) if isinstance(exc, Exception) else None
            if message:
                raise generations.IndexNotWritten(message) from exc
            raise
        return load_index(folder)


def _write_generation(folder: Path, written: Written, previous: FolderIndex | None) -> None:
    n = len(written.records)
    with pa.OSFile(str(folder / "records.arrow"), "wb") as sink:
        first = _arrow_batch(written, 0, min(n, ARROW_BATCH))
        with pa.ipc.new_file(sink, first.schema) as writer:
            writer.write_batch(first)
            for start in range(ARROW_BATCH, n, ARROW_BATCH):
                writer.write_batch(_arrow_batch(written, start, start + ARROW_BATCH))
    vectors = np.ascontiguousarray(written.vectors, dtype=np.float32).reshape(n, -1)
    dim = written.manifest.dimension or 1
    stored = np.lib.format.open_memmap(folder / "vectors.npy", mode="w+", dtype=np.float16, shape=vectors.shape)
    for start in range(0, n, ARROW_BATCH):  # no float16 copy of every vector at once
        stored[start : start + ARROW_BATCH] = vectors[start : start + ARROW_BATCH]
    stored.flush()
    del stored
    dense, info = build_dense(vectors if n else np.zeros((0, dim), np.float32), previous.dense if previous else None)
    faiss.write_index(dense, str(folder / "dense.faiss"))
    del dense
    centroid = vectors.mean(axis=0) if n else np.zeros(dim, dtype=np.float32)
    np.save(folder / "centroid.npy", centroid.astype(np.float32), allow_pickle=False)
    build_postings((t.all for t in written.terms), n).save(folder / POSTINGS)
    about = sorted(written.about)
    (folder / ABOUT_KEYS).write_text("".join(f"{k}\n" for k in about), encoding="ascii")
    np.save(folder / ABOUT, np.array([written.about[k] for k in about], dtype=np.float32).reshape(len(about), dim),
            allow_pickle=False)
    (folder / THEME_WORDS).write_text(
        "".join(f"{k}\t{' '.join(written.theme_words[k])}\n" for k in sorted(written.theme_words)), encoding="utf-8"
    )
    lexicon = sorted({w for t in written.terms for w in t.words})
    (folder / LEXICON).write_text("".join(f"{w}\n" for w in lexicon), encoding="utf-8")
    manifest = written.manifest.to_dict() | {"generation": folder.name, "dense": info.to_dict(), "backend": "folder"}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _generation_folder(index_dir: Path) -> Path | None:
    """The generation to read: the one ``CURRENT`` names, or the folder itself when it is one.

    Raises:
        GenerationDamaged: ``CURRENT`` is damaged.
    """
    index_dir = Path(index_dir)
    if (index_dir / generations.SEAL).exists():
        return index_dir
    return generations.read_pointer(index_dir)


def _manifest_of(folder: Path, *, deep: bool) -> Manifest:
    """A generation's manifest after checking the generation against its seal.

    Raises:
        GenerationDamaged: The generation is unfinished, damaged or its manifest is not a manifest.
        IndexUnusable: The manifest is from another program version.
    """
    generations.verify(folder, deep=deep, first=MANIFEST)
    try:
        data = json.loads((folder / MANIFEST).read_bytes().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise generations.GenerationDamaged(f"{folder.name}/{MANIFEST} kan ikke leses ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise generations.GenerationDamaged(f"{folder.name}/{MANIFEST} er ikke et manifest")
    return Manifest.from_dict(data)


def load_index(index_dir: Path, *, model: str | None = None, verify: bool = True) -> FolderIndex:
    """Open the current generation of an index folder (or one generation folder).

    When a writer publishes new generations while this one is being opened (and
    prunes the generation ``CURRENT`` named a moment ago), the newer one is
    opened instead. When the current generation (or ``CURRENT``) is damaged,
    the newest complete generation is opened instead and ``warning`` says so.

    Args:
        index_dir: The folder ``FolderStore`` writes, or one of its generations.
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
    folder = None
    for _attempt in range(5):
        try:
            folder = _generation_folder(index_dir)
        except generations.GenerationDamaged as exc:
            folder, damage = None, str(exc)
            break
        if folder is None:
            break
        try:
            index = _load_generation(folder, verify=verify)
            index.manifest.check(model=model)
            return index
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
    index = _load_generation(fallback, verify=verify)
    index.manifest.check(model=model)
    index.warning = (
        f"Den nyeste indeksen er skadet ({damage}). Viser forrige hele versjon ({fallback.name}, bygget "
        f"{index.manifest.built_at or 'ukjent tid'}). Kjør innlesingen på nytt for å rette det."
    )
    return index


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def _load_generation(folder: Path, *, verify: bool) -> FolderIndex:
    try:  # found damaged beside the answers, by this process or another
        found = (folder / DAMAGED).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:  # no mark (or none readable): the seal decides, below
        found = None
    if found is not None:
        raise generations.GenerationDamaged(found or f"{folder.name} er funnet skadet")
    beside = verify and _size(folder) > CHECK_BESIDE_BYTES
    manifest = _manifest_of(folder, deep=verify and not beside)
    set_threads(config.current().threads)
    try:
        source = pa.memory_map(str(folder / "records.arrow"), "r")
        table = pa.ipc.open_file(source).read_all()
        dense = faiss.read_index(str(folder / "dense.faiss"))
        keywords = Postings.load(folder / POSTINGS) if (folder / POSTINGS).is_dir() \
            else _LegacyKeywords(folder / LEGACY_BM25)
        centroid = np.load(folder / "centroid.npy", allow_pickle=False)
        lexicon = frozenset((folder / LEXICON).read_text(encoding="utf-8").split())
        embeddings = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
    except Exception as exc:
        raise IndexUnusable(f"Indeksen kan ikke leses ({type(exc).__name__}: {exc}). Bygg den på nytt.") from exc
    if not (table.num_rows == dense.ntotal == manifest.records == len(keywords)):
        raise IndexUnusable("Indeksens deler har ulikt antall poster. Bygg den på nytt.")
    if table.num_rows and dense.d != manifest.dimension:
        raise IndexUnusable("Vektorenes dimensjon stemmer ikke med manifestet. Bygg indeksen på nytt.")
    if hasattr(dense, "nprobe") and manifest.dense.get("nprobe"):
        dense.nprobe = int(manifest.dense["nprobe"])
    index = FolderIndex(folder, manifest, table, dense, keywords, centroid, embeddings, lexicon)
    if beside:
        index.check_beside()
    return index
