"""Adding documents to the corpus: checked one by one, never overwriting what is there.

Each uploaded file is written to a scratch folder and read with the real
reader first; only a file that reads is moved into the corpus. A file with the
name of an existing document but other content is kept beside it under a new
name, so nothing already in the corpus is lost. Admin access is a password
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from absolutt_kb import config
from absolutt_kb.corpus import corpus_name
from ingest.readers import SUPPORTED_SUFFIXES
from ingest.sandbox import ParseLimits, ParserWorker

DEFAULT_MAX_MB = 50


@dataclass(frozen=True)
class UploadResult:
    """What became of one uploaded file."""

    name: str
    ok: bool
    reason: str = ""
    stored_as: str = ""
    document: str = ""  # the document's name in the knowledge base (region and file), once stored


def max_upload_bytes() -> int:
    """The upload size cap: the settings' ``max_upload_mb`` (``ABSOLUTT_KB_MAX_UPLOAD_MB``), default 50."""
    return int(config.current().max_upload_mb * 1024 * 1024)


def password_ok(given: str, configured: str | None) -> bool:
    """Whether ``given`` is the configured admin password (never true when none is configured)."""
    if not configured or not given:
        return False
    return hmac.compare_digest(given.encode(), str(configured).encode())


def safe_name(name: str) -> str:
    """A file name that is safe in the corpus folder: no folders, no odd characters, suffix kept."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = os.path.splitext(unicodedata.normalize("NFC", base))
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE).strip(" .-") or "dokument"
    return f"{stem[:100]}{suffix.lower()}"


class Collection(Protocol):
    """Where accepted documents go: a region's folder in the corpus, or a region's collection in the database."""

    def digest(self, name: str) -> str | None:
        """The sha256 of the document stored under ``name``, or None."""

    def put(self, name: str, data: bytes) -> None:
        """Store a new document under ``name``."""

    def document(self, name: str) -> str:
        """The name the knowledge base gives the document stored under ``name``."""


class FolderCollection:
    """One region's documents in a corpus folder (the folder backend): a folder at its top, or the top itself.

    The top of the corpus holds the settings' region (normally "felles"); another region is the folder of that
    name, which is how the ingest's walk of the corpus tells regions apart.
    """

    def __init__(self, corpus_dir: Path, region: str | None = None) -> None:
        self.corpus = Path(corpus_dir)
        self.default_region = config.current().region
        self.region = region or self.default_region
        self.folder = self.corpus if self.region == self.default_region else self.corpus / self.region
        self.folder.mkdir(parents=True, exist_ok=True)

    def document(self, name: str) -> str:
        return corpus_name((self.folder / name).relative_to(self.corpus).as_posix(), self.default_region)[0]

    def digest(self, name: str) -> str | None:
        path = self.folder / name
        return _digest(path.read_bytes()) if path.exists() else None

    def put(self, name: str, data: bytes) -> None:
        path = self.folder / name
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)


class RegionCollection:
    """One region's documents in a database: stored as ``region/name``, shown as ``name``."""

    def __init__(self, store, region: str) -> None:
        self.store = store
        self.region = region

    def document(self, name: str) -> str:
        return f"{self.region}/{name}"

    def digest(self, name: str) -> str | None:
        return self.store.document_digest(f"{self.region}/{name}")

    def put(self, name: str, data: bytes) -> None:
        self.store.add_document(f"{self.region}/{name}", self.region, data)


def _free_name(collection: Collection, name: str) -> str:
    stem, suffix = os.path.splitext(name)
    n = 2
    candidate = name
    while collection.digest(candidate) is not None:
        candidate = f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def add_documents(
    files: list[tuple[str, bytes]], target: Collection | Path, max_bytes: int | None = None,
    limits: ParseLimits | None = None,
) -> list[UploadResult]:
    """Check each file and add the readable ones to a collection.

    The check reads each file in the same child process, with the same time and memory limits, as ingest:
    a hostile file costs the server nothing.

    Args:
        files: (file name, content) pairs as uploaded.
        target: The collection, or a corpus folder.
        max_bytes: Size cap per file; defaults to ``max_upload_bytes()``.
        limits: Time and memory one file may take to read; defaults to ingest's.

    Returns:
        One result per file, in order, with a Norwegian reason for each refusal.
    """
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    collection = FolderCollection(target) if isinstance(target, (str, Path)) else target
    results = []
    with tempfile.TemporaryDirectory(prefix="opplasting-") as scratch, ParserWorker(limits=limits or config.parse_limits()) as worker:
        for original, data in files:
            name = safe_name(original)
            if Path(name).suffix not in SUPPORTED_SUFFIXES:
                results.append(UploadResult(original, False, "filtypen støttes ikke (bruk PDF, DOCX, HTML, TXT eller MD)"))
                continue
            if len(data) > max_bytes:
                limit = max_bytes // (1024 * 1024)
                results.append(UploadResult(original, False, f"filen er større enn grensen på {limit} MB"))
                continue
            staged = Path(scratch) / name
            staged.write_bytes(data)
            report, _ = worker.parse(staged, name)
            if not report.ok:
                results.append(UploadResult(original, False, report.reason))
                continue
            if collection.digest(name) == _digest(data):
                results.append(UploadResult(original, True, "finnes allerede i samlingen", stored_as=name,
                                            document=collection.document(name)))
                continue
            stored = _free_name(collection, name)
            collection.put(stored, data)
            results.append(UploadResult(original, True, "lagt til", stored_as=stored, document=collection.document(stored)))
    return results


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
