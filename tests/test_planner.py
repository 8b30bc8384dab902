"""Planlegg samling: what a facilitator hands out — speakers with their talks, sources by title, date, place, programme."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from absolutt_kb import config
from absolutt_kb.browse import readable_name
from absolutt_kb.planner import GatheringPack, PackItem, describe, to_docx, to_markdown
from absolutt_kb.records import Person, Source, ThemeLink, Tip
from absolutt_kb.themes import load_taxonomy

APP = str(Path(__file__).parent.parent / "app.py")
ROLES_LINK = ThemeLink("roller-og-ansvar", "Roller og ansvar – Samspill og dialog", 1.6,
                       evidence="nærmest «Roller og ansvar»; ord: ansvar", subtheme="Roller og ansvar")


def _speaker(*topics: str, themes: tuple[ThemeLink, ...] = (ROLES_LINK,)) -> Person:
    return Person(id="person:kari-nordvik", title="Kari Nordvik", text="", source=Source("program.txt", "linje 4"),
                  name="Kari Nordvik", affiliation="KS Agder", topics=topics, themes=themes)


@pytest.mark.parametrize(("topic", "shown"), [
    ("Kontakt: Kari Nordvik, KS Agder", False),  # a contact line
    ("Kontaktperson Kari Nordvik", False),
    ("tlf. 913 45 678", False),  # a phone number
    ("+47 22 33 44 55", False),
    ("kari.nordvik@ks.no", False),  # an e-mail address
    ("Påmelding til samlingen", False),
    ("jurist", False),  # a job title, alone or with a workplace
    ("Rådgiver, KS Agder", False),
    ("Førsteamanuensis ved Universitetet i Bergen", False),
    ("Seniorrådgiver i KS", False),
    ("Daglig leder", False),
    ("fagsjef for barnehager hos NHO Geneo", False),  # a title with what it is for, then the workplace
    ("tidlig innsats i barnehagen", True),  # real talks and subjects are kept
    ("Hvordan bli en god leder", True),
    ("Rektors rolle i utviklingsarbeidet", True),
    ("Kontaktlærerens rolle", True),
    ("Leder i endring", True),
    ("Handlingsrom i styringsdialogen 2020–2024", True),
    # a report's paragraph next to a name is no talk
    (("og fortalte at første trappetrinn i alt inkluderingsarbeid er de holdninger og verdier som ligger til bunns, "
      "holdninger til barna, til jobben, til foreldrene og seg selv, blant annet"), False),
])
def test_a_speakers_topic_is_a_talk_never_a_contact_line_or_a_job_title(topic, shown):
    line = describe(_speaker(topic), "roller-og-ansvar")
    assert line.startswith("Kari Nordvik, KS Agder")
    assert (topic in line) is shown


def test_a_speaker_with_no_talk_left_gets_the_theme_links_reason_or_no_topic():
    line = describe(_speaker("Kontakt: 22 33 44 55", "jurist", "kommunenes ansvar"), "roller-og-ansvar")
    assert line == "Kari Nordvik, KS Agder – kommunenes ansvar"  # the talk stays, the rest goes
    line = describe(_speaker("Kontakt: 22 33 44 55", "jurist"), "roller-og-ansvar")
    assert line == "Kari Nordvik, KS Agder (temakobling: nærmest «Roller og ansvar»; ord: ansvar)"
    assert describe(_speaker("kari@ks.no", themes=()), None) == "Kari Nordvik, KS Agder"


@pytest.mark.parametrize(("document", "title"), [
    ("ks-absolutt-programside.txt", "Ks absolutt programside"),
    ("region/plan_for-oppvekst_2020-2024.docx", "Plan for oppvekst 2020-2024"),
    ("kongsbergregionen-samling-2025-03-21.txt", "Kongsbergregionen samling 2025-03-21"),
])
def test_a_file_name_reads_as_a_title_when_the_document_opens_without_one(document, title):
    assert readable_name(document) == title


TIP = Tip(id="tip:x", title="Tips", text="Sett av tid til refleksjon", source=Source("gode-rad.md", "linje 7"))
PACK = GatheringPack("Samling: Roller og ansvar", "Roller og ansvar, samspill og dialog.",
                     {"tip": [PackItem(TIP, "Sett av tid til refleksjon", "Gode råd fra Vestland")]},
                     date="21. mars 2026", place="Gol kulturhus", agenda="09.00 Velkommen\n\n09.15 Roller i *praksis*")


def test_date_place_and_programme_head_the_markdown():
    markdown = to_markdown(PACK)
    assert markdown.startswith("# Samling: Roller og ansvar\n\n**Dato:** 21. mars 2026  \n**Sted:** Gol kulturhus\n")
    assert "## Program\n\n- 09.00 Velkommen\n- 09.15 Roller i \\*praksis\\*\n" in markdown  # a line each, as text
    assert markdown.index("## Program") < markdown.index("## Tips")
    assert "*Kilde: Gode råd fra Vestland*" in markdown and "linje 7" not in markdown and ".md" not in markdown


def test_the_word_file_is_titled_and_authored_and_carries_the_header():
    doc = Document(io.BytesIO(to_docx(PACK)))
    props = doc.core_properties
    assert props.title == "Samling: Roller og ansvar" and props.author == "absolutt-kb"
    assert props.last_modified_by == "absolutt-kb" and "python-docx" not in (props.author, props.last_modified_by)
    assert props.subject == "Roller og ansvar, samspill og dialog." and "Roller og ansvar" in props.keywords
    texts = [p.text for p in doc.paragraphs]
    assert texts[1:3] == ["Dato: 21. mars 2026", "Sted: Gol kulturhus"]
    assert "Program" in texts and "09.15 Roller i *praksis*" in texts
    assert any("Kilde: Gode råd fra Vestland" in t for t in texts)


def test_a_long_theme_description_still_fits_a_word_property():
    pack = GatheringPack("Samling: x", "ord " * 200, {})
    assert len(Document(io.BytesIO(to_docx(pack))).core_properties.subject) <= 255


# The page, headless, on the fixture corpus --------------------------------------------------------------------------


@pytest.fixture()
def downloads(monkeypatch):
    """What the page's download buttons hand out, by file name."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, data, mimetype, kind, filename=None):
        if filename:
            files[filename] = data
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files


THEME = next(t for t in load_taxonomy() if t.id == "framtidsbilder")


def _file(downloads: dict[str, bytes], ending: str) -> bytes:
    (name,) = [n for n in downloads if n.startswith("samling-framtidsbilder") and n.endswith(ending)]
    return downloads[name]


@pytest.fixture()
def planner(built, downloads, monkeypatch):
    """The planner page with a pack proposed for «Framtidsbilder»."""
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", str(built.index_dir))
    config.reload()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("views/planner.py").run()
    at.selectbox[0].set_value(THEME.id).run()
    at.button[0].click().run()
    assert not at.exception
    return at


def test_the_date_place_and_programme_typed_on_the_page_are_in_both_downloads(planner, downloads):
    planner.text_input(key="pack-date").input("21. mars 2026")
    planner.text_input(key="pack-place").input("Gol kulturhus")
    planner.text_area(key="pack-agenda").input("09.00 Velkommen\n09.15 Framtidsbilder i gruppe").run()
    assert not planner.exception
    markdown = _file(downloads, ".md").decode()
    assert "**Dato:** 21. mars 2026" in markdown and "**Sted:** Gol kulturhus" in markdown
    assert "## Program\n\n- 09.00 Velkommen\n- 09.15 Framtidsbilder i gruppe" in markdown
    doc = Document(io.BytesIO(_file(downloads, ".docx")))
    texts = [p.text for p in doc.paragraphs]
    assert "Dato: 21. mars 2026" in texts and "Sted: Gol kulturhus" in texts and "09.15 Framtidsbilder i gruppe" in texts
    assert doc.core_properties.title == f"Samling: {THEME.title}" and doc.core_properties.author == "absolutt-kb"


def test_sources_are_document_titles_that_open_the_passage(planner, downloads):
    links = [e.proto for e in planner.get("page_link") if e.proto.label.startswith("Kilde: ")]
    assert links and all(link.query_string.startswith("id=") for link in links)
    labels = {link.label.removeprefix("Kilde: ") for link in links}
    assert "Nettverkssamling for oppvekst i Vestland" in labels  # the document's own heading, not its file name
    assert not any("linje" in label or label.endswith((".md", ".txt", ".pdf", ".docx")) for label in labels)
    markdown = _file(downloads, ".md").decode()
    assert "Kilde: Nettverkssamling for oppvekst i Vestland" in markdown and "linje" not in markdown


def test_an_unticked_proposal_is_left_out_and_a_moved_one_moves(planner, downloads):
    first, second = (c.label for c in planner.checkbox[:2])
    planner.button(key="down-person-1-0").click().run()  # the first speaker one step down
    assert [c.label for c in planner.checkbox[:2]] == [second, first]
    markdown = _file(downloads, ".md").decode()
    assert markdown.index(second) < markdown.index(first)
    planner.checkbox[0].uncheck().run()
    assert second not in _file(downloads, ".md").decode()
