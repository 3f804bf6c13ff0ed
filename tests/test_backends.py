"""The backend contract (tracker_sync/backends/base.py), run against every backend.

Each backend brings a Harness: the workbook, plus the two things only a test does to it, breaking
the next write and a coach deleting a tab or clearing a cell: memory, xlsx and the Google fake.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from backend_support import METADATA, GoogleHarness, flags_tab
from conftest import tiny_grids

from tracker_sync.backends.base import Workbook
from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.errors import BackendError
from tracker_sync.tabs import ColorScale, Link, Style, ToolTab, trim_grid


class MemoryHarness:
    def __init__(self) -> None:
        self.workbook = MemoryWorkbook()

    def break_next_write(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.workbook.fail_next_write()

    def delete_tab(self, tab: str) -> None:
        del self.workbook.grids[tab]

    def set_cell(self, tab: str, row: int, column: int, value: object) -> None:
        self.workbook.grids[tab][row - 1][column - 1] = value

    def state(self) -> object:
        wb = self.workbook
        return repr((wb.grids, wb.metadata, wb.tab_ids, wb.tool_tabs))


class XlsxHarness:
    def __init__(self, path: Path) -> None:
        self.workbook = XlsxWorkbook(path)
        self.path = path

    def break_next_write(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def crash_mid_save(out, *args, **kwargs):  # half a file on disk, then the process "dies"
            out.write(b"PK\x03\x04 partial")
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("tracker_sync.backends.xlsx.container.write_zip", crash_mid_save)

    def _edit(self, change) -> None:
        import openpyxl

        book = openpyxl.load_workbook(self.path)
        change(book)
        book.save(self.path)

    def delete_tab(self, tab: str) -> None:
        self._edit(lambda book: book.remove(book[tab]))

    def set_cell(self, tab: str, row: int, column: int, value: object) -> None:
        self._edit(lambda book: setattr(book[tab].cell(row, column), "value", value))

    def state(self) -> object:
        return self.path.read_bytes()


@pytest.fixture(params=["memory", "xlsx", "google"])
def harness(request, tmp_path):
    if request.param == "google":  # over loopback HTTP to the Google fake
        return GoogleHarness(request.getfixturevalue("fake"), request.getfixturevalue("account"))
    return MemoryHarness() if request.param == "memory" else XlsxHarness(tmp_path / "tracker.xlsx")


@pytest.fixture
def tracker(harness, leap_template):
    """A provisioned tracker with the tiny school's rows typed in."""
    harness.workbook.provision(leap_template, METADATA)
    harness.workbook.seed_rows({tab: grid[1:] for tab, grid in tiny_grids().items()})
    return harness


def test_backends_implement_the_interface(harness):
    assert isinstance(harness.workbook, Workbook)
    assert harness.workbook.kind in ("memory", "xlsx", "google")
    assert harness.workbook.location


def test_provision_creates_coach_headers_empty_tool_tabs_and_metadata(harness, leap_template):
    harness.workbook.provision(leap_template, METADATA)
    names = leap_template.coach_tab_names + leap_template.tool_tab_names
    snapshot = harness.workbook.read(names)
    for spec in leap_template.tabs:
        assert snapshot.grids[spec.name] == [[c.header for c in spec.columns]]
    for name in leap_template.tool_tab_names:
        assert snapshot.grids[name] == []
    assert snapshot.metadata == METADATA
    assert set(names) <= set(snapshot.tab_ids)
    assert len(set(snapshot.tab_ids.values())) == len(snapshot.tab_ids)
    instructions = harness.workbook.read([leap_template.instructions.tab]).grids[leap_template.instructions.tab]
    assert instructions[0] == ["How this tracker works"]
    assert any("LEAP Scores" in row[0] for row in instructions if row)


def test_seeded_rows_read_back_as_typed(tracker, leap_template):
    snapshot = tracker.workbook.read(leap_template.coach_tab_names)
    assert snapshot.grids == {tab: trim_grid(grid) for tab, grid in tiny_grids().items()}
    observation = snapshot.grids["Observations"][1]
    assert observation[0] == dt.date(2026, 9, 28) and type(observation[0]) is dt.date


def test_read_skips_missing_tabs_and_changes_nothing(tracker):
    before = tracker.state()
    snapshot = tracker.workbook.read(["Roster", "No Such Tab"])
    assert list(snapshot.grids) == ["Roster"]
    assert tracker.state() == before


def test_write_replaces_tool_tabs_and_keeps_coach_tabs(tracker, leap_template):
    coach_before = tracker.workbook.read(leap_template.coach_tab_names).grids
    tracker.workbook.write([flags_tab("first")])
    tracker.workbook.write([flags_tab("second"), ToolTab("Summary", [["Team", "Visits"], ["Team A", 3]])])
    snapshot = tracker.workbook.read([*leap_template.coach_tab_names, "Flags", "Summary", "Patterns"])
    assert snapshot.grids["Flags"] == [["Severity", "Where", "Problem"], ["error", "Go to cell", "second"]]
    assert snapshot.grids["Summary"] == [["Team", "Visits"], ["Team A", 3]]
    assert snapshot.grids["Patterns"] == []
    assert {tab: snapshot.grids[tab] for tab in leap_template.coach_tab_names} == coach_before


def test_write_creates_a_missing_tool_tab(tracker):
    tracker.workbook.write([ToolTab("Extra", [["made by the tool"]])])
    snapshot = tracker.workbook.read(["Extra"])
    assert snapshot.grids == {"Extra": [["made by the tool"]]}
    assert "Extra" in snapshot.tab_ids


def test_write_merges_metadata(tracker):
    tracker.workbook.write([], {"last_sync": "2026-09-30T10:00:00", "rubric": "danielson"})
    assert tracker.workbook.read([]).metadata == {**METADATA, "last_sync": "2026-09-30T10:00:00", "rubric": "danielson"}


def test_failed_write_leaves_every_tab_as_it_was(tracker, monkeypatch):
    tracker.workbook.write([flags_tab("old")], {"last_sync": "old"})
    before = tracker.state()
    tracker.break_next_write(monkeypatch)
    with pytest.raises(BackendError):
        tracker.workbook.write([flags_tab("new"), ToolTab("Summary", [["new"]])], {"last_sync": "new"})
    assert tracker.state() == before
    snapshot = tracker.workbook.read(["Flags", "Summary"])
    assert snapshot.grids["Flags"][1][2] == "old"
    assert snapshot.metadata["last_sync"] == "old"


def test_provision_repairs_without_touching_coach_cells(tracker, leap_template):
    tracker.delete_tab("Learning Cycles")
    tracker.delete_tab("Patterns")
    tracker.set_cell("Observations", 1, 2, None)  # the "Teacher" header
    coach_before = tracker.workbook.read(["Roster", "Observations"]).grids
    tracker.workbook.provision(leap_template, METADATA)
    snapshot = tracker.workbook.read(["Roster", "Observations", "Learning Cycles", "Patterns"])
    assert snapshot.grids["Learning Cycles"] == [[c.header for c in leap_template.tab_of_kind("learning_cycle").columns]]
    assert snapshot.grids["Patterns"] == []
    assert snapshot.grids["Observations"][0][1] == "Teacher"
    assert snapshot.grids["Observations"][1:] == coach_before["Observations"][1:]
    assert snapshot.grids["Roster"] == coach_before["Roster"]


def test_provision_keeps_a_coach_renamed_header(tracker, leap_template):
    tracker.set_cell("Roster", 1, 1, "Staff Name")
    before = tracker.workbook.read(["Roster"]).grids["Roster"]
    tracker.workbook.provision(leap_template, METADATA)
    assert tracker.workbook.read(["Roster"]).grids["Roster"] == before
    assert before[0][0] == "Staff Name"


def test_provision_twice_changes_no_cell(harness, leap_template):
    harness.workbook.provision(leap_template, METADATA)
    names = [leap_template.instructions.tab, *leap_template.coach_tab_names, *leap_template.tool_tab_names]
    first = harness.workbook.read(names)
    harness.workbook.provision(leap_template, METADATA)
    assert harness.workbook.read(names) == first


@pytest.mark.parametrize("bad", [dict(number_format="#,##0"), dict(fill="red"), dict(align="justify")])
def test_a_style_no_backend_can_render_is_refused(bad):
    with pytest.raises(ValueError):
        Style(**bad)


def test_color_scale_interpolates_between_its_anchors_and_clamps():
    scale = ColorScale(((1, "F8696B"), (5, "FFEB84"), (7, "63BE7B")))
    # halfway from 1 to 5: each channel halfway, rounded (F8->FC: (248 + 255) / 2 = 251.5 -> 252)
    assert scale.color_at(3) == "FCAA78" and scale.color_at(5) == "FFEB84" and scale.color_at(6) == "B1D480"
    assert scale.color_at(0) == "F8696B" and scale.color_at(9) == "63BE7B"
    with pytest.raises(ValueError):
        ColorScale(((5, "FFEB84"), (1, "F8696B")))


def test_memory_fake_counts_operations_and_fails_on_request(leap_template):
    workbook = MemoryWorkbook({"Roster": [["Teacher"], ["Ana Lopez", ""], [None]]}, {"school": "Tiny"})
    assert workbook.read(["Roster"]).grids == {"Roster": [["Teacher"], ["Ana Lopez"]]}
    workbook.fail_next_write(BackendError("quota"))
    with pytest.raises(BackendError, match="quota"):
        workbook.write([flags_tab("x")])
    workbook.write([flags_tab("y")])
    assert (workbook.reads, workbook.writes) == (1, 2)
    assert workbook.tool_tabs["Flags"].rows[1][1] == Link("Go to cell", "Observations", "A3")
    assert "Flags" in workbook.protected and "Roster" not in workbook.protected
