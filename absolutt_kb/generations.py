"""Index generations: each build is a new folder, switched to by one atomic pointer.

Layout of an index folder::

    CURRENT          the name of the generation in use ("gen-000007"), replaced atomically
    gen-000006/      the previous generation, kept so a reader that opened it keeps working
    gen-000007/      manifest.json, records.arrow, vectors.npy, dense.faiss, centroid.npy, bm25/
    documents/       what each unchanged document gave last time (no re-parsing)
    LOCK             held by the one ingest that may write

A build writes a fresh ``gen-*`` folder, fsyncs every file and the folder,
writes ``CURRENT.tmp``, fsyncs it and renames it over ``CURRENT`` (atomic on
POSIX), then fsyncs the index folder. A crash at any moment leaves
``CURRENT`` naming a complete generation. Only the last ``KEEP`` generations
are kept; half-written ones are removed by the next writer.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

POINTER = "CURRENT"
LOCK = "LOCK"
KEEP = 2
_GENERATION = re.compile(r"^gen-(\d{6})$")


class IngestRunning(RuntimeError):
    """Another ingest holds the writer lock."""


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``CURRENT`` names, or None when there is none."""
    index_dir = Path(index_dir)
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not _GENERATION.match(name):
        return None
    return index_dir / name


def generations(index_dir: Path) -> list[Path]:
    """Generation folders, oldest first (complete or not)."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    return sorted(p for p in index_dir.iterdir() if p.is_dir() and _GENERATION.match(p.name))


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty generation folder numbered after every existing one."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    existing = [int(_GENERATION.match(p.name).group(1)) for p in generations(index_dir)]
    current = current_generation(index_dir)
    if current is not None and _GENERATION.match(current.name):
        existing.append(int(current.name[4:]))
    folder = index_dir / f"gen-{max(existing, default=0) + 1:06d}"
    folder.mkdir()
    return folder


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


def publish(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` current (atomically), then drop all but the last ``KEEP`` generations."""
    index_dir = Path(index_dir)
    fsync_tree(generation)
    tmp = index_dir / f"{POINTER}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(generation.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync(index_dir)
    prune(index_dir)


def prune(index_dir: Path) -> None:
    """Remove generations older than the last ``KEEP`` up to the current one, and unfinished newer ones."""
    current = current_generation(index_dir)
    if current is None:
        return
    found = generations(index_dir)
    older = [g for g in found if g.name <= current.name]
    newer = [g for g in found if g.name > current.name]  # left by a build that died before publishing
    for stale in older[:-KEEP] + newer:
        shutil.rmtree(stale, ignore_errors=True)


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
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
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
