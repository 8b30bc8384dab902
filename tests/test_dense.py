"""The dense index is exact while small and approximate, with measured recall, past the threshold."""

from __future__ import annotations

import faiss
import numpy as np

from absolutt_kb import dense


def _clustered(n: int, dim: int = 64, centres: int = 40, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    middle = rng.normal(size=(centres, dim))
    vectors = middle[rng.integers(0, centres, n)] + 0.6 * rng.normal(size=(n, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def test_small_index_is_exact():
    vectors = _clustered(500)
    index, info = dense.build_dense(vectors)
    assert info.kind == "flat" and isinstance(index, faiss.IndexFlatIP)


def test_past_the_threshold_ivf_finds_what_exact_search_finds():
    vectors = _clustered(6000)
    index, info = dense.build_dense(vectors, exact_limit=1000)
    assert info.kind == "ivf-sq8" and isinstance(index, faiss.IndexIVF)
    assert 0 < info.nprobe <= info.lists and info.recall_at_10 >= dense.TARGET_RECALL
    # Fresh queries, not the tuning sample: recall against exact search still holds.
    rng = np.random.default_rng(99)
    queries = vectors[rng.choice(len(vectors), 200)] + rng.normal(0, 0.05, size=(200, vectors.shape[1])).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    _, exact = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    _, found = index.search(queries, 10)
    assert dense.recall_at_10(found, exact) >= 0.95


def test_a_grown_index_reuses_the_trained_lists():
    vectors = _clustered(6000)
    first, _ = dense.build_dense(vectors, exact_limit=1000)
    grown = np.vstack([vectors, _clustered(100, seed=4)])
    second, info = dense.build_dense(grown, previous=first, exact_limit=1000)
    assert second.ntotal == len(grown) and info.kind == "ivf-sq8"
    assert np.array_equal(
        faiss.rev_swig_ptr(faiss.downcast_index(second.quantizer).get_xb(), info.lists * 64),
        faiss.rev_swig_ptr(faiss.downcast_index(first.quantizer).get_xb(), info.lists * 64),
    )
