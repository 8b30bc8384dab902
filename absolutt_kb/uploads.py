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
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

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


def max_upload_bytes() -> int:
    """The upload size cap: ``ABSOLUTT_KB_MAX_UPLOAD_MB`` megabytes, default 50."""
    try:
        return int(float(os.environ.get("ABSOLUTT_KB_MAX_UPLOAD_MB", DEFAULT_MAX_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


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


def _free_name(corpus_dir: Path, name: str) -> Path:
    stem, suffix = os.path.splitext(name)
    n = 2
    candidate = corpus_dir / name
    while candidate.exists():
        candidate = corpus_dir / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def add_documents(
    files: list[tuple[str, bytes]], corpus_dir: Path, max_bytes: int | None = None, limits: ParseLimits | None = None
) -> list[UploadResult]:
    """Check each file and add the readable ones to ``corpus_dir``.

    The check reads each file in the same child process, with the same time and memory limits, as ingest:
    a hostile file costs the server nothing.

    Args:
        files: (file name, content) pairs as uploaded.
        corpus_dir: The corpus folder.
        max_bytes: Size cap per file; defaults to ``max_upload_bytes()``.
        limits: Time and memory one file may take to read; defaults to ingest's.

    Returns:
        One result per file, in order, with a Norwegian reason for each refusal.
    """
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="opplasting-") as scratch, ParserWorker(limits=limits or ParseLimits()) as worker:
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
            existing = corpus_dir / name
            if existing.exists() and _digest(existing.read_bytes()) == _digest(data):
                results.append(UploadResult(original, True, "finnes allerede i samlingen", stored_as=name))
                continue
            target = _free_name(corpus_dir, name)
            shutil.move(str(staged), target)
            results.append(UploadResult(original, True, "lagt til", stored_as=target.name))
    return results


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
