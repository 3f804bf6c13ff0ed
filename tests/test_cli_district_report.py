"""`district-report` through the CLI on a synthetic district of 22 schools (LEAP and Danielson, xlsx).

One district pass as of Fri 12-18 fills the history; school 3 synced only on 12-11 (stale by 12-18)
and school 6 never synced. The report reads the history only; no output names a
teacher or an observer, or shows an email, in any cell, XML part, the brief or --json.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
import zipfile

import pytest
from look_support import NEEDS_PDFTOTEXT, PDFTOTEXT, chromium, shown, words
from typer.testing import CliRunner

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app
from tracker_sync.district.history import History
from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.district import DistrictRunner
from tracker_sync.testing.sample_district import build_district

SCHOOLS = 22
@pytest.fixture(scope="module")
def district(tmp_path_factory):
    folder = tmp_path_factory.mktemp("district")
    registry = build_district(folder, xlsx=SCHOOLS, google=0, teachers=10, rubrics=("leap", "danielson"),
                              district={"name": "Front Range Schools"})
    runner = DistrictRunner(load_registry(registry))
    ids = [school.id for school in runner.registry.schools.values()]
    runner.run_pass([ids[2]], as_of=dt.date(2026, 12, 11))  # school 3 last synced a week ago: stale
    runner.run_pass([i for k, i in enumerate(ids) if k not in (2, 5)], as_of=dt.date(2026, 12, 18))  # school 6: never
    return registry


@pytest.fixture(scope="module")
def published(district):
    result = CliRunner().invoke(app, ["district-report", "--registry", str(district), "--as-of", "2026-12-18", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def roster_people(registry_path) -> set[str]:
    """Every name and email on every school's Roster (teachers, Team Leads, observers, leaders)."""
    registry = load_registry(registry_path)
    people: set[str] = set()
    for school in registry.schools.values():
        grid = XlsxWorkbook(registry.resolve(school.location)).read(["Roster"]).grids["Roster"]
        for row in grid[1:]:
            people |= {str(cell) for cell in row[:2] if cell}
    return people


def found(people: set[str], text: str) -> list[str]:
    text = html.unescape(text).casefold()
    return sorted(p for p in people if p.casefold() in text)


def xlsx_texts(path) -> list[str]:
    """Every XML part of the file, and every cell value of every tab (hidden ones too)."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    book = load_workbook(path)
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    return [*parts, "\n".join(cells)]


def test_every_school_listed_stale_and_never_synced_said_so(published):
    report = published["report"]
    assert len(report["schools"]) == SCHOOLS
    status = {s["school"]: s["status"] for s in report["schools"]}
    assert status.pop("Xlsx School 003") == "stale" and status.pop("Xlsx School 006") == "never synced"
    assert set(status.values()) == {"current"}
    stale = next(s for s in report["schools"] if s["status"] == "stale")
    assert stale["as_of"] == "2026-12-11" and stale["sync_days_missed"] == 5  # Mon-Fri 12-14..12-18
    assert report["counts"] == {"current": SCHOOLS - 2, "stale": 1, "never synced": 1}
    assert {r["rubric"] for r in report["rubrics"]} == {"leap", "danielson"}
    assert published["tabs"] == ["District", "LEAP ratings", "LEAP heat map",
                                 "FFT ratings", "FFT heat map", "Calibration", "Trends"]
    assert published["api_calls"] == 0  # xlsx output, no Google client at all (Google districts: test_district_google)


def test_heat_maps_compare_means_within_one_rubric_only(published, district):
    registry = load_registry(district)
    rubric_of = {s.id: s.rubric for s in registry.schools.values()}
    for section in published["report"]["rubrics"]:
        assert {rubric_of[school] for school in section["schools"]} == {section["rubric"]}


def test_no_roster_name_or_email_in_any_district_output(district, published):
    people = roster_people(district)
    assert len(people) > SCHOOLS * 20  # names and emails of ~11 people per school
    registry = load_registry(district)
    tracker = registry.resolve(next(iter(registry.schools.values())).location)
    assert found(people, "\n".join(xlsx_texts(tracker)))  # the search does find names where they are
    outputs = {"workbook": "\n".join(xlsx_texts(published["workbook"])),
               "brief": open(published["brief"], encoding="utf-8").read(),
               "json": json.dumps(published, ensure_ascii=False),
               "history": "\n".join(json.dumps(r.extra, ensure_ascii=False) for r in History(registry.history_path).runs())}
    assert "Xlsx School 001" in outputs["workbook"] and "Xlsx School 001" in outputs["brief"]
    assert {name: found(people, text) for name, text in outputs.items()} == {name: [] for name in outputs}


def test_suppressed_cells_show_as_a_star_everywhere(published):
    """Every suppressed cell of --json is a '*' in the tab; no number leaks where a star is due."""
    from openpyxl import load_workbook

    sheet = load_workbook(published["workbook"])["LEAP ratings"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "School")
    section = next(r for r in published["report"]["rubrics"] if r["rubric"] == "leap")
    names = {s["id"]: s["school"] for s in published["report"]["schools"]}
    by_name = {row[0]: row for row in rows[header + 1:]}
    stars = 0
    for school, cells in section["schools"].items():
        for band, cell in zip(range(4), cells["bands"], strict=True):
            shown = by_name[names[school]][2 + band]
            if cell.get("suppressed"):
                stars += 1
                assert shown == "*"
            else:
                assert shown == pytest.approx(cell["value"], abs=1e-4)
    assert stars  # a district of 10-teacher schools has small bands


def test_the_report_needs_no_tracker(district, tmp_path):
    """With every tracker file gone, the report still runs from the history alone, the same."""
    registry = load_registry(district)
    moved = tmp_path / "moved"
    moved.mkdir()
    paths = [registry.resolve(s.location) for s in registry.schools.values()]
    for path in paths:
        path.rename(moved / path.name)
    try:
        result = CliRunner().invoke(app, ["district-report", "--registry", str(district), "--as-of", "2026-12-18",
                                          "--out", str(tmp_path / "d.xlsx"), "--brief", str(tmp_path / "b.html"), "--json"])
    finally:
        for path in paths:
            (moved / path.name).rename(path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["report"]["counts"]["current"] == SCHOOLS - 2


def test_table_output_and_bad_input(district, tmp_path):
    table = CliRunner().invoke(app, ["district-report", "--registry", str(district), "--as-of", "2026-12-18"],
                               env={"COLUMNS": "160"})
    assert table.exit_code == 0 and "1 stale, 1 never synced" in table.stdout and "API calls: 0" in table.stdout
    status = json.loads(CliRunner().invoke(app, ["status", "--registry", str(district), "--json"]).stdout)["district_report"]
    assert status["outcome"] == "ok" and status["detail"].endswith("district-report.xlsx")  # the command's run is recorded
    assert status["counts"] == {"current": SCHOOLS - 2, "stale": 1, "never synced": 1}
    bad = CliRunner().invoke(app, ["district-report", "--registry", str(district), "--as-of", "12/18"])
    assert bad.exit_code == 2 and "--as-of must be a date" in bad.output
    other = CliRunner().invoke(app, ["district-report", "--registry", str(district), "--backend", "excel"])
    assert other.exit_code == 2 and "--backend must be xlsx or google" in other.output
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    unreadable = CliRunner().invoke(app, ["district-report", "--registry", str(district), "--out", str(tmp_path / "notes.xlsx")])
    assert unreadable.exit_code == 3 and "not a readable .xlsx file" in unreadable.output
    assert (tmp_path / "notes.xlsx").read_text() == "not a workbook"  # left as it was


@pytest.mark.libreoffice
@pytest.mark.skipif(PDFTOTEXT is None, reason=NEEDS_PDFTOTEXT)
def test_libreoffice_draws_every_word_of_every_district_tab_whole(published, tmp_path):
    """As tests/test_look.py does for the tracker's tabs: each tab on one page, no ###, no word cut."""
    from collections import Counter

    from openpyxl import load_workbook

    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}',
                    "--outdir", str(tmp_path), published["workbook"]], capture_output=True, timeout=240, check=True)
    book = load_workbook(published["workbook"])
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    assert [sheet.title for sheet in visible] == published["tabs"]
    for page, sheet in enumerate(visible, start=1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout",
                               str(tmp_path / "district-report.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "###" not in text, sheet.title
        wanted = sum((words(shown(cell)) for row in sheet.iter_rows() for cell in row), Counter())
        assert not wanted - words(text), f"{sheet.title}: cut or hidden: {sorted(wanted - words(text))[:20]}"
    assert "Front Range Schools: every school side by side" in " ".join(
        subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "district-report.pdf"), "-"],
                       capture_output=True, text=True, check=True).stdout.split())


@pytest.mark.chromium
def test_district_brief_in_chromium_is_one_landscape_page_with_the_report_numbers(published, tmp_path):
    uri = f"file://{published['brief']}"
    dom = chromium("--dump-dom", uri, profile=tmp_path / "p1").stdout
    section = next(r for r in published["report"]["rubrics"] if r["rubric"] == "danielson")
    names = {s["id"]: s["school"] for s in published["report"]["schools"]}
    for school, cells in section["schools"].items():
        for code, cell in cells["indicators"].items():
            match = re.search(rf'data-school="{names[school]}" data-indicator="{code}"[^>]*>([^<]*)<', dom)
            assert match.group(1) == ("*" if cell.get("suppressed") else f"{cell['value']:.1f}")
    pdf = tmp_path / "brief.pdf"
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", uri, profile=tmp_path / "p2")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "792 x 612" in info  # one Letter page, landscape
