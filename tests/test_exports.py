"""What a facilitator downloads: references (APA, RIS, BibTeX, CSV) and the gathering pack (Markdown, DOCX)."""

from __future__ import annotations

import csv
import io

from docx import Document

from absolutt_kb.bibliography import apa, to_bibtex, to_csv, to_ris
from absolutt_kb.planner import SECTIONS, propose_pack, to_docx, to_markdown
from absolutt_kb.records import Source, Work
from absolutt_kb.search import Searcher
from absolutt_kb.themes import load_taxonomy
from absolutt_kb.uploads import add_documents, password_ok

WORK = Work(
    id="literature:x", title="Profesjonsfellesskap i skolen", text="", source=Source("liste.md", "linje 3"),
    authors=("Dahl, T.", "Ødegård, E. & Co"), year=2016, publisher="Fagbokforlaget", place="Bergen",
    citation="Dahl, T. & Ødegård, E. (2016). Profesjonsfellesskap i skolen. Bergen: Fagbokforlaget.",
)


def test_apa_has_authors_year_title_and_publisher():
    assert apa(WORK) == "Dahl, T., & Ødegård, E. & Co (2016). Profesjonsfellesskap i skolen. Fagbokforlaget."


def test_ris_bibtex_and_csv_carry_every_work():
    ris = to_ris([WORK, WORK])
    assert ris.count("TY  - BOOK") == 2 and ris.count("ER  - ") == 2 and "AU  - Ødegård, E. & Co" in ris
    bib = to_bibtex([WORK, WORK])
    assert "@book{dahl2016," in bib and "@book{dahl2016a," in bib  # unique keys
    assert "Ødegård, E. \\& Co" in bib  # & escaped for LaTeX
    rows = list(csv.reader(io.StringIO(to_csv([WORK]).lstrip("\ufeff"))))
    assert rows[0][:3] == ["forfattere", "år", "tittel"] and rows[1][2] == WORK.title


def test_gathering_pack_for_a_theme_downloads_as_markdown_and_docx(built, embedder):
    theme = next(t for t in load_taxonomy() if t.id == "framtidsbilder")
    pack = propose_pack(Searcher(built.index, embedder), "", theme, per_section=3)
    assert set(pack.sections) == set(SECTIONS) and pack.sections["person"]
    markdown = to_markdown(pack)
    assert markdown.startswith("# Samling: Framtidsbilder") and "## Foredragsholdere og ressurspersoner" in markdown
    assert "Kilde:" in markdown
    doc = Document(io.BytesIO(to_docx(pack)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("Samling: Framtidsbilder") and "Foredragsholdere og ressurspersoner" in headings


def test_upload_adds_a_readable_file_and_refuses_a_false_pdf_without_losing_anything(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text("Gammel plan om tidlig innsats.", encoding="utf-8")
    results = add_documents(
        [("../../plan.txt", "Ny plan om medvirkning.".encode()), ("rapport.pdf", b"ikke en pdf"), ("tom.md", b"")],
        corpus,
    )
    assert [r.ok for r in results] == [True, False, False]
    assert results[0].stored_as == "plan-2.txt"  # the old plan.txt is kept
    assert (corpus / "plan.txt").read_text(encoding="utf-8") == "Gammel plan om tidlig innsats."
    assert "PDF" in results[1].reason and "tom" in results[2].reason
    assert sorted(p.name for p in corpus.iterdir()) == ["plan-2.txt", "plan.txt"]


def test_upload_size_cap_and_password(tmp_path):
    results = add_documents([("stor.txt", b"a" * 2048)], tmp_path, max_bytes=1024)
    assert not results[0].ok and "større enn" in results[0].reason
    assert password_ok("hemmelig", "hemmelig") and not password_ok("feil", "hemmelig") and not password_ok("x", None)


def test_the_upload_check_runs_in_the_sandbox_with_ingests_limits(tmp_path):
    """A file that would stall the reader is stopped at the time limit, in a child process, not in the server."""
    import time

    from absolutt_kb.uploads import add_documents
    from ingest.sandbox import ParseLimits

    started = time.perf_counter()
    (result,) = add_documents(
        [("notat.txt", ("Samling om trivsel i skolen. " * 50000).encode())], tmp_path / "corpus",
        limits=ParseLimits(seconds=0.001),
    )
    assert not result.ok and "tok mer enn" in result.reason
    assert time.perf_counter() - started < 30
    assert not (tmp_path / "corpus" / "notat.txt").exists()


def test_a_scanned_record_is_exported_in_its_repaired_form():
    from absolutt_kb.planner import GatheringPack, PackItem, describe, to_markdown
    from absolutt_kb.records import Source, Tip

    tip = Tip(id="tip:x", title="Tips", text="Alle barn har rett til & vaere med", source=Source("plan.txt", "linje 3"),
              repaired_text="Alle barn har rett til å være med")
    line = describe(tip)
    assert line == "Alle barn har rett til å være med"
    assert "å være med" in to_markdown(GatheringPack("Samling: x", "x", {"tip": [PackItem(tip, line)]}))
