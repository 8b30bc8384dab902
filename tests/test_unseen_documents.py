"""The same code extracts records from a PDF and a DOCX in layouts the seeds do not have."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract_document
from ingest.readers import read_document
from tests.documents import write_docx, write_pdf


def by_kind(records, kind):
    return [r for r in records if r.kind == kind]


def test_pdf_drops_running_header_and_page_numbers_and_rejoins_wrapped_lines(tmp_path):
    doc = read_document(write_pdf(tmp_path / "agder.pdf"))
    texts = [b.text for b in doc.blocks]
    assert not any("Oppvekstkonferansen 2026" in t for t in texts), "running header kept"
    assert not any(t.strip() in {"1", "2"} for t in texts), "page number kept"
    assert any(t.endswith("om psykisk helse i skolen og livsmestring for de yngste elevene") for t in texts)
    assert any("En praktisk veileder. Oslo: Universitetsforlaget." in t for t in texts)


def test_pdf_gives_people_works_practice_and_gathering(tmp_path):
    records = extract_document(read_document(write_pdf(tmp_path / "agder.pdf")))
    people = {p.name: p for p in by_kind(records, "person")}
    assert people["Mona Fjell"].affiliation == "Universitetet i Agder"
    assert "psykisk helse" in people["Mona Fjell"].topics[0]
    assert people["Jonas Berg"].topics == ("politisk styring av oppvekstfeltet",)
    assert people["Hanne Vik"].role == "organiser" and people["Tor Lien"].affiliation == "KS Agder"
    (work,) = by_kind(records, "literature")
    assert work.authors == ("Fjell, M.", "Berg, J.") and work.year == 2021
    assert work.place == "Oslo" and work.publisher == "Universitetsforlaget"
    owners = {p.owner for p in by_kind(records, "practice")}
    assert owners == {"Arendal kommune", "Grimstad kommune"}
    (gathering,) = by_kind(records, "gathering")
    assert gathering.date == "2026-05-12" and gathering.place == "Kristiansand"
    assert all(r.source.locator.startswith("side ") for r in records)


def test_docx_gives_gathering_presenters_from_table_works_and_tips(tmp_path):
    records = extract_document(read_document(write_docx(tmp_path / "hallingdal.docx")))
    (gathering,) = by_kind(records, "gathering")
    assert gathering.date == "2026-03-03" and gathering.region == "Hallingdal"
    assert gathering.place == "Gol kulturhus"
    assert any("Nes kommune presenterer" in line for line in gathering.programme)
    people = {p.name: p for p in by_kind(records, "person")}
    assert set(people) == {"Eva Moen", "Nils Aas"}
    assert people["Eva Moen"].role == "presenter" and people["Eva Moen"].affiliation == "Nes kommune"
    works = {w.title: w for w in by_kind(records, "literature")}
    assert works["Ungdata som styringsverktøy"].year == 2022
    assert works["Med barnet i sentrum"].lead == "NOU 2023: 4" and works["Med barnet i sentrum"].year == 2023
    assert works["Med barnet i sentrum"].authors == ()  # DSS printed it; no ministry is named
    assert {t.title for t in by_kind(records, "tip")} == {
        "Del data med elevrådet",
        "Lag en felles tidsplan for planarbeidet",
    }


def test_markdown_lists_under_other_headings_are_read_by_meaning():
    from pathlib import Path

    records = extract_document(read_document(Path(__file__).parent / "fixtures/corpus/nettverkssamling-vestland.md"))
    names = {p.name for p in by_kind(records, "person")}
    assert names == {"Kari Nordvik", "Ola Bjørk", "Siri Bjørk", "Per Hansen"}
    assert {p.owner for p in by_kind(records, "practice")} == {"Askøy kommune", "Bjørnafjorden kommune"}
    works = by_kind(records, "literature")
    assert {w.lead for w in works} == {"Nordvik, K.", "Utdanningsdirektoratet", "Meld. St. 6 (2019–2020)"}


def test_people_are_linked_to_the_works_they_wrote():
    from pathlib import Path

    from absolutt_kb.links import link_records
    from absolutt_kb.merge import merge_records

    doc = read_document(Path(__file__).parent / "fixtures/corpus/nettverkssamling-vestland.md")
    records = {r.title: r for r in link_records(merge_records(extract_document(doc)))}
    assert records["Tidlig innsats i praksis"].id in records["Kari Nordvik"].links
    assert records["Kari Nordvik"].id in records["Tidlig innsats i praksis"].links
    assert not records["Per Hansen"].links


@pytest.mark.parametrize(
    ("document", "passage_text", "linked"),
    [
        ("referat.md", "Namsos kommune viste årshjulet for STYRINGSDOKUMENTENE sine.", True),  # place and a title word
        ("referat.md", "Namsos kommune var vertskap for samlingen.", False),  # the place alone
        ("referat.md", "Andre kommuner har laget STYRINGSDOKUMENTENE sine.", False),  # the word alone
        ("praksis.md", "Namsos kommune viste årshjulet for STYRINGSDOKUMENTENE sine.", False),  # its own document
    ],
)
def test_a_practice_example_is_linked_to_passages_elsewhere_that_name_its_place_and_its_title(
    document, passage_text, linked
):
    from absolutt_kb.links import link_records
    from absolutt_kb.records import Passage, PracticeExample, Source

    example = PracticeExample(id="practice:namsos", title="Årshjul for STYRINGSDOKUMENTENE", text="…",
                              source=Source("praksis.md", "l1"), owner="Namsos kommune")
    other = PracticeExample(id="practice:steinkjer", title="Ungdomsrådet i BUDSJETTET", text="…",
                            source=Source("praksis.md", "l2"), owner="Steinkjer kommune")
    passage = Passage(id="passage:p", title="Referat", text=passage_text, source=Source(document, "l3"))
    by_id = {r.id: r for r in link_records([example, other, passage])}
    assert (passage.id in by_id[example.id].links) is linked
    assert (example.id in by_id[passage.id].links) is linked
    assert not by_id[other.id].links  # another place's example is not linked
