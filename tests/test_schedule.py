"""When a gathering is, seen from a given day: what the card says and what "neste samling" puts first."""

from __future__ import annotations

import datetime as dt

import pytest

from absolutt_kb.records import Gathering, Source
from absolutt_kb.schedule import asks_ahead, status, today, upcoming_first, when

DAY = dt.date(2026, 6, 1)


def _gathering(date: str | None, end: str | None = None, title: str = "Samling") -> Gathering:
    return Gathering(id=f"g-{date}", title=title, text="", source=Source("samling.md", "linje 1"), date=date,
                     end_date=end)


@pytest.mark.parametrize(
    ("date", "end", "expected_status", "expected_text"),
    [
        ("2020-11-12", None, "past", "Var 12. november 2020"),
        ("2026-05-31", None, "past", "Var 31. mai 2026"),
        ("2026-06-01", None, "upcoming", "I dag"),
        ("2026-05-31", "2026-06-02", "upcoming", "Kommende samling: 31. mai 2026 – 2. juni 2026"),
        ("2026-09-15", None, "upcoming", "Kommende samling: 15. september 2026"),
        ("2027-01-05", "2027-01-06", "upcoming", "Kommende samling: 5. januar 2027 – 6. januar 2027"),
        (None, None, "", ""),
        ("ikke en dato", None, "", ""),
    ],
)
def test_a_gathering_says_whether_it_is_past_or_to_come(date, end, expected_status, expected_text):
    gathering = _gathering(date, end)
    assert status(gathering, DAY) == expected_status
    assert when(gathering, DAY) == expected_text


@pytest.mark.parametrize(
    ("query", "ahead"),
    [
        ("når er neste samling i Trøndelag?", True),
        ("kommende samlinger", True),
        ("kva er dei komande samlingane?", True),
        ("next gathering", True),
        ("upcoming gatherings in Agder", True),
        ("når var samlingen i Innlandet?", False),
        ("hvem kan holde innlegg om inkludering?", False),
        ("samlingene nesten hver måned", False),
    ],
)
def test_a_question_for_what_is_to_come_is_recognised(query, ahead):
    assert asks_ahead(query) is ahead


def test_upcoming_gatherings_come_first_soonest_first_then_the_past_latest_first():
    order = upcoming_first([_gathering("2020-11-12"), _gathering("2026-09-15"), _gathering(None),
                            _gathering("2026-07-01"), _gathering("2025-11-12")], DAY)
    assert [g.date for g in order] == ["2026-07-01", "2026-09-15", "2025-11-12", "2020-11-12", None]


def test_today_is_the_date_the_environment_gives_or_the_machines(monkeypatch):
    monkeypatch.setenv("ABSOLUTT_KB_TODAY", "2021-03-01")
    assert today() == dt.date(2021, 3, 1)
    monkeypatch.setenv("ABSOLUTT_KB_TODAY", "i morgen")
    assert today() == dt.date.today()
