"""A write changes only the tool tabs' parts of the zip: every coach part keeps its bytes (stored and
uncompressed), on files saved by openpyxl and by LibreOffice; the tool tabs keep every field of the
ToolTab contract; a write with nothing new writes nothing; LibreOffice opens and understands the result."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from xlsx_support import (
    DEMO_AS_OF,
    HEAT,
    PALETTE,
    STYLE_LISTS,
    demo_tracker,
    full_tool_tab,
    libreoffice_saved,
    members,
    sheet_parts,
    soffice_convert,
    style_lists,
)

from tracker_sync.backends.xlsx.workbook import META_TAB, XlsxWorkbook
from tracker_sync.sync import sync_tracker
from tracker_sync.tabs import Area, ToolTab

TOOL_TABS = ("Summary", "Patterns", "Flags", "Plan", "Sync Log")
def changed_members(before: dict, after: dict) -> set[str]:
    """Members whose uncompressed or stored bytes differ, or that were added or removed."""
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_tracker(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def demo_saved_by_libreoffice(demo, tmp_path_factory) -> Path:
    return libreoffice_saved(demo, tmp_path_factory.mktemp("lo"))


def copy_of(source: Path, folder: Path) -> Path:
    target = folder / source.name
    target.write_bytes(source.read_bytes())
    return target


def assert_sync_changes_only_tool_parts(path: Path) -> set[str]:
    """Sync a day later; every coach part (and every other part but styles) keeps its exact bytes."""
    parts = sheet_parts(path)
    before, styles_before = members(path), style_lists(path)
    report = sync_tracker(XlsxWorkbook(path), as_of=DEMO_AS_OF + dt.timedelta(days=1))
    after = members(path)
    changed = changed_members(before, after)
    assert report.tabs_written == [tab for tab in TOOL_TABS if parts[tab] in changed]  # the report says what the file shows
    tool_parts = {parts[tab] for tab in TOOL_TABS}
    tool_parts |= {re.sub(r"([^/]+)$", r"_rels/\1.rels", part) for part in tool_parts}  # their relationships
    assert changed - tool_parts <= {"xl/styles.xml"}, changed - tool_parts
    coach_parts = [parts[tab] for tab in parts if tab not in TOOL_TABS]
    assert META_TAB in parts and parts[META_TAB] in coach_parts  # the metadata part is kept too
    for name in coach_parts:
        assert after[name][0] == before[name][0], f"{name} uncompressed"
        assert after[name][1] == before[name][1], f"{name} stored bytes"
    styles_after = style_lists(path)
    for name in STYLE_LISTS:  # appended only: every existing style keeps its index and its XML
        assert styles_after[name][:len(styles_before[name])] == styles_before[name], name
    return changed


def test_a_sync_changes_only_the_tool_tab_parts(demo, tmp_path):
    path = copy_of(demo, tmp_path)
    changed = assert_sync_changes_only_tool_parts(path)
    assert "xl/styles.xml" not in changed  # the first sync appended the tool-tab styles; this one reuses them


@pytest.mark.libreoffice
def test_a_sync_of_a_tracker_saved_by_libreoffice_changes_only_the_tool_tab_parts(demo_saved_by_libreoffice, tmp_path):
    path = copy_of(demo_saved_by_libreoffice, tmp_path)
    assert "xl/sharedStrings.xml" in members(path)  # LibreOffice rewrote every part its own way
    parts = sheet_parts(path)
    assert {parts[tab] for tab in TOOL_TABS} <= assert_sync_changes_only_tool_parts(path)
    assert assert_sync_changes_only_tool_parts(path) & {parts[tab] for tab in TOOL_TABS} == {parts["Sync Log"]}  # and again:
    # now that our styles are in its styles.xml, the same day's numbers leave every tab but the Sync Log as it is
    assert soffice_convert(path, "pdf", tmp_path / "pdf").read_bytes().startswith(b"%PDF")  # and LibreOffice opens it


def test_a_second_sync_with_the_same_output_rewrites_only_the_sync_log(demo, tmp_path):
    path = copy_of(demo, tmp_path)
    later = dt.datetime(2026, 12, 18, 23, 0, tzinfo=dt.UTC)
    sync_tracker(XlsxWorkbook(path), as_of=DEMO_AS_OF, now=later)
    before = members(path)
    sync_tracker(XlsxWorkbook(path), as_of=DEMO_AS_OF, now=later + dt.timedelta(minutes=15))
    assert changed_members(before, members(path)) == {sheet_parts(path)["Sync Log"]}


def test_a_write_with_nothing_new_writes_nothing(tmp_path, leap_template):
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap"})
    tabs = [full_tool_tab(), ToolTab("Sync Log", [["Synced at (UTC)"], ["2026-09-30 12:00:00"]], volatile=True)]
    assert workbook.write(tabs) == [tabs[0].name, "Sync Log"]
    before = (workbook.path.read_bytes(), workbook.path.stat().st_mtime_ns)
    assert workbook.write(tabs) == []
    assert (workbook.path.read_bytes(), workbook.path.stat().st_mtime_ns) == before


# -- the tool tabs hold every field of the contract --------------------------------------------


@pytest.fixture
def written(tmp_path, leap_template) -> Path:
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap"})
    workbook.write([full_tool_tab()])
    return workbook.path


def test_tool_tab_values_read_back_exactly(written):
    grid = XlsxWorkbook(written).read(["Patterns"]).grids["Patterns"]
    tab = full_tool_tab()
    assert grid[:4] == [["Scores by team and indicator"], ["Team", "LE.1", "I.1", "Share", "Last seen", "Go to"],
                        ["Team A", 4.5, 3, 0.25, dt.date(2026, 9, 14), "Go to cell"],
                        ["Team B", 6, 5.25, 0.5, dt.datetime(2026, 9, 14, 8, 30), "Go to row"]]
    assert grid[4] == tab.rows[4][:5] and grid[5] == tab.rows[5]  # "=not a formula" stays text, spaces kept


def test_tool_tab_styles_widths_heights_links_merges_freeze_filter_and_color_scale(written):
    sheet = openpyxl.load_workbook(written)["Patterns"]
    title, header, mean, link, note, share, error = (PALETTE[i] for i in (1, 2, 3, 4, 5, 6, 7))
    assert sheet["A1"].font.b and sheet["A1"].font.sz == title.size
    for cell in sheet[2]:
        assert cell.font.b and cell.fill.fgColor.rgb == "FF" + header.fill and cell.border.bottom.style == "thin"
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert (sheet["B3"].number_format, sheet["B3"].alignment.horizontal) == (mean.number_format, "center")
    assert sheet["D3"].number_format == share.number_format == "0%"
    assert (sheet["E3"].number_format, sheet["E4"].number_format) == ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")
    assert sheet["F3"].font.u == "single" and sheet["F3"].font.color.rgb == "FF" + link.color
    assert sheet["A5"].fill.fgColor.rgb == sheet["B5"].fill.fgColor.rgb == "FF" + error.fill
    assert sheet["A6"].font.i and sheet["A6"].alignment.wrap_text and sheet["A6"].font.color.rgb == "FF" + note.color
    # every tool-tab cell is Arial 10 unless its style says otherwise: the layout engine measures in Arial 10
    assert [(sheet[c].font.name, sheet[c].font.sz, sheet[c].font.b) for c in ("A3", "A1", "A2")] == [
        ("Arial", 10, False), ("Arial", 14, True), ("Arial", 10, True)]
    assert (sheet["F3"].hyperlink.location, sheet["F4"].hyperlink.location) == ("'Observations'!B3", "'Bob''s Tab'!A2")
    assert sheet["F3"].hyperlink.target is None and not sheet._rels  # internal links: no relationship part
    assert [sheet.column_dimensions[c].width for c in "ABCDEF"] == [20, 8, 8, 9, 12, 14]
    assert (sheet.row_dimensions[2].height, sheet.row_dimensions[6].height, sheet.row_dimensions[3].height) == (30, 32, None)
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A1:D1", "A6:F6"]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:F4"
    (rule,) = [r for cf in sheet.conditional_formatting for r in cf.rules]
    assert [str(cf.sqref) for cf in sheet.conditional_formatting] == ["B3:C4"]
    assert [(v.type, float(v.val)) for v in rule.colorScale.cfvo] == [("num", value) for value, _ in HEAT.points]
    assert [c.rgb for c in rule.colorScale.color] == ["FF" + rgb for _, rgb in HEAT.points]


def test_tool_tabs_are_protected_without_password_and_print_landscape_one_page_wide(written):
    sheet = openpyxl.load_workbook(written)["Patterns"]
    protection = sheet.protection
    assert protection.sheet and not protection.password and protection.formatColumns is False
    assert protection.autoFilter is False  # the filter buttons work on the protected tab
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_the_filter_is_named_for_libreoffice_and_follows_the_table(written):
    def filter_names(path):
        xml = members(path)["xl/workbook.xml"][0].decode()
        return re.findall(r'<definedName name="_xlnm._FilterDatabase" localSheetId="(\d+)" hidden="1">([^<]*)<', xml)

    index = str(openpyxl.load_workbook(written).sheetnames.index("Patterns"))
    assert filter_names(written) == [(index, "'Patterns'!$A$2:$F$4")]
    workbook = XlsxWorkbook(written)
    bigger = full_tool_tab()
    workbook.write([ToolTab(**{**bigger.__dict__, "filter": Area(1, 0, 5, 6)})])
    assert filter_names(written) == [(index, "'Patterns'!$A$2:$F$6")]
    workbook.write([ToolTab(**{**bigger.__dict__, "filter": None})])
    assert filter_names(written) == [] and openpyxl.load_workbook(written)["Patterns"].auto_filter.ref is None


def test_the_selected_tab_stays_selected(tmp_path, leap_template):
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap"})
    book = openpyxl.load_workbook(workbook.path)  # a coach left the file on Summary
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == "Summary"
    book.active = book.sheetnames.index("Summary")
    book.save(workbook.path)
    workbook.write([ToolTab("Summary", [["new"]]), ToolTab("Flags", [["new"]])])
    book = openpyxl.load_workbook(workbook.path)
    assert [s.title for s in book.worksheets if s.sheet_view.tabSelected] == ["Summary"] and book.active.title == "Summary"


def test_a_missing_tool_tab_is_added_after_every_other_tab(tmp_path, leap_template):
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap"})
    book = openpyxl.load_workbook(workbook.path)
    book.remove(book["Sync Log"])  # a coach deleted it
    book.save(workbook.path)
    before_names, before = openpyxl.load_workbook(workbook.path).sheetnames, members(workbook.path)
    workbook.write([ToolTab("Sync Log", [["Synced at (UTC)"], ["2026-09-30 12:00:00"]], volatile=True), full_tool_tab("Brief")])
    after = members(workbook.path)
    assert openpyxl.load_workbook(workbook.path).sheetnames == [*before_names, "Sync Log", "Brief"]
    assert changed_members(before, after) == {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                                              "xl/styles.xml", *(sheet_parts(workbook.path)[t] for t in ("Sync Log", "Brief"))}
    assert XlsxWorkbook(workbook.path).read(["Sync Log"]).grids["Sync Log"][1] == ["2026-09-30 12:00:00"]
    assert openpyxl.load_workbook(workbook.path)["Brief"].auto_filter.ref == "A2:F4"


# -- LibreOffice ------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_opens_the_synced_demo_and_keeps_every_tool_tab_feature(demo, tmp_path):
    path = copy_of(demo, tmp_path)
    XlsxWorkbook(path).write([full_tool_tab("Brief")])
    pdf = soffice_convert(path, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Scores by team and indicator" in text and "Cottonwood Community School" in text
    resaved = libreoffice_saved(path, tmp_path / "lo")  # what LibreOffice understood, as it writes it back
    sheet = openpyxl.load_workbook(resaved)["Brief"]
    assert sheet.auto_filter.ref == "A2:F4"  # (frozen panes are view settings: headless LibreOffice writes none, on any tab)
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A1:D1", "A6:F6"]
    (rule,) = [r for cf in sheet.conditional_formatting for r in cf.rules]
    assert [(v.type, float(v.val)) for v in rule.colorScale.cfvo] == [("num", value) for value, _ in HEAT.points]
    assert sheet["F3"].hyperlink.location.replace("'", "") == "Observations!B3"
    assert sheet["B3"].number_format == "0.0" and sheet["D3"].number_format == "0%" and sheet["A2"].font.b
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == ("landscape", 1, 0)
    assert XlsxWorkbook(resaved).read(["Brief"]).grids["Brief"] == XlsxWorkbook(path).read(["Brief"]).grids["Brief"]


def test_numbers_no_spreadsheet_can_hold_are_left_empty(tmp_path, leap_template):
    """As on Google: NaN and infinity have no cell form, so the cell stays empty (and keeps its style)."""
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap"})
    workbook.write([ToolTab("Flags", [["mean", float("nan"), float("inf"), 4.5]], styles=[[0, 1, 0, 1]], palette=PALETTE)])
    assert workbook.read(["Flags"]).grids["Flags"] == [["mean", None, None, 4.5]]
    assert openpyxl.load_workbook(workbook.path)["Flags"]["B1"].font.b


def test_a_tab_whose_only_change_is_its_stamp_keeps_its_part(tmp_path, leap_template):
    """The "Updated …" line says when the numbers last changed, so a stamp alone is not a change."""
    workbook = XlsxWorkbook(tmp_path / "t.xlsx")
    workbook.provision(leap_template, {"school": "Tiny", "rubric": "leap"})

    def summary(updated: str, teachers: int) -> ToolTab:
        return ToolTab("Summary", [["Summary"], [f"Updated {updated}"], ["Teachers", teachers]], stamps=((1, 0),))

    workbook.write([summary("07:45", 30)])
    before = members(workbook.path)
    assert workbook.write([summary("08:00", 30)]) == [] and members(workbook.path) == before
    assert workbook.write([summary("08:15", 31)]) == ["Summary"]
    assert workbook.read(["Summary"]).grids["Summary"] == [["Summary"], ["Updated 08:15"], ["Teachers", 31]]
