"""Index generations: each build is a new folder, sealed when complete, switched to by one atomic pointer.

Layout of an index folder::

    CURRENT          the generation in use ("gen-000007"), replaced atomically
    gen-000006/      the previous complete generation, kept for readers and as a fallback
    gen-000007/      manifest.json, records.arrow, vectors.npy, dense.faiss, centroid.npy, postings/, SEAL
    documents/       what each unchanged document gave last time (no re-parsing)
    LOCK             held by the one ingest that may write

A build writes a fresh ``gen-*`` folder and fsyncs it, then writes ``SEAL``:
the BLAKE3 checksum of every other file in the folder. Only a sealed folder whose
files match their seal is *complete*; a folder without a seal is a build that
died and is never used, never kept as "previous", and removed by the next
writer. Then ``CURRENT.tmp`` is written, fsynced and renamed over ``CURRENT``
(atomic on POSIX). A crash at any moment leaves ``CURRENT`` naming a complete
generation. After publishing, the writer keeps the new generation and the
newest other complete one, and removes everything else.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from blake3 import blake3

POINTER = "CURRENT"
LOCK = "LOCK"
SEAL = "SEAL"
_GENERATION = re.compile(r"^gen-(\d{6})$")
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


class IngestRunning(RuntimeError):
    """Another ingest holds the writer lock."""


class GenerationDamaged(Exception):
    """A generation (or the pointer to it) is unfinished or does not match its seal; the message says how."""


class IndexNotWritten(Exception):
    """A new generation could not be written (disk full, read-only folder); the index in use is untouched."""


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_pointer(index_dir: Path) -> Path | None:
    """The generation folder ``CURRENT`` names; None when there is no ``CURRENT``.

    Raises:
        GenerationDamaged: ``CURRENT`` exists but cannot be read or does not name a generation.
    """
    path = Path(index_dir) / POINTER
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise GenerationDamaged(f"{POINTER} kan ikke leses ({exc.strerror})") from None
    try:
        name = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise GenerationDamaged(f"{POINTER} er skadet") from None
    if not _GENERATION.match(name):
        raise GenerationDamaged(f"{POINTER} er skadet")
    return Path(index_dir) / name


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``CURRENT`` names, or None when there is none or it is damaged."""
    try:
        return read_pointer(index_dir)
    except GenerationDamaged:
        return None


def generations(index_dir: Path) -> list[Path]:
    """Generation folders, oldest first (complete or not)."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    return sorted(p for p in index_dir.iterdir() if p.is_dir() and _GENERATION.match(p.name))


def owner_only(folder: Path) -> None:
    """Create ``folder`` when missing and make it readable by its owner only (0700): the index holds names.

    A folder made before this rule is tightened at the next ingest; one owned by another user is left as it is.
    """
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)
    except PermissionError:
        pass


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty generation folder numbered after every existing one."""
    index_dir = Path(index_dir)
    owner_only(index_dir)
    existing = [int(_GENERATION.match(p.name).group(1)) for p in generations(index_dir)]
    current = current_generation(index_dir)
    if current is not None:
        existing.append(int(current.name[4:]))
    folder = index_dir / f"gen-{max(existing, default=0) + 1:06d}"
    folder.mkdir()
    return folder


def _contents(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.name != SEAL)


def seal_digest(path: Path, *, one_core: bool = False) -> str:
    """The BLAKE3 checksum a seal keeps of one file: four times sha256's speed here, on both cores.

    At a million passages a generation is 4.7 GB, and sha256 (1.5 GB/s with the CPU's SHA
    instructions) made checking it most of the time to the first answer; BLAKE3 hashes 6.5 GB/s.
    """
    return blake3(max_threads=1 if one_core else blake3.AUTO).update_mmap(str(path)).hexdigest()


_DIGESTS = {  # a seal without "hash" is from before BLAKE3
    "blake3": seal_digest, "sha256": lambda path, one_core=False: file_sha256(path),
}


def seal(folder: Path) -> None:
    """Flush a finished generation to disk and mark it complete with the checksum of every file."""
    folder = Path(folder)
    fsync_tree(folder)
    digests = {str(p.relative_to(folder)): seal_digest(p) for p in _contents(folder)}
    _write_durably(folder / SEAL, json.dumps({"hash": "blake3", "files": digests}, indent=1) + "\n")


def verify(folder: Path, *, deep: bool = True, first: str | None = None, one_core: bool = False) -> None:
    """Check that a generation is complete: sealed, with exactly the sealed files, matching their checksums.

    Args:
        folder: The generation folder.
        deep: Hash every file; otherwise only ``first`` (and the file list) is checked.
        first: A file to check even when not deep (the manifest).
        one_core: Hash on one core (a check beside answers leaves the other to them).

    Raises:
        GenerationDamaged: The folder is unfinished or a file is missing, extra or changed.
    """
    folder = Path(folder)
    try:
        data = json.loads((folder / SEAL).read_bytes().decode("utf-8"))
        expected = dict(data["files"])
        digest = _DIGESTS[data.get("hash", "sha256")]
    except FileNotFoundError:
        raise GenerationDamaged(f"{folder.name} ble aldri ferdigskrevet") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise GenerationDamaged(f"{folder.name}/{SEAL} er skadet") from None
    try:
        present = {str(p.relative_to(folder)) for p in _contents(folder)}
    except OSError as exc:
        raise GenerationDamaged(f"{folder.name} kan ikke leses ({exc.strerror})") from None
    if present != set(expected):
        raise GenerationDamaged(f"filene i {folder.name} stemmer ikke med seglet")
    for name in sorted(expected) if deep else [n for n in (first,) if n]:
        try:
            ok = digest(folder / name, one_core=one_core) == expected[name]
        except OSError:
            ok = False
        if not ok:
            raise GenerationDamaged(f"{folder.name}/{name} stemmer ikke med seglet")


def is_complete(folder: Path) -> bool:
    """Whether a generation is sealed and every file matches its checksum."""
    try:
        verify(folder)
    except GenerationDamaged:
        return False
    return True


def newest_complete(index_dir: Path, *, besides: Path | None = None) -> Path | None:
    """The newest complete generation other than ``besides``, or None."""
    for folder in reversed(generations(index_dir)):
        if folder != besides and is_complete(folder):
            return folder
    return None


def fsync_tree(folder: Path) -> None:
    """Flush every file under ``folder`` and every folder itself to disk."""
    for path in sorted(Path(folder).rglob("*"), key=lambda p: -len(p.parts)):
        _fsync(path)
    _fsync(Path(folder))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, text: str) -> None:
    """Write a small file through ``<name>.tmp``, fsync it and rename it into place (atomic)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync(path.parent)


def publish(index_dir: Path, generation: Path, *, keep_previous: bool = True) -> None:
    """Seal ``generation``, make it current (atomically), then keep it and the one that was current before."""
    index_dir = Path(index_dir)
    seal(generation)
    before = current_generation(index_dir)
    _write_durably(index_dir / POINTER, generation.name + "\n")
    prune(index_dir, keep_previous=keep_previous, previous=before)


def prune(index_dir: Path, *, keep_previous: bool = True, previous: Path | None = None) -> None:
    """Keep the current generation and the one readers had before it; remove the rest.

    The one kept beside the current one is ``previous`` (what ``CURRENT`` named
    before the switch) when it is complete, else the newest other complete
    one. A generation that was sealed but never made current (its writer died
    between the seal and the switch) is not "previous", however new. Unfinished
    and damaged folders are never kept, so the generation kept beside the
    current one is always one that can be used. With ``keep_previous`` False
    only the current one is kept. The caller holds the writer lock.
    """
    current = current_generation(index_dir)
    if current is None or not current.is_dir():
        return
    if previous is not None and (previous == current or not is_complete(previous)):
        previous = None
    keep = {current, (previous or newest_complete(index_dir, besides=current)) if keep_previous else None}
    for folder in generations(index_dir):
        if folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def clear_unfinished(index_dir: Path) -> None:
    """Remove what a killed writer left: unsealed generation folders and ``*.tmp`` files. The caller holds the lock."""
    index_dir = Path(index_dir)
    for folder in generations(index_dir):
        if not (folder / SEAL).exists():
            shutil.rmtree(folder, ignore_errors=True)
    for tmp in index_dir.glob("*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_failure(index_dir: Path, exc: BaseException) -> str | None:
    """A clear message when ``exc`` means the index folder cannot be written; None for other errors.

    pyarrow, numpy and faiss report a full disk in their own words, so the
    errno is looked for along the exception chain and in the message.
    """
    seen: BaseException | None = exc
    codes, words = set(), ""
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno:
            codes.add(seen.errno)
        words += f" {seen}"
        seen = seen.__cause__ or seen.__context__
    words = words.lower()
    if codes & set(_NO_SPACE) or "no space left" in words or "file too large" in words or "quota" in words:
        free = shutil.disk_usage(index_dir).free if Path(index_dir).exists() else 0
        return (f"Det er ikke plass til den nye indeksen i «{index_dir}» ({free / 1e6:.0f} MB ledig). "
                "Indeksen som er i bruk, er ikke endret. Frigjør plass og kjør innlesingen på nytt.")
    if codes & set(_READ_ONLY) or "read-only file system" in words or "permission denied" in words:
        return (f"Indeksmappen «{index_dir}» kan ikke skrives til (skrivebeskyttet eller manglende tilgang). "
                "Indeksen som er i bruk, er ikke endret. Velg en annen mappe med --index eller gi skrivetilgang.")
    return None


@contextlib.contextmanager
def writer_lock(index_dir: Path, *, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the one writer lock of an index folder.

    The lock is an ``flock`` on ``LOCK``: the kernel releases it when the
    holder dies, so a killed ingest never leaves the index locked.

    Args:
        index_dir: The index folder.
        wait_seconds: How long to wait for another ingest to finish.

    Raises:
        IngestRunning: Another ingest still holds the lock after waiting.
    """
    index_dir = Path(index_dir)
    owner_only(index_dir)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IngestRunning(
                        "En annen innlesing pågår allerede i denne indeksen. Vent til den er ferdig og prøv igjen."
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock
