"""When a gathering is, seen from today: upcoming or past, said the way people say it.

"når er neste samling i Trøndelag?" should show the next gathering first and
never present a 2020 gathering as if it were still to come. Today is the
machine's date, or ``ABSOLUTT_KB_TODAY`` (``YYYY-MM-DD``) where a demo or a
test needs another day.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from absolutt_kb.records import Gathering

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
# A question that asks for what is still to come ("neste samling", "kommende samlinger", "next gathering").
_AHEAD = re.compile(r"\b(neste|kommende|komande|framtidige?|fremtidige?|snart|next|upcoming|coming)\b",
                    re.IGNORECASE)


def today() -> dt.date:
    """The date the app judges gatherings by."""
    given = os.environ.get("ABSOLUTT_KB_TODAY", "").strip()
    if given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            pass  # a wrong value is no reason to stop the app: the machine's date then
    return dt.date.today()


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def spoken(day: dt.date) -> str:
    """A date as Norwegian text: "12. november 2020"."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def status(gathering: Gathering, on: dt.date | None = None) -> str:
    """ "upcoming" (today included, or still going on), "past", or "" when the gathering has no date."""
    start, end = _date(gathering.date), _date(gathering.end_date)
    if start is None:
        return ""
    return "past" if (end or start) < (on or today()) else "upcoming"


def when(gathering: Gathering, on: dt.date | None = None) -> str:
    """One line on when it is: «Kommende samling: 27. april 2021», «Var 12. november 2020», or ""."""
    start, end = _date(gathering.date), _date(gathering.end_date)
    if start is None:
        return ""
    span = spoken(start) if end is None or end == start else f"{spoken(start)} – {spoken(end)}"
    day = on or today()
    if status(gathering, day) == "past":
        return f"Var {span}"
    return "I dag" if start == day else f"Kommende samling: {span}"


def asks_ahead(query: str) -> bool:
    """Whether the question asks for what is to come ("neste samling", "upcoming gatherings")."""
    return bool(_AHEAD.search(query))


def upcoming_first(gatherings: list[Gathering], on: dt.date | None = None) -> list[Gathering]:
    """Upcoming gatherings, soonest first, then the past ones, latest first; undated ones last."""
    day = on or today()
    ahead = sorted((g for g in gatherings if status(g, day) == "upcoming"), key=lambda g: g.date or "")
    past = sorted((g for g in gatherings if status(g, day) == "past"), key=lambda g: g.date or "", reverse=True)
    return ahead + past + [g for g in gatherings if not status(g, day)]
