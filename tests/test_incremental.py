"""Ingest is incremental: unchanged documents are not parsed or embedded again,
a removed document disappears, and each build is a new version, on both backends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from absolutt_kb import config
from absolutt_kb.build import ingest_corpus
from absolutt_kb.generations import IngestRunning, current_generation, generations, writer_lock
from absolutt_kb.search import Searcher
from absolutt_kb.storage import IndexChanged, open_store
from absolutt_kb.storage.folder import load_index

pytestmark = pytest.mark.slow  # kill tests, servers and ingests in child processes: the full suite only

NEW_PARAGRAPH = """

## Erfaringer fra Fjordbyen

Fjordbyen kommune prøvde ut kveldsmøter med ungdomsrådet om skolevegring og
fikk mange nye stemmer inn i arbeidet med oppvekstplanen.
"""


@pytest.fixture()
def corpus(corpus_dir, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(corpus_dir, folder)
    return folder


def _documents(index) -> set[str]:
    return set(index.column("document"))


def _store(location: str):  # noqa: ANN202
    return open_store(config.current().with_changes(index=location))


def test_unchanged_corpus_is_not_rebuilt(corpus, embedder, index_location):
    first = ingest_corpus(corpus, index_location, embedder)
    again = ingest_corpus(corpus, index_location, embedder)
    assert again.unchanged and again.embedded == 0 and again.parsed == 0
    assert _store(index_location).current_version() == first.index.version  # no new version
    assert again.records == first.records


def test_changed_document_is_the_only_one_parsed_and_only_new_text_embedded(corpus, embedder, index_location):
    index_dir = index_location
    first = ingest_corpus(corpus, index_dir, embedder)
    with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
        fh.write(NEW_PARAGRAPH)
    second = ingest_corpus(corpus, index_dir, embedder)
    failed = sum(not f.ok for f in first.files)  # a file that failed is never remembered: it is read again
    assert second.parsed == 1 + failed and second.parsed_reused == first.parsed - 1 - failed
    assert 0 < second.embedded <= 3  # the new passage (and the passage the heading moved), not the corpus
    hits = Searcher(second.index, embedder).search("skolevegring kveldsmøter ungdomsrådet", k=3)
    assert "Fjordbyen" in hits[0].record.text


def test_removed_document_disappears_from_index_and_search(corpus, embedder, index_location):
    first = ingest_corpus(corpus, index_location, embedder)
    assert "samling-hallingdal.docx" in _documents(first.index)
    (corpus / "samling-hallingdal.docx").unlink()
    second = ingest_corpus(corpus, index_location, embedder)
    assert "samling-hallingdal.docx" not in _documents(second.index)
    assert second.parsed == sum(not f.ok for f in first.files) and second.embedded == 0  # only failures read again
    hits = Searcher(second.index, embedder).search("Hallingdal", k=20)
    assert all(h.record.source.document != "samling-hallingdal.docx" for h in hits)
    if not index_location.startswith("postgresql"):  # and its entry leaves the document cache
        assert len(list((Path(index_location) / "documents").glob("*.json"))) == first.parsed - sum(not f.ok for f in first.files) - 1


def test_a_reader_answers_from_its_version_or_says_a_newer_one_is_out(corpus, embedder, index_location):
    ingest_corpus(corpus, index_location, embedder)
    opened = _store(index_location).open(model=embedder.name)
    searcher = Searcher(opened, embedder)
    with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
        fh.write(NEW_PARAGRAPH)
    ingest_corpus(corpus, index_location, embedder)
    question = "skolevegring kveldsmøter ungdomsrådet"
    if index_location.startswith("postgresql"):  # one shared database: the old rows are gone, so it says so
        with pytest.raises(IndexChanged):
            searcher.search(question, k=3)
    else:  # a folder generation stays readable for whoever opened it
        assert all("Fjordbyen" not in h.record.text for h in searcher.search(question, k=3))
    fresh = Searcher(_store(index_location).open(model=embedder.name), embedder)
    assert "Fjordbyen" in fresh.search(question, k=3)[0].record.text


def test_reader_keeps_its_generation_and_only_two_are_kept(corpus, embedder, tmp_path):
    index_dir = tmp_path / "index"
    ingest_corpus(corpus, index_dir, embedder)
    opened = load_index(index_dir)
    searcher = Searcher(opened, embedder)
    for n in range(2):
        with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
            fh.write(NEW_PARAGRAPH.replace("Fjordbyen", f"Fjordbyen{n}"))
        ingest_corpus(corpus, index_dir, embedder)
    assert [g.name for g in generations(index_dir)] == ["gen-000002", "gen-000003"]
    assert current_generation(index_dir).name == "gen-000003"
    # The first generation's folder is gone, but the reader that opened it still answers from it.
    assert not opened.folder.exists()
    hits = searcher.search("tidlig innsats", k=5)
    assert hits and all("Fjordbyen" not in h.record.text for h in hits)


def test_second_writer_is_told_an_ingest_is_running(corpus, embedder, tmp_path):
    index_dir = tmp_path / "index"
    with writer_lock(index_dir):
        with pytest.raises(IngestRunning, match="pågår"):
            ingest_corpus(corpus, index_dir, embedder)
    assert current_generation(index_dir) is None


class _Counting:
    """The session's embedder, remembering which texts were embedded the plain way (theme texts)."""

    def __init__(self, inner) -> None:
        self._inner, self.name, self.dim, self.plain = inner, inner.name, inner.dim, []

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def embed_passages(self, texts):
        self.plain += list(texts)
        return self._inner.embed_passages(texts)


def test_a_changed_document_does_not_embed_what_unchanged_records_are_about(
    corpus, embedder, index_location, tmp_path, monkeypatch
):
    from absolutt_kb import themes
    from absolutt_kb.records import Passage
    from absolutt_kb.themes import about_text, shown_themes

    # Compared with a fresh build below: the normalisation is computed afresh each time, as a fresh build does
    # (keeping it while little changed is tested on its own).
    monkeypatch.setattr(themes, "RESCORE_SHARE", 0.0)
    first = ingest_corpus(corpus, index_location, embedder)
    about = {about_text(r) for r in first.index.all_records() if not isinstance(r, Passage)} - {""}
    with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
        fh.write(NEW_PARAGRAPH)
    counting = _Counting(embedder)
    second = ingest_corpus(corpus, index_location, counting)
    assert about and not about & set(counting.plain)  # people's topics, works' titles: remembered, not embedded again
    fresh = ingest_corpus(corpus, tmp_path / "fresh", embedder)  # the same themes as a build from nothing
    fresh_themes = {r.id: r.themes for r in fresh.index.all_records()}
    for record in second.index.all_records():  # remembered and new about-vectors: a hair apart
        want = fresh_themes[record.id]
        assert [t.id for t in shown_themes(record.themes)] == [t.id for t in shown_themes(want)], record.id
        assert max(abs(a.score - b.score) for a, b in zip(sorted(record.themes, key=_by_id), sorted(want, key=_by_id))) < 0.02, record.id


def _by_id(link):
    return link.id


def test_a_changed_document_does_not_analyse_again_what_unchanged_records_are_about(
    corpus, embedder, index_location, tmp_path, monkeypatch
):
    from absolutt_kb import themes
    from absolutt_kb.themes import about_text

    first = ingest_corpus(corpus, index_location, embedder)
    unchanged = {about_text(r) for r in first.index.all_records()}
    with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
        fh.write(NEW_PARAGRAPH)
    analysed: list[str] = []
    real_word_set = themes.word_set
    monkeypatch.setattr(themes, "word_set", lambda text: analysed.append(text) or real_word_set(text))
    second = ingest_corpus(corpus, index_location, embedder)
    assert analysed and all("Fjordbyen" in text for text in analysed)  # only the changed section's texts
    assert not set(analysed) & unchanged
    monkeypatch.setattr(themes, "word_set", real_word_set)
    fresh = ingest_corpus(corpus, tmp_path / "fresh", embedder)  # the same keywords found as from nothing

    def keywords(index) -> dict[str, dict[str, str]]:  # the «ord: …» of each theme's evidence
        return {r.id: {t.id: t.evidence.partition("ord: ")[2].partition(";")[0] for t in r.themes}
                for r in index.all_records()}

    assert keywords(second.index) == keywords(fresh.index)
    assert any(any(found.values()) for found in keywords(second.index).values())


def test_an_added_document_leaves_every_other_record_as_it_was_and_the_database_keeps_their_rows(
    corpus, embedder, index_location
):
    first = ingest_corpus(corpus, index_location, embedder)
    before = {r.id: r.to_dict() for r in first.index.all_records()}
    rows_before = _database_rows(index_location)
    (corpus / "fjordbyen.md").write_text("# Erfaringer fra Fjordbyen" + NEW_PARAGRAPH, encoding="utf-8")
    second = ingest_corpus(corpus, index_location, embedder)
    after = {r.id: r.to_dict() for r in second.index.all_records()}
    added = {i for i, r in after.items() if r["source"]["document"] == "fjordbyen.md"}
    assert added and {i: r for i, r in after.items() if i not in added} == before  # theme links included
    if rows_before:  # the database wrote the new document's rows only
        rows_after = _database_rows(index_location)
        assert {i: rows_after[i] for i in before} == rows_before


def _database_rows(location: str) -> dict[str, int]:
    """Each record's row in the database (none for a folder)."""
    if not location.startswith("postgresql"):
        return {}
    import psycopg

    with psycopg.connect(location) as conn:
        return dict(conn.execute("SELECT record_id, id FROM records").fetchall())


def test_an_upload_writes_posting_rows_of_its_own_and_the_database_scores_as_one_whole_index(
    corpus, embedder, database, tmp_path
):
    from absolutt_kb.text import keyword_terms

    ingest_corpus(corpus, database, embedder)
    before = _posting_rows(database)
    added = corpus / "fjordbyen.md"
    added.write_text("# Erfaringer fra Fjordbyen" + NEW_PARAGRAPH, encoding="utf-8")
    grown = ingest_corpus(corpus, database, embedder)
    after = _posting_rows(database)
    assert before.items() <= after.items() and len(after) > len(before)  # the lists held stay as they were
    whole = ingest_corpus(corpus, tmp_path / "whole", embedder)  # one index built from nothing (folder)
    for question in ["ungdomsrådet og skolevegring", "tidlig innsats", "Fjordbyen kommune"]:
        found = [grown.index.keyword(keyword_terms(question), 20), whole.index.keyword(keyword_terms(question), 20)]
        scores = [{index.record(r).id: round(float(s), 4) for r, s in zip(*hits)}
                  for index, hits in zip((grown.index, whole.index), found)]
        assert scores[0] == scores[1] and scores[0], question
    added.unlink()
    ingest_corpus(corpus, database, embedder)
    assert _posting_rows(database) == before  # its rows gone, nothing else rewritten


def _posting_rows(url: str) -> dict[tuple[str, int], bytes]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {(term, block): bytes(records) for term, block, records in
                conn.execute("SELECT term, block, records FROM postings").fetchall()}
