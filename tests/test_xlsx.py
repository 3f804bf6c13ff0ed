"""What only the .xlsx backend promises: coach formatting survives, real files, locks, LibreOffice."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from filelock import FileLock
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from xlsx_support import (
    full_tool_tab,
    libreoffice_saved,
    lock_held_elsewhere,
    soffice_convert,
)

from tracker_sync.backends.xlsx.workbook import META_TAB, XlsxWorkbook
from tracker_sync.errors import BackendError, TrackerLocked, TrackerNotFound
from tracker_sync.tabs import ToolTab

METADATA = {"school": "Tiny School", "rubric": "leap"}


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "tracker.xlsx"


@pytest.fixture
def provisioned(path, leap_template) -> XlsxWorkbook:
    workbook = XlsxWorkbook(path)
    workbook.provision(leap_template, METADATA)
    return workbook


def edit(path: Path, change) -> None:
    """Change the file as a coach in Excel would (openpyxl stands in for Excel)."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)


def coach_edits(book) -> None:
    obs = book["Observations"]
    obs.append([dt.date(2026, 9, 14), "Ana Lopez", "Ben Ross", "Informal", "I.5", "Notes", None, "Cycle 1"])
    obs["A2"].number_format = "dd/mm/yyyy"
    obs["B2"].font = Font(bold=True, color="FF0000")
    obs["F2"].fill = PatternFill("solid", start_color="FFFF00", end_color="FFFF00")
    obs["H2"].comment = Comment("ask Ben", "coach")
    obs["J1"], obs["J2"] = "Days to feedback", "=G2-A2"
    obs.merge_cells("K1:L1")
    obs["K1"] = "Merged note"
    obs.column_dimensions["F"].width = 61
    extra = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    extra.add("M2:M50")
    obs.add_data_validation(extra)
    obs.conditional_formatting.add("A2:A50", CellIsRule(operator="lessThan", formula=["45000"],
                                                        fill=PatternFill(bgColor="FFC7CE")))


def coach_fingerprint(path: Path, tabs: list[str]) -> dict:
    """Every value, style, validation and format of the coach tabs, as comparable text."""
    book = openpyxl.load_workbook(path)
    found = {}
    for name in tabs:
        sheet = book[name]
        cells = {
            cell.coordinate: (cell.value, cell.data_type, cell.number_format, repr(cell.font), repr(cell.fill),
                              repr(cell.border), repr(cell.alignment), cell.comment and cell.comment.text)
            for row in sheet.iter_rows() for cell in row
        }
        found[name] = {
            "cells": cells,
            "validations": sorted(repr(dv) for dv in sheet.data_validations.dataValidation),
            "conditional": sorted(f"{r.sqref} {[x.type for x in r.rules]}" for r in sheet.conditional_formatting),
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
            "freeze": sheet.freeze_panes,
        }
    return found


# -- writes keep coach tabs -------------------------------------------------------------------


def test_write_keeps_every_coach_cell_validation_and_format(provisioned, path, leap_template):
    edit(path, coach_edits)
    before = coach_fingerprint(path, leap_template.coach_tab_names)
    provisioned.write([full_tool_tab()], {"last_sync": "now"})
    assert coach_fingerprint(path, leap_template.coach_tab_names) == before
    assert before["Observations"]["cells"]["J2"][:2] == ("=G2-A2", "f")


def test_write_keeps_coach_edits_made_after_the_read(provisioned, path):
    provisioned.read(["Observations"])
    edit(path, lambda book: book["Observations"].append(["typed while syncing"]))
    provisioned.write([full_tool_tab()])
    assert provisioned.read(["Observations"]).grids["Observations"][1] == ["typed while syncing"]


def test_replaced_tool_tab_keeps_its_place_and_new_ones_are_appended(provisioned, path):
    before = openpyxl.load_workbook(path).sheetnames
    provisioned.write([full_tool_tab(), ToolTab("Brief", [["new"]])])
    after = openpyxl.load_workbook(path).sheetnames
    assert after == [*before, "Brief"]  # after the (very hidden) metadata tab: no sheet index shifts
    assert provisioned.read(["Brief"]).grids["Brief"] == [["new"]]


# -- atomicity and locking --------------------------------------------------------------------


def crash_mid_save(out, *args, **kwargs):
    out.write(b"PK\x03\x04 half a zip")
    raise MemoryError("killed mid-save")


def test_crash_mid_save_leaves_the_file_byte_identical(provisioned, path, monkeypatch):
    provisioned.write([full_tool_tab()])
    before = path.read_bytes()
    monkeypatch.setattr("tracker_sync.backends.xlsx.container.write_zip", crash_mid_save)
    with pytest.raises(BackendError, match=re.escape(str(path))) as failure:
        provisioned.write([ToolTab("Patterns", [["new"]])], {"last_sync": "new"})
    assert isinstance(failure.value.__cause__, MemoryError)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [".tracker.xlsx.tracker-sync.lock", "tracker.xlsx"]


def test_failed_replace_leaves_the_file_byte_identical(provisioned, path, monkeypatch):
    before = path.read_bytes()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(BackendError, match="close it"):
        provisioned.write([full_tool_tab()])
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [".tracker.xlsx.tracker-sync.lock", "tracker.xlsx"]


def test_write_waits_for_the_lock_then_gives_up(path, leap_template):
    workbook = XlsxWorkbook(path, lock_timeout=0.2)
    workbook.provision(leap_template, METADATA)
    before = path.read_bytes()
    with lock_held_elsewhere(workbook.lock_path):
        with pytest.raises(TrackerLocked, match="another tracker-sync run"):
            workbook.write([full_tool_tab()])
        assert workbook.read(["Roster"]).grids["Roster"]  # reads never wait for the lock
    assert path.read_bytes() == before
    workbook.write([full_tool_tab()])  # the lock is free again
    assert workbook.read(["Patterns"]).grids["Patterns"][0] == ["Scores by team and indicator"]


def test_lock_is_released_after_a_failed_write(provisioned, monkeypatch):
    monkeypatch.setattr("tracker_sync.backends.xlsx.container.write_zip", crash_mid_save)
    with pytest.raises(BackendError):
        provisioned.write([full_tool_tab()])
    with FileLock(str(provisioned.lock_path)).acquire(timeout=0):
        pass


# -- metadata ---------------------------------------------------------------------------------


def test_metadata_round_trips_exactly_and_stays_hidden(provisioned, path):
    tricky = {"norms": '{"a": [1, 2], "b": "x"}', "formula_like": "=SUM(A1:A3)", "accents": "Lycée Éluard – 2ᵉ",
              "long": "x" * 5000, "empty": "", "holidays": "2026-09-07,2026-11-26", "number_like": "0012",
              "spaces": "  padded  ", "lines": "one\ntwo"}
    lists_before = list(openpyxl.load_workbook(path)[META_TAB].iter_cols(min_col=4, values_only=True))
    provisioned.write([], tricky)
    snapshot = provisioned.read(["Roster", META_TAB])
    assert snapshot.metadata == {**METADATA, **tricky}
    assert META_TAB not in snapshot.grids and META_TAB not in snapshot.tab_ids
    book = openpyxl.load_workbook(path)
    sheet = book[META_TAB]
    assert sheet.sheet_state == "veryHidden" and sheet.protection.sheet
    # the dropdown lists the coach tabs' validations point at stay in their cells
    assert list(sheet.iter_cols(min_col=4, values_only=True)) == lists_before


def test_unchanged_metadata_writes_nothing(provisioned, path):
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert provisioned.write([], {"school": "Tiny School"}) == []
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# -- provisioning -----------------------------------------------------------------------------


def test_provision_layout_validations_and_help(provisioned, path, leap_template):
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Instructions", *leap_template.coach_tab_names, *leap_template.tool_tab_names, META_TAB]
    assert book.active.title == "Instructions"
    assert [s.title for s in book.worksheets if s.sheet_view.tabSelected] == ["Instructions"]
    assert book["Instructions"]["A3"].alignment.wrap_text
    for name in leap_template.tool_tab_names:
        assert book[name].protection.sheet and book[name].max_row == 1 and book[name]["A1"].value is None
    obs = book["Observations"]
    assert obs.freeze_panes == "A2" and obs["A1"].font.bold
    assert obs["B1"].comment.text.startswith("Pick the teacher")
    assert obs.column_dimensions["F"].width == 48
    rules = {str(dv.sqref): dv for dv in obs.data_validations.dataValidation}
    assert (rules["A2:A1000"].type, rules["A2:A1000"].formula1) == ("date", "36526")
    assert rules["B2:B1000"].formula1 == "'Roster'!$A$2:$A$1000"
    assert rules["F2:F1000"].type is None and rules["F2:F1000"].prompt.startswith("Low-inference")
    meta = book[META_TAB]
    lists = {col[0].value: [c.value for c in col[1:] if c.value is not None] for col in meta.iter_cols(min_col=4)}
    type_rule = rules["D2:D1000"]
    assert type_rule.type == "list" and type_rule.formula1.startswith(f"'{META_TAB}'!$")
    assert lists["Observations: Type"] == leap_template.tab_of_kind("observation").column("type").choices
    assert rules["E2:E1000"].formula1 == f"'{META_TAB}'!$D$2:$D${1 + len(lists['indicator'])}"
    assert lists["indicator"][:2] == ["LE.1", "LE.2"]
    scores = {str(dv.sqref): dv for dv in book["LEAP Scores"].data_validations.dataValidation}
    assert (scores["E2:E1000"].type, scores["E2:E1000"].formula1, scores["E2:E1000"].formula2) == ("decimal", "1", "7")
    roster = {str(dv.sqref): dv for dv in book["Roster"].data_validations.dataValidation}
    assert (roster["H2:H1000"].type, roster["H2:H1000"].formula1, roster["H2:H1000"].formula2) == ("whole", "0", "60")


def test_provision_repair_restores_header_and_validation_but_keeps_coach_changes(provisioned, path, leap_template):
    def coach_damage(book):
        book.remove(book["LEAP Scores"])
        obs = book["Observations"]
        obs["C1"] = None
        obs["E1"] = "Indicator (focus)"
        obs.data_validations.dataValidation = [dv for dv in obs.data_validations.dataValidation if "B2" not in dv.sqref]
        obs.append([dt.date(2026, 9, 1), "Ana Lopez"])

    edit(path, coach_damage)
    provisioned.provision(leap_template, METADATA)
    book = openpyxl.load_workbook(path)
    obs = book["Observations"]
    assert (obs["C1"].value, obs["E1"].value) == ("Observer", "Indicator (focus)")
    assert [obs["A2"].value.date(), obs["B2"].value] == [dt.date(2026, 9, 1), "Ana Lopez"]
    assert any("B2" in dv.sqref for dv in obs.data_validations.dataValidation)
    assert len(obs.data_validations.dataValidation) == len(leap_template.tab_of_kind("observation").columns)
    assert book.sheetnames.index("LEAP Scores") == book.sheetnames.index("Observations") + 1
    assert sorted(p.name for p in path.parent.iterdir()) == [".tracker.xlsx.tracker-sync.lock", "tracker.xlsx"]


# -- reading ----------------------------------------------------------------------------------


def test_read_never_writes(provisioned, path):
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    provisioned.read(["Roster", "Summary", "Missing"])
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not provisioned.lock_path.exists() or provisioned.lock_path.stat().st_size == 0


def test_missing_and_broken_files_raise_tracker_errors(tmp_path, leap_template):
    with pytest.raises(TrackerNotFound, match="provision"):
        XlsxWorkbook(tmp_path / "nope.xlsx").read(["Roster"])
    with pytest.raises(TrackerNotFound):
        XlsxWorkbook(tmp_path / "nope.xlsx").write([full_tool_tab()])
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    with pytest.raises(BackendError, match="save it again as .xlsx") as failure:
        XlsxWorkbook(broken).read(["Roster"])
    assert isinstance(failure.value.__cause__, zipfile.BadZipFile)
    with pytest.raises(BackendError, match="save it again as .xlsx"):
        XlsxWorkbook(broken).write([full_tool_tab()])
    with pytest.raises(BackendError):
        XlsxWorkbook(broken).provision(leap_template, METADATA)  # never replaces a file it cannot read
    assert broken.read_text() == "not a zip"
    with pytest.raises(BackendError, match="folder"):
        XlsxWorkbook(tmp_path / "no-such-dir" / "t.xlsx").provision(leap_template, METADATA)


def test_heavy_readers_load_lazily():
    code = ("import sys, tracker_sync.backends.xlsx.workbook, tracker_sync.backends.memory; "
            "print(','.join(m for m in ('openpyxl', 'python_calamine') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == ""


def test_reading_and_syncing_10k_observations_never_loads_openpyxl(path, leap_template, record_property):
    workbook = XlsxWorkbook(path)
    workbook.provision(leap_template, METADATA)
    row = [dt.date(2026, 9, 14), "Ana Lopez", "Ben Ross", "Informal", "I.5", "Evidence " * 8, None, "Cycle 1"]
    workbook.seed_rows({"Observations": [row] * 10_000})
    code = ("import json, sys, time; from tracker_sync.backends.xlsx.workbook import XlsxWorkbook; "
            "from tracker_sync.backends.base import ToolTab; w = XlsxWorkbook(sys.argv[1]); t = time.perf_counter(); "
            "g = w.read(['Observations']).grids['Observations']; s = time.perf_counter() - t; "
            "w.write([ToolTab('Flags', [['x']])]); "
            "print(json.dumps([len(g), g[-1], s, 'openpyxl' in sys.modules], default=str))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    rows, last, seconds, loaded_openpyxl = json.loads(out.stdout)
    record_property("read_10k_rows_seconds", round(seconds, 3))  # measured, not asserted
    assert rows == 10_001 and last == ["2026-09-14", *row[1:6], None, "Cycle 1"]
    assert loaded_openpyxl is False


def test_seeding_refuses_numbers_no_workbook_can_hold(tmp_path):
    import math

    book = openpyxl.Workbook()
    book.active.title = "Roster"
    book.save(tmp_path / "t.xlsx")
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.seed_rows({"Roster": [["Ana", 1.0]]})
    for impossible in (1.7976931348623157e308, math.inf, math.nan):
        with pytest.raises(ValueError, match="cannot be stored"):
            workbook.seed_rows({"Roster": [["Ben", impossible]]})
    assert workbook.read(["Roster"]).grids["Roster"] == [["Ana", 1]]


# -- LibreOffice ------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_opens_the_synced_tracker_and_keeps_our_data(provisioned, path, tmp_path, leap_template):
    provisioned.seed_rows({"Observations": [[dt.date(2026, 9, 14), "Ana Lopez", "Ben Ross", "Informal"]]})
    provisioned.write([full_tool_tab()], {"last_sync": "2026-09-30"})
    out = tmp_path / "lo"
    pdf = soffice_convert(path, "pdf", out)
    assert pdf.read_bytes().startswith(b"%PDF")
    resaved = libreoffice_saved(path, out)
    snapshot = XlsxWorkbook(resaved).read([*leap_template.coach_tab_names, "Patterns"])
    assert snapshot.metadata == {**METADATA, "last_sync": "2026-09-30"}
    assert snapshot.grids["Observations"][1] == [dt.date(2026, 9, 14), "Ana Lopez", "Ben Ross", "Informal"]
    assert snapshot.grids["Patterns"][4][:4] == ["=not a formula", "  spaced  ", "a & b < c", "_x0041_"]


def test_write_refuses_the_metadata_tab_name(provisioned):
    with pytest.raises(ValueError, match="reserved"):
        provisioned.write([ToolTab(META_TAB, [["x"]])])
