"""Errors tracker-sync raises. Validation problems are *findings* (data), not exceptions.

TrackerSyncError
 ├── ConfigError          bad settings, registry or command-line input (CLI exit 2)
 ├── TrackerNotFound      no tracker at that path or id
 └── BackendError         storage failed; the tracker is unchanged
      ├── TrackerLocked   another process holds the tracker's lock
      └── ApiError        Google answered with an error after retries (keeps code and message)
"""

from __future__ import annotations


class TrackerSyncError(Exception):
    """Base class of every error tracker-sync raises on purpose."""

    #: What kind of failure this is, in words people read (run history, status, the Sync Log).
    label = "failed"


class ConfigError(TrackerSyncError):
    """Settings, registry or command-line input that cannot be used as given."""

    label = "bad setup"


class TrackerNotFound(TrackerSyncError):
    """No tracker exists at the given location."""

    label = "no tracker"


class BackendError(TrackerSyncError):
    """Reading or writing the tracker failed; nothing was changed."""

    label = "cannot read or write"


class TrackerLocked(BackendError):
    """Another process is writing this tracker right now."""

    label = "locked"


class ApiError(BackendError):
    """Google answered with an error (after any retries); carries the API's code and message."""

    label = "Google error"

    def __init__(self, code: int, message: str, status: str = "") -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"[{code}] {status + ': ' if status else ''}{message}")
