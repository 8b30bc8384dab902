"""Every record is linked to the programme themes, scored, best first, with evidence."""

from __future__ import annotations

import json

import pytest

from absolutt_kb import config

import numpy as np

from absolutt_kb.records import Passage, Person, Source
from absolutt_kb.themes import MARGIN, TaxonomyError, ThemeLinker, load_taxonomy, shown_themes

IDS = {"kunnskapsgrunnlag", "framtidsbilder", "utviklingsprosessen", "roller-og-ansvar"}


def test_bundled_taxonomy_has_the_four_programme_themes():
    themes = load_taxonomy()
    assert {t.id for t in themes} == IDS
    assert all(t.description and t.subthemes for t in themes)


def test_every_record_has_every_theme_scored_best_first_with_evidence(built):
    for record in built.index.all_records():
        scores = [link.score for link in record.themes]
        assert {link.id for link in record.themes} == IDS
        assert scores == sorted(scores, reverse=True)
        assert all(link.evidence for link in record.themes)


def _linked_with_corpus(built, embedder, extra: list, themes=None) -> list:  # noqa: ANN001
    """Theme links of extra records, scored together with the fixture corpus (as an ingest does)."""
    records = list(built.index.all_records()) + extra
    vectors = np.vstack([np.asarray(built.index.embeddings, dtype=np.float32),
                         embedder.embed_passages([r.text for r in extra])])
    return ThemeLinker(themes or load_taxonomy(), embedder).link_all(records, vectors)[-len(extra):]


def _passage(text: str) -> Passage:
    return Passage(id=f"passage:{abs(hash(text))}", title=text[:30], text=text, source=Source("x.md", "linje 1"))


def test_links_follow_meaning(built, embedder):
    texts = ["Politisk styring: folkevalgtes ansvar og rolle i kommunestyret",
             "Statistikk og undersøkelser viser hvor vi står i dag",
             "Implementering av innovasjon i skolen, steg for steg"]
    links = dict(zip(texts, _linked_with_corpus(built, embedder, [_passage(t) for t in texts])))

    def best(text: str) -> str:
        return links[text][0].id

    assert best("Politisk styring: folkevalgtes ansvar og rolle i kommunestyret") == "roller-og-ansvar"
    assert best("Statistikk og undersøkelser viser hvor vi står i dag") == "kunnskapsgrunnlag"
    assert best("Implementering av innovasjon i skolen, steg for steg") == "utviklingsprosessen"


def test_a_region_can_edit_the_taxonomy_without_code(built, tmp_path, monkeypatch, embedder):
    custom = tmp_path / "temaer.json"
    custom.write_text(json.dumps({"themes": [
        {"id": "friluftsliv", "label": "Friluftsliv", "description": "Turer og natur for barn", "keywords": ["tur"]},
        {"id": "roller-og-ansvar", "label": "Roller og ansvar", "description": "Ansvar og roller"},
    ]}), encoding="utf-8")
    monkeypatch.setenv("ABSOLUTT_KB_THEMES", str(custom))
    config.reload()
    themes = load_taxonomy()
    assert [t.id for t in themes] == ["friluftsliv", "roller-og-ansvar"]
    text = "Barnehagen går på tur i skogen hver uke"
    link = _linked_with_corpus(built, embedder, [_passage(text)], themes)[0][0]
    assert link.id == "friluftsliv" and "tur" in link.evidence


def test_broken_taxonomy_file_gives_a_clear_message(tmp_path):
    broken = tmp_path / "temaer.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="kan ikke brukes"):
        load_taxonomy(broken)


def _person(name: str, topics: tuple[str, ...], affiliation: str = "") -> Person:
    return Person(id=f"person:{name.lower().replace(' ', '-')}", title=name, name=name, affiliation=affiliation,
                  topics=topics, text=f"{name} om {'; '.join(topics)}", source=Source("x.md", "linje 2"))


def test_people_listed_with_one_topic_get_the_same_themes_whatever_their_names(built, embedder):
    people = [_person("Elisabeth Persson", ("inkludering",)), _person("Bengt Persson", ("inkludering",)),
              _person("Marit Kjærnsli", ("PISA",), "UiO"), _person("Kari Nordmann", ("PISA",), "Høgskolen i Volda")]
    links = _linked_with_corpus(built, embedder, people)
    assert links[0] == links[1]  # one topic, one answer: the name does not decide
    assert [(t.id, t.score) for t in links[2]] == [(t.id, t.score) for t in links[3]]  # nor the affiliation


def test_a_record_with_a_flat_score_shows_no_single_guessed_theme(built, embedder):
    nameless = _person("Ola Topicless", ())
    links = _linked_with_corpus(built, embedder, [nameless])[0]
    assert shown_themes(links) == ()  # nothing it is about: no theme shown
    for record in built.index.all_records():
        lead = record.themes[0].score - record.themes[1].score
        shown = shown_themes(record.themes)
        if lead < MARGIN:
            assert len(shown) != 1  # two, or none, and the evidence says why
            assert "ingen klar vinner" in record.themes[0].evidence or "ingen tema" in record.themes[0].evidence
        elif record.themes[0].score > 0:
            assert [t.id for t in shown] == [record.themes[0].id]
