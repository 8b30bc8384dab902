"""The national service under real use (issue 21): connections returned, documents kept apart by region and
source, authorisation checked against the database, secrets never shown."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from absolutt_kb import accounts, config
from absolutt_kb.build import ingest_corpus
from absolutt_kb.config import mask_secrets
from absolutt_kb.manifest import IndexUnusable
from absolutt_kb.search import Searcher
from absolutt_kb.storage import open_store
from tests.conftest import REPO

pytestmark = pytest.mark.slow

PASSWORD = "et langt nok passord"


def _store(location: str):  # noqa: ANN202
    return open_store(config.current().with_changes(index=location))


def _connections(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        (n,) = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()").fetchone()
    return n


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "absolutt_kb", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env=env)


def test_forty_app_searches_leave_few_connections_and_500_more_threads_change_nothing(built_pg, embedder, monkeypatch):
    from streamlit.testing.v1 import AppTest

    url = built_pg.index._store.url
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", url)
    config.reload()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.run()
    for n in range(40):
        at.text_input[0].input(f"skolemiljø og elevråd {n}").run()
        assert not at.exception
    assert _connections(url) <= 8
    searcher = Searcher(_store(url).open(), embedder)

    def one(n: int) -> None:  # every Streamlit rerun is a new thread: the old per-thread connections leaked here
        searcher.search(f"tidlig innsats {n}", k=3)

    for n in range(500):
        thread = threading.Thread(target=one, args=(n,))
        thread.start()
        thread.join()
    assert _connections(url) <= 8
    result = _cli("search", "--index", url, "lærende nettverk")
    assert result.returncode == 0 and "lærende" in result.stdout.lower()


def test_a_database_that_drops_every_connection_gives_a_message_and_the_next_search_reconnects(built_pg, embedder):
    url = built_pg.index._store.url
    searcher = Searcher(_store(url).open(), embedder)
    assert searcher.search("tidlig innsats", k=3)
    with psycopg.connect(url, autocommit=True) as conn:  # what a restart of PostgreSQL does to its sessions
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    assert searcher.search("tidlig innsats", k=3)  # a dropped connection is replaced, not handed out


def test_an_unreachable_database_is_a_message_with_no_password_in_the_cli_and_no_traceback(tmp_path):
    url = f"postgresql://ola:hemmelig1@/absolutt?host={tmp_path}&password=hemmelig2"
    result = _cli("search", "--index", url, "skolemiljø")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "hemmelig" not in result.stdout + result.stderr
    assert "databasen" in (result.stdout + result.stderr)
    with pytest.raises(IndexUnusable) as caught:
        _store(url)
    assert "hemmelig" not in str(caught.value)


def test_credentials_are_masked_in_every_form_of_a_database_address():
    for url in ("postgresql://ola:hemmelig@db.ks.no/absolutt", "postgresql://db/absolutt?password=hemmelig",
                "postgresql://ola@db/absolutt?sslmode=require&password=hemmelig&x=1", "host=db password=hemmelig"):
        assert "hemmelig" not in mask_secrets(url) and "***" in mask_secrets(url)
    assert mask_secrets("postgresql://ola@db/absolutt") == "postgresql://ola@db/absolutt"


def test_an_ingest_started_from_the_app_gets_the_address_through_its_environment(monkeypatch, tmp_path):
    from absolutt_kb import ingest_process

    seen = {}

    class Refused(Exception):
        pass

    def popen(command, **kwargs):  # noqa: ANN001, ANN202
        seen["command"], seen["env"] = command, kwargs["env"]
        raise Refused

    url = "postgresql://ola:hemmelig@db/absolutt"
    monkeypatch.setattr(ingest_process.subprocess, "Popen", popen)
    with pytest.raises(Refused):
        ingest_process.run_ingest(config.current().with_changes(index=url), print, from_folder=False)
    assert not any("hemmelig" in part for part in seen["command"])  # what `ps` shows every user
    assert seen["env"]["ABSOLUTT_KB_INDEX"] == url


def test_two_regions_files_of_the_same_name_are_two_documents(embedder, database, tmp_path):
    for region, words in (("agder", "Agder-notatet handler om skolemiljø i Kristiansand."),
                          ("vestland", "Vestland-notatet handler om leseopplæring i Bergen.")):
        folder = tmp_path / region
        folder.mkdir()
        (folder / "notat.txt").write_text(f"Notat\n\n{words}\n", encoding="utf-8")
        with config.use(config.current().with_changes(region=region)):
            report = ingest_corpus(folder, database, embedder)
    documents = set(report.index.documents())
    assert {"agder/notat.txt", "vestland/notat.txt"} <= documents
    text = " ".join(r.text for r in report.index.all_records())
    assert "Kristiansand" in text and "Bergen" in text


def test_an_uploaded_document_survives_an_ingest_of_the_corpus_folder(corpus_dir, embedder, database):
    from absolutt_kb.uploads import RegionCollection, add_documents

    store = _store(database)
    ingest_corpus(corpus_dir, database, embedder)
    (result,) = add_documents([("opplastet.md", b"# Opplastet\n\nEt notat om fritidsklubber i Fjelldal.\n")],
                              RegionCollection(store, config.DEFAULT_REGION))
    assert result.ok
    ingest_corpus(None, database, embedder)
    after = _cli("ingest", "--corpus", str(corpus_dir), "--index", database, "--if-stale")  # the line start.sh runs
    assert after.returncode == 0, after.stdout + after.stderr
    again = ingest_corpus(corpus_dir, database, embedder)
    assert "felles/opplastet.md" in again.index.documents()
    assert store.document_digest("felles/opplastet.md") is not None


def test_a_removed_administrator_can_do_nothing_more_from_an_open_session(database):
    store = _store(database)
    admin = accounts.add_administrator(store, "kari", "nordland", PASSWORD)
    assert accounts.current(store, admin) == admin
    accounts.remove_administrator(store, "kari")
    assert accounts.current(store, admin) is None
    from absolutt_kb.records import Person, Source

    person = Person(id="person:ola-nordmann", title="Ola Nordmann", text="Ola Nordmann", name="Ola Nordmann",
                    source=Source("nordland/a.md", "linje 1", "nordland"))
    with pytest.raises(accounts.AccountError, match="finnes ikke lenger"):
        accounts.remove_person(store, admin, person)


def test_a_regional_administrator_cannot_remove_a_person_other_regions_also_name(database):
    from absolutt_kb.records import Person, Source

    store = _store(database)
    regional = accounts.add_administrator(store, "kari", "nordland", PASSWORD)
    national = accounts.add_administrator(store, "drift", config.DEFAULT_REGION, PASSWORD)
    shared = Person(id="person:ola-nordmann", title="Ola Nordmann", text="Ola Nordmann", name="Ola Nordmann",
                    source=Source("program.docx", "linje 3", config.DEFAULT_REGION),
                    mentions=(Source("nordland/notat.md", "linje 1", "nordland"),))
    with pytest.raises(accounts.AccountError, match="nasjonal administrator"):
        accounts.remove_person(store, regional, shared)
    accounts.remove_person(store, national, shared)
    assert "person:ola-nordmann" in store.privacy_rules().suppressed_people


def test_wrong_passwords_are_throttled_and_blank_passwords_and_path_regions_refused(database):
    store = _store(database)
    accounts.add_administrator(store, "kari", "nordland", PASSWORD)
    for _ in range(accounts.MAX_FAILURES):
        assert accounts.log_in(store, "kari", "feil passord", address="10.0.0.7") is None
    with pytest.raises(accounts.TooManyAttempts):
        accounts.log_in(store, "kari", PASSWORD, address="10.0.0.8")  # the user name is held back …
    with pytest.raises(accounts.TooManyAttempts):
        accounts.log_in(store, "per", "feil passord", address="10.0.0.7")  # … and so is the address
    with pytest.raises(accounts.AccountError, match="minst 12"):
        accounts.add_administrator(store, "per", "nordland", " " * 12)
    for region in ("../felles", "a/b", "nord\x00land", ""):
        with pytest.raises(accounts.AccountError):
            accounts.add_administrator(store, "per", region, PASSWORD)
    assert accounts.log_in(store, "ka\x00ri", PASSWORD) is None
    assert accounts.add_administrator(store, "per", "troms-og-finnmark", PASSWORD).region == "troms-og-finnmark"


def test_a_login_name_with_a_nul_character_gets_a_message_not_a_traceback(built_pg, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ABSOLUTT_KB_INDEX", built_pg.index._store.url)
    config.reload()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("views/upload.py").run()
    at.text_input[0].input("ka\x00ri")
    at.text_input[1].input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert any("kontrolltegn" in e.value for e in at.error)
