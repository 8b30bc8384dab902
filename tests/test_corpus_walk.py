"""Nothing lost and nothing leaked when the corpus folder holds awkward files (issue 12, faults 1, 5, 7, 8, 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from absolutt_kb import config

from absolutt_kb.build import NothingToIndex, ingest_corpus
from ingest.readers import decode_text, read_document

TEXT = "Samling om {word} i oppveksten. Kommunene deler erfaringer om {word} og læring for barn og unge."


@pytest.fixture(autouse=True)
def rules_only(monkeypatch):
    """These tests are about files, not names: the list rules are enough and quicker."""
    monkeypatch.setenv("ABSOLUTT_KB_NAMES", "0")
    config.reload()


def ingest(corpus: Path, tmp_path: Path, embedder):  # noqa: ANN001
    report = ingest_corpus(corpus, tmp_path / "index", embedder)
    return report, list(report.index.all_records())


def test_documents_with_the_same_name_stem_are_all_kept(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    long = "referat-fra-regional-samling-om-oppvekst-i-innlandet-del"
    files = {
        "plan.txt": "kvartalsplan", "plan.md": "markdownplan",
        f"{long}-1.txt": "delenen", f"{long}-2.txt": "deleto",
        "sub/notat.txt": "undermappenotat", "sub-notat.txt": "bindestreknotat",
    }
    for name, word in files.items():
        (corpus / name).write_text(TEXT.format(word=word), encoding="utf-8")
    report, records = ingest(corpus, tmp_path, embedder)
    assert {r.document for r in report.files if r.ok} == set(files)
    for name, word in files.items():
        assert any(word in r.text and r.source.document == name for r in records), f"{name} was lost"


def test_a_symlink_is_not_followed_out_of_the_corpus(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "god.txt").write_text(TEXT.format(word="trivsel"), encoding="utf-8")
    secret = tmp_path / "hemmelig.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(secret)
    report, records = ingest(corpus, tmp_path, embedder)
    assert not any("root:x:0:0" in r.text for r in records)
    (skipped,) = [r for r in report.files if r.document == "passwd.txt"]
    assert not skipped.ok and "lenke" in skipped.reason


def test_any_file_name_gets_a_safe_report_line_and_the_rest_is_read(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "god.txt").write_text(TEXT.format(word="trivsel"), encoding="utf-8")
    raw = os.path.join(os.fsencode(str(corpus)), b"d\xf8kument.txt")  # Latin-1 name: not valid UTF-8
    with open(raw, "wb") as fh:
        fh.write(TEXT.format(word="latinnavn").encode())
    (corpus / "ny\nlinje\u202e.txt").write_text(TEXT.format(word="kontrolltegn"), encoding="utf-8")
    report, records = ingest(corpus, tmp_path, embedder)
    names = [r.document for r in report.files]
    assert "d\\xf8kument.txt" in names
    assert all("\n" not in line and "\u202e" not in line for line in (r.line() for r in report.files))
    assert any("latinnavn" in r.text for r in records) and any("kontrolltegn" in r.text for r in records)


def test_a_file_that_cannot_be_opened_gets_a_reason_and_the_others_are_read(tmp_path, embedder, monkeypatch):
    import absolutt_kb.corpus as walking

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "god.txt").write_text(TEXT.format(word="trivsel"), encoding="utf-8")
    (corpus / "laast.txt").write_text(TEXT.format(word="laast"), encoding="utf-8")
    real = walking.file_digest

    def refuse(path: Path) -> str:
        if path.name == "laast.txt":  # the tests run as root, so chmod 000 would not stop the read
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(walking, "file_digest", refuse)
    report, records = ingest(corpus, tmp_path, embedder)
    (locked,) = [r for r in report.files if r.document == "laast.txt"]
    assert not locked.ok and "kan ikke åpnes" in locked.reason
    assert any("trivsel" in r.text for r in records)


def test_one_stray_windows_byte_costs_only_that_byte(tmp_path):
    data = "Skolemiljø og læring for små barn ".encode() * 3 + b"\x96 tankestrek" + b"\n" + b"x" * 5000 + b"\x00slutt"
    path = tmp_path / "blandet.txt"
    path.write_bytes(data)
    text = read_document(path).text
    assert "Skolemiljø og læring for små barn" in text and "– tankestrek" in text
    assert "\x00" not in text and "Ã" not in text


def test_latin1_and_windows_files_still_decode_whole():
    assert decode_text("Brev på latin-1: æøå".encode("latin-1")) == "Brev på latin-1: æøå"
    assert decode_text("«sitat» – tankestrek".encode("cp1252")) == "«sitat» – tankestrek"


@pytest.mark.slow
def test_a_failed_parse_is_not_remembered_and_passes_with_normal_limits(tmp_path, embedder):
    from ingest.sandbox import ParseLimits

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "god.txt").write_text(TEXT.format(word="trivsel"), encoding="utf-8")
    # Long enough that reading it surely takes more than a millisecond: it times out under that limit.
    (corpus / "treg.txt").write_text(TEXT.format(word="tidsgrense") * 400, encoding="utf-8")
    try:
        files = ingest_corpus(corpus, tmp_path / "index", embedder, limits=ParseLimits(seconds=0.001)).files
    except NothingToIndex as exc:  # every file timed out
        files = exc.reports
    assert not next(r for r in files if r.document == "treg.txt").ok
    report = ingest_corpus(corpus, tmp_path / "index", embedder)
    assert all(r.ok for r in report.files), [r.line() for r in report.files]
    assert any("tidsgrense" in r.text for r in report.index.all_records())


def test_an_edited_document_cache_entry_is_not_used(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "god.txt").write_text(TEXT.format(word="trivsel"), encoding="utf-8")
    ingest_corpus(corpus, tmp_path / "index", embedder)
    for entry in (tmp_path / "index" / "documents").glob("*.json"):
        entry.write_text(entry.read_text(encoding="utf-8").replace("trivsel", "forfalsket"), encoding="utf-8")
    (corpus / "ny.txt").write_text(TEXT.format(word="inkludering"), encoding="utf-8")  # something to rebuild for
    records = ingest_corpus(corpus, tmp_path / "index", embedder).index.all_records()
    assert not any("forfalsket" in r.text for r in records)
    assert any("trivsel" in r.text for r in records)
