"""Every record is linked to the programme themes, scored, best first, with evidence."""

from __future__ import annotations

import json

import pytest

from absolutt_kb.themes import TaxonomyError, ThemeLinker, load_taxonomy

IDS = {"kunnskapsgrunnlag", "framtidsbilder", "utviklingsprosessen", "roller-og-ansvar"}


def test_bundled_taxonomy_has_the_four_programme_themes():
    themes = load_taxonomy()
    assert {t.id for t in themes} == IDS
    assert all(t.description and t.subthemes for t in themes)


def test_every_record_has_every_theme_scored_best_first_with_evidence(built):
    for record in built.index.records:
        scores = [link.score for link in record.themes]
        assert {link.id for link in record.themes} == IDS
        assert scores == sorted(scores, reverse=True)
        assert all(link.evidence for link in record.themes)


def test_links_follow_meaning(embedder):
    linker = ThemeLinker(load_taxonomy(), embedder)

    def best(text: str) -> str:
        return linker.link(text, embedder.embed_passages([text])[0])[0].id

    assert best("Politisk styring: folkevalgtes ansvar og rolle i kommunestyret") == "roller-og-ansvar"
    assert best("Statistikk og undersøkelser viser hvor vi står i dag") == "kunnskapsgrunnlag"
    assert best("Implementering av innovasjon i skolen, steg for steg") == "utviklingsprosessen"


def test_a_region_can_edit_the_taxonomy_without_code(tmp_path, monkeypatch, embedder):
    custom = tmp_path / "temaer.json"
    custom.write_text(json.dumps({"themes": [
        {"id": "friluftsliv", "label": "Friluftsliv", "description": "Turer og natur for barn", "keywords": ["tur"]},
        {"id": "roller-og-ansvar", "label": "Roller og ansvar", "description": "Ansvar og roller"},
    ]}), encoding="utf-8")
    monkeypatch.setenv("ABSOLUTT_KB_THEMES", str(custom))
    themes = load_taxonomy()
    assert [t.id for t in themes] == ["friluftsliv", "roller-og-ansvar"]
    linker = ThemeLinker(themes, embedder)
    text = "Barnehagen går på tur i skogen hver uke"
    link = linker.link(text, embedder.embed_passages([text])[0])[0]
    assert link.id == "friluftsliv" and "tur" in link.evidence


def test_broken_taxonomy_file_gives_a_clear_message(tmp_path):
    broken = tmp_path / "temaer.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="kan ikke brukes"):
        load_taxonomy(broken)
