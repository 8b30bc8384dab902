"""Running ingest in its own process, so the app keeps answering while documents are read.

The app starts ``python -m absolutt_kb ingest`` as a child process, shows its
progress lines as they come, and reads the per-file report it writes as JSON.
Searches in the app keep using the generation they opened until the new one
is published.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from absolutt_kb.config import Settings
from ingest.sandbox import FileReport


@dataclass(frozen=True)
class IngestOutcome:
    """How an ingest process ended."""

    ok: bool
    message: str
    files: tuple[FileReport, ...] = ()
    records: int = 0
    seconds: float = 0.0


def run_ingest(
    settings: Settings, progress: Callable[[str], None] = lambda _line: None, *, from_folder: bool = True
) -> IngestOutcome:
    """Ingest the corpus in a child process and wait for it.

    Args:
        settings: Corpus, index and model.
        progress: Called with each progress line the child prints.
        from_folder: Read the corpus folder; False rebuilds a database from the documents it holds.

    Returns:
        The outcome, with the per-file report when the child got that far.
    """
    with tempfile.TemporaryDirectory(prefix="absolutt-ingest-") as scratch:
        report_path = Path(scratch) / "report.json"
        command = [
            sys.executable, "-m", "absolutt_kb", "ingest",
            "--corpus", str(settings.corpus_dir) if from_folder else "",
            "--model", settings.model, "--report-json", str(report_path), "--wait", "600",
        ]
        lines: list[str] = []
        # The child imports this very checkout, wherever the app was started from.
        root = str(Path(__file__).resolve().parent.parent)
        # The index (a database URL may carry a password) goes through the environment, never the command line
        # that `ps` shows to every user of the machine.
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p),
                   ABSOLUTT_KB_INDEX=settings.index)
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
            env=env,
        ) as child:
            for line in child.stdout:
                line = line.rstrip()
                if line:
                    lines.append(line)
                    progress(line)
        if not report_path.exists():
            tail = " ".join(lines[-3:]) or f"avsluttet med kode {child.returncode}"
            return IngestOutcome(False, f"Innlesingen stoppet: {tail}")
        data = json.loads(report_path.read_text(encoding="utf-8"))
    files = tuple(FileReport(**f) for f in data.get("files", []))
    return IngestOutcome(
        ok=bool(data["ok"]), message=data["message"], files=files,
        records=int(data.get("records", 0)), seconds=float(data.get("seconds", 0.0)),
    )
