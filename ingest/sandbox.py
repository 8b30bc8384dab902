"""Parsing each file in a child process, with a time limit and a memory limit.

A hostile or broken file (a decompression bomb, a PDF whose cross-references
loop, a parser bug that never returns) must cost only that file. The parent
sends one path at a time to a long-lived worker process; the worker caps its
own address space (``RLIMIT_AS``) and the parent waits at most
``ParseLimits.seconds`` for each answer. A worker that times out or dies is
killed and replaced, the file gets a reason in the report, and the next file
goes on. Page and character caps live in the readers.

A healthy worker is kept when an ingest ends and handed to the next one in the
same process with the same settings: loading the name recogniser costs about
6 s, and an app or test process reads new files many times.

A long ingest loses nothing to a worker that grows: the worker is replaced
when its resident memory has grown by ``ParseLimits.recycle_mb`` since it
started, and after ``ParseLimits.recycle_records`` records (a worker's growth
follows how much it read, not how many files: 20,000 one-paragraph notes are
one worker's work, 250 reports of 100 passages each are too); a document that
crashed the worker or ran out of memory is read once more in a fresh worker
before it is reported.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from absolutt_kb.records import KIND_LABELS, KIND_NAMES, Record
from ingest.chunking import ChunkPolicy
from ingest.mentions import NameFinder
from ingest.models import shared_models
from ingest.pipeline import extract_document
from ingest.readers import SUPPORTED_SUFFIXES, UnreadableDocument, read_document

LOAD_SECONDS = 300.0  # time a new worker may take to load the name recogniser
NameLoader = Callable[[], "NameFinder | None"]  # loads the name recogniser in the worker (picklable)

# Idle workers by what they were started with; one of each is kept.
_IDLE: dict[tuple, tuple[mp.process.BaseProcess, object, float, int]] = {}
_IDLE_LOCK = threading.Lock()


def _ask_to_end(process: mp.process.BaseProcess, conn, wait: float = 2.0) -> None:
    """Tell a worker to end and give it ``wait`` seconds (a pipe already broken is no matter)."""
    try:
        conn.send(None)
        process.join(timeout=wait)
    except OSError:
        pass


def _stop_idle() -> None:
    """Let the kept workers end on their own at exit (a killed one leaves its pipe's semaphore behind)."""
    with _IDLE_LOCK:
        idle = list(_IDLE.values())
        _IDLE.clear()
    for process, conn, *_ in idle:
        _ask_to_end(process, conn)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()



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
        parts = ", ".join(f"{n} {(KIND_NAMES if n == 1 else KIND_LABELS)[k].lower()}" for k, n in self.counts.items() if n)
        return f"OK    {self.document}: {parts or 'ingen poster'}"


@dataclass(frozen=True)
class ParseLimits:
    """How much one file may cost to parse."""

    seconds: float = 120.0
    memory_mb: int = 3072
    recycle_mb: int = 1024  # replace the worker once it has grown this much since it started …
    recycle_records: int = 25_000  # … or after giving this many records (about 250 documents of 100 passages)


_OUT_OF_MEMORY = "dokumentet krevde for mye minne å lese og ble hoppet over"


def _status_kb(field: str, pid: int | str = "self") -> int:
    """A field of a process's ``/proc/PID/status`` in kB (Linux), 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def resident_mb(pid: int) -> float:
    """A process's resident memory in MB (Linux), 0 when it cannot be read."""
    return _status_kb("VmRSS", pid) / 1024


def parse_file(
    path: Path, name: str, policy: ChunkPolicy, names: NameFinder | None = None
) -> tuple[FileReport, list[Record]]:
    """Read and extract one file in this process; every failure becomes a report line."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return FileReport(name, False, f"filtypen {path.suffix or '(ingen)'} støttes ikke"), []
    try:
        found = extract_document(read_document(path, name=name), policy, names)
    except UnreadableDocument as exc:
        return FileReport(name, False, str(exc)), []
    except MemoryError:
        return FileReport(name, False, _OUT_OF_MEMORY), []
    except RecursionError:
        return FileReport(name, False, "dokumentet er bygget opp i for mange nivåer (kanskje skadet) og ble hoppet over"), []
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
        if "can't allocate memory" in str(exc) or "could not create a primitive" in str(exc):
            return FileReport(name, False, _OUT_OF_MEMORY), []  # torch's and oneDNN's words for MemoryError
        return FileReport(name, False, f"uventet feil under lesing ({type(exc).__name__}: {exc})"), []
    counts = Counter(r.kind for r in found)
    return FileReport(name, True, counts={k: counts[k] for k in KIND_LABELS if counts[k]}), found


def _worker(conn, policy: ChunkPolicy, memory_mb: int, load_names: NameLoader | None) -> None:
    # The worker is its parent's helper: a stop (SIGTERM, Ctrl+C) for the group is the parent's to handle, and a
    # parent gone away ends the worker quietly instead of with a BrokenPipeError traceback.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _serve(conn, policy, memory_mb, load_names)
    except (BrokenPipeError, ConnectionResetError, EOFError):
        os._exit(0)


def _serve(conn, policy: ChunkPolicy, memory_mb: int, load_names: NameLoader | None) -> None:
    names = load_names() if load_names is not None else None  # once per worker, not per file
    shared_models()  # the trained extraction models, read before the limit like the recogniser
    # The limit is what one file may cost: on top of the recogniser, which is loaded before it is set.
    limit = memory_mb * 2**20 + (_address_space() if names is not None else 0)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, name = job
        conn.send(parse_file(Path(path), name, policy, names))


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux), 0 when it cannot be read."""
    return _status_kb("VmSize") * 1024


class ParserWorker:
    """A child process that parses files one at a time, replaced when a file kills or stalls it."""

    def __init__(
        self, policy: ChunkPolicy = ChunkPolicy(), limits: ParseLimits = ParseLimits(), names: NameLoader | None = None
    ) -> None:
        self.policy, self.limits, self.names = policy, limits, names
        self._context = mp.get_context("spawn")  # a fresh interpreter: no model, no threads, no open index
        self._process = None
        self._conn = None
        self._started_as: tuple | None = None
        self._baseline_mb = 0.0  # the worker's resident memory when it was ready
        self._records_given = 0  # records the worker has given
        self.replaced = 0  # workers replaced because they grew or had read their share (for benchmarks)
        self.last_mb = 0.0  # the worker's resident memory after the last document, before any replacement

    def _key(self) -> tuple:
        return self.policy, self.limits.memory_mb, self.names

    def _start(self) -> None:
        self._started_as = self._key()  # what the process runs with, whatever changes later
        with _IDLE_LOCK:
            idle = _IDLE.pop(self._started_as, None)
        if idle is not None and idle[0].is_alive():
            self._process, self._conn, self._baseline_mb, self._records_given = idle
            return
        if idle is not None:
            idle[0].join()
            idle[1].close()
        self._records_given = 0
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_worker, args=(child, self.policy, self.limits.memory_mb, self.names), daemon=True
        )
        self._process.start()
        child.close()
        self._conn = parent
        # Loading the name recogniser is not parsing: it gets its own, generous wait.
        try:
            ready = parent.poll(LOAD_SECONDS) and parent.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if ready:
            self._baseline_mb = resident_mb(self._process.pid)
            return
        self._stop()
        if self.names is None:
            raise RuntimeError("the parser process did not start")
        print("Merk: navnegjenkjenneren kunne ikke startes; personer leses med listereglene.", file=sys.stderr)
        self.names = None
        self._start()

    def _stop(self) -> None:
        if self._process is not None and self._process.pid is not None:
            self._process.kill()
            self._process.join()
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def parse(self, path: Path, name: str) -> tuple[FileReport, list[Record]]:
        """Parse one file in the worker.

        Returns:
            The report and the records; a file that stalls or kills the worker
            gets a report with the reason and no records. A file that crashed the
            worker or ran out of memory is read once more in a fresh worker first.
        """
        report, records = self._parse_once(path, name)
        if not report.ok and report.reason.startswith(("lesingen krasjet", _OUT_OF_MEMORY)):
            self._stop()  # the memory may have been the worker's, grown over many documents, not this file's
            report, records = self._parse_once(path, name)
        return report, records

    def _parse_once(self, path: Path, name: str) -> tuple[FileReport, list[Record]]:
        if self._process is None or not self._process.is_alive():
            self._stop()
            self._start()
        self._conn.send((str(path), name))
        if not self._conn.poll(self.limits.seconds):
            self._stop()
            return FileReport(
                name, False, f"lesingen tok mer enn {self.limits.seconds:.0f} s og ble stoppet (kanskje en skadet fil)"
            ), []
        try:
            answer = self._conn.recv()
        except (EOFError, OSError):
            self._stop()
            return FileReport(
                name, False,
                f"lesingen krasjet (over {self.limits.memory_mb} MB minne eller en skadet fil) og ble hoppet over",
            ), []
        self._records_given += max(1, len(answer[1]))
        self.last_mb = resident_mb(self._process.pid)
        grown = self.last_mb - self._baseline_mb
        if grown > self.limits.recycle_mb or self._records_given >= self.limits.recycle_records:
            self._retire()
            self.replaced += 1
        return answer

    def _retire(self, wait: float = 5.0) -> None:
        """End the worker politely (the next file starts a fresh one)."""
        _ask_to_end(self._process, self._conn, wait)
        self._stop()

    def close(self) -> None:
        """Keep a healthy worker for the next ingest in this process (one per settings); stop any other."""
        if self._conn is not None and self._process is not None and self._process.is_alive():
            with _IDLE_LOCK:
                if self._started_as not in _IDLE:
                    if not _IDLE:  # registered after multiprocessing's own exit handler, so it runs before it
                        atexit.unregister(_stop_idle)
                        atexit.register(_stop_idle)
                    _IDLE[self._started_as] = (self._process, self._conn, self._baseline_mb, self._records_given)
                    self._process = self._conn = None
                    return
            self._retire(wait=2.0)
            return
        self._stop()

    def __enter__(self) -> ParserWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
