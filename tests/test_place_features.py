"""Where a gathering is held, when no "Sted:" line says it: the places a document names, scored by the place model."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.components.gatherings import with_place
from ingest.gatherings import GatheringFound
from ingest.linear import LinearModel
from ingest.place_features import PlaceMention, _whole, place_features
from tests.test_extraction_components import doc_of


@pytest.mark.parametrize(
    ("text", "span", "whole"),
    [
        ("Samlinga er i Oslo.", "Oslo", True),
        ("Prosjektleiar i Sør-Trøndelag", "Sør", False),  # a piece of a compound
        ("delprosjektleder i Sør- Trøndelag", "Sør", False),  # the same, broken at a line's end
        ("Fristen for innstillinga frå Samarbeidsforum", "Samarbei", False),  # a piece of a word
        ("Velkomen til Folkets Hus!", "Folkets Hus", True),
    ],
)
def test_a_place_is_whole_words_never_a_piece_of_one(text, span, whole):
    start = text.index(span)
    assert _whole(text, start, start + len(span)) is whole


@pytest.mark.parametrize(
    ("paragraphs", "place", "feature"),
    [
        (("Fagdag i Førde", "Tid: 4. februar 2025", "Stad: Førde kulturhus"), "Førde kulturhus", "labelled"),
        (("Fagdag i Førde", "Tid: 4. februar 2025", "Stad: Førde kulturhus"), "Førde", "in_title"),
        (("Fagdag", "Tid: 4. februar 2025", "Stad: Førde kulturhus"), "Førde kulturhus", "dist=+1"),
        (("Fagdag", "Vi møtest i Førde 4. februar 2025."), "Førde", "with_date"),
        (("Fagdag", "Vi møtest i Førde 4. februar 2025."), "Førde", "l0=i"),
    ],
)
def test_what_the_place_model_reads_of_a_place(paragraphs, place, feature):
    doc = doc_of(*paragraphs, names={})
    block = max(i for i, b in enumerate(doc.blocks) if place in b.text)
    date_block = next(i for i, b in enumerate(doc.blocks) if "2025" in b.text)
    mention = PlaceMention(place, "GPE_LOC", block, doc.blocks[block].text.index(place))
    assert feature in place_features(doc, date_block, mention, {mention.key: 1})


def _gathering(place: str = "") -> GatheringFound:
    return GatheringFound("", "2025-02-04", None, place, (), (), "linje 2", "Fagdagen er 4. februar 2025.", block=1)


def test_a_found_place_fills_only_a_gathering_without_one():
    doc = doc_of("Fagdag", "Fagdagen er 4. februar 2025 i Førde.", names={"Førde": "GPE_LOC"})
    sure = LinearModel.fit([{"l0=i": 1.0}, {"bias": 1.0}] * 5, ["y", "n"] * 5, c=10.0, threshold=0.5)
    assert with_place(doc, _gathering(), sure).place == "Førde"
    assert with_place(doc, _gathering("Digital samling"), sure).place == "Digital samling"
    doubtful = LinearModel.fit([{"l0=i": 1.0}, {"bias": 1.0}] * 5, ["y", "n"] * 5, c=10.0, threshold=0.99)
    assert with_place(doc, _gathering(), doubtful).place == ""


def test_a_gathering_card_names_the_place_its_text_gives(tmp_path: Path):
    from absolutt_kb.name_model import NameRecogniser
    from ingest.pipeline import extract_document
    from ingest.readers import read_document

    path = tmp_path / "konferanse.txt"
    path.write_text("Oppvekstkonferansen 2025\n\nKonferansen går av stabelen 22. oktober 2025.\n\n"
                    "Staden er Scandic Ørnen i Bergen, og programmet kjem snart.\n", encoding="utf-8")
    gatherings = [r for r in extract_document(read_document(path), names=NameRecogniser().find)
                  if r.kind == "gathering"]
    assert [g.date for g in gatherings] == ["2025-10-22"]
    assert gatherings[0].place in ("Bergen", "Scandic Ørnen", "Scandic Ørnen i Bergen")
    assert f"Sted: {gatherings[0].place}." in gatherings[0].text
