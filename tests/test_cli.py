"""The command line is the contract other tools use: ingest, search, records."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from absolutt_kb.cli import build_parser, main
from absolutt_kb.config import Settings
from absolutt_kb.generations import current_generation
from tests.conftest import REPO

RECORD_KEYS = {"id", "kind", "title", "text", "themes", "source"}


def test_ingest_reports_each_file_skips_bad_ones_and_exits_zero(built):
    lines = {r.document: r for r in built.files}
    assert lines["tom-fil.txt"].ok is False and "tom" in lines["tom-fil.txt"].reason
    assert lines["ikke-en-pdf.pdf"].ok is False and "ikke PDF" in lines["ikke-en-pdf.pdf"].reason
    assert lines["samling-hallingdal.docx"].ok and lines["samling-hallingdal.docx"].counts["gathering"] == 1
    assert lines["oppvekstkonferansen-agder.pdf"].ok
    assert "FEIL  tom-fil.txt" in lines["tom-fil.txt"].line()


def test_ingest_command_prints_report_and_rerun_reuses_vectors(corpus_dir, built, capsys):
    assert main(["ingest", "--corpus", str(corpus_dir), "--index", str(built.index_dir)]) == 0
    out = capsys.readouterr().out
    assert "Rapport per fil" in out and "FEIL  ikke-en-pdf.pdf" in out
    assert "0 nye vektorer" in out
    assert main(["ingest", "--if-stale", "--corpus", str(corpus_dir), "--index", str(built.index_dir)]) == 0
    assert "ingenting å gjøre" in capsys.readouterr().out


@pytest.mark.slow
def test_an_ingest_that_reads_a_new_file_ends_cleanly_with_nothing_but_its_report(corpus_dir, built, tmp_path):
    # The parser worker (with the name recogniser) is kept between ingests in a process; at exit it must end
    # on its own, not be killed with its semaphores left for a warning on the user's screen.
    index = tmp_path / "index"
    shutil.copytree(built.index_dir, index)
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "nytt-notat.md").write_text("# Notat\n\nKari Nordvik fortalte om foreldremøter i Fjordvik.\n",
                                          encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus), "--index", str(index)],
                         cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0 and "OK    nytt-notat.md" in run.stdout
    assert "Warning" not in run.stderr and "leaked" not in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_ingest_exits_nonzero_when_nothing_can_be_read(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "tom.txt").write_bytes(b"")
    assert main(["ingest", "--corpus", str(corpus), "--index", str(tmp_path / "i")]) == 1
    assert "Ingen dokumenter" in capsys.readouterr().err
    assert current_generation(tmp_path / "i") is None  # no index was published


def test_search_json_hits_carry_the_contract_fields(built, capsys):
    assert main(["search", "tidlig", "innsats", "i", "barnehagen", "--index", str(built.index_dir), "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and RECORD_KEYS | {"score"} <= set(hits[0])
    assert set(hits[0]["source"]) == {"document", "locator", "region"} and hits[0]["source"]["region"] == "felles"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    people = [h for h in hits if h["kind"] == "person"]
    assert people and people[0]["name"] == "Kari Nordvik"
    assert {"name", "affiliation", "topics", "role", "aliases"} <= set(people[0])


def test_search_kind_filter_and_k(built, capsys):
    assert main(["search", "lærende nettverk", "--index", str(built.index_dir), "--kind", "literature", "--k", "2", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert 1 <= len(hits) <= 2 and {h["kind"] for h in hits} == {"literature"}
    assert hits[0]["title"] == "Veileder for lærende nettverk"
    assert {"authors", "year", "publisher", "place", "citation"} <= set(hits[0])


def test_batch_search_gives_one_json_array_a_line(built, tmp_path, capsys):
    queries = tmp_path / "q.txt"
    queries.write_text("foreldresamarbeid\nsamling i Hallingdal\n", encoding="utf-8")
    assert main(["search", "--batch", str(queries), "--index", str(built.index_dir), "--json", "--k", "3"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert any(h.get("name") == "Ola Bjørk" for h in first)
    assert second[0]["kind"] == "gathering" and second[0]["date"] == "2026-03-03"


def test_empty_query_gets_a_clear_message(built, capsys):
    assert main(["search", "   ", "--index", str(built.index_dir)]) == 2
    assert "Skriv et spørsmål" in capsys.readouterr().err


def test_records_lists_every_record_as_json(built, capsys):
    assert main(["records", "--index", str(built.index_dir), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == built.records
    assert all(RECORD_KEYS <= set(r) for r in records)
    gatherings = [r for r in records if r["kind"] == "gathering"]
    assert {"region", "date", "end_date", "place"} <= set(gatherings[0])


def test_missing_index_is_a_clear_error(tmp_path, capsys):
    assert main(["records", "--index", str(tmp_path / "nowhere"), "--json"]) == 2
    assert "Fant ingen indeks" in capsys.readouterr().err


def test_every_command_has_help_text():
    parser = build_parser(Settings())
    sub = next(a for a in parser._actions if a.dest == "command")
    summaries = {action.dest: action.help for action in sub._choices_actions}
    assert set(summaries) == {"ingest", "search", "records", "eval", "db", "admin"} and all(summaries.values())
    for name, command in sub.choices.items():
        assert all(action.help for action in command._actions if action.dest != "help"), name


def test_eval_prints_system_and_both_baselines(built, tmp_path, capsys):
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "x1", "query": "foreldresamarbeid", "relevant": [
            {"kind": "person", "match": ["Ola Bjørk"], "grade": 2}]}) + "\n",
        encoding="utf-8",
    )
    assert main(["eval", "--queries", str(queries), "--themes", "", "--index", str(built.index_dir)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()[:1] in (["hybrid"], ["bm25"], ["dense"])}
    assert set(rows) == {"hybrid", "bm25", "dense"}
    assert float(rows["hybrid"][1]) == 1.0  # Recall@10: Ola Bjørk is found


def test_search_says_honestly_when_nothing_is_about_the_question(built, capsys):
    assert main(["search", "hvem kan holde foredrag om tannhelse hos barn?", "--index", str(built.index_dir)]) == 0
    out = capsys.readouterr().out
    assert "Fant ingen som handler om «hvem kan holde foredrag om tannhelse hos barn?»." in out
    assert "Nærmeste programtemaer:" in out and "forslag, ikke svar" in out


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ({"person": 3, "gathering": 1, "passage": 7}, "OK    plan.md: 3 personer, 1 samling, 7 utdrag fra dokumenter"),
        ({"practice": 1, "tip": 2}, "OK    plan.md: 1 praksiseksempel, 2 tips"),
        ({}, "OK    plan.md: ingen poster"),
    ],
)
def test_the_report_per_file_says_one_in_the_singular(counts, line):
    from ingest.sandbox import FileReport

    assert FileReport("plan.md", True, counts=counts).line() == line
