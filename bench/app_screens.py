"""Cold start to first result, and screenshots of every page at 1280 and 390 px.

Usage::

    .venv/bin/python bench/app_screens.py [--out shots]

Starts ``streamlit run app.py`` on the current index (build it first with
``ingest``), times from process start until the first search result is on the
screen in headless Chromium, then saves one PNG per page and width.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WARM_QUESTIONS = (
    "årshjul styringsdokumenter",
    "litteratur om skoleeierskap",
    "Who can talk about school leadership?",
    "speaker on school absence",
    "tidlig innsats",
    "hvem kan snakke om PISA",
)
PAGES = {
    "sok": "",
    "person": "person?id=person:ivar-frones",
    "litteratur": "litteratur",
    "temaer": "temaer",
    "samling": "samling",
    "dokument": "dokument",
    "opplasting": "opplasting",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="shots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--headless=new", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            while True:
                try:
                    page.goto(url)
                    break
                except Exception:  # noqa: BLE001 - server not up yet
                    time.sleep(0.2)
            box = page.get_by_role("textbox", name="Hva leter du etter?")
            box.wait_for(timeout=60_000)
            shown = time.perf_counter()
            box.fill("hvem kan holde innlegg om inkludering?")
            box.press("Enter")
            page.get_by_text("Kilde:").first.wait_for(timeout=60_000)
            done = time.perf_counter()
            print(f"cold start: page shown after {shown - started:.1f} s, first result {done - started:.1f} s "
                  f"after the server started, {done - shown:.2f} s after the first question")
            warm = []
            for question in WARM_QUESTIONS:
                before = page.locator("[data-testid='stMain']").inner_text()
                asked = time.perf_counter()
                box.fill(question)
                box.press("Enter")
                # The new answer is on the screen when the page shows something else and nothing is stale
                # (Streamlit greys out what the rerun has not redrawn yet).
                page.wait_for_function(
                    """before => {
                        const main = document.querySelector("[data-testid='stMain']");
                        const shown = document.querySelector("[class*='st-key-card-'], [data-testid='stAlert']");
                        return main.innerText !== before && shown && !document.querySelector("[data-stale='true']")
                            && !document.querySelector("[data-testid='stStatusWidget'] button");
                    }""", arg=before, timeout=60_000, polling=20)
                warm.append(time.perf_counter() - asked)
                print(f"warm search «{question}»: {warm[-1]:.2f} s")
            warm.sort()
            print(f"warm search: median {warm[len(warm) // 2]:.2f} s, slowest {warm[-1]:.2f} s over {len(warm)} questions")
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 1000})
                for name, path in PAGES.items():
                    page.goto(f"{url}/{path}")
                    page.wait_for_timeout(4000)
                    if name == "sok":
                        box = page.get_by_role("textbox", name="Hva leter du etter?")
                        box.fill("hvem kan holde innlegg om inkludering?")
                        box.press("Enter")
                        page.get_by_text("Kilde:").first.wait_for(timeout=60_000)
                        page.wait_for_timeout(1000)
                    if name == "samling":
                        page.get_by_role("button", name="Foreslå innhold").click()
                        page.get_by_text("Samling:").first.wait_for(timeout=60_000)
                        page.wait_for_timeout(1000)
                    page.screenshot(path=out / f"{name}-{width}.png", full_page=False)
                    if name == "sok":  # the honest answer, and a scanned passage read repaired
                        for shot, question in (("fant-ingen", "speaker on school absence"),
                                               ("skannet", "inkluderende fellesskap nødvendig omsorg")):
                            box.fill(question)
                            box.press("Enter")
                            page.wait_for_timeout(2500)
                            page.screenshot(path=out / f"sok-{shot}-{width}.png", full_page=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"screenshots in {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
