"""One request limiter shared by every school of a district, so a district pass stays under quota.

Google's Sheets quota is per project and per minute (300 read and 300 write requests by default).
Google counts requests over a sliding minute, so besides its rate the bucket never grants more than
``per_minute`` in any 60 seconds (a full bucket's burst on top of a minute at the full rate would be
refused). A district pass shares one :class:`TokenBucket`; the Google HTTP choke point
(:meth:`tracker_sync.backends.google_http.GoogleHTTPClient.request`) calls :meth:`TokenBucket.acquire`
before every HTTP attempt, retries included, and :meth:`TokenBucket.throttled` when Google still
answers 429, so every school pauses together instead of a storm of retries.

The clock and sleep are injectable: tests drive the bucket with a fake clock and never sleep.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable

from tracker_sync.errors import ConfigError

#: Requests per minute the project's Sheets quota allows; the limiter refuses to be set above it.
PROJECT_QUOTA_PER_MINUTE = 300
DEFAULT_PER_MINUTE = 60
WINDOW_S = 60.0
#: Waits shorter than this count as none: a float clock cannot always move by less (1e-15 s added to
#: 16.2 s leaves it at 16.2 s), and a bucket waiting for that would spin on a fake clock forever.
_NO_WAIT_S = 1e-9


class TokenBucket:
    """Allows ``per_minute`` requests a minute on average, with bursts of at most ``burst``, and never
    more than ``per_minute`` in any 60 seconds.

    Thread-safe. ``acquire`` blocks (by calling ``sleep``) until a token is free; it never refuses.
    ``waited`` is the total time spent waiting, ``granted`` the number of tokens handed out.
    """

    def __init__(self, per_minute: float = DEFAULT_PER_MINUTE, *, burst: int | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if not 0 < per_minute <= PROJECT_QUOTA_PER_MINUTE:
            raise ConfigError(f"quota_per_minute must be between 1 and {PROJECT_QUOTA_PER_MINUTE} "
                              f"(the project's Sheets quota), not {per_minute:g}.")
        self.per_minute = per_minute
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = burst if burst is not None else max(1, round(self.rate))  # about one second's worth
        self.clock = clock
        self.sleep = sleep
        self.granted = 0
        self.waited = 0.0
        self.throttles = 0
        self._tokens = float(self.burst)
        self._updated = clock()
        self._paused_until = 0.0
        self._recent: collections.deque[float] = collections.deque()  # grant times of the last minute
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        start = max(self._updated, self._paused_until)
        if now > start:
            self._tokens = min(self.burst, self._tokens + (now - start) * self.rate)
        self._updated = max(self._updated, now)

    def _wait(self, now: float) -> float:
        """Seconds until a token is free, any pause is over and the last minute has room."""
        while self._recent and now - self._recent[0] >= WINDOW_S:
            self._recent.popleft()
        wait = max(0.0, self._paused_until - now) + max(0.0, 1 - self._tokens) / self.rate
        if len(self._recent) >= self.per_minute:
            wait = max(wait, self._recent[0] + WINDOW_S - now)
        return wait

    def acquire(self) -> float:
        """Take one token, waiting as long as needed; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                self._refill(now)
                wait = self._wait(now)
                if wait < _NO_WAIT_S:
                    self._tokens = max(0.0, self._tokens - 1)
                    self._recent.append(now)
                    self.granted += 1
                    self.waited += waited
                    return waited
            self.sleep(wait)
            waited += wait

    def throttled(self, retry_after: float | None = None) -> None:
        """Google said 429 anyway: empty the bucket and hold everyone for ``retry_after`` (or a second)."""
        with self._lock:
            now = self.clock()
            self._refill(now)
            self._tokens = 0.0
            self._paused_until = max(self._paused_until, now + (retry_after if retry_after is not None else 1.0))
            self.throttles += 1

    def quota_bound_s(self, requests: int) -> float:
        """The least time ``requests`` can take under this bucket's rate, starting full.

        (The minute window can add less than ``burst / rate`` to it.)"""
        return max(0, requests - self.burst) / self.rate
