"""Errors tracker-sync raises. Validation problems are *findings* (data), not exceptions.

TrackerSyncError
 ├── ConfigError          bad settings, registry or command-line input (CLI exit 2)
 ├── TrackerNotFound      no tracker at that path or id
 └── BackendError         storage failed; the tracker is unchanged
      ├── RolloverIncomplete  a rollover stopped after making next year's tracker; last year's is unchanged
      ├── TrackerLocked   another process holds the tracker's lock
      ├── TrackerInUse    a spreadsheet app has the tracker file open
      ├── TrackerNotShared  the spreadsheet is not shared (as an editor) with our service account
      └── ApiError        Google answered with an error after retries (keeps code and message)
           └── WriteRefused  Google refused a write's content (400): nothing applied, a retry fails alike
"""

from __future__ import annotations


class TrackerSyncError(Exception):
    """Base class of every error tracker-sync raises on purpose."""

    #: What kind of failure this is, in words people read (run history, status, the Sync Log).
    label = "failed"


def failure_detail(exc: Exception) -> str:
    """What a failed run's history says: '<label>: <message>' for tracker-sync's own errors; for
    anything else (a bug) no message, which could hold a cell's content, only where to look."""
    return f"{exc.label}: {exc}" if isinstance(exc, TrackerSyncError) else "unexpected error: see the service log"


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


class TrackerInUse(BackendError):
    """A spreadsheet app (LibreOffice, Excel) has the tracker file open; its next save would undo a write."""

    label = "in use"


class ApiError(BackendError):
    """Google answered with an error (after any retries); carries the API's code, status, message and reason."""

    label = "Google error"

    def __init__(self, code: int, message: str, status: str = "", *, reason: str = "") -> None:
        self.code = code
        self.message = message
        self.status = status
        self.reason = reason  # the ErrorInfo reason when Google sent one, e.g. SERVICE_DISABLED
        super().__init__(f"[{code}] {status + ': ' if status else ''}{message}")


class TrackerNotShared(BackendError):
    """The spreadsheet exists, but the account tracker-sync runs as may not open or change it."""

    label = "not shared"


class WriteRefused(ApiError):
    """Google refused a write's content (400 INVALID_ARGUMENT): nothing of it was applied, and the same
    write would be refused again, so the sync says why in the tracker instead of failing forever."""

    label = "write refused"


class RolloverIncomplete(BackendError):
    """A rollover stopped half way: next year's tracker exists (``made``), last year's is as it was;
    running the same command again finishes it."""

    label = "rollover incomplete"

    def __init__(self, message: str, made: str) -> None:
        self.made = made
        super().__init__(message)
