"""The speed and time left that ingest's progress lines carry, in the CLI and in the app's bar."""

from __future__ import annotations

import pytest

from absolutt_kb.ingest_process import PROGRESS_MARK, read_progress
from absolutt_kb.pace import Pace, duration


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0.4, "under 1 s"), (12.4, "12 s"), (89, "89 s"), (150, "2 min"), (3000, "50 min"), (3900, "1 t 5 min")],
)
def test_a_time_span_is_said_as_people_say_it(seconds, said):
    assert duration(seconds) == said


@pytest.mark.parametrize(
    ("elapsed", "done", "said"),
    [
        (0.5, 10, ""),  # too early to tell the speed
        (2.0, 0, ""),
        (2.0, 40, " · 20,0 tekster/s, ca. 8 s igjen"),
        (10.0, 100, " · 10,0 tekster/s, ca. 10 s igjen"),
        (10.0, 10, " · 1,0 tekster/s, ca. 3 min igjen"),
        (19.95, 199, " · 10,0 tekster/s, under 1 s igjen"),
        (20.0, 200, " · 10,0 tekster/s"),  # done: no time left to tell
    ],
)
def test_the_speed_and_time_left_follow_the_items_done(elapsed, done, said):
    now = [100.0]
    pace = Pace(200, "tekster", clock=lambda: now[0])
    now[0] += elapsed
    assert pace(done) == said


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("[3/12] leser plan.pdf · 0,8 dokumenter/s, ca. 12 s igjen",
         "Leser dokument 3 av 12 (plan.pdf) – 0,8 dokumenter/s, ca. 12 s igjen …"),
        ("[1/12] leser plan for 2025.pdf", "Leser dokument 1 av 12 (plan for 2025.pdf) …"),
        ("20/40 tekster · 21,3 tekster/s, ca. 1 s igjen", "Lager vektorer: 20 av 40 tekster – 21,3 tekster/s, ca. 1 s igjen …"),
        ("20/40 tekster", "Lager vektorer: 20 av 40 tekster …"),
    ],
)
def test_the_app_bar_shows_the_speed_and_time_left(line, label):
    assert read_progress(PROGRESS_MARK + line).label == label
