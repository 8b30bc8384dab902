"""Building the knowledge base from the corpus, incrementally, with a per-file report, into any store.

Each file is read and parsed on its own; a file that fails is reported with its
reason and skipped. Work is reused at two levels:

- a document whose bytes, name and chunking are unchanged is not parsed again:
  its records come from the store's document cache;
- a record whose text the last version already held under the same model
  keeps that version's vector and keyword terms (keyed by the text key, a
  hash of model + text). Only new text is embedded.

A corpus identical to the one the current version was built from is not
rebuilt at all. A removed document's records are not carried over, so it
disappears. Where the documents come from is the store's business: the folder
backend reads the corpus folder; the database backend keeps the documents
itself and takes a folder's documents into their collections first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from absolutt_kb import config
from absolutt_kb.corpus import file_digest
from absolutt_kb.embedder import Embedder
from absolutt_kb.generations import IndexNotWritten
from absolutt_kb.glossary import glossary
from absolutt_kb.indexing import index_text, text_key
from absolutt_kb.language import has_system_word_list
from absolutt_kb.links import link_records
from absolutt_kb.manifest import FORMAT_VERSION, IndexUnusable, Manifest, now, package_versions
from absolutt_kb.merge import merge_records
from absolutt_kb.pace import Pace
from absolutt_kb.privacy import PrivacyRules, apply_rules, document_name
from absolutt_kb.records import Record, Source, record_from_dict, with_changes
from absolutt_kb.storage import open_store
from absolutt_kb.storage.base import KnowledgeIndex, Store, Written
from absolutt_kb.text import Terms, document_terms
from absolutt_kb.themes import LINK_VERSION, ThemeLinker, ThemeNorm, load_taxonomy
from ingest.chunking import ChunkPolicy
from ingest.models import models_digest
from ingest.sandbox import FileReport, NameLoader, ParseLimits, ParserWorker

Progress = Callable[[str], None]
EXTRACT_VERSION = 9  # raise when extraction changes: every document is parsed again


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
    store: Store
    parsed: int = 0
    parsed_reused: int = 0
    unchanged: bool = False

    @property
    def index_dir(self) -> Path:
        """The index folder (folder backend)."""
        return Path(self.store.name)


def _settings_fingerprint(policy: ChunkPolicy, limits: ParseLimits | None = None) -> dict:
    """What besides the documents decides the records: extraction, chunking, themes, glossary, rules, limits."""
    limits = limits or config.parse_limits()
    taxonomy = hashlib.sha256(
        json.dumps([LINK_VERSION, [t.__dict__ for t in load_taxonomy()]], sort_keys=True, default=str).encode()
    )
    words = hashlib.sha256(json.dumps(glossary(), sort_keys=True).encode())
    return {
        "extract_version": EXTRACT_VERSION,
        "names": _names_fingerprint(),
        "models": models_digest(),
        "chunking": policy.describe(),
        "taxonomy": taxonomy.hexdigest()[:16],
        "glossary": words.hexdigest()[:16],
        "region": config.current().region,
        "limits": {"seconds": limits.seconds, "memory_mb": limits.memory_mb},  # a file that failed may pass now
    }


def _names_fingerprint() -> str:
    """Which name recogniser reads the documents ("" when none): its weights' hash."""
    from absolutt_kb.name_model import MODEL_DIR

    weights = MODEL_DIR / "top.safetensors"
    if not config.current().names or not weights.exists():
        return ""
    return file_digest(weights)[:16]


def _store(index: Store | Path | str) -> Store:
    return index if isinstance(index, Store) else open_store(config.current().with_changes(index=str(index)))


def is_current(corpus_dir: Path | None, index: Store | Path | str, model: str, policy: ChunkPolicy = ChunkPolicy()) -> bool:
    """Whether the index exists and was built from this corpus, with these settings, rules and this model."""
    store = _store(index)
    manifest = store.manifest()
    if not manifest or manifest.model != model or manifest.format_version != FORMAT_VERSION:
        return False
    settings = _settings_fingerprint(policy) | {"privacy": store.privacy_rules().fingerprint()}
    return manifest.settings == settings and manifest.fingerprint == store.corpus(corpus_dir).fingerprint()


def name_loader() -> NameLoader | None:
    """What loads the name recogniser in the parser process; None when it is switched off or missing.

    The settings' ``names`` (``ABSOLUTT_KB_NAMES=0``) switch it off (people then come from the list rules alone).
    """
    from absolutt_kb.name_model import MODEL_DIR, load_name_finder

    if not config.current().names or not (MODEL_DIR / "top.safetensors").exists():
        return None
    try:
        from absolutt_kb.embedder import converted_e5_path

        converted_e5_path()  # convert once here, not under the parser's memory limit
    except Exception:  # noqa: BLE001 - no torch or no disk: ingest still works with the rules
        return None
    return load_name_finder


def _previous(store: Store, model: str) -> KnowledgeIndex | None:
    """The current version, checked in full before anything of it is reused (a damaged one: the one before)."""
    try:
        previous = store.open(model=model)
        # A large generation is hashed beside the answers; a writer waits for that, and opens again on damage
        # (which then falls back, with a warning, and the corpus is read again as after any damage).
        return previous if previous.intact() else store.open(model=model)
    except IndexUnusable:
        return None


def ingest_corpus(
    corpus_dir: Path | None,
    index: Store | Path | str,
    embedder: Embedder,
    *,
    policy: ChunkPolicy = ChunkPolicy(),
    progress: Progress = lambda _msg: None,
    wait_seconds: float = 0.0,
    limits: ParseLimits | None = None,
) -> BuildReport:
    """Bring the knowledge base in ``index`` up to date with the corpus.

    Args:
        corpus_dir: Source documents. A database store takes them into their
            collections first; None rebuilds from the documents it holds.
        index: The store, or a folder path or ``postgresql://`` URL.
        embedder: The embedding model.
        policy: Passage size.
        progress: Called with a line of progress text now and then.
        wait_seconds: How long to wait when another ingest is running.
        limits: Time and memory one file may take to parse (in a child process); defaults to the settings'.

    Returns:
        The report, with the loaded index.

    Raises:
        NothingToIndex: No file could be read.
        IngestRunning: Another ingest holds the index.
        IndexNotWritten: The index cannot be written (full, read-only); the index in use is untouched.
    """
    store = _store(index)
    try:
        with store.writer(wait_seconds=wait_seconds):
            return _ingest(corpus_dir, store, embedder, policy, progress, limits or config.parse_limits())
    except IndexNotWritten:
        raise
    except OSError as exc:
        message = store.failure_message(exc)
        if message is None:
            raise
        raise IndexNotWritten(message) from exc


def _shown(report: FileReport, rules: PrivacyRules) -> FileReport:
    """A file's report with a suppressed person's name taken out of the document name."""
    name = document_name(report.document, rules)
    return report if name == report.document else dataclasses.replace(report, document=name)


def _report_dict(report: FileReport) -> dict:
    return {"document": report.document, "ok": report.ok, "reason": report.reason, "counts": report.counts}


def _with_region(records: list[Record], region: str) -> list[Record]:
    """Every source of a document's records names the document's collection."""
    def placed(source: Source) -> Source:
        return source if source.region == region else dataclasses.replace(source, region=region)

    out = []
    for r in records:
        changes: dict = {"source": placed(r.source)}
        if getattr(r, "mentions", None):
            changes["mentions"] = tuple(placed(m) for m in r.mentions)
        out.append(with_changes(r, **changes))
    return out


def _merged_linked_ruled(ruled: list[Record], rules: PrivacyRules) -> list[Record]:
    """Each document's ruled records merged across documents, linked, and with the privacy rules applied.

    Each document's records already went through the rules (and were cached so). Without removals or
    corrections, what the rules do is hide contacts in text (and rename an id that shows one), so only
    the records merging made are ruled again, and linking, which changes no text, comes after. At 30,000
    passages ruling every passage a citation linked again took 3 s of every ingest, however small the
    change. With removals or corrections every record is ruled after linking (a removed name can surface
    in a merged alias, and links to a removed person go).
    """
    merged = merge_records(ruled)
    if rules.suppressed_people or rules.corrections:
        return apply_rules(link_records(merged), rules)
    done = {id(r) for r in ruled}
    made = iter(apply_rules([r for r in merged if id(r) not in done], rules))
    return link_records([r if id(r) in done else next(made) for r in merged])


def _ingest(
    corpus_dir: Path | None, store: Store, embedder: Embedder, policy: ChunkPolicy, progress: Progress,
    limits: ParseLimits,
) -> BuildReport:
    started = time.perf_counter()
    walk = store.corpus(corpus_dir, writing=True)
    rules = store.privacy_rules()
    settings = _settings_fingerprint(policy, limits) | {"privacy": rules.fingerprint()}
    fingerprint = walk.fingerprint()
    previous = _previous(store, embedder.name)
    if previous is not None and not previous.warning:  # a fallback is replaced by a new version
        if previous.manifest.fingerprint == fingerprint and previous.manifest.settings == settings:
            progress("ingen endringer i korpuset: indeksen er allerede oppdatert")
            reports = tuple(FileReport(**d) for d in previous.manifest.documents)
            return BuildReport(
                files=reports, records=len(previous), embedded=0, reused=len(previous),
                seconds=time.perf_counter() - started, index=previous, store=store,
                parsed=0, parsed_reused=len(reports), unchanged=True,
            )

    # Records are cached after the privacy rules, so the rules are part of the key.
    cache_key = json.dumps({k: settings[k] for k in ("extract_version", "names", "models", "chunking", "privacy")},
                           sort_keys=True)
    cache = store.document_cache(cache_key)
    reports: list[FileReport] = [_shown(r, rules) for r in walk.skipped]
    records: list[Record] = []
    used: set[str] = set()
    parsed = 0
    keys = [f"{document.name}\x00{document.digest}" for document in walk.files]
    held = cache.held(keys)
    to_read = sum(k not in held for k in keys)  # the count and pace say how far the reading is, not the walk
    with tempfile.TemporaryDirectory(prefix="absolutt-les-") as scratch, \
            ParserWorker(policy, limits, names=name_loader()) as worker:
        reading = Pace(to_read, "dokumenter")
        for document, key in zip(walk.files, keys):
            used.add(key)
            cached = cache.get(key) if key in held else None
            if cached is not None:
                report, found = FileReport(**cached[0]), [record_from_dict(r) for r in cached[1]]
            else:
                n = parsed + 1  # a held entry found damaged is read too: the total grows to say so
                progress(f"[{n}/{max(to_read, n)}] leser {document.name}{reading(parsed)}")
                raw_report, raw = worker.parse(store.materialize(document, Path(scratch)), document.name)
                report, found = _shown(raw_report, rules), apply_rules(_with_region(raw, document.region), rules)
                if report.ok:  # a failure is never remembered: it may pass with other limits
                    cache.put(key, _report_dict(report), [r.to_dict() for r in found])
                parsed += 1
            reports.append(report)
            records.extend(found)
    cache.keep_only(used)
    if parsed < len(walk.files):
        progress(f"{len(walk.files) - parsed} uendrede dokumenter hentet fra forrige innlesing")

    if not any(r.ok for r in reports):
        raise NothingToIndex("Ingen dokumenter kunne leses, så ingen indeks ble bygget.", tuple(reports))
    records = _merged_linked_ruled(records, rules)

    texts = [index_text(r) for r in records]
    keys = [text_key(embedder.name, t) for t in texts]
    # Text keys already cover extraction, chunking and privacy; terms also depend on the glossary.
    reuse_terms = previous is not None and previous.manifest.settings.get("glossary") == settings["glossary"]
    old_rows: dict[str, int] = {}
    if previous is not None:
        old_rows = {k: i for i, k in enumerate(previous.column("text_key"))}
    old = [old_rows.get(k) for k in keys]
    missing = [i for i, row in enumerate(old) if row is None]
    progress(f"bygger vektorer for {len(missing)} nye tekster ({len(records) - len(missing)} gjenbrukt)")
    vectors = np.zeros((len(records), embedder.dim), dtype=np.float32)
    if missing:
        embedding = Pace(len(missing), "tekster")
        vectors[missing] = embedder.embed_many(
            [texts[i] for i in missing], lambda done, total: progress(f"  {done}/{total} tekster{embedding(done)}")
        ).astype(np.float16)  # as both stores keep them: what this version links themes by, the next reads back
    kept = [(i, row) for i, row in enumerate(old) if row is not None]
    terms: list[Terms | None] = [None] * len(records)
    if kept:
        mine, theirs = (np.array(x) for x in zip(*kept))
        vectors[mine] = previous.vectors(theirs)
        if reuse_terms:
            for i, t in zip(mine, previous.terms(theirs)):
                terms[int(i)] = t
    for i in range(len(records)):
        if terms[i] is None:
            terms[i] = document_terms(texts[i])

    progress("knytter postene til programtemaene")
    # Themes are scored relative to the whole corpus, so every record is linked again (a matrix product).
    linker = ThemeLinker(load_taxonomy(), embedder)
    # Scores are relative to the corpus; while little changed, the last version's normalisation is kept, so
    # unchanged records keep their links exactly (and the database rewrites only what changed).
    same_themes = previous is not None and previous.manifest.settings.get("taxonomy") == settings["taxonomy"]
    changed = len(missing) + (len(previous) - len(kept) if previous is not None else 0)
    linked = linker.link_all(records, vectors, previous.about_vectors() if previous is not None else None,
                             previous.theme_words() if previous is not None else None,
                             norm=ThemeNorm.from_dict(previous.manifest.theme_norm) if same_themes else None,
                             changed=changed)
    records = [with_changes(r, themes=links) for r, links in zip(records, linked.links)]

    manifest = Manifest(
        format_version=FORMAT_VERSION, model=embedder.name, dimension=int(embedder.dim), records=len(records),
        word_list=has_system_word_list(), settings=settings, fingerprint=fingerprint,
        documents=tuple(_report_dict(r) for r in reports), kinds=dict(Counter(r.kind for r in records)),
        chunking=policy.describe(), versions=package_versions(), built_at=now(),
        theme_norm=linked.norm.to_dict() if linked.norm is not None else {},
    )
    progress("skriver ny versjon av indeksen")
    # After a change of privacy rules no older version is kept: it would still hold what was removed.
    keep_previous = previous is None or previous.manifest.settings.get("privacy") == settings["privacy"]
    written = Written(records=records, vectors=vectors, terms=terms, keys=keys, manifest=manifest, about=linked.about,
                      theme_words=linked.words)
    index = store.publish(written, previous=previous, keep_previous=keep_previous)
    return BuildReport(
        files=tuple(reports),
        records=len(records),
        embedded=len(missing),
        reused=len(records) - len(missing),
        seconds=time.perf_counter() - started,
        index=index,
        store=store,
        parsed=parsed,
        parsed_reused=len(walk.files) - parsed,
    )
