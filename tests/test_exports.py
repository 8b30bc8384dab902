"""What a facilitator downloads: references (APA, RIS, BibTeX, CSV) and the gathering pack (Markdown, DOCX)."""

from __future__ import annotations

import csv
import io
import re

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from docx import Document

from absolutt_kb.bibliography import apa, export_stem, to_bibtex, to_csv, to_ris
from absolutt_kb.merge import merge_records
from absolutt_kb.planner import SECTIONS, propose_pack, to_docx, to_markdown
from absolutt_kb.records import Source, Work, record_from_dict
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


RIS_TAGS = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}  # rispy follows the 2011 spec, which has no ED


@pytest.fixture(scope="module")
def corpus_works() -> list[Work]:
    """The bundled corpus's works, read as ingest reads them (the list rules; no model needed for literature)."""
    from ingest.pipeline import extract_document
    from ingest.readers import read_document
    from tests.conftest import REPO

    records = []
    for path in sorted((REPO / "corpus").iterdir()):
        records.extend(extract_document(read_document(path)))
    return [r for r in merge_records(records) if r.kind == "literature"]


@pytest.fixture(scope="module")
def bibtex(corpus_works) -> dict[str, bibtexparser.model.Entry]:
    """The corpus's BibTeX export as a reference manager reads it: names split into their parts. Key: the title."""
    library = bibtexparser.parse_string(to_bibtex(corpus_works), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not library.failed_blocks and len(library.entries) == len(corpus_works) == 35
    assert len({e.key for e in library.entries}) == 35
    return {e["title"]: e for e in library.entries}


@pytest.fixture(scope="module")
def ris(corpus_works) -> dict[str, dict]:
    """The corpus's RIS export as rispy reads it. Key: the title."""
    entries = rispy.loads(to_ris(corpus_works), mapping=RIS_TAGS, list_tags=[*rispy.LIST_TYPE_TAGS, "ED"])
    assert len(entries) == len(corpus_works) == 35 and not any(e.get("unknown_tag") for e in entries)
    return {e["title"]: e for e in entries}


def _one(entries: dict, words: str):
    (found,) = [e for title, e in entries.items() if words in title]
    return found


def _names(entry, field: str) -> list[str]:
    """Each name as BibTeX reads it: "Surname, Given" for a person, the whole name for an organisation."""
    return [" ".join(n.last) + (", " + " ".join(n.first) if n.first else "") for n in entry.fields_dict[field].value]


def test_white_papers_and_nous_have_a_year_a_number_and_their_ministry_as_author(corpus_works, bibtex, ris):
    official = [w for w in corpus_works if w.publication_type == "official"]
    assert len(official) == 3 and all(w.year for w in official)
    paper = _one(bibtex, "Tid for lek og læring")
    assert paper.entry_type == "techreport" and paper["year"] == "2015"
    assert paper["type"] == "Meld. St." and paper["number"] == "19 (2015–2016)"
    assert _names(paper, "author") == ["{Kunnskapsdepartementet}"] and paper["institution"] == "Kunnskapsdepartementet"
    assert _one(bibtex, "Fremtidens skole")["number"] == "2015: 8" and _one(bibtex, "Fremtidens skole")["type"] == "NOU"
    entry = _one(ris, "Tid for lek og læring")
    assert entry["type_of_reference"] == "RPRT" and entry["year"] == "2015"
    assert entry["type_of_work"] == "Meld. St." and entry["issn"] == "19 (2015–2016)"
    assert entry["authors"] == ["Kunnskapsdepartementet"]
    for authors in [_names(e, "author") for e in bibtex.values() if "author" in e] + [e.get("authors", []) for e in ris.values()]:
        assert not any(re.match(r"\{?(Meld|NOU|St\.)", a) for a in authors)


def test_organisations_are_one_name_in_bibtex_and_persons_are_split(corpus_works, bibtex):
    organisations = {a for w in corpus_works for a in w.corporate_authors}
    assert {"KS", "OECD", "Rambøll", "Ekspertgruppa om lærerrollen", "Kunnskapsdepartementet"} <= organisations
    assert "Jøsendal" not in organisations  # a surname, "m.fl." after it
    for entry in bibtex.values():
        for name in entry.fields_dict["author"].value if "author" in entry else ():
            whole = " ".join(name.last)
            if whole.strip("{}") in organisations:
                assert whole.startswith("{") and whole.endswith("}") and not name.first, whole
    assert _names(_one(bibtex, "Om lærerrollen"), "author") == ["{Ekspertgruppa om lærerrollen}"]
    assert _names(_one(bibtex, "profesjonsutvikling"), "author") == ["{KS}", "{Skolelederforbundet}", "{Utdanningsforbundet}"]
    assert _names(_one(bibtex, "Forvaltning og politikk"), "author")[:2] == ["Christensen, T.", "Egeberg, M."]
    assert "author = {{Utdanningsdirektoratet}}" in to_bibtex([
        Work(id="x", title="Rammeplan", text="", source=Source("a", "b"), authors=("Utdanningsdirektoratet",),
             corporate_authors=("Utdanningsdirektoratet",), year=2017, publication_type="book"),
    ])


def test_a_chapter_is_incollection_with_its_book_and_editors(bibtex, ris):
    chapter = _one(bibtex, "Kommunalt handlingsrom")
    assert chapter.entry_type == "incollection"
    assert chapter["title"] == "Kommunalt handlingsrom. Hvordan forholder norske kommuner seg til ansvarsstyring i skolen?"
    assert chapter["booktitle"].startswith("Ansvarlighet i skolen. Politiske spørsmål og pedagogiske svar")
    assert _names(chapter, "editor") == ["Langfeldt, G.", "Elstad, E.", "Hopmann, S."]
    assert _names(chapter, "author") == ["Engeland, Ø.", "Langfeldt, G.", "Roald, K."]
    assert chapter["publisher"] == "Cappelen Akademisk" and chapter["address"] == "Oslo"
    entry = _one(ris, "Kommunalt handlingsrom")
    assert entry["type_of_reference"] == "CHAP" and entry["secondary_title"].startswith("Ansvarlighet i skolen")
    assert entry["editors"] == ["Langfeldt, G.", "Elstad, E.", "Hopmann, S."]
    assert entry["authors"] == ["Engeland, Ø.", "Langfeldt, G.", "Roald, K."]  # the chapter's, not its book's editors
    edited = _one(ris, "Lokaldemokrati uten kommunalt selvstyre")  # a book its authors edited: ED, never AU
    assert edited["editors"] == ["Baldersheim, H.", "Smith, E."] and "authors" not in edited
    assert _names(_one(bibtex, "Lokaldemokrati uten"), "editor") == ["Baldersheim, H.", "Smith, E."]


def test_an_article_names_its_journal_volume_issue_and_pages(bibtex, ris):
    article = _one(bibtex, "Dialogkonferansen")
    assert article.entry_type == "article"
    assert article["title"] == "Dialogkonferansen som læringsarena og pedagogisk utviklingsverktøy"
    assert (article["journal"], article["volume"], article["number"], article["pages"]) == (
        "Tidsskriftet FoU i praksis", "4", "1", "47--64")
    entry = _one(ris, "Dialogkonferansen")
    assert entry["type_of_reference"] == "JOUR" and entry["journal_name"] == entry["secondary_title"] == "Tidsskriftet FoU i praksis"
    assert (entry["volume"], entry["number"], entry["start_page"], entry["end_page"]) == ("4", "1", "47", "64")


def test_a_thesis_has_its_university_as_school_and_its_town_as_address(bibtex, ris):
    thesis = _one(bibtex, "Pedagogiske lederes kunnskapsledelse")
    assert thesis.entry_type == "phdthesis" and thesis["school"] == "NTNU" and thesis["address"] == "Trondheim"
    assert thesis["title"] == "Pedagogiske lederes kunnskapsledelse som praksis på avdelingen i barnehagen"
    entry = _one(ris, "Pedagogiske lederes kunnskapsledelse")
    assert entry["type_of_reference"] == "THES" and entry["publisher"] == "NTNU" and entry["place_published"] == "Trondheim"


def test_no_title_keeps_a_links_text(corpus_works, bibtex, ris):
    link_text = re.compile(r"\b(les mer|les hele|last ned|klikk|her)\W*$", re.IGNORECASE)
    assert not [w.title for w in corpus_works if link_text.search(w.title)]
    assert not [t for t in [*bibtex, *ris] if link_text.search(t)]
    assert "Investigating the Links to Improved Student Learning" in ris


def test_every_work_exports_with_its_year_and_apa(corpus_works, bibtex, ris):
    dated = [w for w in corpus_works if w.year]
    assert len(dated) == 34  # "KS Folkevalgtprogram 2015 – 2019" gives a period, no year
    assert sum("year" in e for e in bibtex.values()) == sum("year" in e for e in ris.values()) == 34
    assert apa(next(w for w in corpus_works if w.number.startswith("19"))) == (
        "Meld. St. 19 (2015–2016). (2015). Tid for lek og læring – Bedre innhold i barnehagen. Kunnskapsdepartementet.")
    assert apa(next(w for w in corpus_works if w.journal)) == (
        "Lund, T., Rotvold, L.A., Skrøvset, S., Stjernestrøm, E., & Tiller, T. (2010). Dialogkonferansen som "
        "læringsarena og pedagogisk utviklingsverktøy. Tidsskriftet FoU i praksis, 4(1), 47–64.")
    assert apa(next(w for w in corpus_works if w.container)).endswith(
        "I G. Langfeldt, E. Elstad, & S. Hopmann (Red.), Ansvarlighet i skolen. Politiske spørsmål og pedagogiske "
        "svar. Resultater fra forskningsprosjektet «Achieving School Accountability in Practice». Cappelen Akademisk.")


@pytest.mark.parametrize(
    ("search", "theme", "stem"),
    [
        ("leiing i skulen", "", "litteratur-leiing-i-skulen"),
        ("", "Framtidsbilder – hvor vil vi?", "litteratur-framtidsbilder-hvor-vil-vi"),
        ("Læring på tvers", "Roller og ansvar, samspill og dialog", "litteratur-laering-pa-tvers-roller-og-ansvar-samspill-og-dialog"),
        ("   ", "", "litteratur"),
        ("«»?!", "", "litteratur"),
        ("Ødegård/../../etc", "", "litteratur-odegard-etc"),
    ],
)
def test_an_export_is_named_after_the_search_or_theme(search, theme, stem):
    assert export_stem(search, theme) == stem
    assert re.fullmatch(r"[a-z0-9-]{1,71}", export_stem(search, theme))


def test_a_work_from_an_index_built_before_still_loads_and_exports():
    """Before the reference's parts were parsed, a stored work had no type, book, journal or number."""
    stored = {
        "id": "literature:oecd-2016-x", "kind": "literature", "title": "Global competency for an inclusive world",
        "text": "", "source": {"document": "liste.txt", "locator": "linje 3", "region": ""}, "themes": [], "links": [],
        "repaired_text": "", "authors": ["OECD"], "year": 2016, "publisher": "OECD", "place": "Paris",
        "citation": "OECD (2016): Global competency for an inclusive world. Paris: OECD", "et_al": False, "editors": False,
    }
    work = record_from_dict(stored)
    assert isinstance(work, Work) and work.publication_type == "" and work.corporate_authors == ()
    assert bibtexparser.parse_string(to_bibtex([work])).entries[0].entry_type == "book"
    assert rispy.loads(to_ris([work]))[0]["authors"] == ["OECD"]
    assert record_from_dict(WORK.to_dict()) == WORK
    paper = record_from_dict(stored | {"authors": ["Meld. St. 19"], "title": "Tid for lek og læring", "year": 2015,
                                       "citation": "Meld. St. 19 (2015–2016). Tid for lek og læring."})
    entry = bibtexparser.parse_string(to_bibtex([paper])).entries[0]
    assert entry.entry_type == "techreport" and "author" not in entry and entry["number"] == "19"
    assert "authors" not in rispy.loads(to_ris([paper]))[0] and apa(paper).startswith("Meld. St. 19. (2015).")


def test_the_parsed_parts_survive_the_index(built_any):
    """Both backends store a work's new fields and give them back (the fixture corpus's white paper and NOU)."""
    official = {w.lead: w for w in built_any.index.of_kind("literature") if w.publication_type == "official"}
    assert set(official) == {"Meld. St. 6 (2019–2020)", "NOU 2023: 4"}
    paper = official["Meld. St. 6 (2019–2020)"]
    assert (paper.document_type, paper.number, paper.year) == ("Meld. St.", "6 (2019–2020)", 2019)
    assert paper.authors == ("Kunnskapsdepartementet",)
    assert paper.corporate_authors == ("Kunnskapsdepartementet",) and isinstance(paper.corporate_authors, tuple)


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
