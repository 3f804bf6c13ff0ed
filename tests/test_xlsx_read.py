"""The calamine reader gives the grids the openpyxl reader gave: the demo tracker, the same tracker
saved by LibreOffice, and every awkward cell a coach's spreadsheet app can store."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from xlsx_support import (
    DEMO_AS_OF,
    demo_tracker,
    libreoffice_saved,
    openpyxl_reading,
)

from tracker_sync.backends.xlsx.workbook import META_TAB, XlsxWorkbook
from tracker_sync.sync import check_tracker
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.tabs import ToolTab

LONG = "Evidence: " + "the teacher circulated and checked work; " * 1000 + "end"  # 41,013 characters


def tabs_of(path: Path) -> list[str]:
    return [name for name in openpyxl.load_workbook(path, read_only=True).sheetnames if name != META_TAB]


def rewrite_part(path: Path, part: str, change) -> None:
    """Edit one part's XML as another app would have saved it (openpyxl cannot write these cells)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def set_cell_xml(xml: str, ref: str, cell: str) -> str:
    """Replace cell ``ref`` (which must exist) with the raw ``cell`` XML."""
    xml, count = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', cell, xml, count=1)
    assert count == 1, ref
    return xml


@pytest.fixture
def awkward(tmp_path) -> Path:
    """One tab of awkward cells; expected values (as read) are in AWKWARD."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Observations"
    sheet.append(["Date", "Seen at", "Done", "Count", "Twice", "Note", "Time", "Took", "Text", "Share"])
    sheet.append([dt.date(2026, 9, 14), dt.datetime(2026, 9, 14, 8, 30), True, 21, "=D2*2", "=B2",
                  dt.time(8, 30), dt.timedelta(hours=1, minutes=5), "0012", 0.25])
    sheet.append([dt.datetime(2026, 9, 15), None, False, 3.0, None, "'=typed text", None, None, "1e5", -1.5])
    sheet["F3"].data_type = "s"
    sheet.append([])  # a blank row between data rows
    sheet.append(["5.0", "46279", "TRUE", 10**15, "x", "y", None, None, " Ana  Lopez ", 1e20])
    sheet.merge_cells("A6:C7")
    sheet["A6"] = "merged"
    sheet["A8"] = "x"
    sheet["J12"].font = Font(bold=True)  # a formatted empty cell: trimmed away
    path = tmp_path / "awkward.xlsx"
    book.save(path)

    def as_excel_saves_it(xml: str) -> str:
        xml = set_cell_xml(xml, "E2", '<c r="E2"><f>D2*2</f><v>42</v></c>')  # a cached result
        xml = set_cell_xml(xml, "E5", '<c r="E5" t="e"><f>1/0</f><v>#DIV/0!</v></c>')  # a formula error
        xml = set_cell_xml(xml, "F5", '<c r="F5" t="str"><f>IF(1,"","")</f><v></v></c>')  # cached empty text
        xml = set_cell_xml(xml, "A8", f'<c r="A8" t="inlineStr"><is><t>{LONG}</t></is></c>')  # past Excel's 32,767
        return xml

    rewrite_part(path, "xl/worksheets/sheet1.xml", as_excel_saves_it)
    return path


AWKWARD = [
    ["Date", "Seen at", "Done", "Count", "Twice", "Note", "Time", "Took", "Text", "Share"],
    [dt.date(2026, 9, 14), dt.datetime(2026, 9, 14, 8, 30), True, 21, 42, "=B2", "08:30:00", "1:05:00", "0012", 0.25],
    [dt.date(2026, 9, 15), None, False, 3, None, "'=typed text", None, None, "1e5", -1.5],
    [],
    ["5.0", "46279", "TRUE", 10**15, "#DIV/0!", None, None, None, " Ana  Lopez ", 1e20],
    ["merged"],
    [],
    [LONG],
]


def test_awkward_cells_read_as_typed(awkward):
    grid = XlsxWorkbook(awkward).read(["Observations"]).grids["Observations"]
    assert grid == AWKWARD
    types = [type(v) for v in grid[1]]
    assert types == [dt.date, dt.datetime, bool, int, int, str, str, str, str, float]
    assert type(grid[2][0]) is dt.date  # a date-time cell at midnight is a date
    assert type(grid[4][3]) is int and type(grid[4][9]) is float  # 10**15 is exact, 1e20 is beyond 2**53


def test_awkward_cells_read_as_the_openpyxl_reader_read_them(awkward):
    grid = XlsxWorkbook(awkward).read(["Observations"]).grids["Observations"]
    reference = openpyxl_reading(awkward, ["Observations"])["Observations"]
    # One change, on purpose: a formula whose cached result is the empty text reads as empty, where
    # openpyxl handed its formula text to the validator (which flagged a blank-looking cell).
    assert reference[4][5] == '=IF(1,"","")' and grid[4][5] is None
    reference[4][5] = None
    assert grid == reference


def test_uncached_formulas_read_as_their_text_and_are_flagged(tmp_path, leap_template):
    """Files saved by scripts (openpyxl here) hold formulas without results: the validator sees the text."""
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap"})
    workbook.seed_rows({"Observations": [["=TODAY()", "Ana Lopez", "Ben Ross", "Informal", "I.5"]]})
    grid = workbook.read(["Observations"]).grids["Observations"]
    assert grid[1][0] == "=TODAY()" == openpyxl_reading(workbook.path, ["Observations"])["Observations"][1][0]


def test_a_shared_formula_without_results_reads_as_its_first_cells_text(tmp_path):
    path = tmp_path / "shared.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["n", "twice"])
    for n in (1, 2, 3):
        book.active.append([n, 0])
    book.save(path)
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: set_cell_xml(set_cell_xml(
        xml, "B2", '<c r="B2"><f t="shared" ref="B2:B4" si="0">A2*2</f></c>'), "B3", '<c r="B3"><f t="shared" si="0"/></c>'))
    assert XlsxWorkbook(path).read(["Sheet"]).grids["Sheet"] == [["n", "twice"], [1, "=A2*2"], [2, "=A2*2"], [3, 0]]


def test_formula_errors_reach_the_validator(tmp_path, leap_template):
    """#REF! and friends are stored as error cells (t="e"), which calamine alone reads as empty."""
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap", "school_year_start": "2026-08-17",
                                       "school_year_end": "2027-05-28"})
    workbook.seed_rows({"Observations": [[dt.date(2026, 9, 14), "placeholder", "Ben Ross", "Informal", "I.5"]]})
    sheet_part = "xl/worksheets/sheet3.xml"  # Instructions, Roster, Observations
    rewrite_part(workbook.path, sheet_part, lambda xml: set_cell_xml(
        xml, "B2", '<c r="B2" t="e"><f>VLOOKUP(Z2,Roster!A:A,1,0)</f><v>#N/A</v></c>'))
    check = check_tracker(workbook, as_of=dt.date(2026, 9, 30))
    assert check.snapshot.grids["Observations"][1][1] == "#N/A"
    assert [(f.tab, f.cell) for f in check.result.findings if f.code == "formula-error"] == [("Observations", "B2")]


def test_a_1904_date_system_workbook_reads_and_writes_true_dates(tmp_path):
    path = tmp_path / "mac.xlsx"
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.title = "Observations"
    book.active.append(["Date"])
    book.active.append([dt.date(2026, 9, 14)])
    book.create_sheet("Flags")
    book.save(path)
    workbook = XlsxWorkbook(path)
    assert workbook.read(["Observations"]).grids["Observations"][1] == [dt.date(2026, 9, 14)]
    workbook.write([ToolTab("Flags", [["As of", dt.date(2026, 12, 18)]])])
    assert workbook.read(["Flags"]).grids["Flags"] == [["As of", dt.date(2026, 12, 18)]]
    assert openpyxl.load_workbook(path)["Flags"]["B1"].value == dt.datetime(2026, 12, 18)


def test_the_demo_tracker_reads_as_the_openpyxl_reader_read_it(tmp_path):
    path = demo_tracker(tmp_path)
    tabs = tabs_of(path)
    snapshot = XlsxWorkbook(path).read(tabs)
    assert snapshot.grids == openpyxl_reading(path, tabs)
    assert snapshot.tab_ids == {name: index for index, name in enumerate(tabs)}
    assert snapshot.metadata["school"] == "Cottonwood Community School"
    assert len(snapshot.grids["Observations"]) == len(synthetic_school(7).grids["Observations"])  # header + 327 rows


@pytest.mark.libreoffice
def test_a_tracker_saved_by_libreoffice_reads_the_same(tmp_path):
    path = demo_tracker(tmp_path)
    resaved = libreoffice_saved(path, tmp_path / "lo")
    tabs = tabs_of(path)
    ours = XlsxWorkbook(resaved).read(tabs)
    assert ours.grids == openpyxl_reading(resaved, tabs)
    original = XlsxWorkbook(path).read(tabs)
    assert ours.grids == original.grids and ours.metadata == original.metadata
    assert check_tracker(XlsxWorkbook(resaved), as_of=DEMO_AS_OF).result.findings == \
        check_tracker(XlsxWorkbook(path), as_of=DEMO_AS_OF).result.findings
