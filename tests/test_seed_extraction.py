"""The seed corpus gives every work, practice example, gathering and tip a reader finds in it.

Persons are decided by trained models; how many of the seed corpus's persons
they find, and how many cards are false, is the benchmark's to report
(``bench/extraction.py``, line ``seeds``), as for every other document set.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from absolutt_kb.merge import merge_records
from ingest.names import fold
from ingest.pipeline import extract_document
from ingest.readers import read_document
from tests.conftest import REPO, SHARED_EVAL

EXPECTED = SHARED_EVAL / "records.json"
pytestmark = pytest.mark.skipif(not EXPECTED.exists(), reason="shared/eval is not beside the checkout")


def norm(text: str | None) -> str:
    return " ".join(fold(text or "").split())


@pytest.fixture(scope="module", params=["rules", pytest.param("recogniser", marks=pytest.mark.slow)])
def seed_records(request):
    """The seed corpus read as ingest reads it (with the name recogniser), and with the list rules alone."""
    names = None
    if request.param == "recogniser":
        from absolutt_kb.name_model import NameRecogniser

        names = NameRecogniser().find
    records = []
    for path in sorted((REPO / "corpus").iterdir()):
        records.extend(extract_document(read_document(path), names=names))
    return merge_records(records)


@pytest.fixture(scope="module")
def expected():
    return json.loads(Path(EXPECTED).read_text(encoding="utf-8"))


def _session_start(citation: str) -> int | None:
    """The first year of a Storting session ("(2015–2016)"): how real-train's answers date a white paper.

    The seed answers leave such a year out; real-train's (and the literature exports) give the session's start.
    The answers' "first author" of a white paper or NOU is what its reference starts with, its series and
    number ("Meld. St. 19"): ``Work.lead``, while its ``authors`` hold the ministry that issued it.
    """
    import re

    match = re.search(r"\(((?:19|20)\d\d)\s*[–-]\s*\d{2,4}\)", citation)
    return int(match.group(1)) if match else None


def test_every_work_is_found_with_first_author_and_year(seed_records, expected):
    works = [r for r in seed_records if r.kind == "literature"]
    missing = []
    for want in expected["literature"]:
        matches = [
            w
            for w in works
            if norm(want["title_contains"]) in norm(w.title)
            and norm(w.lead).startswith(norm(want["first_author"]))
            and (w.year == want["year"] or want["year"] is None and _session_start(w.citation) == w.year)
        ]
        if not matches:
            missing.append(want)
    assert not missing, missing


def test_every_practice_example_is_found_with_owner_and_title(seed_records, expected):
    examples = [r for r in seed_records if r.kind == "practice"]
    missing = [
        want
        for want in expected["practice"]
        if not any(
            norm(want["owner_contains"]) in norm(p.owner) and norm(want["title_contains"]) in norm(p.title)
            for p in examples
        )
    ]
    assert not missing, missing


def test_every_gathering_is_found_with_iso_date_and_themes(seed_records, expected):
    gatherings = [r for r in seed_records if r.kind == "gathering"]
    problems = []
    for want in expected["gatherings"]:
        match = [g for g in gatherings if norm(want["region_contains"]) in norm(g.region) and g.date == want["date"]]
        if not match:
            problems.append(f"missing {want}")
            continue
        for theme in want["themes_contain"]:
            if not any(norm(theme) in norm(t) for t in match[0].topics):
                problems.append(f"{want['date']}: theme {theme} not in {match[0].topics}")
    assert not problems, problems


def test_at_least_the_listed_number_of_tips(seed_records, expected):
    assert sum(r.kind == "tip" for r in seed_records) >= expected["counts"]["tips_at_least"]


def test_every_record_names_its_source_document_and_place(seed_records):
    for record in seed_records:
        assert record.source.document.endswith(".txt")
        assert record.source.locator.startswith("linje ")
