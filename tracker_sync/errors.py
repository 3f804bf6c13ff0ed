"""Errors tracker-sync raises. Validation problems are *findings* (data), not exceptions.

TrackerSyncError
 ├── ConfigError          bad settings, registry or command-line input (CLI exit 2)
 │    └── MissingExtra    a command needs an optional extra that is not installed (names the pip install)
 ├── TrackerNotFound      no tracker at that path or id
 └── BackendError         storage failed; the tracker is unchanged
      ├── RolloverIncomplete  a rollover stopped after making next year's tracker; last year's is unchanged
      ├── TrackerLocked   another process holds the tracker's lock
      ├── TrackerInUse    a spreadsheet app has the tracker file open
      ├── TrackerNotShared  the spreadsheet is not shared (as an editor) with our service account
      └── ApiError        Google answered with an error after retries (keeps Google's whole error body)
           └── WriteRefused  Google refused a write's content (400): nothing applied, a retry fails alike
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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


class MissingExtra(ConfigError):
    """A part of tracker-sync whose libraries are an optional extra ran without them: the core install
    (xlsx trackers) leaves out Google's (``google``) and the scheduler's (``serve``)."""

    def __init__(self, extra: str, part: str, missing: str | None) -> None:
        self.extra = extra
        super().__init__(f"{part} needs {missing or 'a library'}, which this install leaves out: "
                         f"pip install 'tracker-sync[{extra}]'")


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
    """Google answered with an error (after any retries). ``error`` is Google's whole error object, as
    gspread's APIError keeps it: code, message, status, and every entry of ``details`` (ErrorInfo,
    Help links, ...) and of Drive's ``errors``; the message is still one line."""

    label = "Google error"

    def __init__(self, code: int, message: str, status: str = "", *, error: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.message = message
        self.status = status
        self.error: dict[str, Any] = dict(error) if error else {"code": code, "message": message, "status": status}
        super().__init__(f"[{code}] {status + ': ' if status else ''}{message}")

    @property
    def details(self) -> list[dict[str, Any]]:
        """Every entry of the body's ``details`` (Sheets and the other v4 APIs)."""
        return [d for d in self.error.get("details") or [] if isinstance(d, dict)]

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Every entry of the body's ``errors`` (Drive v3: domain, reason, location)."""
        return [e for e in self.error.get("errors") or [] if isinstance(e, dict)]

    @property
    def reason(self) -> str:
        """The first reason Google gave: an ErrorInfo's (Sheets, e.g. SERVICE_DISABLED), else the first of
        Drive's errors (e.g. insufficientFilePermissions); "" when none."""
        return next((str(d["reason"]) for d in [*self.details, *self.errors] if d.get("reason")), "")


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
