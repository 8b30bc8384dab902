"""Every record is linked to the programme themes, scored, best first, with evidence."""

from __future__ import annotations

import json

import pytest

from absolutt_kb import config

import numpy as np

from absolutt_kb.records import Gathering, Passage, Person, Source
from absolutt_kb.themes import MARGIN, TaxonomyError, ThemeLinker, load_taxonomy, says_too_little, shown_themes

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
    return ThemeLinker(themes or load_taxonomy(), embedder).link_all(records, vectors).links[-len(extra):]


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


ROLES = ("Folkevalgte, rådmannen og tillitsvalgte har ulike roller og ansvar i styringen av barnehage og skole: "
         "hvem har ansvar for hva, og hvordan blir samspillet og dialogen mellom dem god?")


def _belonging_corpus() -> tuple[list, dict[str, tuple[str, str]]]:
    """Records from three small documents where a speaker says nothing of their own; per name, the theme and
    the reason their themes should give."""
    gathering = Gathering(id="gathering:innlandet-2021-02-05", title="Samling Innlandet 2021-02-05: Roller og ansvar",
                          text=f"Samling Innlandet 2021-02-05. Tema: Roller og ansvar; Samspill og dialog. {ROLES}",
                          source=Source("samling.md", "linje 1"), date="2021-02-05",
                          topics=("Roller og ansvar", "Samspill og dialog"))
    section = [Passage(id=f"passage:plan:{n}", title=path[-1], text=text, source=Source("plan.md", f"linje {line}"),
                       heading_path=path, position=n)
               for n, (line, path, text) in enumerate([
                   (1, ("Plan for oppvekst",), "Statistikk, kartlegging og undersøkelser viser hvor vi står i dag."),
                   (5, ("Plan for oppvekst", "Roller og ansvar"), ROLES)])]
    document = [Passage(id="passage:notat:0", title="Styring av oppvekst", text=ROLES, position=0,
                        source=Source("notat.md", "linje 4"), heading_path=("Styring av oppvekst i kommunen",))]
    people = [Person(id=f"person:{slug}", title=name, name=name, topics=topics, text=name,
                     source=Source(doc, f"linje {line}"))
              for slug, name, topics, doc, line in [
                  ("kari", "Kari Lunde", (), "samling.md", 6),
                  ("ola", "Ola Berge", ("statistikk og kartlegging av elevenes læringsresultater",), "samling.md", 7),
                  ("per", "Per Moe", (), "plan.md", 7),
                  ("siri", "Siri Dal", (), "notat.md", 1)]]
    expected = {
        "Kari Lunde": ("roller-og-ansvar", "fra samlingen «Samling Innlandet 2021-02-05: Roller og ansvar»"),
        "Ola Berge": ("kunnskapsgrunnlag", "nærmest"),  # a topic of their own: their own theme
        "Per Moe": ("roller-og-ansvar", "fra avsnittet «Roller og ansvar»"),
        "Siri Dal": ("roller-og-ansvar", "fra dokumentet «Styring av oppvekst i kommunen»"),
    }
    return [gathering, *section, *document, *people], expected


def test_a_record_that_says_too_little_takes_the_theme_of_its_gathering_section_or_document(built, embedder):
    extra, expected = _belonging_corpus()
    links = dict(zip((r.title for r in extra), _linked_with_corpus(built, embedder, extra)))
    for name, (theme, reason) in expected.items():
        assert links[name][0].id == theme, name
        assert links[name][0].evidence.startswith(reason), (name, links[name][0].evidence)
        assert shown_themes(links[name]), name
    assert says_too_little(extra[-1], ()) and not says_too_little(extra[-3], links["Ola Berge"])


PROGRAMME = """# Samling Innlandet 5. februar 2021: Roller og ansvar

Tema: Roller og ansvar – samspill og dialog mellom folkevalgte, administrasjon og tillitsvalgte

Sted: Scandic Hamar

## Program

- 09.00 Velkommen ved Kari Lunde, KS Innlandet
- 09.30 Ola Berge, Universitetet i Innlandet, om statistikk og kartlegging av elevenes læringsresultater
- 11.00 Gruppearbeid: hvem har ansvar for hva i kommunen?
"""


def test_a_speaker_named_without_a_topic_in_a_programme_gets_the_gathering_theme(built, embedder, tmp_path):
    from absolutt_kb.name_model import NameRecogniser
    from ingest.pipeline import extract_document
    from ingest.readers import read_document

    path = tmp_path / "samling-innlandet-roller.md"
    path.write_text(PROGRAMME, encoding="utf-8")
    extra = extract_document(read_document(path), names=NameRecogniser().find)
    links = dict(zip((r.title for r in extra), _linked_with_corpus(built, embedder, extra)))
    (gathering,) = [r for r in extra if r.kind == "gathering"]
    assert links["Kari Lunde"][0].id == links[gathering.title][0].id == "roller-og-ansvar"
    assert links["Kari Lunde"][0].evidence == f"fra samlingen «{gathering.title}»"
    assert links["Ola Berge"][0].id == "kunnskapsgrunnlag"  # a topic of their own decides
    assert not links["Ola Berge"][0].evidence.startswith("fra ")


@pytest.mark.parametrize(
    ("changed", "kept"),
    [(0, True), (2, True), (10_000, False)],  # past RESCORE_SHARE of the corpus the norm is computed afresh
)
def test_a_version_keeps_the_last_normalisation_until_enough_of_the_corpus_changed(built, embedder, changed, kept):
    from absolutt_kb.themes import RESCORE_SHARE, ThemeNorm

    records = built.index.all_records()
    vectors = built.index.vectors(range(len(records)))
    linker = ThemeLinker(load_taxonomy(), embedder)
    fresh = linker.link_all(records, vectors)
    assert fresh.norm is not None and fresh.norm.records == len(records) and fresh.norm.changed == 0
    shifted = ThemeNorm(tuple(m + 0.05 for m in fresh.norm.mean), fresh.norm.spread, fresh.norm.records)
    again = linker.link_all(records, vectors, norm=shifted, changed=changed)
    assert (again.norm == ThemeNorm(shifted.mean, shifted.spread, len(records), changed)) is kept
    assert (again.links == fresh.links) is not kept  # the same links exactly when computed afresh
    assert kept is (changed <= RESCORE_SHARE * len(records))
    assert ThemeNorm.from_dict(again.norm.to_dict()) == again.norm and ThemeNorm.from_dict({}) is None
