"""Keyword postings score BM25 as bm25s does, round-trip through files, and old indexes still answer."""

from __future__ import annotations

import shutil

import bm25s
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from absolutt_kb import generations, postings
from absolutt_kb.postings import Postings, build_postings
from absolutt_kb.search import Searcher
from absolutt_kb.storage.folder import LEGACY_BM25, POSTINGS, load_index
from absolutt_kb.text import Terms

WORDS = st.sampled_from(["skole", "barnehage", "inkludering", "elevråd", "tidlig", "innsats", "ungdom", "læring"])
CORPORA = st.lists(st.lists(WORDS, max_size=12), min_size=1, max_size=40)


def _reference(corpus: list[list[str]], query: list[str]) -> np.ndarray:
    """bm25s over the same terms: Lucene's variant, k1 1.5, b 0.75 (an empty record as one empty term)."""
    retriever = bm25s.BM25()
    retriever.index([terms or [""] for terms in corpus], show_progress=False)
    known = [t for t in query if t in retriever.vocab_dict]
    return retriever.get_scores(known) if known else np.zeros(len(corpus))


@settings(max_examples=60, deadline=None)
@given(corpus=CORPORA, query=st.lists(WORDS, min_size=1, max_size=4))
def test_scores_equal_bm25s_for_any_corpus_and_question(corpus, query):
    scores = build_postings(corpus, len(corpus)).scores(query)
    assert np.allclose(scores, _reference(corpus, query), rtol=1e-5, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(corpus=CORPORA)
def test_a_saved_index_answers_as_the_built_one(corpus, tmp_path_factory):
    built = build_postings(corpus, len(corpus))
    folder = tmp_path_factory.mktemp("postings")
    built.save(folder)
    loaded = Postings.load(folder)
    for term in ["skole", "læring", "", "ukjent"]:
        assert loaded.document_frequency(term) == built.document_frequency(term)
        assert np.array_equal(loaded.scores([term]), built.scores([term]))


@pytest.mark.parametrize(
    ("corpus", "query", "rows"),
    [
        ([["skole"], ["barnehage"], ["skole", "skole"]], ["skole"], [2, 0]),  # more often ranks higher
        ([["skole"], [], ["barnehage"]], ["ukjent"], []),  # an unknown term finds nothing
        ([["a", "b"], ["a"], ["b"]], ["a", "a", "b"], [0, 1, 2]),  # a term asked twice weighs twice
    ],
)
def test_best_rows_for_small_corpora(corpus, query, rows):
    found, scores = build_postings(corpus, len(corpus)).top(query, depth=10)
    assert found.tolist() == rows and list(scores) == sorted(scores, reverse=True)


def test_batches_give_the_same_lists_as_one_pass(monkeypatch):
    rng = np.random.default_rng(3)
    corpus = [[f"t{int(x)}" for x in rng.integers(0, 50, size=rng.integers(0, 9))] for _ in range(500)]
    whole = build_postings(corpus, len(corpus))
    monkeypatch.setattr(postings, "BATCH", 7)
    batched = build_postings(corpus, len(corpus))
    assert batched.terms == whole.terms
    for name in postings.ARRAYS:
        assert np.array_equal(getattr(batched, name), getattr(whole, name)), name


def test_a_generation_written_before_the_posting_lists_still_answers_the_same(built, embedder, tmp_path):
    """An index from the version before keeps answering after an upgrade (its vectors are reused by the next ingest)."""
    copy = tmp_path / "index"
    shutil.copytree(built.index_dir, copy)
    folder = generations.current_generation(copy)
    table = pa.ipc.open_file(pa.memory_map(str(folder / "records.arrow"))).read_all()
    retriever = bm25s.BM25()
    retriever.index([Terms.decode(t).all or [""] for t in table.column("terms").to_pylist()], show_progress=False)
    retriever.save(str(folder / LEGACY_BM25), show_progress=False)
    shutil.rmtree(folder / POSTINGS)
    (folder / generations.SEAL).unlink()
    generations.seal(folder)
    legacy = load_index(copy)
    assert not isinstance(legacy.keywords, Postings)
    for question in ["tidlig innsats", "hvem kan snakke om inkludering", "elevråd"]:
        new = [(h.record.id, round(h.score, 4)) for h in Searcher(built.index, embedder).search(question, k=5)]
        old = [(h.record.id, round(h.score, 4)) for h in Searcher(legacy, embedder).search(question, k=5)]
        assert old == new, question
