"""Property: the parts of a programme line in any order give the same person record."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.doc import Doc
from ingest.layout import Line, build_blocks
from ingest.pipeline import extract_document

NAMES = ["Tuva Nilsen", "Henrik Solberg", "Ingrid Haugen", "Magnus Berge", "Sigrid Lie Andersen"]
TITLES = ["professor", "rådgiver", "rektor", "Førsteamanuensis", "seniorrådgiver"]
AFFILIATIONS = ["NTNU", "Universitetet i Agder", "Bergen kommune", "KS Vestland", "Høgskulen på Vestlandet"]
TOPICS = ["Trygt skolemiljø for alle", "Leseglede i barnehagen", "Politisk styring av oppvekst", "Ungdom som medvirker"]
ORDERS = [
    "{title} {name}, {affiliation}: «{topic}»",
    "«{topic}» v/ {title} {name}, {affiliation}",
    "{name}, {title}, {affiliation}, om {topic}",
    "{topic} – {title} {name}, {affiliation}",
]


@pytest.fixture(scope="module")
def names():
    from absolutt_kb.name_model import NameRecogniser

    return NameRecogniser().find


def person_from(line: str, names):
    lines = [Line(text, f"linje {n}") for n, text in enumerate(["Program", "", f"09.00–09.45 {line}", "", "09.45–10.00 Pause"])]
    doc = Doc(name="program.txt", format="txt", blocks=tuple(build_blocks(lines)))
    people = [r for r in extract_document(doc, names=names) if r.kind == "person"]
    return [(p.name, p.affiliation, p.topics[:1]) for p in people]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(NAMES), title=st.sampled_from(TITLES),
    affiliation=st.sampled_from(AFFILIATIONS), topic=st.sampled_from(TOPICS),
)
def test_any_order_of_title_name_affiliation_and_topic_gives_the_same_record(names, name, title, affiliation, topic):
    parts = {"name": name, "title": title, "affiliation": affiliation, "topic": topic}
    expected = [(name, affiliation, (topic,))]
    for order in ORDERS:
        assert person_from(order.format(**parts), names) == expected, order
