"""Running ingest in its own process, so the app keeps answering while documents are read.

The app starts ``python -m absolutt_kb ingest`` as a child process and reads
the JSON report it writes at the end. While it runs, the child marks each of
ingest's own progress messages (``progress_line``); the app turns those into a
step with a Norwegian label and a share done (``read_progress``) and ignores
every other line, so what libraries print (model loading bars, warnings) never
reaches the page. The child is also started with those libraries told to be
quiet. Searches in the app keep using the version they opened until the new
one is published.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from absolutt_kb.config import Settings
from ingest.sandbox import FileReport

PROGRESS_MARK = "absolutt-kb-fremdrift\t"  # starts each of the child's own progress lines
# The child's libraries, told to print no progress bars or advice (the page shows its own bar).
QUIET = {
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TQDM_DISABLE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONWARNINGS": "ignore",
}
_KEPT_LINES = 20  # of what else the child printed, kept for the technical details of a failure


@dataclass(frozen=True)
class Step:
    """Where an ingest has come: what it is doing, in Norwegian, and how much is done (0–1; None: unchanged)."""

    label: str
    done: float | None = None


@dataclass(frozen=True)
class IngestOutcome:
    """How an ingest process ended; ``details`` holds what else the child printed, for when it failed."""

    ok: bool
    message: str
    files: tuple[FileReport, ...] = ()
    records: int = 0
    seconds: float = 0.0
    details: str = ""


def progress_line(message: str) -> str:
    """The line the child prints for one of ingest's progress messages (one line, marked as its own)."""
    return PROGRESS_MARK + " ".join(message.split())


def _pace(said: str | None) -> str:
    """The speed and time left a progress line carries, for the bar's label ("" when it has none)."""
    return f" – {said}" if said else ""


_STEPS: tuple[tuple[re.Pattern, Callable[[re.Match], Step]], ...] = (
    (re.compile(r"\[(\d+)/(\d+)\] leser (.+?)(?: · (.+))?"),
     lambda m: Step(f"Leser dokument {m[1]} av {m[2]} ({m[3]}){_pace(m[4])} …", 0.05 + 0.5 * (int(m[1]) - 1) / int(m[2]))),
    (re.compile(r"(\d+) uendrede dokumenter hentet fra forrige innlesing"),
     lambda m: Step(f"{m[1]} uendrede dokumenter hentet fra forrige innlesing …", 0.55)),
    (re.compile(r"bygger vektorer for (\d+) nye tekster.*"),
     lambda m: Step(f"Lager vektorer for {m[1]} nye tekster …", 0.6)),
    (re.compile(r"(\d+)/(\d+) tekster(?: · (.+))?"),
     lambda m: Step(f"Lager vektorer: {m[1]} av {m[2]} tekster{_pace(m[3])} …",
                    0.6 + 0.3 * int(m[1]) / max(1, int(m[2])))),
    (re.compile(r"knytter postene til programtemaene"), lambda m: Step("Knytter postene til programtemaene …", 0.92)),
    (re.compile(r"skriver ny versjon av indeksen"), lambda m: Step("Lagrer den nye versjonen av kunnskapsbasen …", 0.96)),
)


def read_progress(line: str) -> Step | None:
    """The step a line of the child's output reports, or None when it is not one of ingest's own lines."""
    if not line.startswith(PROGRESS_MARK):
        return None
    message = line[len(PROGRESS_MARK):].strip()
    if not message:
        return None
    for pattern, step in _STEPS:
        if match := pattern.fullmatch(message):
            return step(match)
    return Step(message[0].upper() + message[1:])  # ingest's own words, shown as they are


def follow(lines: Iterable[str], progress: Callable[[Step], None]) -> list[str]:
    """Pass each progress step in the child's output on, and return the last of its other lines."""
    other: collections.deque[str] = collections.deque(maxlen=_KEPT_LINES)
    for line in lines:
        line = line.rstrip()
        step = read_progress(line)
        if step is not None:
            progress(step)
        elif line.strip():
            other.append(line)
    return list(other)


def held_by_index(files: Iterable[FileReport], index) -> tuple[FileReport, ...]:
    """Each file's report with the records the published index holds for it.

    What a document's reading found is counted before records are merged (a person named in two places of one
    document, or already known from another, becomes one record), so the report counts what was published.
    """
    if index is None:
        return tuple(files)
    held = index.kinds_by_document()
    return tuple(dataclasses.replace(f, counts=held.get(f.document, {})) if f.ok else f for f in files)


def run_ingest(
    settings: Settings, progress: Callable[[Step], None] = lambda _step: None, *, from_folder: bool = True
) -> IngestOutcome:
    """Ingest the corpus in a child process and wait for it.

    Args:
        settings: Corpus, index and model.
        progress: Called with each step of the child's progress.
        from_folder: Read the corpus folder; False rebuilds a database from the documents it holds.

    Returns:
        The outcome, with the per-file report (counted from the published index) when the child got that far.
    """
    with tempfile.TemporaryDirectory(prefix="absolutt-ingest-") as scratch:
        report_path = Path(scratch) / "report.json"
        command = [
            sys.executable, "-m", "absolutt_kb", "ingest",
            "--corpus", str(settings.corpus_dir) if from_folder else "",
            "--model", settings.model, "--report-json", str(report_path), "--wait", "600", "--progress-lines",
        ]
        # The child imports this very checkout, wherever the app was started from.
        root = str(Path(__file__).resolve().parent.parent)
        # The index (a database URL may carry a password) goes through the environment, never the command line
        # that `ps` shows to every user of the machine.
        env = dict(os.environ, **QUIET,
                   PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p),
                   ABSOLUTT_KB_INDEX=settings.index)
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
            env=env,
        ) as child:
            other = follow(child.stdout, progress)
        if not report_path.exists():
            return IngestOutcome(
                False, f"Innlesingen stoppet uventet (kode {child.returncode}); kunnskapsbasen er som før.",
                details="\n".join(other),
            )
        data = json.loads(report_path.read_text(encoding="utf-8"))
    files = tuple(FileReport(**f) for f in data.get("files", []))
    return IngestOutcome(
        ok=bool(data["ok"]), message=data["message"], files=files,
        records=int(data.get("records", 0)), seconds=float(data.get("seconds", 0.0)),
        details="" if data["ok"] else "\n".join(other),
    )
