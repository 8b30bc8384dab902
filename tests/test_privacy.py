"""Personal data: contact details hidden unless public; a suppressed person stays removed across re-ingests."""

from __future__ import annotations

import json

import pytest

from absolutt_kb import config

from absolutt_kb.build import ingest_corpus
from absolutt_kb.privacy import EMAIL_HIDDEN, PHONE_HIDDEN, PrivacyError, hide_contacts, load_rules
from absolutt_kb.search import Searcher

DOCUMENT = """# Samling om skolemiljø i Fjelldal

## Foredragsholdere

- Mari Skog, Universitetet i Tromsø, om skolemiljø og mobbing
- Olav Berge, KS Nord, om politisk styring

## Kontakt

Spørsmål kan rettes til Mari Skog på mari.skog@fjelldal.kommune.no eller telefon 91 23 45 67.
Sentralbord: post@fjelldal.kommune.no, tlf. +47 22 33 44 55. Planen gjelder 2020 2024.
"""


def test_contacts_are_hidden_but_years_and_public_contacts_are_not():
    text = "Skriv til a.b@ks.no eller ring 912 34 567 / 22334455. Perioden 2020 2024, org.nr. 123456789."
    hidden = hide_contacts(text)
    assert "a.b@ks.no" not in hidden and hidden.count(PHONE_HIDDEN) == 2 and EMAIL_HIDDEN in hidden
    assert "2020 2024" in hidden and "123456789" in hidden
    assert "a.b@ks.no" in hide_contacts(text, frozenset({"a.b@ks.no"}))


def test_bad_privacy_file_gives_a_clear_message(tmp_path):
    path = tmp_path / "privacy.json"
    path.write_text('{"corrections": {"person:x": {"passord": "1"}}}')
    with pytest.raises(PrivacyError, match="Ukjente felt"):
        load_rules(path)


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "fjelldal.md").write_text(DOCUMENT, encoding="utf-8")
    return folder


def _all_text(index) -> str:  # noqa: ANN001
    return json.dumps([r.to_dict() for r in index.all_records()], ensure_ascii=False)


def test_suppressed_person_is_gone_from_records_and_search_and_stays_gone(corpus, embedder, tmp_path, monkeypatch,
                                                                         index_location):
    privacy = tmp_path / "privacy.json"
    monkeypatch.setenv("ABSOLUTT_KB_PRIVACY", str(privacy))
    config.reload()
    index_dir = index_location
    before = ingest_corpus(corpus, index_dir, embedder)
    people = {r.id for r in before.index.all_records() if r.kind == "person"}
    assert "person:mari-skog" in people
    text = _all_text(before.index)
    assert "mari.skog@fjelldal" not in text and "91 23 45 67" not in text and EMAIL_HIDDEN in text

    privacy.write_text(json.dumps({
        "suppressed_people": ["person:mari-skog"],
        "public_contacts": ["post@fjelldal.kommune.no"],
        "corrections": {"person:olav-berge": {"affiliation": "KS Nord-Norge"}},
    }), encoding="utf-8")
    after = ingest_corpus(corpus, index_dir, embedder)
    assert not after.unchanged and after.parsed == 1  # new rules: read again, so the cache keeps nothing from before
    text = _all_text(after.index)
    assert "Mari Skog" not in text and "[navn fjernet]" in text
    assert "post@fjelldal.kommune.no" in text and "mari.skog" not in text
    berge = after.index.find("person:olav-berge")
    assert berge.affiliation == "KS Nord-Norge"
    hits = Searcher(after.index, embedder).search("Mari Skog", k=10)
    assert all("Mari Skog" not in h.record.text and h.record.id != "person:mari-skog" for h in hits)

    with (corpus / "fjelldal.md").open("a", encoding="utf-8") as fh:
        fh.write("\nMari Skog leder også arbeidet med elevrådet.\n")
    again = ingest_corpus(corpus, index_dir, embedder)
    assert again.parsed == 1 and "Mari Skog" not in _all_text(again.index)


def test_phone_numbers_in_every_common_form_and_national_identity_numbers_are_hidden():
    from absolutt_kb.privacy import NATIONAL_ID_HIDDEN

    text = (
        "Ring 9123 4567, +47 9123 4567, 912-34-567, 22.33.44.55 eller 0047 91234567. "
        "Fødselsnummer 15038545660 og 310799 88807. "
        "Programmet går 10.00-11.00 og 09.30–10.15 den 21.03.25, i perioden 2020-2024, saksnr. 15038545600."
    )
    hidden = hide_contacts(text)
    assert hidden.count(PHONE_HIDDEN) == 5, hidden
    assert hidden.count(NATIONAL_ID_HIDDEN) == 2, hidden
    for kept in ("10.00-11.00", "09.30–10.15", "21.03.25", "2020-2024", "15038545600"):  # not valid: check digits
        assert kept in hidden


def test_a_hidden_number_never_survives_in_a_record_id(tmp_path, embedder, monkeypatch):
    monkeypatch.setenv("ABSOLUTT_KB_NAMES", "0")
    config.reload()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "praksis.md").write_text(
        "# Praksiseksempler\n\n"
        "- Tromsø kommune: Ring 912-34-567 for leksehjelp. Kommunen tilbyr leksehjelp hver dag.\n"
        "- Bodø kommune: Ungdomsråd i alle utvalg. Ungdommen deltar i alle politiske utvalg.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ABSOLUTT_KB_PRIVACY", str(tmp_path / "privacy.json"))
    config.reload()
    records = ingest_corpus(corpus, tmp_path / "index", embedder).index.all_records()
    assert any(r.kind == "practice" and "Tromsø" in r.title for r in records)
    for r in records:
        assert "912" not in r.id and "912-34-567" not in r.text, r.id


SUPPRESSED = """# Skolemiljødag i Fjelldal

## Program

- Sunniva Kvernhusvik, Universitetet i Bergen, om skolemiljø og elevråd
- Olav Berge, KS Nord, om politisk styring

## Referat

Sunniva Kvernhusviks innlegg handlet om elevrådet. KVERNHUSVIK viste tall fra elevundersøkelsen,
og S. Kvernhusvik svarte på spørsmål. Kontakt: sunniva.kvernhusvik@uib.no, 912 34 567.

## Litteratur

Kvernhusvik, Sunniva (2021). Elevråd som virker. Bergen: Fagbokforlaget.
"""


def test_a_suppressed_name_is_gone_from_every_file_of_the_index_in_every_form(tmp_path, embedder, monkeypatch):
    privacy = tmp_path / "privacy.json"
    monkeypatch.setenv("ABSOLUTT_KB_PRIVACY", str(privacy))
    config.reload()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kvernhusvik-skolemiljodag.md").write_text(SUPPRESSED, encoding="utf-8")
    (corpus / "fjelldal.md").write_text(DOCUMENT, encoding="utf-8")
    index_dir = tmp_path / "index"
    before = ingest_corpus(corpus, index_dir, embedder)
    assert "person:sunniva-kvernhusvik" in {r.id for r in before.index.all_records()}

    privacy.write_text(json.dumps({"suppressed_people": ["person:sunniva-kvernhusvik"]}), encoding="utf-8")
    after = ingest_corpus(corpus, index_dir, embedder)
    stored = [p for p in index_dir.rglob("*") if p.is_file()]
    leaks = [str(p.relative_to(index_dir)) for p in stored if b"kvernhusvik" in p.read_bytes().lower()]
    assert not leaks  # as `grep -ri kvernhusvik index/` would: records, terms, vectors' ids, cache, older generations
    assert not [p for p in stored if b"sunniva.k" in p.read_bytes().lower() or b"912 34 567" in p.read_bytes()]
    text = _all_text(after.index)
    assert text.count("[navn fjernet]") >= 5 and "Olav Berge" in text
    assert "Elevråd som virker" in text  # the work stays, without the name
    assert any("[navn fjernet]" in r.source.document for r in after.index.all_records())  # the file name shown
    hits = Searcher(after.index, embedder).search("Kvernhusvik", k=10)
    assert all("kvernhusvik" not in json.dumps(h.record.to_dict()).lower() for h in hits)


# Issue 21: what a removal changes (only the removed person's name forms) and what the detector finds.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from absolutt_kb.privacy import NATIONAL_ID_HIDDEN, NameScrubber, PrivacyRules, apply_rules  # noqa: E402
from absolutt_kb.records import Passage, Person, Source  # noqa: E402

REMOVED = PrivacyRules(suppressed_people=frozenset({"person:kari-hagen"}))


@pytest.mark.parametrize("written", [
    "ola (at) kommune.no", "ola[at]kommune.no", "ola @ kommune.no", "ola＠kommune.no", "22-33-44-55",
    "91 234 567", "9123 45 67", "91\u00a023\u00a045\u00a067", "912/34/567", "4791234567", "+47 22 33 44 55",
])
def test_contacts_written_in_other_forms_are_hidden_too(written):
    hidden = hide_contacts(f"Kontakt: {written}, eller møt opp.")
    assert written not in hidden and (EMAIL_HIDDEN in hidden or PHONE_HIDDEN in hidden)
    assert hidden.endswith(", eller møt opp.")


def test_an_identity_number_with_a_dash_is_hidden_and_times_years_and_isbns_are_not():
    assert hide_contacts("Fnr. 010190-00083.") == f"Fnr. {NATIONAL_ID_HIDDEN}."
    for ordinary in ("kl. 10.00-11.00", "Meld. St. 21 (2016-2017)", "ISBN 978-82-15-02345-1", "12.05.2021",
                     "i 2021 var det 300 deltakere", "side 12-34"):
        assert hide_contacts(ordinary) == ordinary


@pytest.mark.parametrize("written", [
    "Kari Kvern\u200bhusvik", "Kari Kvernhusvi\u0301k", "Kari Kvernhusvık", "Kari \u041avernhusvik",
    "Kari Kvern\u2060husvik", "Kari Kvern\u202ehusvik", "KARI KVERNHUSVIK", "Kvernhusvik, Kari", "K. Kvernhusvik",
    "Kari Kvernhusviks",
])
def test_a_removed_name_is_found_behind_invisible_and_look_alike_characters(written):
    names = NameScrubber(["person:kari-kvernhusvik"])
    assert names.scrub(f"Innlegg ved {written} om elevråd.") == "Innlegg ved [navn fjernet] om elevråd."


@pytest.mark.parametrize(("person", "text"), [
    ("person:kari-hagen", "Barna leker i hagen. Hagen er stor."),
    ("person:kari-bo", "Elevene bo i Bø kommune."),
    ("person:per-as", "Fjelldal Bygg AS sponset kaffen."),
    ("person:ola-by", "Skolen ligger midt i byen, by the way. By og land."),
])
def test_removing_a_person_spares_ordinary_words_that_look_like_their_surname(person, text):
    assert NameScrubber([person]).scrub(text) == text


def test_a_file_name_that_is_an_ordinary_word_keeps_it_but_a_rare_surname_goes():
    names = NameScrubber(["person:kari-hagen", "person:sunniva-kvernhusvik"])
    assert names.scrub("hagen.txt", file_name=True) == "hagen.txt"
    assert names.scrub("kvernhusvik-program.md", file_name=True) == "[navn fjernet]-program.md"


_words = st.sampled_from(["Barna", "leker", "i", "hagen", "Kari", "Hagen", "Per", "As", "AS", "bo", "Bø", "og",
                          "skolen", "Kvernhusvik", "elevråd", ".", ","])
_records = st.lists(st.tuples(
    st.lists(_words, min_size=1, max_size=12).map(" ".join),
    st.sampled_from(["", "agder", "vestland", "felles"]),
    st.sampled_from(["hagen.txt", "notat.md", "kari-hagen.docx"]),
    st.booleans(),
), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(_records)
def test_a_removal_changes_only_the_removed_name_and_every_region_survives(rows):
    records = []
    for n, (text, region, document, is_person) in enumerate(rows):
        source = Source(document, f"linje {n}", region)
        if is_person:
            records.append(Person(id=f"person:ola-nordmann-{n}", title="Ola Nordmann", text=text, source=source,
                                  name="Ola Nordmann", topics=(text,), mentions=(source,)))
        else:
            records.append(Passage(id=f"passage:{n}", title=text[:20], text=text, source=source))
    after = apply_rules(records, REMOVED)
    assert len(after) == len(records)
    for before, now in zip(records, after):
        assert now.regions == before.regions and now.source.region == before.source.region
        assert now.source.locator == before.source.locator
        said = before.text.lower()
        if "kari hagen" not in said and "hagen , kari" not in said:
            assert now.text == before.text
        else:
            assert "kari hagen" not in now.text.lower()
        assert now.source.document == before.source.document.replace("kari-hagen", "[navn fjernet]")


def test_a_privacy_file_of_the_wrong_shape_is_refused_with_a_message(tmp_path):
    path = tmp_path / "privacy.json"
    for wrong in ('{"suppressed_people": "person:ola-nordmann"}', '{"public_contacts": [1, 2]}',
                  '["person:ola-nordmann"]', '{"corrections": {"person:a": "x"}}', '{"supressed_people": []}'):
        path.write_text(wrong, encoding="utf-8")
        with pytest.raises(PrivacyError, match="Personvernfilen"):
            load_rules(path)


def test_the_index_folder_is_readable_by_its_owner_only(built):
    import stat

    assert stat.S_IMODE(built.index_dir.stat().st_mode) == 0o700  # it holds names: no other local user reads it
    assert stat.S_IMODE((built.index_dir / "LOCK").stat().st_mode) == 0o600
