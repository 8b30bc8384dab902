"""Property tests: parsers round-trip what they are given and never crash on junk."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.citations import parse_citation
from ingest.dates import find_dates
from ingest.layout import Line, build_blocks
from ingest.people import parse_person_entry
from ingest.readers import decode_text

SURNAMES = st.sampled_from(["Hansen", "Johansen", "Olsen", "Larsen", "Bjørk", "Ødegård", "Aas", "Kjærnsli"])
GIVEN = st.sampled_from(["Kari", "Ola", "Åse", "Ørjan", "Marit", "Per", "Sigrun", "Jørn-Arild"])
INITIAL = st.sampled_from(["A.", "K.", "Ø.", "M.", "T."])
TITLE_WORD = st.sampled_from(["læring", "ledelse", "skole", "barnehage", "oppvekst", "kvalitet", "samarbeid"])
PLACES = st.sampled_from(["Oslo", "Bergen", "Trondheim", "Tromsø"])
PUBLISHERS = st.sampled_from(["Universitetsforlaget", "Fagbokforlaget", "Cappelen Damm", "Gyldendal"])
ORGS = st.sampled_from(["NTNU", "UiO", "KS Agder", "Nord universitet", "Universitetet i Bergen"])


@given(
    authors=st.lists(st.tuples(SURNAMES, INITIAL), min_size=1, max_size=4, unique_by=lambda a: a[0]),
    year=st.integers(1950, 2030),
    title=st.lists(TITLE_WORD, min_size=1, max_size=6),
    place=PLACES,
    publisher=PUBLISHERS,
    joiner=st.sampled_from([" & ", " og "]),
)
def test_citation_round_trip(authors, year, title, place, publisher, joiner):
    names = [f"{s}, {i}" for s, i in authors]
    author_text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + joiner + names[-1]
    title_text = " ".join(title).capitalize()
    parsed = parse_citation(f"{author_text} ({year}). {title_text}. {place}: {publisher}.")
    assert parsed is not None
    assert parsed.authors == tuple(names)
    assert parsed.year == year
    assert parsed.title == title_text
    assert (parsed.place, parsed.publisher) == (place, publisher)


@given(given=GIVEN, surname=SURNAMES, org=ORGS, topic=st.lists(TITLE_WORD, min_size=1, max_size=4))
def test_person_entry_round_trip(given, surname, org, topic):
    topic_text = " og ".join(topic)
    (person,) = parse_person_entry(f"{given} {surname}, {org}, om {topic_text}")
    assert person.name == f"{given} {surname}"
    assert person.affiliation == org
    assert person.topics == (topic_text,)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)), st.sampled_from(["{d}. {m} {y}", "{d}.{mm}.{y}"]))
def test_dates_round_trip(date, form):
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "desember"]
    text = form.format(d=date.day, m=months[date.month - 1], mm=f"{date.month:02d}", y=date.year)
    (found,) = find_dates(f"Samlingen er {text} på Hamar.")
    assert found.resolve(2000)[0] == date


@settings(max_examples=200)
@given(st.text(max_size=400))
def test_parsers_never_crash_on_arbitrary_text(text):
    parse_citation(text)
    parse_person_entry(text)
    find_dates(text)
    build_blocks([Line(t, f"linje {i}") for i, t in enumerate(text.splitlines())])


@given(st.binary(max_size=300))
def test_decoding_never_fails(data):
    assert isinstance(decode_text(data), str)


@settings(deadline=None)  # the first example loads the word list
@given(st.lists(st.one_of(TITLE_WORD, SURNAMES, st.sampled_from(["og", "i", "THE", "Skulen", "ﬁnne", "2024", "—", "\u00e6"]),
                          st.text(max_size=12)), max_size=40))
def test_a_texts_word_set_is_the_set_of_its_analysed_words(words):
    """The theme linker's fast path gives the same words as the analysis search uses."""
    from absolutt_kb.text import analyse, word_set

    text = " ".join(words)
    assert word_set(text) == set(analyse(text, compounds=False))
