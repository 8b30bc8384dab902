"""The search page, driven headless with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parent.parent / "app.py")


@pytest.fixture()
def app(built, monkeypatch):
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", str(built.index_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def test_page_opens_with_a_search_box_in_norwegian(app):
    assert not app.exception
    assert app.title[0].value == "ABSOLUTT kunnskapsbase"
    assert app.text_input[0].label == "Hva leter du etter?"


def test_search_shows_cards_with_source(app):
    app.text_input[0].input("foreldresamarbeid").run()
    assert not app.exception
    titles = [m.value for m in app.markdown]
    assert any("Ola Bjørk" in t for t in titles)
    assert any("Kilde:" in c.value for c in app.caption)


def test_nonsense_query_gets_a_message_not_a_stack_trace(app):
    app.text_input[0].input("!!! ???").run()
    assert not app.exception
    assert any("ingen ord" in i.value for i in app.info)


def test_missing_index_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ABSOLUTT_KB_INDEX", str(tmp_path / "none"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "ingest" in at.error[0].value
