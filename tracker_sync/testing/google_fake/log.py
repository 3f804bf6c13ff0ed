"""The fake's request log: exact counts forever, the last requests in detail, bounded memory.

A district benchmark sends tens of thousands of requests whose bodies (a whole tracker's batchUpdate)
are megabytes each; keeping them all made the log most of the fake's memory. So every request is
counted, the last ``keep`` are kept, and only the last ``keep_bodies`` keep their body.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake received: what was asked, what it answered, and which fault it met.

    ``body`` is None for requests older than the log's last ``keep_bodies``.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    fault: str = ""

    @property
    def api(self) -> str:
        if self.path in ("/token", "/o/oauth2/auth"):
            return "oauth"
        if self.path.startswith("/v1/forms"):
            return "forms"
        return "sheets" if self.path.startswith("/v4/") else "drive"

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}{' (' + self.fault + ')' if self.fault else ''}"


class LogTruncated(RuntimeError):
    """calls() was asked for more requests than the log still holds."""


class RequestLog:
    """Thread-safe. ``count`` is exact since the last ``clear``; ``entries`` refuses to return a partial list."""

    def __init__(self, keep: int = 10_000, keep_bodies: int = 20) -> None:
        self.keep, self.keep_bodies = keep, keep_bodies
        self._entries: collections.deque[LoggedRequest] = collections.deque(maxlen=keep)
        self._counts: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)
            self._counts[entry.api] += 1
            old = len(self._entries) - 1 - self.keep_bodies
            if old >= 0 and self._entries[old].body is not None:
                self._entries[old] = dataclasses.replace(self._entries[old], body=None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()

    def count(self, api: str | None = None) -> int:
        """Requests since the last clear: of one api ("sheets", "drive", "forms", "oauth"), or all but token requests."""
        with self._lock:
            return self._counts[api] if api else sum(n for name, n in self._counts.items() if name != "oauth")

    def entries(self, api: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            total = sum(self._counts.values())
            if total > len(self._entries):
                raise LogTruncated(f"the fake's log holds only the last {len(self._entries)} of {total} requests since "
                                   "clear_log(); call clear_log() closer to the requests you look at, or use count()")
            return [r for r in self._entries if (r.api == api if api else r.api != "oauth")]
