"""absolutt-kb: a knowledge base and literature recommender for the ABSOLUTT programme."""

from absolutt_kb.build import ingest_corpus
from absolutt_kb.embedder import Embedder, make_embedder
from absolutt_kb.index import KnowledgeIndex, load_index
from absolutt_kb.records import Gathering, Passage, Person, PracticeExample, Record, Tip, Work
from absolutt_kb.search import Searcher, SearchHit

__all__ = [
    "Embedder",
    "Gathering",
    "KnowledgeIndex",
    "Passage",
    "Person",
    "PracticeExample",
    "Record",
    "SearchHit",
    "Searcher",
    "Tip",
    "Work",
    "ingest_corpus",
    "load_index",
    "make_embedder",
]
