"""Google's Sheets and Forms quotas, kept on our side so a district pass stays under them.

Google counts **read and write requests apart**, per minute, **per user** (a service account is one
user) and **per project** (developers.google.com/sheets/api/limits; defaults 60 per user and 300 per
project, each for reads and for writes), over a sliding minute. The Forms API has its own quotas,
counted the same way (developers.google.com/workspace/forms/api/limits): read requests 390 a minute
per user and 975 per project; "expensive read requests", which is what ``forms.responses.list`` counts
as, 180 and 450; write requests 150 and 375. A sync of a school with a form costs one expensive
read (its responses), and one read and one write more when the Roster's teachers changed.

So :class:`DistrictQuota` holds one :class:`TokenBucket` per (credential, kind) and one per (project,
kind), the kinds being :data:`KINDS`. Every Sheets or Forms request takes a token from its
credential's bucket and the project's bucket of its kind at the same
instant (:meth:`DistrictQuota.acquire`); Drive and token requests take none (Drive's quota is
separate and much larger). A 429 that still happens pauses only the bucket it came from
(:meth:`DistrictQuota.throttled`: Google's error names its limit, per user or per project).

The Google HTTP choke point (:meth:`tracker_sync.backends.google.transport.GoogleHTTPClient.request`)
asks a :class:`CredentialLimiter`, the district quota seen from one credential. The clock and sleep
are injectable: tests drive the buckets with a fake clock and never sleep.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tracker_sync.errors import ConfigError

KINDS = ("read", "write", "form_read", "form_list", "form_write")
WINDOW_S = 60.0
#: Waits shorter than this count as none: a float clock cannot always move by less (1e-15 s added to
#: 16.2 s leaves it at 16.2 s), and a bucket waiting for that would spin on a fake clock forever.
_NO_WAIT_S = 1e-9


@dataclass(frozen=True)
class QuotaLimits:
    """Requests per minute: per credential (Google's "per user") and per project, each kind apart (Sheets
    reads and writes; Forms reads, responses.list and writes)."""

    reads_per_credential: int = 60
    writes_per_credential: int = 60
    reads_per_project: int = 300
    writes_per_project: int = 300
    form_reads_per_credential: int = 390
    form_lists_per_credential: int = 180
    form_writes_per_credential: int = 150
    form_reads_per_project: int = 975
    form_lists_per_project: int = 450
    form_writes_per_project: int = 375

    def per_minute(self, kind: str, scope: str) -> int:
        return getattr(self, f"{kind}s_per_{'credential' if scope == 'user' else 'project'}")


class TokenBucket:
    """Allows ``per_minute`` requests a minute on average, with bursts of at most ``burst``, and never
    more than ``per_minute`` in any 60 seconds (Google counts over a sliding minute, so a full bucket's
    burst on top of a minute at the full rate would be refused).

    Thread-safe. ``acquire`` blocks (by calling ``sleep``) until a token is free; it never refuses.
    ``waited`` is the total time spent waiting, ``granted`` the number of tokens handed out.
    """

    def __init__(self, per_minute: float, *, burst: int | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if not per_minute > 0:
            raise ConfigError(f"A quota must allow at least 1 request a minute, not {per_minute:g}.")
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
        self.lock = threading.Lock()

    def _refill(self, now: float) -> None:
        start = max(self._updated, self._paused_until)
        if now > start:
            self._tokens = min(self.burst, self._tokens + (now - start) * self.rate)
        self._updated = max(self._updated, now)

    def wait_s(self, now: float) -> float:
        """Seconds until a token is free, any pause is over and the last minute has room (hold ``lock``)."""
        self._refill(now)
        while self._recent and now - self._recent[0] >= WINDOW_S:
            self._recent.popleft()
        wait = max(0.0, self._paused_until - now) + max(0.0, 1 - self._tokens) / self.rate
        if len(self._recent) >= self.per_minute:
            wait = max(wait, self._recent[0] + WINDOW_S - now)
        return wait

    def take(self, now: float, waited: float) -> None:
        """Hand out one token at ``now`` (hold ``lock``, after ``wait_s`` said 0)."""
        self._tokens = max(0.0, self._tokens - 1)
        self._recent.append(now)
        self.granted += 1
        self.waited += waited

    def acquire(self) -> float:
        """Take one token, waiting as long as needed; returns the seconds waited."""
        return acquire_together([self], self.clock, self.sleep)

    def throttled(self, retry_after: float | None = None) -> None:
        """Google said 429 anyway: empty the bucket and hold it for ``retry_after`` (or a second)."""
        with self.lock:
            now = self.clock()
            self._refill(now)
            self._tokens = 0.0
            self._paused_until = max(self._paused_until, now + (retry_after if retry_after is not None else 1.0))
            self.throttles += 1

    def quota_bound_s(self, requests: int) -> float:
        """The least time ``requests`` can take under this bucket's rate, starting full.

        (The minute window can add less than ``burst / rate`` to it.)"""
        return max(0, requests - self.burst) / self.rate


def acquire_together(buckets: list[TokenBucket], clock: Callable[[], float], sleep: Callable[[float], None]) -> float:
    """One token from every bucket at the same instant (waiting as long as the slowest needs).

    Taking them one after another would stamp the first bucket's minute window earlier than the
    request really goes out, and Google, counting when it arrives, would refuse the 61st. Locks are
    taken in list order; callers always list a credential's bucket before the project's.
    """
    waited = 0.0
    while True:
        for bucket in buckets:
            bucket.lock.acquire()
        try:
            now = clock()
            wait = max(bucket.wait_s(now) for bucket in buckets)
            if wait < _NO_WAIT_S:
                for bucket in buckets:
                    bucket.take(now, waited)
                return waited
        finally:
            for bucket in reversed(buckets):
                bucket.lock.release()
        sleep(wait)
        waited += wait


class DistrictQuota:
    """The quota of one Google project shared by every school of a district, across its credentials.

    ``acquire(credential, kind)`` before every Sheets request; ``throttled(credential, kind, scope,
    retry_after)`` when Google still answers 429 (``scope`` "user", "project", or None when the
    error does not say: then both pause). Thread-safe. ``waited``/``granted``/``throttles`` sum all buckets.
    """

    def __init__(self, limits: QuotaLimits = QuotaLimits(), *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limits = limits
        self.clock, self.sleep = clock, sleep
        self.project = {kind: TokenBucket(limits.per_minute(kind, "project"), clock=clock, sleep=sleep) for kind in KINDS}
        self.credentials: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, credential: str, kind: str) -> TokenBucket:
        with self._lock:
            key = (credential, kind)
            if key not in self.credentials:
                self.credentials[key] = TokenBucket(self.limits.per_minute(kind, "user"), clock=self.clock, sleep=self.sleep)
            return self.credentials[key]

    def acquire(self, credential: str, kind: str) -> float:
        return acquire_together([self.bucket(credential, kind), self.project[kind]], self.clock, self.sleep)

    def throttled(self, credential: str, kind: str, scope: str | None, retry_after: float | None) -> None:
        if scope in ("user", None):
            self.bucket(credential, kind).throttled(retry_after)
        if scope in ("project", None):
            self.project[kind].throttled(retry_after)

    @property
    def waited(self) -> float:
        """Seconds requests waited for quota, in all (a request waits once, for its slowest bucket)."""
        return sum(b.waited for b in self.credentials.values())

    @property
    def granted(self) -> int:
        return sum(b.granted for b in self.project.values())

    @property
    def throttles(self) -> dict[str, int]:
        """429s that paused a bucket, by scope."""
        return {"user": sum(b.throttles for b in self.credentials.values()),
                "project": sum(b.throttles for b in self.project.values())}

    def bound_s(self, requests: Mapping[tuple[str, str], int]) -> float:
        """The least time these requests need at the quota's rates: ``requests[(credential, kind)]`` each.

        Reads and writes of one credential, and the project's sums, each at their bucket's rate; the
        slowest bucket is the bound (no burst credit: this is requests / rate, as the quota states it).
        """
        times = [n / (self.limits.per_minute(kind, "user") / 60) for (_, kind), n in requests.items()]
        for kind in KINDS:
            total = sum(n for (_, k), n in requests.items() if k == kind)
            times.append(total / (self.limits.per_minute(kind, "project") / 60))
        return max(times, default=0.0)


class CredentialLimiter:
    """The district quota as one credential's requests see it: what a GoogleHTTPClient asks."""

    def __init__(self, quota: DistrictQuota, credential: str) -> None:
        self.quota, self.credential = quota, credential

    def acquire(self, kind: str) -> float:
        return self.quota.acquire(self.credential, kind)

    def throttled(self, kind: str, scope: str | None, retry_after: float | None) -> None:
        self.quota.throttled(self.credential, kind, scope, retry_after)
