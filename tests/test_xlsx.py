"""What only the .xlsx backend promises: coach formatting survives, real files, locks, LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from filelock import FileLock
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tracker_sync.backends.base import Area, ColorScale, Link, ScaleRule, Style, ToolTab
from tracker_sync.backends.xlsx import META_TAB, XlsxWorkbook
from tracker_sync.errors import BackendError, TrackerLocked, TrackerNotFound

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
    obs.conditional_formatting.add("A2:A50", CellIsRule(operator="lessThan", formula=["45000"], fill=PatternFill(bgColor="FFC7CE")))


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


def tool_tab() -> ToolTab:
    return ToolTab(
        "Patterns",
        [["Patterns"], ["Scores by team"], ["Team", "LE.1", "I.1"], ["Team A", 4.5, 3], ["Team B", 6, 5],
         ["See", Link("the cell", "Bob's Tab", "C5")], ["=not a formula", "warning text"]],
        styles=[[1], [2], [3, 3, 3], [], [], [0, 6], [4, 5]],
        palette=(Style(), Style(bold=True, size=14), Style(italic=True, color="808080"),
                 Style(bold=True, fill="D9E1F2", border_bottom=True), Style(fill="FFC7CE"), Style(fill="FFEB9C"),
                 Style(color="0563C1", underline=True)),
        column_widths=[20, 8, 8],
        color_scales=(ScaleRule(Area(3, 1, 2, 2), ColorScale(((1, "F8696B"), (5, "FFEB84"), (7, "63BE7B")))),),
        frozen_rows=3,
    )


# -- writes keep coach tabs -------------------------------------------------------------------


def test_write_keeps_every_coach_cell_validation_and_format(provisioned, path, leap_template):
    edit(path, coach_edits)
    before = coach_fingerprint(path, leap_template.coach_tab_names)
    provisioned.write([tool_tab()], {"last_sync": "now"})
    assert coach_fingerprint(path, leap_template.coach_tab_names) == before
    assert before["Observations"]["cells"]["J2"][:2] == ("=G2-A2", "f")


def test_write_keeps_coach_edits_made_after_the_read(provisioned, path):
    provisioned.read(["Observations"])
    edit(path, lambda book: book["Observations"].append(["typed while syncing"]))
    provisioned.write([tool_tab()])
    assert provisioned.read(["Observations"]).grids["Observations"][1] == ["typed while syncing"]


def test_tool_tab_content_styles_links_and_protection(provisioned, path):
    provisioned.write([tool_tab()])
    sheet = openpyxl.load_workbook(path)["Patterns"]
    assert sheet["A1"].font.bold and sheet["A1"].font.size == 14
    assert sheet["A2"].font.italic and sheet["A2"].font.color.rgb.endswith("808080")
    assert all(sheet.cell(3, c).font.bold and sheet.cell(3, c).border.bottom.style == "thin" for c in (1, 2, 3))
    assert sheet["A3"].fill.fgColor.rgb.endswith("D9E1F2")
    assert sheet["A7"].fill.fgColor.rgb.endswith("FFC7CE") and sheet["B7"].fill.fgColor.rgb.endswith("FFEB9C")
    link = sheet["B6"]
    assert (link.value, link.hyperlink.location, link.hyperlink.target) == ("the cell", "'Bob''s Tab'!C5", None)
    assert link.font.underline == "single" and link.font.color.rgb.endswith("0563C1")
    assert (sheet["A7"].value, sheet["A7"].data_type) == ("=not a formula", "s")
    (heatmap,) = list(sheet.conditional_formatting)
    assert str(heatmap.sqref) == "B4:C5"
    scale = heatmap.rules[0].colorScale
    assert [c.rgb[-6:] for c in scale.color] == ["F8696B", "FFEB84", "63BE7B"]
    assert [(v.type, float(v.val)) for v in scale.cfvo] == [("num", 1), ("num", 5), ("num", 7)]
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [20, 8, 8]
    assert sheet.freeze_panes == "A4"
    assert sheet.protection.sheet


def test_replaced_tool_tab_keeps_its_place_and_new_ones_follow_the_coach_tabs(provisioned, path, leap_template):
    before = openpyxl.load_workbook(path).sheetnames
    provisioned.write([tool_tab(), ToolTab("Brief", [["new"]])])
    after = openpyxl.load_workbook(path).sheetnames
    assert after == [*before[:-1], "Brief", META_TAB]
    assert after.index("Patterns") == before.index("Patterns")


# -- atomicity and locking --------------------------------------------------------------------


def test_crash_mid_save_leaves_the_file_byte_identical(provisioned, path, monkeypatch):
    provisioned.write([tool_tab()])
    before = path.read_bytes()

    def crash(book, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a zip")
        raise MemoryError("killed mid-save")

    monkeypatch.setattr(openpyxl.Workbook, "save", crash)
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
        provisioned.write([tool_tab()])
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [".tracker.xlsx.tracker-sync.lock", "tracker.xlsx"]


def test_write_waits_for_the_lock_then_gives_up(path, leap_template):
    workbook = XlsxWorkbook(path, lock_timeout=0.2)
    workbook.provision(leap_template, METADATA)
    before = path.read_bytes()
    # another process holds the lock (a separate interpreter, so no in-process lock sharing)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, filelock; l = filelock.FileLock(sys.argv[1]); l.acquire();"
         " print('held', flush=True); time.sleep(30)", str(workbook.lock_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(TrackerLocked, match="another tracker-sync run"):
            workbook.write([tool_tab()])
        assert workbook.read(["Roster"]).grids["Roster"]  # reads never wait for the lock
    finally:
        holder.kill()
        holder.wait()
    assert path.read_bytes() == before
    workbook.write([tool_tab()])  # the lock is free again
    assert workbook.read(["Patterns"]).grids["Patterns"][0] == ["Patterns"]


def test_lock_is_released_after_a_failed_write(provisioned, monkeypatch):
    monkeypatch.setattr(openpyxl.Workbook, "save", lambda book, filename: 1 / 0)
    with pytest.raises(BackendError):
        provisioned.write([tool_tab()])
    with FileLock(str(provisioned.lock_path)).acquire(timeout=0):
        pass


# -- metadata ---------------------------------------------------------------------------------


def test_metadata_round_trips_exactly_and_stays_hidden(provisioned, path):
    tricky = {"norms": '{"a": [1, 2], "b": "x"}', "formula_like": "=SUM(A1:A3)", "accents": "Lycée Éluard – 2ᵉ",
              "long": "x" * 5000, "empty": "", "holidays": "2026-09-07,2026-11-26", "number_like": "0012"}
    provisioned.write([], tricky)
    snapshot = provisioned.read(["Roster", META_TAB])
    assert snapshot.metadata == {**METADATA, **tricky}
    assert META_TAB not in snapshot.grids and META_TAB not in snapshot.tab_ids
    sheet = openpyxl.load_workbook(path)[META_TAB]
    assert sheet.sheet_state == "veryHidden" and sheet.protection.sheet


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


# -- reading cells ----------------------------------------------------------------------------


def with_cached_value(path: Path, sheet_xml: str, cell: str, cached: str) -> None:
    """Give one formula cell a cached result, as Excel would have saved it (openpyxl never does)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts[sheet_xml].decode()
    xml, count = re.subn(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\1\2<v>{cached}</v>", xml)
    assert count == 1
    parts[sheet_xml] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_read_values_formulas_dates_booleans_and_merged_cells(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Observations"
    sheet.append(["Date", "Seen at", "Done", "Count", "Twice", "Note"])
    sheet.append([dt.date(2026, 9, 14), dt.datetime(2026, 9, 14, 8, 30), True, 21, "=D2*2", "=B2"])
    sheet.append([dt.datetime(2026, 9, 15), None, False, 0.5, None, "'=typed text"])
    sheet["F3"].data_type = "s"
    sheet.merge_cells("A5:C6")
    sheet["A5"] = "merged"
    sheet["H9"].font = Font(bold=True)  # a formatted empty cell: trimmed away
    book.save(path)
    with_cached_value(path, "xl/worksheets/sheet1.xml", "E2", "42")
    grid = XlsxWorkbook(path).read(["Observations"]).grids["Observations"]
    assert grid == [
        ["Date", "Seen at", "Done", "Count", "Twice", "Note"],
        [dt.date(2026, 9, 14), dt.datetime(2026, 9, 14, 8, 30), True, 21, 42, "=B2"],
        [dt.datetime(2026, 9, 15), None, False, 0.5, None, "'=typed text"],  # a date-time format stays datetime
        [],
        ["merged"],
    ]
    assert type(grid[1][0]) is dt.date and type(grid[1][2]) is bool


def test_read_never_writes(provisioned, path):
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    provisioned.read(["Roster", "Summary", "Missing"])
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not provisioned.lock_path.exists() or provisioned.lock_path.stat().st_size == 0


def test_missing_and_broken_files_raise_tracker_errors(tmp_path, leap_template):
    with pytest.raises(TrackerNotFound, match="provision"):
        XlsxWorkbook(tmp_path / "nope.xlsx").read(["Roster"])
    with pytest.raises(TrackerNotFound):
        XlsxWorkbook(tmp_path / "nope.xlsx").write([tool_tab()])
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    with pytest.raises(BackendError, match="save it again as .xlsx") as failure:
        XlsxWorkbook(broken).read(["Roster"])
    assert isinstance(failure.value.__cause__, zipfile.BadZipFile)
    with pytest.raises(BackendError):
        XlsxWorkbook(broken).provision(leap_template, METADATA)  # never replaces a file it cannot read
    assert broken.read_text() == "not a zip"
    with pytest.raises(BackendError, match="folder"):
        XlsxWorkbook(tmp_path / "no-such-dir" / "t.xlsx").provision(leap_template, METADATA)


def test_openpyxl_loads_lazily():
    code = "import sys, tracker_sync.backends.xlsx, tracker_sync.backends.memory; print('openpyxl' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_reading_10k_observations_uses_read_only_mode(path, leap_template, monkeypatch, record_property):
    workbook = XlsxWorkbook(path)
    workbook.provision(leap_template, METADATA)
    row = [dt.date(2026, 9, 14), "Ana Lopez", "Ben Ross", "Informal", "I.5", "Evidence " * 8, None, "Cycle 1"]
    workbook.seed_rows({"Observations": [row] * 10_000})
    modes = []
    real_load = openpyxl.load_workbook

    def spy(*args, **kwargs):
        modes.append(kwargs.get("read_only", False))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    started = time.perf_counter()
    grid = workbook.read(["Observations"]).grids["Observations"]
    record_property("read_10k_rows_seconds", round(time.perf_counter() - started, 3))  # measured, not asserted
    assert len(grid) == 10_001 and grid[-1] == [*row[:6], None, "Cycle 1"]
    assert modes == [True]


# -- LibreOffice ------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) not installed; `apt-get install libreoffice-calc-nogui` enables this")


def soffice_convert(source: Path, to: str, out_dir: Path) -> Path:
    profile = out_dir / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", to,
         "--outdir", str(out_dir), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    return out_dir / f"{source.stem}.{to.split(':')[0]}"


@needs_soffice
def test_libreoffice_opens_the_synced_tracker_and_keeps_our_data(provisioned, path, tmp_path, leap_template):
    provisioned.seed_rows({"Observations": [[dt.date(2026, 9, 14), "Ana Lopez", "Ben Ross", "Informal"]]})
    provisioned.write([tool_tab()], {"last_sync": "2026-09-30"})
    out = tmp_path / "lo"
    pdf = soffice_convert(path, "pdf", out)
    assert pdf.read_bytes().startswith(b"%PDF")
    resaved = soffice_convert(path, "xlsx:Calc MS Excel 2007 XML", out)
    snapshot = XlsxWorkbook(resaved).read(leap_template.coach_tab_names)
    assert snapshot.metadata == {**METADATA, "last_sync": "2026-09-30"}
    assert snapshot.grids["Observations"][1] == [dt.date(2026, 9, 14), "Ana Lopez", "Ben Ross", "Informal"]


def test_seeding_refuses_numbers_no_workbook_can_hold(tmp_path):
    import math

    import openpyxl

    from tracker_sync.backends.xlsx import XlsxWorkbook

    book = openpyxl.Workbook()
    book.active.title = "Roster"
    book.save(tmp_path / "t.xlsx")
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.seed_rows({"Roster": [["Ana", 1.0]]})
    for impossible in (1.7976931348623157e308, math.inf, math.nan):
        with pytest.raises(ValueError, match="cannot be stored"):
            workbook.seed_rows({"Roster": [["Ben", impossible]]})
    assert workbook.read(["Roster"]).grids["Roster"] == [["Ana", 1]]
