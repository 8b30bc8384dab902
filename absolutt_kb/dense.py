"""The dense side of the index: exact while small, approximate (IVF) past a threshold.

Up to the settings' ``exact_limit`` vectors (``ABSOLUTT_KB_EXACT_LIMIT``, 50k) every query is compared with every vector
(faiss ``IndexFlatIP``): at 50k vectors that is about 4 ms. Above it an
inverted-file index with 8-bit scalar quantisation (``IVF…,SQ8``) looks only
in the ``nprobe`` closest lists. ``nprobe`` is chosen at build time by
measurement: the smallest value whose recall@10 against exact search, on a
sample of the index's own vectors as queries, reaches ``TARGET_RECALL``. The
chosen value and the measured recall go into the manifest.

IVF with SQ8 was chosen over HNSW by measurement (``bench/scale.py``): at 1M
vectors on two cores it builds in about a minute instead of many minutes and
holds a quarter of the memory, at the same recall target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import faiss
import numpy as np

from absolutt_kb import config

TARGET_RECALL = 0.97  # tuned above the 0.95 the product promises, so sampling noise does not cross it
RECALL_SAMPLE = 300
KMEANS_ITERATIONS = 10
POINTS_PER_LIST = 40  # k-means training sample: faiss asks for at least 39 vectors per list


def set_threads(threads: int) -> None:
    """One OpenMP pool size for faiss, the same the embedder uses: no oversubscription on two cores."""
    faiss.omp_set_num_threads(max(1, threads))


@dataclass(frozen=True)
class DenseInfo:
    """How the dense index was built, for the manifest."""

    kind: str  # "flat" or "ivf-sq8"
    lists: int = 0
    nprobe: int = 0
    recall_at_10: float = 1.0

    def to_dict(self) -> dict:
        return {"kind": self.kind, "lists": self.lists, "nprobe": self.nprobe, "recall_at_10": self.recall_at_10}


def list_count(n: int) -> int:
    """About 4·√n inverted lists, rounded to a power of two (100k → 1024, 1M → 4096)."""
    return 2 ** max(4, round(math.log2(4 * math.sqrt(max(n, 1)))))


def build_dense(
    vectors: np.ndarray, previous: faiss.Index | None = None, *, seed: int = 0, exact_limit: int | None = None
) -> tuple[faiss.Index, DenseInfo]:
    """A searchable faiss index over L2-normalised ``vectors`` (row i = record i).

    Args:
        vectors: float32 matrix, one row a record.
        previous: The last generation's dense index. When it is an IVF index
            trained for the same dimension and a size within a factor of two,
            its trained lists are reused (no k-means), so adding one document
            to a large index does not retrain.
        seed: Random seed for the training and recall samples.
        exact_limit: Up to this many vectors the index is exact; defaults to the settings'.

    Returns:
        The index and how it was built.
    """
    n, dim = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    set_threads(config.current().threads)
    if n <= (config.current().exact_limit if exact_limit is None else exact_limit):
        flat = faiss.IndexFlatIP(dim)
        flat.add(vectors)
        return flat, DenseInfo("flat")
    lists = list_count(n)
    reusable = (
        isinstance(previous, faiss.IndexIVF)
        and previous.d == dim
        and previous.nlist == lists
    )
    if reusable:
        index = faiss.clone_index(previous)
        index.reset()
    else:
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = KMEANS_ITERATIONS
        index.cp.seed = seed
        rng = np.random.default_rng(seed)
        sample = rng.choice(n, size=min(n, lists * POINTS_PER_LIST), replace=False)
        index.train(vectors[np.sort(sample)])
    index.add(vectors)
    nprobe, recall = _tune_nprobe(index, vectors, seed)
    index.nprobe = nprobe
    return index, DenseInfo("ivf-sq8", lists=lists, nprobe=nprobe, recall_at_10=round(recall, 4))


def _tune_nprobe(index: faiss.IndexIVF, vectors: np.ndarray, seed: int) -> tuple[int, float]:
    """The smallest nprobe whose recall@10 against exact search reaches the target."""
    rng = np.random.default_rng(seed + 1)
    rows = rng.choice(len(vectors), size=min(RECALL_SAMPLE, len(vectors)), replace=False)
    # Queries are near, not on, indexed vectors: a passage's own vector would be found trivially.
    queries = vectors[rows] + rng.normal(0, 0.03, size=(len(rows), vectors.shape[1])).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    _, exact = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    recall = 0.0
    nprobe = 4
    while nprobe <= index.nlist:
        index.nprobe = nprobe
        _, found = index.search(queries, 10)
        recall = recall_at_10(found, exact)
        if recall >= TARGET_RECALL:
            break
        nprobe *= 2
    return min(nprobe, index.nlist), recall


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact top 10 that the approximate search also returned."""
    hits = sum(len(set(f[:10]) & set(e[:10])) for f, e in zip(found, exact))
    return hits / max(1, exact[:, :10].size)


