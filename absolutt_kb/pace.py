"""How fast a long step goes and how long is left, said the way a progress line says it.

An ingest of a region's documents can take minutes: the CLI and the app show,
beside "12 av 40", the speed ("21,3 tekster/s") and an estimate of the time
left ("ca. 2 min igjen"), from the time since the step began.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SETTLE_SECONDS = 1.0  # before this, one batch says too little about the speed


def duration(seconds: float) -> str:
    """A time span as people say it: "under 1 s", "12 s", "3 min", "1 t 5 min"."""
    if seconds < 1:
        return "under 1 s"
    if seconds < 90:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} t {minutes % 60} min"


class Pace:
    """The speed and time left of one step of ``total`` items.

    Args:
        total: How many items the step has.
        unit: What an item is called, plural ("tekster", "dokumenter").
        clock: Seconds, monotonic (a test gives its own).
    """

    def __init__(self, total: int, unit: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.unit, self.clock = total, unit, clock
        self.start = clock()

    def __call__(self, done: int) -> str:
        """" · 21,3 tekster/s, ca. 2 min igjen" after ``done`` items ("" until the speed can be told)."""
        elapsed = self.clock() - self.start
        if done <= 0 or elapsed < SETTLE_SECONDS:
            return ""
        rate = done / elapsed
        left = max(0, self.total - done) / rate
        speed = f"{rate:.1f}".replace(".", ",")
        if not left:
            return f" · {speed} {self.unit}/s"
        return f" · {speed} {self.unit}/s, " + ("under 1 s igjen" if left < 1 else f"ca. {duration(left)} igjen")
