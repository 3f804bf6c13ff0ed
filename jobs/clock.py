"""Time for the district jobs, injectable: the real clock, or a fake one that tests advance by hand.

A :class:`FakeClock` never sleeps: ``sleep(s)`` moves its time forward by ``s``. The token bucket,
the Google retry policy, backoff and the simulated day all read the same clock.
"""

from __future__ import annotations

import datetime as dt
import threading
import time


class SystemClock:
    """Wall-clock time (aware UTC), a monotonic counter, and real sleeping."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that stands still until a test (or a sleep) moves it; thread-safe."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._start = start.astimezone(dt.UTC)
        self._elapsed = 0.0
        self._lock = threading.Lock()
        self.slept = 0.0  # total seconds "slept" by everyone, for assertions

    def now(self) -> dt.datetime:
        with self._lock:
            return self._start + dt.timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._elapsed += max(0.0, seconds)
            self.slept += max(0.0, seconds)

    def advance_to(self, moment: dt.datetime) -> None:
        """Jump forward to ``moment`` (never backwards)."""
        with self._lock:
            target = (moment - self._start).total_seconds()
            self._elapsed = max(self._elapsed, target)
