"""Walking the corpus folder: which files are documents, under which names, and why any is skipped.

A document's identity is its region and its path relative to the corpus folder
("vestland/notat.txt": a file at the top of a folder read with ``--region
vestland`` is named with its region, so two regions' ``notat.txt`` stay two
documents), shown safely:
a name that is not valid UTF-8 is escaped, and control and bidi characters
never reach a report line. Links are not followed (a link could point out of
the corpus, to ``/etc/passwd``), and a file that cannot be opened gets a reason
in the report instead of stopping the ingest.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from absolutt_kb import config
from absolutt_kb.generations import file_sha256 as file_digest  # one file checksum for corpus and index
from ingest.sandbox import FileReport

# Control characters, and the marks that reorder text (bidi) or hide it (zero width).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class CorpusFile:
    """A document in the corpus: where it is, its name in reports and records, its content hash and its collection."""

    path: Path | None
    name: str
    digest: str
    region: str = ""


def region_of(name: str, default: str) -> str:
    """A document's collection (KS region): the folder it lies in at the top of the corpus, else ``default``."""
    head, sep, _ = name.partition("/")
    return head if sep and head else default


def corpus_name(relative: str, default_region: str) -> tuple[str, str]:
    """A document's name and collection from its path in the corpus folder.

    A file at the top of a folder read as a region other than "felles" is named with that region
    ("notat.txt" read with ``--region agder`` is "agder/notat.txt").
    """
    region = region_of(relative, default_region)
    if region != config.DEFAULT_REGION and not relative.startswith(f"{region}/"):
        relative = f"{region}/{relative}"
    return relative, region


@dataclass(frozen=True)
class CorpusWalk:
    """The documents of a corpus folder and the files that were skipped, with the reason."""

    files: tuple[CorpusFile, ...]
    skipped: tuple[FileReport, ...]

    def fingerprint(self) -> str:
        """A hash of every document's name and content (and of what was skipped)."""
        h = hashlib.sha256()
        for f in self.files:
            h.update(f.name.encode())
            h.update(bytes.fromhex(f.digest))
        for report in self.skipped:
            h.update(f"\x00{report.document}\x00{report.reason}".encode())
        return h.hexdigest()


def display_name(relative: str) -> str:
    """A file's relative path as it may be shown: undecodable bytes and unsafe characters escaped."""
    text = relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def walk_corpus(corpus_dir: Path, default_region: str | None = None) -> CorpusWalk:
    """Every document of a corpus folder, sorted by name; hidden files and folders are left out.

    Args:
        corpus_dir: The corpus folder. A folder at its top is a collection (KS region).
        default_region: The collection of files at the top; defaults to the settings' ``region``.

    Returns:
        The documents, and a failed report for each link, special file or file that cannot be opened.
    """
    corpus_dir = Path(corpus_dir)
    default_region = default_region or config.current().region
    files: list[CorpusFile] = []
    skipped: list[FileReport] = []
    for folder, dirnames, filenames in os.walk(corpus_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for entry in [*dirnames, *filenames]:
            path = Path(folder) / entry
            name = display_name(str(path.relative_to(corpus_dir)))
            try:
                info = path.lstat()
            except OSError as exc:
                skipped.append(FileReport(name, False, f"filen kan ikke leses ({exc.strerror or type(exc).__name__})"))
                continue
            if stat.S_ISLNK(info.st_mode):
                skipped.append(FileReport(name, False, "er en lenke (symlink) og leses ikke; legg selve filen i korpuset"))
                continue
            if entry in dirnames or entry.startswith("."):
                continue
            if not stat.S_ISREG(info.st_mode):
                skipped.append(FileReport(name, False, "er ikke en vanlig fil og leses ikke"))
                continue
            try:
                digest = file_digest(path)
            except OSError as exc:
                skipped.append(FileReport(name, False, f"filen kan ikke åpnes ({exc.strerror or type(exc).__name__})"))
                continue
            name, region = corpus_name(name, default_region)
            files.append(CorpusFile(path, name, digest, region))
    files.sort(key=lambda f: f.name)
    skipped.sort(key=lambda r: r.document)
    return CorpusWalk(tuple(_unique(files)), tuple(skipped))


def _unique(files: list[CorpusFile]) -> list[CorpusFile]:
    """Two raw names that show alike keep apart: the later one gets a short hash of its path."""
    seen: set[str] = set()
    out = []
    for f in files:
        name = f.name
        if name in seen:
            raw = os.fsencode(str(f.path))
            name = f"{name} ({hashlib.sha1(raw).hexdigest()[:6]})"
        seen.add(name)
        out.append(CorpusFile(f.path, name, f.digest, f.region))
    return out
