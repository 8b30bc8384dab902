"""Each extraction component on sentences of our own: text in, findings out (table-driven)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from absolutt_kb.language import written_standard
from absolutt_kb.roles import cue_pattern, priority, role_label
from ingest.affiliations import affiliation_candidates
from ingest.candidates import Mention, person_candidates
from ingest.citations import parse_citation, split_references
from ingest.components.people import tidy_affiliation, vetoed
from ingest.dates import find_dates
from ingest.doc import Doc
from ingest.layout import Line, build_blocks
from ingest.linear import LinearModel
from ingest.pipeline import extract_document
from ingest.topics import topic_candidates


@dataclass(frozen=True)
class Span:
    label: str
    start: int
    end: int
    text: str
    score: float = 0.99


def doc_of(*paragraphs: str, names: dict[str, str] | None = None) -> Doc:
    """A document of one block per paragraph; ``names`` marks words as a recogniser would (text → label)."""
    lines = [Line(line, f"linje {n}") for n, p in enumerate(paragraphs) for line in (p, "")]
    doc = Doc.read("test.txt", "txt", tuple(build_blocks(lines)))
    if names is not None:
        doc.names = []
        for b in doc.blocks:
            spans: list[Span] = []
            for t, label in sorted(names.items(), key=lambda kv: -len(kv[0])):  # longer names first
                at = b.text.find(t)
                if at >= 0 and not any(s.start <= at < s.end for s in spans):
                    spans.append(Span(label, at, at + len(t), t))
            doc.names.append(sorted(spans, key=lambda s: s.start))
    return doc


@pytest.mark.parametrize(
    ("paragraphs", "names", "expected"),
    [
        # a surname alone joins the full name it belongs to
        (
            ("Professor Thomas Nordahl snakket om læringsmiljø.", "Nordahl mener skolen må lytte."),
            {"Thomas Nordahl": "PER", "Nordahl": "PER"},
            {"Thomas Nordahl": 2},
        ),
        # a title read as part of the name is not part of it
        (
            ("Mobbeombud Bodil Jenssen Houg innleder.",),
            {"Mobbeombud Bodil Jenssen Houg": "PER"},
            {"Bodil Jenssen Houg": 1},
        ),
        # a part of a longer name in the same document is that person
        (
            ("Esther Pirelli Benestad er lege.", "Pirelli Benestad har skrevet bøker."),
            {"Esther Pirelli Benestad": "PER", "Pirelli Benestad": "PER"},
            {"Esther Pirelli Benestad": 2},
        ),
        # a single word with no full name beside it is no candidate
        (("Sigrun snakket med elevene.",), {"Sigrun": "PER"}, {}),
    ],
)
def test_candidates_are_full_names_with_every_mention(paragraphs, names, expected):
    found = {c.name: len(c.mentions) for c in person_candidates(doc_of(*paragraphs, names=names))}
    assert found == expected


def test_a_name_the_layout_rules_found_loses_its_title_as_a_recognised_name_does():
    from ingest.people import PersonMention

    doc = doc_of("Mobbeombud Bodil Jenssen Houg tar for seg arbeidet med skolemiljøet.", names={})
    doc.rule_people = [(PersonMention("Mobbeombud Bodil Jenssen Houg", "", (), "presenter", ""), "")]
    assert [c.name for c in person_candidates(doc)] == ["Bodil Jenssen Houg"]


@pytest.mark.parametrize(
    ("text", "name", "wanted"),
    [
        (
            "Inga Bostad, professor ved Institutt for pedagogikk, Universitetet i Oslo",
            "Inga Bostad",
            {"Universitetet i Oslo", "Institutt for pedagogikk, Universitetet i Oslo"},
        ),
        ("Kari Aas (KS Agder) om samskaping", "Kari Aas", {"KS Agder"}),
        ("Rektor Gerd Borgen fra Gaupen skole forteller om tilpasset opplæring.", "Gerd Borgen", {"Gaupen skole"}),
        (
            "Hanne Kolnes, styrer Midtstuen barnehage og førstelektor Kari Eid, OsloMet",
            "Hanne Kolnes",
            {"Midtstuen barnehage"},
        ),
    ],
)
def test_affiliation_candidates_hold_the_organisation(text, name, wanted):
    doc = doc_of(text, names={name: "PER", **{org: "ORG" for org in wanted if "," not in org}})
    start = text.find(name)
    phrases = {
        p.text for p in affiliation_candidates(doc, Mention(0, start, start + len(name)), [(start, start + len(name))])
    }
    assert wanted <= phrases


@pytest.mark.parametrize(
    ("paragraphs", "name", "wanted"),
    [
        (("13.00 «Leseglede i barnehagen» v/ Kari Aas, Nord universitet",), "Kari Aas", "Leseglede i barnehagen"),
        (("Kari Aas, NTNU, om trygt skolemiljø for alle",), "Kari Aas", "trygt skolemiljø for alle"),
        (
            ("10.00–10.30", "Barns medverknad i kvardagen", "Kari Aas, Høgskulen i Volda"),
            "Kari Aas",
            "Barns medverknad i kvardagen",
        ),
    ],
)
def test_topic_candidates_hold_the_talk(paragraphs, name, wanted):
    doc = doc_of(*paragraphs, names={name: "PER"})
    block = next(i for i, b in enumerate(doc.blocks) if name in b.text)
    start = doc.blocks[block].text.find(name)
    mention = Mention(block, start, start + len(name))
    assert wanted in {p.text for p in topic_candidates(doc, mention, [(start, start + len(name))])}


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [
        ("professor, NTNU", "NTNU"),
        ("Førsteamanuensis, NTNU", "NTNU"),
        ("førsteamanuensis ved Institutt for offentlig rett, UiB", "Institutt for offentlig rett, UiB"),
        ("Statsforvaltaren i Troms og Finnmark", "Statsforvaltaren i Troms og Finnmark"),
        ("", ""),
    ],
)
def test_an_affiliation_is_shown_without_the_job_title(phrase, shown):
    assert tidy_affiliation(phrase) == shown


@pytest.mark.parametrize(
    ("text", "name", "veto"),
    [
        ("Elevene på scenen. Foto: Petter Hansen", "Petter Hansen", True),
        ("Av Hans Kristian Aas", "Hans Kristian Aas", True),
        ("09.00 Velkommen v/ Hans Kristian Aas", "Hans Kristian Aas", False),
        ("Av og til snakker Kari Aas om lek.", "Kari Aas", False),
    ],
)
def test_photo_credits_and_bylines_are_never_people(text, name, veto):
    doc = doc_of(text)
    start = doc.blocks[0].text.find(name)
    assert vetoed(doc, Mention(0, start, start + len(name))) is veto


@pytest.mark.parametrize(
    ("entry", "author", "year", "title"),
    [
        ("St.meld. nr. 35/1957 Om lærebøkene i skoleverket.", "St.meld. nr. 35/1957", 1957, "Om lærebøkene i skoleverket"),
        (
            "Ot.prp. nr. 38 (1996-97) Om lov om endringar i grunnskolelova.",
            "Ot.prp. nr. 38 (1996–97)",
            1996,
            "Om lov om endringar i grunnskolelova",
        ),
        (
            "Meld. St 21 (2016–2017) Lærelyst – tidlig innsats og kvalitet i skolen.",
            "Meld. St. 21 (2016–2017)",
            2016,
            "Lærelyst – tidlig innsats og kvalitet i skolen",
        ),
        (
            "Vestly, Anne-Cath: Åtte små, to store og en lastebil (1957)",
            "Vestly, Anne-Cath",
            1957,
            "Åtte små, to store og en lastebil",
        ),
        (
            "Hauge, Liv: «Lesing i barnehagen». I: Språk i barnehagen, Oslo 2011, s. 12–30.",
            "Hauge, Liv",
            2011,
            "Lesing i barnehagen",
        ),
        (
            "Nordahl, T. (2012). Bruk av kartlegginger i skolen. Oslo: Gyldendal.",
            "Nordahl, T.",
            2012,
            "Bruk av kartlegginger i skolen",
        ),
    ],
)
def test_references_of_many_styles_give_author_year_and_title(entry, author, year, title):
    c = parse_citation(entry)
    assert c is not None and c.lead == author and c.year == year and c.title == title


def test_a_surname_of_two_words_after_eller_is_one_reference():
    parts = split_references("Haugen, Tormod: Øglene kommer (1991) eller Rosenløw Eeg, Harald: Stjernetrekker (2002)")
    assert [parse_citation(p).authors[0] for p in parts] == ["Haugen, Tormod", "Rosenløw Eeg, Harald"]


def test_references_a_pdf_joined_into_one_block_are_read_apart():
    text = (
        "Aas, Kari (2010): «Lek og læring», i Barnehagen nr. 2. Berg, Ola: «Skolens rom». "
        "Fagbladet 3/2013 Lie, Siri: Lesing i dag (2015)"
    )
    assert [parse_citation(p).authors[0] for p in split_references(text)] == ["Aas, Kari", "Berg, Ola", "Lie, Siri"]


@pytest.mark.parametrize(
    ("text", "day", "month", "end_day"),
    [
        ("Torsdag 12. og fredag 13. april går konferansen", 12, 4, 13),
        ("27.-28.april 2021", 27, 4, 28),
        ("Samlinga er 5. februar 2021 på Hamar", 5, 2, None),
    ],
)
def test_dates_with_weekdays_and_ranges(text, day, month, end_day):
    (found,) = find_dates(text)
    assert (found.day, found.month, found.end_day) == (day, month, end_day)


@pytest.mark.parametrize(
    ("text", "standard"),
    [
        ("Kva kan vi gjere for at elevane skal trivast? Det er ikkje berre skulen sitt ansvar.", "nynorsk"),
        ("Hva kan vi gjøre for at elevene skal trives? Det er ikke bare skolens ansvar.", "bokmål"),
        ("What can we do for the pupils? This is a question of trust and of the school.", "english"),
        ("", "bokmål"),
    ],
)
def test_the_written_standard_of_a_text(text, standard):
    assert written_standard(text) == standard


@pytest.mark.parametrize(
    ("key", "label", "cue"),
    [
        ("organiser", "Arrangør", "Møteleiar"),
        ("organiser", "Arrangør", "Ordstyrer"),
        ("contact", "Kontaktperson", "Kontaktperson"),
        ("presenter", "Innleder", "Innleiar"),
        ("resource_person", "Ressursperson", "Ressurspersonar"),
    ],
)
def test_one_role_vocabulary_names_each_part_in_both_standards(key, label, cue):
    assert role_label(key) == label and cue_pattern(key).search(cue)


def test_a_resource_person_outranks_a_speaker_and_a_contact():
    assert priority("resource_person") < priority("presenter") < priority("organiser") < priority("contact")


def test_a_linear_model_reads_back_what_it_wrote(tmp_path: Path):
    instances = [{"v/": 1.0}, {"foto": 1.0}, {"v/": 1.0, "kl": 1.0}, {"foto": 1.0, "kl": 1.0}]
    model = LinearModel.fit(instances, ["y", "n", "y", "n"], c=10.0, threshold=0.4, floor=0.2)
    model.save(tmp_path / "m.npz")
    again = LinearModel.load(tmp_path / "m.npz")
    assert (again.threshold, again.floor) == (0.4, 0.2)
    assert np.isclose(again.probabilities({"v/": 1.0})["y"], model.probabilities({"v/": 1.0})["y"], atol=1e-3)
    assert again.probabilities({"v/": 1.0})["y"] > 0.5 > again.probabilities({"foto": 1.0})["y"]


@pytest.mark.parametrize(
    ("paragraphs", "day"),
    [
        (
            (
                "Nettverkssamling for skoleledere i Hallingdal",
                "Påmeldingsfrist: 1. mars 2026",
                "Tid: 12. mars 2026 kl. 09.00–15.00",
                "Sted: Gol kulturhus",
            ),
            "2026-03-12",
        ),
        (
            (
                "Fagdag om inkluderande barnehagemiljø",
                "Publisert 3. januar 2025",
                "Fagdagen vert halden tysdag 4. februar 2025 i Sogndal kulturhus.",
            ),
            "2025-02-04",
        ),
        # no year: after the publication date it is that year, well before it the next year …
        (
            ("Fagdag om inkluderande barnehagemiljø", "Velkomen til fagdag for alle tilsette.", "Publisert 20.11.2024",
             "Fagdagen vert halden 4. februar i Sogndal kulturhus."),
            "2025-02-04",
        ),
        # … but a report on the weeks just before is that year
        (
            ("Oppstart av Kompetanseløftet", "Kompetanseløftet skal bidra til at alle barn får god hjelp.",
             "Publisert 25.02.2021", "Oppstartskonferansen for Kompetanseløftet blei gjennomført 18. februar i Bergen."),
            "2021-02-18",
        ),
    ],
)
def test_a_gathering_is_dated_by_its_own_day_not_a_deadline_or_publication(paragraphs, day):
    gatherings = [r for r in extract_document(doc_of(*paragraphs)) if r.kind == "gathering"]
    assert [g.date for g in gatherings] == [day]


@pytest.mark.parametrize(
    ("paragraphs", "day", "place"),
    [
        (("Møteinnkalling", "Utval for oppvekst og kultur", "Møtedato: 14.03.2024",
          "Møtestad: Kommunestyresalen, Hareid rådhus"), "2024-03-14", "Kommunestyresalen, Hareid rådhus"),
        (("Innkalling til møte i hovedutvalget", "Møtedato: 02.04.2025 kl. 18.00", "Møtested: Verdal rådhus"),
         "2025-04-02", "Verdal rådhus"),
    ],
)
def test_a_meeting_notice_gives_its_date_and_place(paragraphs, day, place):
    gatherings = [r for r in extract_document(doc_of(*paragraphs)) if r.kind == "gathering"]
    assert [(g.date, g.place) for g in gatherings] == [(day, place)]


def test_a_job_title_or_a_contact_line_after_om_is_not_a_persons_topic(tmp_path):
    from ingest.readers import read_document

    path = tmp_path / "ressurspersoner.md"
    path.write_text("# Ressurspersoner\n\n- Ola Nordmann, KS Agder, om jurist\n- Kari Hansen, UiA, om tidlig innsats i "
                    "barnehagen\n- Per Lie, Udir, om kontakt: per.lie@udir.no\n", encoding="utf-8")
    people = {r.name: r for r in extract_document(read_document(path)) if r.kind == "person"}
    assert people["Kari Hansen"].topics == ("tidlig innsats i barnehagen",)
    assert people["Ola Nordmann"].topics == ()
    assert not any("@" in t for t in people["Per Lie"].topics)


@pytest.mark.parametrize(
    ("paragraph", "owners"),
    [
        ("Lærdal kommune har sett i gang prosjektet Tett på.", ["Lærdal kommune"]),
        ("Elevane på Krokane skule og Sagatun skule las bøker.", ["Krokane skule", "Sagatun skule"]),
        # "barnehage- og skulemiljø" is a compound cut short, not a kindergarten called "Inkluderande".
        ("Inkluderande barnehage- og skulemiljø i Sunnfjord kommune", ["Sunnfjord kommune"]),
        ("Prosjekt for Bergen kommune og Os skule-", ["Bergen kommune"]),
    ],
)
def test_the_candidate_owners_of_practice_are_named_owners_not_compounds_cut_short(paragraph, owners):
    from ingest.practice_features import owner_candidates

    assert [o.name for o in owner_candidates(doc_of(paragraph, names={}))] == owners
