"""Existing trackers upgrade in place: `provision` adds 1-on-1 Meetings and Goals to a tracker made
before them, and leaves every coach cell and the school's own settings exactly as they were.

How cells are compared: on xlsx, every stored cell of every coach tab (value with its type, data
type, number format, font, fill, border, alignment, protection, comment, hyperlink) and each tab's
validations, merges, frozen panes, widths and conditional formats, and then the tab's raw XML part
in the file, byte for byte; on Google, every stored cell of the fake (value, format, note) and the
tab's properties, serialised to JSON.

"The old template" is today's template without its optional tabs: the tabs a tracker provisioned
before this change has. Each test fills such a tracker with the synthetic school's rows, syncs it
(the tracker is old but working: two warnings, everything else synced), upgrades it, and compares
every coach tab cell by cell.
"""

from __future__ import annotations

import json
import re
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from typer.testing import CliRunner
from upgrade_support import coach_rows, old_template

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app
from tracker_sync.metadata import to_metadata
from tracker_sync.render import FINDINGS_HEADER
from tracker_sync.sheet_templates import load_template
from tracker_sync.sync import sync_tracker
from tracker_sync.synthetic.school import synthetic_school

NEW_TABS = ["1-on-1 Meetings", "Goals"]


@pytest.fixture(scope="module")
def school():
    return synthetic_school(5)


def xlsx_coach_cells(path, tabs: list[str]) -> dict:
    """Every stored cell of every coach tab, as (type and repr of the value, data type, number
    format, and the repr of its font, fill, border, alignment and protection, its comment and
    hyperlink), plus each tab's validations, merges, frozen panes, column widths and
    conditional formats: two trackers with equal results hold the same coach cells byte for byte."""
    book = openpyxl.load_workbook(path, rich_text=True)
    out = {}
    for name in tabs:
        sheet = book[name]
        cells = {
            cell.coordinate: (type(cell.value).__name__, repr(cell.value), cell.data_type, cell.number_format, repr(cell.font),
                              repr(cell.fill), repr(cell.border), repr(cell.alignment), repr(cell.protection),
                              cell.comment.text if cell.comment else None, cell.hyperlink.target if cell.hyperlink else None)
            for row in sheet.iter_rows() for cell in row
        }
        validations = sorted((str(v.sqref), v.type, v.formula1, v.formula2, v.errorStyle, v.prompt)
                             for v in sheet.data_validations.dataValidation)
        widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
        out[name] = (cells, validations, sorted(map(str, sheet.merged_cells.ranges)), sheet.freeze_panes, widths,
                     [(str(f.sqref), list(map(repr, f.rules))) for f in sheet.conditional_formatting], repr(sheet.protection))
    return out


def sheet_xml(path, tabs: list[str]) -> dict[str, bytes]:
    """The raw XML part of each named tab inside the .xlsx zip (found through workbook.xml and its rels)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", ns)}
        part = {sheet.get("name"): target[sheet.get(f"{{{ns['r']}}}id")] for sheet in book.find("m:sheets", ns)}
        return {name: archive.read("xl/" + part[name].removeprefix("/xl/")) for name in tabs}


def test_provision_upgrades_an_old_xlsx_tracker_without_touching_a_coach_cell(tmp_path, school):
    path = tmp_path / "old.xlsx"
    old = old_template(school)
    workbook = XlsxWorkbook(path)
    workbook.provision(old, to_metadata(school.settings))
    workbook.seed_rows(coach_rows(school, old))
    report = sync_tracker(workbook, as_of=school.as_of)  # an old tracker syncs, with one warning per new tab
    assert report.outcome == "ok" and report.tabs_written == ["Summary", "Patterns", "Flags", "Plan", "Sync Log"]
    assert report.findings["warning"] == 2
    column = {name: i for i, name in enumerate(FINDINGS_HEADER)}
    flags = [row for row in workbook.read(["Flags"]).grids["Flags"]
             if len(row) > column["Code"] and row[column["Code"]] == "missing-optional-tab"]  # the cells-to-fix rows
    assert [(row[column["Severity"]], row[column["Tab"]]) for row in flags] == [("warning", tab) for tab in NEW_TABS]
    assert all("tracker-sync provision" in row[column["How to fix"]] for row in flags)
    before_cells, before_xml = xlsx_coach_cells(path, old.coach_tab_names), sheet_xml(path, old.coach_tab_names)
    before = XlsxWorkbook(path).read([])

    result = CliRunner().invoke(app, ["provision", "--school", school.name, "--out", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["coach_tabs"][-2:] == NEW_TABS

    assert xlsx_coach_cells(path, old.coach_tab_names) == before_cells
    assert sheet_xml(path, old.coach_tab_names) == before_xml  # even the tabs' XML in the file is byte-identical
    after = XlsxWorkbook(path).read([*old.coach_tab_names, *NEW_TABS])
    assert after.metadata == before.metadata  # school year, holidays, norms: the school's own, not today's defaults
    new = load_template().for_rubric(school.settings.rubric)
    for name in NEW_TABS:
        assert after.grids[name] == [[c.header for c in new.tabs[new.coach_tab_names.index(name)].columns]]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:len(new.coach_tab_names) + 1] == ["Instructions", *new.coach_tab_names]
    assert "1-on-1 Meetings and Goals" in "\n".join(c.value or "" for c in book["Instructions"]["A"])
    kinds = next(v for v in book["1-on-1 Meetings"].data_validations.dataValidation if "D2" in str(v.sqref))
    column, first, last = re.search(r"\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)$", kinds.formula1).groups()
    assert [c.value for c in book["_tracker_sync"][f"{column}{first}:{column}{last}"] for c in c] == [
        "Teacher 1:1", "Team Lead check-in", "Leadership coaching"]
    assert book["1-on-1 Meetings"]["A1"].comment.text.startswith("Date of the 1:1")

    typed = {"1-on-1 Meetings": school.grids["1-on-1 Meetings"][1:], "Goals": school.grids["Goals"][1:]}
    XlsxWorkbook(path).seed_rows(typed)  # the coaches start using the new tabs
    report = sync_tracker(XlsxWorkbook(path), as_of=school.as_of)
    assert report.rows_read["1-on-1 Meetings"] == len(typed["1-on-1 Meetings"])
    assert report.findings["error"] == len(school.planted) and report.findings["warning"] == 0
    assert xlsx_coach_cells(path, old.coach_tab_names) == before_cells


def test_an_existing_tracker_keeps_its_rubric_and_refuses_another(tmp_path):
    path = tmp_path / "fft.xlsx"
    school = synthetic_school(5, rubric="danielson")
    XlsxWorkbook(path).provision(old_template(school), to_metadata(school.settings))
    again = CliRunner().invoke(app, ["provision", "--school", school.name, "--out", str(path), "--json"])
    assert again.exit_code == 0, again.output
    assert "FFT Scores" in json.loads(again.stdout)["coach_tabs"]
    assert "LEAP Scores" not in openpyxl.load_workbook(path).sheetnames
    other = CliRunner().invoke(app, ["provision", "--school", school.name, "--out", str(path), "--rubric", "leap"])
    assert other.exit_code == 2 and ("is a Danielson Framework for Teaching tracker; "
                                     "--rubric leap would change its rubric") in other.stderr


def test_provision_upgrades_an_old_google_tracker_without_touching_a_coach_cell(fake, account, shared_drive, school, tmp_path):
    from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client
    from tracker_sync.district.registry import upsert_school
    from tracker_sync.provision.google import provision_google_school

    http = google_client(service_account_info=account, api_base=fake.base_url)
    old = old_template(school)
    workbook = GoogleWorkbook.create(f"{school.name} – coaching tracker", http, folder_id=shared_drive)
    workbook.provision(old, to_metadata(school.settings))
    workbook.seed_rows(coach_rows(school, old))
    report = sync_tracker(GoogleWorkbook(workbook.spreadsheet_id, http), as_of=school.as_of)
    assert report.outcome == "ok" and report.findings["warning"] == 2
    stored = fake.spreadsheets[workbook.spreadsheet_id]

    def coach_cells() -> dict:
        """Each coach tab's stored cells as the fake keeps them: value, format and note of every cell,
        its data validation, and the tab's properties (size, frozen rows, id)."""
        return {name: (json.dumps(sorted(stored.sheet(title=name).cells.items()), sort_keys=True, default=str),
                       json.dumps(stored.sheet(title=name).properties, sort_keys=True)) for name in old.coach_tab_names}

    before_cells, before_metadata = coach_cells(), GoogleWorkbook(workbook.spreadsheet_id, http).read([]).metadata
    registry = tmp_path / "district.toml"
    upsert_school(registry, school.name, backend="google", location=workbook.location, rubric="leap")
    fake.clear_log()
    result = provision_google_school(school.name, registry=registry, http=http)
    assert result.created is False
    assert [r.api for r in fake.calls()] == ["sheets", "sheets"]  # one read, one batchUpdate
    assert coach_cells() == before_cells
    after = GoogleWorkbook(workbook.spreadsheet_id, http).read([*old.coach_tab_names, *NEW_TABS])
    assert after.metadata == before_metadata
    assert after.grids["Goals"] == [["Teacher or Team", "Kind", "Indicator", "Goal", "Baseline", "Target", "Set Date",
                                     "Last Check-in", "Status"]]
    report = sync_tracker(GoogleWorkbook(workbook.spreadsheet_id, http), as_of=school.as_of)
    assert report.findings["warning"] == 0
