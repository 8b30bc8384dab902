"""A coordinator's afternoon in headless Chromium, at 1280 px and at a phone's 390 px.

Gatherings past and to come, a clean card from a Word file with a picture, the
report of an upload of two files, and the header of a gathering pack. The app
runs on the bundled corpus plus those documents, with today fixed at
2026-06-01 and an administrator password in a private ``HOME``. Set
``ABSOLUTT_KB_SCREENSHOTS=DIR`` to keep a screenshot of each step.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from absolutt_kb.build import ingest_corpus
from tests.conftest import bundled_copy
from tests.test_e2e_browser import (
    CHROMIUM,
    REPO,
    _search,
    _start_app,
)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")]
WIDTHS = (1280, 390)
PASSWORD = "et langt nok passord for testen"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def _docx_with_a_picture(path: Path) -> None:
    import docx

    picture = path.with_suffix(".png")
    picture.write_bytes(PNG)
    document = docx.Document()
    document.add_picture(str(picture))
    document.add_paragraph("[image: ]VELKOMMEN TIL SAMLING I ABSOLUTT AGDER")
    document.add_paragraph("Vi møtes på Scandic Kristiansand for å arbeide med skolevegring og tilstedeværelse i skolen.")
    document.save(str(path))
    picture.unlink()


@pytest.fixture(scope="module")
def app(tmp_path_factory, embedder, bundled_index):
    corpus, index = bundled_copy(bundled_index, tmp_path_factory.mktemp("afternoon"),
                                 list((REPO / "tests" / "fixtures" / "gatherings").iterdir()))
    _docx_with_a_picture(corpus / "invitasjon-agder.docx")
    ingest_corpus(corpus, index, embedder)  # the shared build's documents are not read again
    home = tmp_path_factory.mktemp("home")
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(f'admin_password = "{PASSWORD}"\n', encoding="utf-8")
    process, url = _start_app({"ABSOLUTT_KB_CORPUS": str(corpus), "ABSOLUTT_KB_INDEX": str(index),
                               "ABSOLUTT_KB_TODAY": "2026-06-01", "HOME": str(home)})
    yield url, index
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("ABSOLUTT_KB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}-{page.width}.png"), full_page=False)


def _fits(page) -> None:
    """Nothing wider than the screen: the page never scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width + 1


def _cards(page, url: str, query: str) -> list[str]:
    _search(page, url, query)
    return page.locator("[class*='st-key-card-all-']").all_inner_texts()


def test_the_next_gathering_first_and_a_past_one_says_it_was(page, app):
    url, _ = app
    cards = _cards(page, url, "når er neste samling i Trøndelag?")
    gatherings = [c for c in cards if "Samling Trøndelag" in c]
    assert "Kommende samling: 15. september 2026" in gatherings[0] and "Quality Hotel Grand, Steinkjer" in gatherings[0]
    _fits(page)
    _shot(page, "neste-samling")
    cards = _cards(page, url, "når var samlingen om roller og ansvar i Trøndelag?")
    past = next(c for c in cards if "Samling Trøndelag 2025-11-12" in c)
    assert "Var 12. november 2025" in past and "Tidligere" in past
    _shot(page, "tidligere-samling")


def test_a_card_from_a_word_file_with_a_picture_is_clean(page, app):
    url, _ = app
    cards = _cards(page, url, "skolevegring og tilstedeværelse Scandic Kristiansand")
    mine = [c for c in cards if "Scandic Kristiansand" in c]
    assert mine and not any("[image" in c for c in cards)
    _fits(page)
    _shot(page, "rent-kort")


def test_the_planner_header_goes_into_the_download(page, app):
    url, _ = app
    page.goto(f"{url}/samling")
    page.get_by_text("Tema for samlingen").wait_for(timeout=60_000)
    page.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Roller og ansvar – Samspill og dialog").click()
    page.get_by_role("button", name="Foreslå innhold").click()
    page.get_by_role("textbox", name="Dato", exact=True).fill("3. september 2026")
    page.get_by_role("textbox", name="Sted", exact=True).fill("Gol kulturhus")
    page.get_by_role("textbox", name="Program", exact=True).fill("09.00 Velkommen\n09.15 Roller og ansvar i kommunen")
    page.get_by_role("textbox", name="Program", exact=True).press("Control+Enter")
    page.wait_for_timeout(1500)
    _fits(page)
    _shot(page, "planlegger")
    with page.expect_download() as info:
        page.get_by_role("button", name="Last ned Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "3. september 2026" in markdown and "Gol kulturhus" in markdown and "09.15 Roller og ansvar" in markdown


def test_the_upload_report_names_the_two_new_files_with_the_index_counts(page, app, tmp_path):
    from absolutt_kb import config
    from absolutt_kb.storage import open_index

    url, index = app
    page.goto(f"{url}/opplasting")
    page.get_by_label("Passord for administrator").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Dokumenter som skal legges til").first.wait_for(timeout=60_000)
    first = tmp_path / f"nettverk-ytre-{page.width}.md"
    first.write_text("# Nettverksmøte i Ytre\n\nKari Nordmo fra Ytre kommune holdt innlegg om ungdomsråd og "
                     "medvirkning i oppvekstplanen.\n", encoding="utf-8")
    second = tmp_path / f"tips-indre-{page.width}.md"
    second.write_text("# Tips fra Indre kommune\n\n## Tips\n\n- Inviter ungdomsrådet til hver samling\n"
                      "- Del referatet med alle skolene\n", encoding="utf-8")
    page.locator("input[type='file']").set_input_files([str(first), str(second)])
    page.get_by_role("button", name="Legg til og oppdater kunnskapsbasen").click()
    page.get_by_text("Lagt til nå").wait_for(timeout=240_000)
    table = page.locator("[data-testid='stTable']").inner_text()
    _fits(page)
    _shot(page, "opplasting-rapport")
    assert first.name in table and second.name in table
    assert table.count(".md") == 2  # only the two files of this upload, not every document
    counts = open_index(config.current().with_changes(index=str(index))).kinds_by_document()
    for path in (first, second):
        made = sum(counts[path.name].values())
        row = page.locator("[data-testid='stTable'] tr", has_text=path.name).locator("td, th").all_inner_texts()
        assert row[-1].strip() == str(made), (row, made)
