"""The real app in headless Chromium, through the three journeys users make.

Runs ``streamlit run app.py`` on the bundled corpus (plus a document with
script in it) and drives it with Playwright and Debian's ``chromium``, which
``.ci/run`` installs. Skipped, with the reason, where no Chromium is installed.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document

from absolutt_kb.build import ingest_corpus
from tests.conftest import bundled_copy

REPO = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")]
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_app(settings: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` with these settings, once it accepts connections; the process and its URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO, env=os.environ | settings, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder, bundled_index):
    corpus, index = bundled_copy(bundled_index, tmp_path_factory.mktemp("e2e"),
                                 [REPO / "tests" / "fixtures" / "corpus" / "farlig-innhold.txt"])
    ingest_corpus(corpus, index, embedder)  # the shared build's documents are not read again
    process, url = _start_app({"ABSOLUTT_KB_CORPUS": str(corpus), "ABSOLUTT_KB_INDEX": str(index)})
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def _search(page, url: str, query: str) -> str:
    page.goto(url)
    box = page.get_by_role("textbox", name="Hva leter du etter?")
    box.fill(query)
    box.press("Enter")
    page.get_by_text("Kilde:").first.wait_for(timeout=60_000)
    return page.locator("[data-testid='stMain']").inner_text()


def test_coordinator_finds_a_speaker_on_inclusion(page, server):
    _search(page, server, "hvem kan holde innlegg om inkludering?")
    page.get_by_text("Personside").first.wait_for(timeout=30_000)
    first_cards = page.locator("[class*='st-key-card-all-']").all_inner_texts()[:5]
    assert any("Person" in card and "inklud" in card.lower() for card in first_cards), first_cards
    page.get_by_text("Personside").first.click()
    page.get_by_text("Her er personen nevnt").wait_for(timeout=30_000)


def test_participant_finds_the_namsos_annual_wheel(page, server):
    _search(page, server, "har noen laget et årshjul for styringsdokumentene?")
    first_cards = page.locator("[class*='st-key-card-all-']").all_inner_texts()[:3]
    assert any("Namsos" in card and "årshjul" in card.lower() for card in first_cards), first_cards


def test_facilitator_builds_and_downloads_a_framtidsbilder_pack(page, server):
    page.goto(f"{server}/samling")
    page.get_by_text("Tema for samlingen").wait_for(timeout=60_000)
    page.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Framtidsbilder – Hvor vil vi?").click()
    page.get_by_role("button", name="Foreslå innhold").click()
    page.get_by_text("Samling: Framtidsbilder").first.wait_for(timeout=60_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="Last ned Word (DOCX)").click()
    doc = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("Samling: Framtidsbilder") and "Foredragsholdere og ressurspersoner" in headings
    with page.expect_download() as info:
        page.get_by_role("button", name="Last ned Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# Samling: Framtidsbilder") and "## Litteratur" in markdown


def test_script_in_a_document_is_shown_as_text_and_never_runs(page, server):
    text = _search(page, server, "digital dømmekraft referat")
    assert "<script>alert('xss')</script>" in text
    assert page.dialogs == []
    scripts = page.evaluate("[...document.querySelectorAll('script')].map(s => s.textContent).join(' ')")
    assert "alert('xss')" not in scripts
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


def test_a_scanned_passage_reads_repaired_with_the_original_a_click_away(page, server):
    _search(page, server, "inkluderende fellesskap nødvendig omsorg")
    card = page.locator("[class*='st-key-card-all-']").filter(has_text="Inkluderende fellesskap").first
    text = card.inner_text()
    assert "nødvendig omsorg" in text and "ngdvendig" not in text, text  # the OCR's "ngdvendig", repaired
    card.get_by_text("Vis originaltekst").click()
    card.get_by_text("ngdvendig omsorg").wait_for(timeout=30_000)  # and what the document itself says


def test_a_question_nothing_answers_gets_the_honest_message(page, server):
    page.goto(server)
    box = page.get_by_role("textbox", name="Hva leter du etter?")
    box.fill("speaker on school absence")
    box.press("Enter")
    page.get_by_text("Fant ingen som handler om «speaker on school absence»").wait_for(timeout=60_000)
    page.get_by_text("Nærmeste programtemaer").wait_for(timeout=60_000)
    assert page.locator("[class*='st-key-card-']").count() == 0  # nothing dressed up as an answer


def test_the_theme_page_draws_its_picture(page, server, tmp_path):
    from PIL import Image

    page.goto(f"{server}/temaer")
    chart = page.locator(".st-key-theme-picture [data-testid='stVegaLiteChart']")
    chart.locator("canvas, svg").first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)  # the bars are drawn after the canvas appears
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    shot = tmp_path / "temaer.png"
    chart.screenshot(path=str(shot))
    colours = Image.open(shot).convert("RGB").getcolors(1 << 20) or []
    coloured = [c for n, c in colours if n > 50 and max(c) - min(c) > 60]  # bars in the kinds' colours, not grey text
    assert len(coloured) >= 3, colours[:20]


@pytest.fixture(scope="module")
def three_servers(tmp_path_factory, embedder, corpus_dir, pg_server):
    """Three app processes on one PostgreSQL database, with an administrator for Nordland."""
    from absolutt_kb import accounts, config
    from absolutt_kb.storage import open_store
    from tests.conftest import new_database

    url = new_database(pg_server)
    ingest_corpus(corpus_dir, url, embedder)
    accounts.add_administrator(open_store(config.current().with_changes(index=url)), "kari", "nordland",
                               "et langt nok passord")
    started = [_start_app({"ABSOLUTT_KB_INDEX": url, "ABSOLUTT_KB_NAMES": "0"}) for _ in range(3)]
    yield [address for _, address in started]
    for process, _ in started:
        process.terminate()
        process.wait(timeout=10)


def test_an_upload_in_one_app_process_is_found_by_the_others_without_a_restart(browser, three_servers, tmp_path):
    question = "kveldsmøter med ungdomsrådet i Fjordvik"
    pages = [browser.new_context(viewport={"width": 1280, "height": 900}).new_page() for _ in three_servers]
    for page, server in zip(pages[1:], three_servers[1:]):  # the other two are up and answering before the upload
        _search(page, server, "tidlig innsats")
    upload = pages[0]
    upload.goto(f"{three_servers[0]}/opplasting")
    upload.get_by_label("Brukernavn").fill("kari")
    upload.get_by_label("Passord").fill("et langt nok passord")
    upload.get_by_role("button", name="Logg inn").click()
    upload.get_by_text("Logget inn som kari i regionen nordland").wait_for(timeout=60_000)
    document = tmp_path / "nettverk-fjordvik.md"
    document.write_text("# Nettverksmøte i Fjordvik\n\nFjordvik kommune prøvde kveldsmøter med ungdomsrådet om "
                        "skolevegring og fikk mange nye stemmer inn i oppvekstplanen.\n", encoding="utf-8")
    upload.locator("input[type='file']").set_input_files(str(document))
    upload.get_by_role("button", name="Legg til og oppdater kunnskapsbasen").click()
    upload.get_by_text("De nye postene er søkbare nå.").wait_for(timeout=180_000)
    for page, server in zip(pages[1:], three_servers[1:]):
        text = _search(page, server, question)
        cards = page.locator("[class*='st-key-card-all-']").all_inner_texts()
        assert any("Fjordvik" in card and "Region: nordland" in card for card in cards[:3]), (server, cards[:3], text[:500])
