"""Building the index from a corpus folder, incrementally, with a per-file report.

Each file is read and parsed on its own; a file that fails is reported with its
reason and skipped. Work is reused at two levels:

- a document whose bytes, name and chunking are unchanged is not parsed again:
  its records come from the document cache (``index/documents/``);
- a record whose text the last generation already held under the same model
  keeps that generation's vector, keyword terms and theme links (keyed by the
  text key, a hash of model + text). Only new text is embedded.

A corpus identical to the one the current generation was built from is not
rebuilt at all. A removed document's records are not carried over, so it
disappears from the index.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from absolutt_kb.corpus import file_digest, walk_corpus
from absolutt_kb.embedder import Embedder
from absolutt_kb.generations import IndexNotWritten, clear_unfinished, write_failure, writer_lock
from absolutt_kb.glossary import glossary
from absolutt_kb.index import (
    FORMAT_VERSION,
    IndexUnusable,
    KnowledgeIndex,
    build_index,
    index_text,
    load_index,
    read_manifest,
    text_key,
)
from absolutt_kb.privacy import PrivacyRules, apply_rules, document_name, load_rules
from absolutt_kb.records import Record, record_from_dict, with_changes
from absolutt_kb.text import Terms, document_terms
from absolutt_kb.themes import LINK_VERSION, ThemeLinker, load_taxonomy
from ingest.chunking import ChunkPolicy
from absolutt_kb.links import link_records
from absolutt_kb.merge import merge_records
from ingest.sandbox import FileReport, NameLoader, ParseLimits, ParserWorker

Progress = Callable[[str], None]
EXTRACT_VERSION = 4  # raise when extraction changes: every document is parsed again


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
    parsed: int = 0
    parsed_reused: int = 0
    unchanged: bool = False


def corpus_fingerprint(corpus_dir: Path) -> str:
    """A hash of every document's name and content."""
    return walk_corpus(corpus_dir).fingerprint()


def _settings_fingerprint(policy: ChunkPolicy, limits: ParseLimits = ParseLimits()) -> dict:
    """What besides the documents decides the records: extraction, chunking, themes, glossary."""
    taxonomy = hashlib.sha256(
        json.dumps([LINK_VERSION, [t.__dict__ for t in load_taxonomy()]], sort_keys=True, default=str).encode()
    )
    words = hashlib.sha256(json.dumps(glossary(), sort_keys=True).encode())
    return {
        "extract_version": EXTRACT_VERSION,
        "names": _names_fingerprint(),
        "chunking": policy.describe(),
        "taxonomy": taxonomy.hexdigest()[:16],
        "glossary": words.hexdigest()[:16],
        "privacy": load_rules().fingerprint(),
        "limits": {"seconds": limits.seconds, "memory_mb": limits.memory_mb},  # a file that failed may pass now
    }


def _names_fingerprint() -> str:
    """Which name recogniser reads the documents ("" when none): its weights' hash."""
    from absolutt_kb.name_model import MODEL_DIR

    weights = MODEL_DIR / "top.safetensors"
    if os.environ.get("ABSOLUTT_KB_NAMES", "1") == "0" or not weights.exists():
        return ""
    return file_digest(weights)[:16]


def is_current(corpus_dir: Path, index_dir: Path, model: str, policy: ChunkPolicy = ChunkPolicy()) -> bool:
    """Whether the index exists and was built from this corpus, with these settings and this model."""
    manifest = read_manifest(index_dir)
    return bool(
        manifest
        and manifest.get("model") == model
        and manifest.get("format_version") == FORMAT_VERSION
        and manifest.get("corpus", {}).get("fingerprint") == corpus_fingerprint(corpus_dir)
        and manifest.get("corpus", {}).get("settings") == _settings_fingerprint(policy)
    )


class DocumentCache:
    """What each document gave when it was last parsed, keyed by its content, name and settings.

    One JSON file per document under ``index/documents/``, written atomically
    and checksummed. A damaged entry counts as missing, so the document is
    simply parsed again. Entries hold records after the privacy rules, so no
    hidden contact or suppressed name is stored here; the rules are part of
    the key, and a change of rules reads the documents again.
    """

    def __init__(self, folder: Path, settings: dict) -> None:
        self.folder = Path(folder)
        self._settings = json.dumps(
            {k: v for k, v in settings.items() if k in ("extract_version", "names", "chunking", "privacy")},
            sort_keys=True,
        )

    def key(self, name: str, digest: str) -> str:
        return hashlib.sha256(f"{self._settings}\x00{name}\x00{digest}".encode()).hexdigest()

    def get(self, key: str) -> tuple[FileReport, list[Record]] | None:
        """What a document gave, or None when there is no entry or it does not match its checksum."""
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            payload = entry["payload"]
            if hashlib.sha256(payload.encode()).hexdigest() != entry["sha256"]:
                return None  # edited or damaged: parse the document again
            data = json.loads(payload)
            report = FileReport(**data["report"])
            return report, [record_from_dict(r) for r in data["records"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, report: FileReport, records: list[Record]) -> None:
        """Remember what a document gave; a failure is never remembered (it may pass with other limits)."""
        if not report.ok:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {
                "report": {"document": report.document, "ok": report.ok, "reason": report.reason, "counts": report.counts},
                "records": [r.to_dict() for r in records],
            },
            ensure_ascii=False,
        )
        entry = {"sha256": hashlib.sha256(payload.encode()).hexdigest(), "payload": payload}
        tmp = self.folder / f".{key}.tmp"
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.folder / f"{key}.json")

    def keep_only(self, keys: set[str]) -> None:
        """Forget documents that are no longer in the corpus."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix != ".json" or path.stem not in keys:  # also what a killed writer left (.tmp)
                path.unlink(missing_ok=True)


def name_loader() -> NameLoader | None:
    """What loads the name recogniser in the parser process; None when it is switched off or missing.

    ``ABSOLUTT_KB_NAMES=0`` switches it off (people then come from the list rules alone).
    """
    from absolutt_kb.name_model import MODEL_DIR, load_name_finder

    if os.environ.get("ABSOLUTT_KB_NAMES", "1") == "0" or not (MODEL_DIR / "top.safetensors").exists():
        return None
    try:
        from absolutt_kb.embedder import converted_e5_path

        converted_e5_path()  # convert once here, not under the parser's memory limit
    except Exception:  # noqa: BLE001 - no torch or no disk: ingest still works with the rules
        return None
    return load_name_finder


def _previous(index_dir: Path, model: str) -> KnowledgeIndex | None:
    try:
        return load_index(index_dir, model=model)
    except IndexUnusable:
        return None


def ingest_corpus(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    policy: ChunkPolicy = ChunkPolicy(),
    progress: Progress = lambda _msg: None,
    wait_seconds: float = 0.0,
    limits: ParseLimits = ParseLimits(),
) -> BuildReport:
    """Bring the index in ``index_dir`` up to date with ``corpus_dir``.

    Args:
        corpus_dir: Source documents.
        index_dir: Where the index is written.
        embedder: The embedding model.
        policy: Passage size.
        progress: Called with a line of progress text now and then.
        wait_seconds: How long to wait when another ingest is running.
        limits: Time and memory one file may take to parse (in a child process).

    Returns:
        The report, with the loaded index.

    Raises:
        NothingToIndex: No file could be read.
        IngestRunning: Another ingest holds the index.
        IndexNotWritten: The index folder is full or read-only; the index in use is untouched.
    """
    try:
        with writer_lock(index_dir, wait_seconds=wait_seconds):
            clear_unfinished(index_dir)
            return _ingest(Path(corpus_dir), Path(index_dir), embedder, policy, progress, limits)
    except IndexNotWritten:
        raise
    except OSError as exc:
        message = write_failure(Path(index_dir), exc)
        if message is None:
            raise
        raise IndexNotWritten(message) from exc


def _shown(report: FileReport, rules: PrivacyRules) -> FileReport:
    """A file's report with a suppressed person's name taken out of the document name."""
    name = document_name(report.document, rules)
    return report if name == report.document else dataclasses.replace(report, document=name)


def _ingest(
    corpus_dir: Path, index_dir: Path, embedder: Embedder, policy: ChunkPolicy, progress: Progress, limits: ParseLimits
) -> BuildReport:
    started = time.perf_counter()
    walk = walk_corpus(corpus_dir)
    files = walk.files
    settings = _settings_fingerprint(policy, limits)
    fingerprint = walk.fingerprint()
    rules = load_rules()
    previous = _previous(index_dir, embedder.name)
    if previous is not None and not previous.warning:  # a fallback is replaced by a new generation
        built_from = previous.manifest.get("corpus", {})
        if built_from.get("fingerprint") == fingerprint and built_from.get("settings") == settings:
            progress("ingen endringer i korpuset: indeksen er allerede oppdatert")
            reports = tuple(FileReport(**d) for d in built_from.get("documents", []))
            return BuildReport(
                files=reports, records=len(previous.records), embedded=0, reused=len(previous.records),
                seconds=time.perf_counter() - started, index=previous, index_dir=index_dir,
                parsed=0, parsed_reused=len(reports), unchanged=True,
            )

    cache = DocumentCache(index_dir / "documents", settings)
    reports: list[FileReport] = [_shown(r, rules) for r in walk.skipped]
    records: list[Record] = []
    used: set[str] = set()
    parsed = 0
    with ParserWorker(policy, limits, names=name_loader()) as worker:
        for n, document in enumerate(files, start=1):
            path, name = document.path, document.name
            key = cache.key(name, document.digest)
            used.add(key)
            cached = cache.get(key)
            if cached is None:
                if parsed == 0 and hasattr(embedder, "prepare_bulk"):
                    embedder.prepare_bulk()  # new text is coming: load the fast path while the files are read
                progress(f"[{n}/{len(files)}] leser {name}")
                report, found = worker.parse(path, name)
                cached = _shown(report, rules), apply_rules(found, rules)
                cache.put(key, *cached)
                parsed += 1
            report, found = cached
            reports.append(report)
            records.extend(found)
    cache.keep_only(used)
    if parsed < len(files):
        progress(f"{len(files) - parsed} uendrede dokumenter hentet fra forrige innlesing")

    if not any(r.ok for r in reports):
        raise NothingToIndex("Ingen dokumenter kunne leses, så ingen indeks ble bygget.", tuple(reports))
    records = apply_rules(link_records(merge_records(records)), rules)

    texts = [index_text(r) for r in records]
    keys = [text_key(embedder.name, t) for t in texts]
    # Text keys already cover extraction, chunking and privacy; terms also depend on the glossary, themes on the taxonomy.
    old_settings = previous.manifest.get("corpus", {}).get("settings", {}) if previous is not None else {}
    reuse_settings = all(old_settings.get(k) == settings[k] for k in ("taxonomy", "glossary"))
    old_rows: dict[str, int] = {}
    if previous is not None:
        old_rows = {k: i for i, k in enumerate(previous.records.column("text_key"))}
    old = [old_rows.get(k) for k in keys]
    missing = [i for i, row in enumerate(old) if row is None]
    progress(f"bygger vektorer for {len(missing)} nye tekster ({len(records) - len(missing)} gjenbrukt)")
    vectors = np.zeros((len(records), embedder.dim), dtype=np.float32)
    if missing:
        vectors[missing] = embedder.embed_many(
            [texts[i] for i in missing], lambda done, total: progress(f"  {done}/{total} tekster")
        )
    kept = [(i, row) for i, row in enumerate(old) if row is not None]
    if kept:
        mine, theirs = (np.array(x) for x in zip(*kept))
        order = np.argsort(theirs)  # read the memory-mapped vectors front to back
        vectors[mine[order]] = np.asarray(previous.embeddings[theirs[order]], dtype=np.float32)

    progress("knytter postene til programtemaene")
    terms: list[Terms | None] = [None] * len(records)
    if reuse_settings and kept:
        old_terms = previous.records.column("terms")
        for i, row in kept:
            terms[i] = Terms.decode(old_terms[row])
    for i in range(len(records)):
        if terms[i] is None:
            terms[i] = document_terms(texts[i])
    # Themes are scored relative to the whole corpus, so every record is linked again (a matrix product).
    linker = ThemeLinker(load_taxonomy(), embedder)
    records = [with_changes(r, themes=links) for r, links in zip(records, linker.link_all(records, vectors))]

    corpus = {
        "fingerprint": fingerprint,
        "settings": settings,
        "documents": [
            {"document": r.document, "ok": r.ok, "reason": r.reason, "counts": r.counts} for r in reports
        ],
    }
    progress("skriver ny indeksgenerasjon")
    # After a change of privacy rules no older generation is kept: it would still hold what was removed.
    keep_previous = old_settings.get("privacy") == settings["privacy"]
    index = build_index(
        records, vectors, index_dir, model=embedder.name, chunking=policy.describe(), corpus=corpus,
        terms=terms, previous=previous, keep_previous=keep_previous,
    )
    return BuildReport(
        files=tuple(reports),
        records=len(records),
        embedded=len(missing),
        reused=len(records) - len(missing),
        seconds=time.perf_counter() - started,
        index=index,
        index_dir=Path(index_dir),
        parsed=parsed,
        parsed_reused=len(files) - parsed,
    )
