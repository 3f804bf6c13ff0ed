"""Google's Sheets quota, enforced by the fake when asked (off by default).

Google counts read and write requests apart, per minute, per user (a service account is one user)
and per project (developers.google.com/sheets/api/limits: 60 per user and 300 per project, each for
reads and for writes). A request over a limit is refused with 429 RESOURCE_EXHAUSTED, an ErrorInfo
naming the limit, and ``Retry-After``; a refused request is not counted. Reads are spreadsheets.get,
values.get and values:batchGet; writes are batchUpdate, values.update and values:clear. Drive and
token requests are not counted (Drive has its own, much larger quota).

A caller's project is the one in its service-account email (name@PROJECT.iam.gserviceaccount.com);
any other caller counts in the project "default".
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tracker_sync.testing.google_fake.answers import ApiAnswer, quota_exceeded_body


@dataclass(frozen=True)
class SheetsQuota:
    """Requests allowed per sliding minute; Google's defaults."""

    read_per_user: int = 60
    write_per_user: int = 60
    read_per_project: int = 300
    write_per_project: int = 300
    window_s: float = 60.0

    def limit(self, kind: str, scope: str) -> int:
        return getattr(self, f"{kind}_per_{scope}")


def project_of(email: str) -> str:
    name, _, domain = email.partition("@")
    return domain.removesuffix(".iam.gserviceaccount.com") if domain.endswith(".iam.gserviceaccount.com") else "default"


class QuotaWindows:
    """The sliding minute of every (scope, who, kind) the fake has seen. Thread-safe."""

    def __init__(self, limits: SheetsQuota, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.refused: collections.Counter[str] = collections.Counter()  # by quota limit name
        self._seen: dict[tuple[str, str, str], collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def admit(self, email: str, kind: str) -> None:
        """Count one request, or raise the 429 Google would answer (the per-user limit is checked first)."""
        project = project_of(email)
        with self._lock:
            now = self.clock()
            windows = {"user": self._window(("user", email, kind), now), "project": self._window(("project", project, kind), now)}
            for scope, window in windows.items():
                limit = self.limits.limit(kind, scope)
                if len(window) >= limit:
                    self.refused[f"{kind}/{scope}"] += 1
                    wait = max(1, math.ceil(window[0] + self.limits.window_s - now))
                    raise ApiAnswer(429, quota_exceeded_body(kind, scope, limit, project), {"Retry-After": str(wait)})
            for window in windows.values():
                window.append(now)

    def _window(self, key: tuple[str, str, str], now: float) -> collections.deque[float]:
        window = self._seen[key]
        while window and now - window[0] >= self.limits.window_s:
            window.popleft()
        return window
