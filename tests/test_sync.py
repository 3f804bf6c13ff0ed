"""The spine, end to end on real .xlsx files: provision, seed, sync, and what the file holds after."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import AS_OF, tiny_grids, tool_table

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.check import tabs_to_read
from tracker_sync.metadata import to_metadata
from tracker_sync.sync import sync_tracker


@pytest.fixture
def tracker(tmp_path, leap_template, tiny_settings):
    """A provisioned tiny-school tracker, with the coach rows typed in."""
    workbook = XlsxWorkbook(tmp_path / "tiny.xlsx")
    workbook.provision(leap_template, to_metadata(tiny_settings))
    workbook.seed_rows({name: grid[1:] for name, grid in tiny_grids().items()})
    return workbook


def coach_cells(path, template) -> dict:
    """Every coach-tab cell, formulas as typed (not computed): what a coach would see edited."""
    book = openpyxl.load_workbook(path)
    return {(tab, c.coordinate): c.value for tab in template.coach_tab_names for row in book[tab].iter_rows() for c in row}


def test_sync_never_changes_a_coach_cell_even_twice(tracker, leap_template):
    before = coach_cells(tracker.path, leap_template)
    first = sync_tracker(tracker, as_of=AS_OF)
    assert coach_cells(tracker.path, leap_template) == before
    sync_tracker(tracker, as_of=AS_OF)
    assert coach_cells(tracker.path, leap_template) == before
    assert first.tabs_written == ["Summary", "Patterns", "Flags", "Plan", "Sync Log"]


def test_synced_workbook_holds_every_coach_and_tool_tab(tracker, leap_template):
    sync_tracker(tracker, as_of=AS_OF)
    names = openpyxl.load_workbook(tracker.path).sheetnames
    for tab in [*leap_template.coach_tab_names, *leap_template.tool_tab_names, "Instructions"]:
        assert tab in names


def test_summary_numbers_are_the_hand_computed_ones(tracker):
    sync_tracker(tracker, as_of=AS_OF)
    summary = tracker.read(["Summary"]).grids["Summary"]
    now, *_, norm = tool_table(summary, "Headline")
    assert now["Teachers not observed in 14 days"] == 2 and norm["Teachers not observed in 14 days"] == 0
    assert now["Median school days to feedback"] == 1 and norm["Median school days to feedback"] == "at most 3"
    assert now["Overdue action steps"] == 2


def test_bad_cells_become_flags_rows_naming_tab_row_and_column(tmp_path, leap_template, tiny_settings):
    grids = tiny_grids()
    grids["Observations"][1][0] = "13/45/2026"   # Observations!A2
    grids["Observations"][3][1] = "Jon Smth"     # Observations!B4
    grids["LEAP Scores"][2][4] = 9               # LEAP Scores!E3
    grids["Observations"][4][4] = "I.9"          # Observations!E5
    workbook = XlsxWorkbook(tmp_path / "typos.xlsx")
    workbook.provision(leap_template, to_metadata(tiny_settings))
    workbook.seed_rows({name: grid[1:] for name, grid in grids.items()})
    report = sync_tracker(workbook, as_of=AS_OF)
    flags = tool_table(workbook.read(["Flags"]).grids["Flags"], "Severity")
    located = {(r["Tab"], r["Cell"]): r for r in flags}
    assert located[("Observations", "A2")]["Code"] == "bad-date"
    assert located[("Observations", "B4")]["Code"] == "unknown-teacher"
    assert located[("Observations", "B4")]["Column"] == "Teacher"
    assert located[("LEAP Scores", "E3")]["Code"] == "score-out-of-range"
    assert located[("Observations", "E5")]["Code"] == "unknown-indicator"
    assert located[("Observations", "B4")]["Entered by"] == "Ben Ross"  # the row's Observer
    assert report.findings["error"] >= 4
    # each row jumps to its cell
    book = openpyxl.load_workbook(workbook.path)
    links = [c.hyperlink.location for row in book["Flags"].iter_rows() for c in row if c.hyperlink]
    assert "'Observations'!A2" in links or "Observations!A2" in links


def test_sync_log_is_newest_first_and_bounded(tracker, tiny_settings):
    times = [dt.datetime(2026, 9, 30, 12, minute, tzinfo=dt.UTC) for minute in range(4)]
    for now in times:
        sync_tracker(tracker, as_of=AS_OF, now=now)
    log = tracker.read(["Sync Log"]).grids["Sync Log"]
    # the school's local time (America/Denver, MDT in September)
    assert [row[0] for row in log[1:]] == ["2026-09-30 06:03:00 MDT", "2026-09-30 06:02:00 MDT", "2026-09-30 06:01:00 MDT",
                                          "2026-09-30 06:00:00 MDT"]


def test_sync_log_keeps_at_most_the_configured_lines(tmp_path, leap_template, tiny_settings):
    settings = tiny_settings.model_copy(update={"norms": tiny_settings.norms.model_copy(update={"sync_log_max_lines": 2})})
    workbook = XlsxWorkbook(tmp_path / "short-log.xlsx")
    workbook.provision(leap_template, to_metadata(settings))
    for minute in range(3):
        sync_tracker(workbook, as_of=AS_OF, now=dt.datetime(2026, 9, 30, 12, minute, tzinfo=dt.UTC))
    assert len(workbook.read(["Sync Log"]).grids["Sync Log"]) == 3  # header + 2 lines


def test_a_failed_write_leaves_the_old_tool_tabs_whole(tracker, monkeypatch):
    sync_tracker(tracker, as_of=AS_OF)
    before = tracker.path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tracker_sync.backends.xlsx.container.write_zip", disk_full)
    from tracker_sync.errors import BackendError

    with pytest.raises(BackendError):
        sync_tracker(tracker, as_of=dt.date(2026, 10, 1))
    assert tracker.path.read_bytes() == before


def test_reads_every_coach_tab_in_one_read(tracker):
    calls = []
    real_read = tracker.read
    tracker.read = lambda tabs: calls.append(list(tabs)) or real_read(tabs)
    sync_tracker(tracker, as_of=AS_OF)
    assert len(calls) == 1 and set(calls[0]) == set(tabs_to_read())
