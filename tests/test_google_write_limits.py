"""Google's limits on a write, met by every sync: no cell over 50,000 characters whatever a coach typed,
and a school whose write Google refuses still learns why, in its own Flags tab and Sync Log.

Google refuses a whole batchUpdate when one cell holds more than 50,000 characters (the fake does
too, with Google's message). A coach cell of 49,990 characters is legal; quoted whole in a message
it would go over, and that school would never sync again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from backend_support import NO_WAIT, run_cli
from conftest import AS_OF, as_read, tiny_grids

from tracker_sync.backends.google.values import entered_value
from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client
from tracker_sync.errors import WriteRefused
from tracker_sync.metadata import to_metadata
from tracker_sync.sync import sync_tracker
from tracker_sync.tabs import Link

NOW = dt.datetime(2026, 9, 30, 20, 0, tzinfo=dt.UTC)
LONG = "Q" * 49_990  # legal in a cell: Google's limit is 50,000


@pytest.fixture
def school(fake, account, leap_template, tiny_settings, shared_drive):
    """A tiny school whose first learning cycle is named with 49,990 characters (a paste gone wrong)."""
    http = google_client(service_account_info=account, api_base=fake.base_url, retry=NO_WAIT)
    workbook = GoogleWorkbook.create("Long Cell School tracker", http, folder_id=shared_drive)
    workbook.provision(leap_template, to_metadata(tiny_settings))
    grids = tiny_grids()
    grids["Learning Cycles"][1][1] = LONG
    grids["Observations"][1][3] = LONG  # the Type of a visit: a dropdown value it is not
    workbook.seed_rows({tab: grid[1:] for tab, grid in grids.items()})
    return workbook


def _texts(fake, workbook: GoogleWorkbook, tab: str) -> list[str]:
    """The texts of a tab as a person reads them (the lines of a wrapped cell as one)."""
    sheet = fake.spreadsheets[workbook.spreadsheet_id].sheet(title=tab)
    return [as_read(str(next(iter(cell["userEnteredValue"].values()))))
            for cell in sheet.cells.values() if "userEnteredValue" in cell]


def test_a_49990_character_coach_cell_is_quoted_by_a_short_prefix_and_the_sync_writes(fake, school):
    fake.clear_log()
    report = sync_tracker(school, as_of=AS_OF, now=NOW)
    assert report.outcome == "ok" and [(c.method, c.status) for c in fake.calls()] == [("GET", 200), ("POST", 200)]
    flags = _texts(fake, school, "Flags")
    assert max(map(len, flags)) <= 50_000
    choices = "Informal, Walkthrough, Scored – Partial, Scored – Full, Co-observation, Video"
    bad_type = next(text for text in flags if text.endswith(f"is not one of: {choices}."))
    assert bad_type == f"'{'Q' * 59}…' is not one of: {choices}."
    values = [text for text in flags if text.startswith("QQ") and len(text) <= 60]  # the Value column: a prefix
    assert values and all(len(text) == 60 and text.endswith("…") for text in values)
    # A name where it names something (the practice flag about the cycle) is cut by the layout, as every
    # tool-tab text over 1,000 characters is; the tab stays as wide as a tab should be.
    cut = next(text for text in flags if text.startswith("Q" * 900))
    assert cut == "Q" * 999 + "…"
    widths = {sheet.title: sheet.columns for sheet in fake.spreadsheets[school.spreadsheet_id].sheets}
    assert widths["Patterns"] <= 40 and widths["Flags"] <= 12  # as wide as tabs get (the demo: 29), not 10,670


def test_the_google_write_never_sends_a_cell_over_googles_limit():
    """The backstop under every write: whatever reaches the Google backend, a cell gets at most 50,000 characters."""
    text, _ = entered_value("w" * 60_000, {})
    assert len(text["stringValue"]) == 50_000 and text["stringValue"].endswith("… [cut: 60,000 characters in all]")
    link, _ = entered_value(Link("l" * 60_000, "Flags", "A1"), {"Flags": 7})
    assert len(link["formulaValue"]) <= 50_000 and link["formulaValue"].startswith('=HYPERLINK("#gid=7&range=A1","lll')
    assert entered_value("short", {}) == ({"stringValue": "short"}, None)


@pytest.fixture
def buggy(monkeypatch):
    """As if a bug let text over Google's limit through to the write (both caps off)."""
    monkeypatch.setattr("tracker_sync.render.layout.CELL_TEXT_LIMIT", 1_000_000)
    monkeypatch.setattr("tracker_sync.backends.google.values.within_cell_limit", lambda text, limit=0: text)


def test_a_write_google_refuses_leaves_flags_and_sync_log_saying_why_in_one_more_call(fake, school, buggy):
    sync_log_before = None
    fake.clear_log()
    for attempt in (1, 2):  # refused every time, and said every time: never a silent, endless failure
        with pytest.raises(WriteRefused) as refused:
            sync_tracker(GoogleWorkbook(school.spreadsheet_id, school.http), as_of=AS_OF, now=NOW + dt.timedelta(hours=attempt))
        calls = [(c.method, c.status) for c in fake.calls()]
        assert calls == [("GET", 200), ("POST", 400), ("POST", 200)]  # the read, the refused write, Flags + Sync Log
        assert "more than the maximum of 50000 characters in a single cell" in str(refused.value)
        assert "Flags tab and Sync Log say so" in str(refused.value)
        flags = _texts(fake, school, "Flags")
        assert flags[0] == "Flags: the last sync could not write its tabs"
        refusal = GoogleWorkbook(school.spreadsheet_id, school.http).read(["Flags"]).grids["Flags"]
        said = {as_read(row[0]): as_read(row[1]) for row in refusal[3:]}
        assert said["Google said"].startswith("Invalid requests[") and "50000 characters" in said["Google said"]
        assert said["When"] == f"2026-09-30 {14 + attempt}:00:00 MDT"  # the sync's time, as the school reads clocks
        log = GoogleWorkbook(school.spreadsheet_id, school.http).read(["Sync Log"]).grids["Sync Log"]
        assert [row[6] for row in log[1:]][:attempt] == ["write refused: see Flags"] * attempt
        assert sync_log_before is None or log[2] == sync_log_before
        sync_log_before = log[1]
        fake.clear_log()
    assert _texts(fake, school, "Summary") == []  # the full write never landed: Summary is as provisioning left it


@pytest.mark.usefixtures("buggy", "cli_env")
def test_the_cli_says_the_refusal_in_one_line_and_exits_3(fake, school):
    result = run_cli("sync", school.spreadsheet_id, "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Flags tab and Sync Log say so" in lines[0] and "50000 characters" in lines[0]
