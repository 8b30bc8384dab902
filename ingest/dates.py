"""Norwegian dates as people write them: "5. februar 2021", "27.-28.april 2021", "21.03.25"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4, "mai": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "desember": 12, "des": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_WORDY = re.compile(
    rf"\b(?P<d1>[0-3]?\d)\.?\s*(?:(?:[-–]|og|and|&|til)\s*(?:[a-zæøå]+dag\s+(?:den\s+)?)?(?P<d2>[0-3]?\d)\.?)?\s*"
    rf"(?P<month>{_MONTH_NAMES})\.?(?:\s+(?P<year>(?:19|20)\d{{2}}))?\b",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)?\d{2})(?![\d])")
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")


@dataclass(frozen=True)
class DateMention:
    """A date (or a span of days) found in text. ``year`` is None when the text gave none."""

    day: int
    month: int
    year: int | None
    end_day: int | None
    start: int
    end: int

    def resolve(self, year: int) -> tuple[dt.date, dt.date | None] | None:
        """The start and end dates in ``year`` (or in the year the text gave)."""
        try:
            first = dt.date(self.year or year, self.month, self.day)
            last = dt.date(self.year or year, self.month, self.end_day) if self.end_day else None
        except ValueError:
            return None
        return first, last


def find_dates(text: str) -> list[DateMention]:
    """All dates in ``text``, in order of appearance."""
    found: list[DateMention] = []
    for m in _WORDY.finditer(text):
        year = int(m.group("year")) if m.group("year") else None
        d2 = int(m.group("d2")) if m.group("d2") else None
        found.append(DateMention(int(m.group("d1")), MONTHS[m.group("month").lower()], year, d2, m.start(), m.end()))
    for pattern in (_NUMERIC, _ISO):
        for m in pattern.finditer(text):
            if any(f.start <= m.start() < f.end for f in found):
                continue
            y = int(m.group("y"))
            year = y + 2000 if y < 100 else y
            if not (1 <= int(m.group("m")) <= 12 and 1 <= int(m.group("d")) <= 31):
                continue
            found.append(DateMention(int(m.group("d")), int(m.group("m")), year, None, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)
