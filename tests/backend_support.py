"""What the backend tests share: the metadata and Flags tab they write, and the Google harness that the
contract suite (test_backends.py) and the Google-only tests (test_google_backend.py) both drive."""

from __future__ import annotations

import pickle

import pytest

from tracker_sync.backends.google.transport import RetryPolicy
from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client
from tracker_sync.tabs import Link, Style, ToolTab
from tracker_sync.testing.google_fake import Fault, GoogleFake

METADATA = {"school": "Tiny School", "rubric": "leap", "norms": '{"feedback_days": 2}'}


def flags_tab(text: str) -> ToolTab:
    return ToolTab(
        "Flags",
        [["Severity", "Where", "Problem"], ["error", Link("Go to cell", "Observations", "A3"), text]],
        styles=[[1, 1, 1], [2]], palette=(Style(), Style(bold=True, fill="D9E1F2"), Style(fill="FFC7CE")),
        column_widths=[10, 14, 40],
        frozen_rows=1,
    )


NO_WAIT = RetryPolicy(sleep=lambda seconds: None, max_attempts=3)


def new_workbook(fake: GoogleFake, account: dict, title: str = "Tiny School tracker") -> GoogleWorkbook:
    """A new spreadsheet the service account made in a shared drive it manages (it owns no Drive storage)."""
    http = google_client(service_account_info=account, api_base=fake.base_url, retry=NO_WAIT)
    drive = fake.add_shared_drive("Coaching trackers", {account["client_email"]: "fileOrganizer"})
    return GoogleWorkbook.create(title, http, folder_id=drive)


class GoogleHarness:
    """The contract suite's harness: the workbook, plus what a coach (or an outage) does to it."""

    def __init__(self, fake: GoogleFake, account: dict) -> None:
        self.fake = fake
        self.workbook = new_workbook(fake, account)

    @property
    def book(self):
        return self.fake.spreadsheets[self.workbook.spreadsheet_id]

    def break_next_write(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fake.script(*[Fault.http(503, match=":batchUpdate")] * NO_WAIT.max_attempts)

    def delete_tab(self, tab: str) -> None:
        self.book.sheets.remove(self.book.sheet(title=tab))

    def set_cell(self, tab: str, row: int, column: int, value: object) -> None:
        book, stored = self.book, self.book.sheet(title=tab)
        own = stored.clone()  # stored tabs are shared (Drive copies, equal tabs) and never changed in place
        book.sheets[next(i for i, s in enumerate(book.sheets) if s is stored)] = own
        cells = own.cells
        if value is None:
            cells.pop((row - 1, column - 1), None)
        else:
            cells[(row - 1, column - 1)] = {"userEnteredValue": {"stringValue": str(value)}}

    def state(self) -> object:
        return pickle.dumps(self.book)


def run_cli(*args: str):
    """The tracker-sync command line, in this process (typer's CliRunner)."""
    from typer.testing import CliRunner

    from tracker_sync.cli import app

    return CliRunner().invoke(app, list(args))
