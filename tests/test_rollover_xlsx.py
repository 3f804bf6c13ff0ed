"""`tracker-sync rollover` on the demo school's .xlsx tracker, through the real CLI: what was carried, row by
row; last year's coach parts byte for byte; the archive is never synced again; a rerun finishes, never
makes a third tracker; a year that is not after the tracker's is refused."""

from __future__ import annotations

import json
import os
import stat
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner
from xlsx_support import STYLE_LISTS, demo_tracker, members, sheet_parts, style_lists

from tracker_sync.backends.xlsx.workbook import META_TAB, XlsxWorkbook
from tracker_sync.check import tabs_to_read

runner = CliRunner()
COACH_TABS = ("Roster", "Observations", "LEAP Scores", "Action Steps", "Learning Cycles", "1-on-1 Meetings", "Goals")


def cli(*args: str):
    return runner.invoke(app_(), list(args))


def app_():
    from tracker_sync.cli import app

    return app


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    """The demo tracker, its bytes and grids before, and the JSON of its rollover to 2027-28."""
    folder = tmp_path_factory.mktemp("rollover")
    old = demo_tracker(folder)
    before = members(old)
    grids = XlsxWorkbook(old).read(tabs_to_read()).grids
    result = cli("rollover", str(old), "--year", "2027-28", "--first-day", "2027-08-16", "--last-day", "2028-05-26",
                 "--holidays", "2027-09-06,2027-11-22..2027-11-26", "--json")
    assert result.exit_code == 0, result.output
    return old, before, grids, json.loads(result.stdout)


def new_grids(rolled) -> dict:
    return XlsxWorkbook(rolled[3]["tracker"]).read(tabs_to_read()).grids


def test_the_roster_is_carried_row_by_row_without_people_who_left(rolled):
    _old, _before, grids, done = rolled
    old_rows = grids["Roster"][1:]
    new_rows = new_grids(rolled)["Roster"][1:]
    stayed = [row for row in old_rows if row[8] == "Left"]
    carried = [row for row in old_rows if row[8] != "Left"]
    assert len(stayed) == 1 and len(new_rows) == len(carried) == len(old_rows) - 1
    for old_row, new_row in zip(carried, new_rows, strict=True):
        assert new_row[:7] == old_row[:7] and new_row[8] == old_row[8]
        assert new_row[7] == old_row[7] + 1  # Years Experience
    assert done["carried"]["Roster"] == {"read": len(old_rows), "carried": len(carried), "stayed": 1}


def test_open_steps_and_goals_are_carried_over_the_rest_stays(rolled):
    _old, _before, grids, done = rolled
    gone = {row[0] for row in grids["Roster"][1:] if row[8] == "Left"}  # their steps and goals stay behind
    new = new_grids(rolled)
    steps_open = [row for row in grids["Action Steps"][1:]
                  if row[6] in ("Not Started", "In Progress", "Carried Over") and row[1] not in gone]
    assert len(new["Action Steps"]) - 1 == len(steps_open) > 0
    for old_row, new_row in zip(steps_open, new["Action Steps"][1:], strict=True):
        set_by = None if old_row[2] in gone else old_row[2]
        assert new_row == [*old_row[:2], set_by, *old_row[3:6], "Carried Over", *old_row[7:]][:len(new_row)]
    goals_open = [row for row in grids["Goals"][1:] if row[8] in ("Active", "Not Met") and row[0] not in gone]
    assert len(new["Goals"]) - 1 == len(goals_open) > 0
    for old_row, new_row in zip(goals_open, new["Goals"][1:], strict=True):
        assert new_row == [*old_row[:8], "Carried Over"]  # last year's Set Date and Last Check-in kept
    for tab in ("Observations", "LEAP Scores", "Learning Cycles", "1-on-1 Meetings"):
        assert new[tab][1:] == [] and done["carried"][tab]["carried"] == 0
        rows = sum(any(v is not None for v in row) for row in grids[tab][1:])  # blank rows are no rows
        assert done["carried"][tab]["stayed"] == rows


def test_next_years_settings_and_the_links_between_the_years(rolled):
    old, _before, _grids, done = rolled
    new_meta = XlsxWorkbook(done["tracker"]).read([]).metadata
    old_meta = XlsxWorkbook(old).read([]).metadata
    assert (new_meta["school_year_start"], new_meta["school_year_end"]) == ("2027-08-16", "2028-05-26")
    assert new_meta["holidays"].split(",") == ["2027-09-06", "2027-11-22", "2027-11-23", "2027-11-24", "2027-11-25", "2027-11-26"]
    for key in ("school", "rubric", "norms", "timezone"):
        assert new_meta[key] == old_meta[key]
    assert new_meta["previous_year"] == old.name and old_meta["next_year"] == "demo-2027-28.xlsx"
    assert done["tracker"] == str(old.with_name("demo-2027-28.xlsx")) and done["outcome"] == "rolled over"


def test_last_years_coach_parts_keep_their_bytes_and_the_file_is_read_only(rolled, tmp_path):
    old, before, _grids, _done = rolled
    parts = sheet_parts(old)
    after = members(old)
    assert set(after) == set(before)
    changed = {name for name in after if after[name] != before[name]}
    assert changed - {"xl/styles.xml"} == {parts[META_TAB]}  # the metadata tab (next_year), and a style for its cells
    for tab in COACH_TABS:
        assert after[parts[tab]] == before[parts[tab]], tab  # uncompressed and stored bytes
    with zipfile.ZipFile(tmp_path / "before.xlsx", "w") as rebuilt:  # the styles part as it was, to compare its lists
        rebuilt.writestr("xl/styles.xml", before["xl/styles.xml"][0])
    styles_before, styles_after = style_lists(tmp_path / "before.xlsx"), style_lists(old)
    for name in STYLE_LISTS:  # appended only: every coach cell keeps its style index and its style
        assert styles_after[name][:len(styles_before[name])] == styles_before[name], name
    assert not os.stat(old).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_sync_skips_last_years_tracker_with_one_line_and_writes_nothing(rolled):
    old = rolled[0]
    bytes_before = old.read_bytes()
    result = cli("sync", str(old))
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines() == [
        f"Skipped: {old} is the 2026-27 tracker of Cottonwood Community School, archived when the school rolled over: "
        "it is not synced or changed any more. Next year's tracker is demo-2027-28.xlsx."]
    assert old.read_bytes() == bytes_before
    refused = cli("provision", "--out", str(old))
    assert refused.exit_code == 2 and "archived" in refused.stderr and old.read_bytes() == bytes_before


def test_a_second_run_finishes_instead_of_making_a_third_tracker(rolled):
    old, _before, _grids, done = rolled
    files = sorted(p.name for p in old.parent.glob("*.xlsx"))
    carried = XlsxWorkbook(done["tracker"]).read(list(COACH_TABS)).grids
    old_bytes = old.read_bytes()
    for tracker in (str(old), done["tracker"]):  # last year's, or next year's itself (a registry updated by the first run)
        again = cli("rollover", tracker, "--year", "2027-28", "--json")
        assert again.exit_code == 0, again.output
        assert json.loads(again.stdout)["outcome"] == "finished"
        assert json.loads(again.stdout)["tracker"] == done["tracker"]
    assert sorted(p.name for p in old.parent.glob("*.xlsx")) == files == ["demo-2027-28.xlsx", "demo.xlsx"]
    assert XlsxWorkbook(done["tracker"]).read(list(COACH_TABS)).grids == carried  # nothing carried twice
    assert old.read_bytes() == old_bytes  # already archived: not written again


@pytest.mark.parametrize(("year", "says"), [
    ("2026-27", "is the 2026-27 tracker of Cottonwood Community School: --year 2026-27 is not after it"),
    ("2025-26", "--year 2025-26 is not after it"),
    ("2027", "--year must be a school year like 2027-28, not '2027'."),
])
def test_a_year_that_is_not_after_the_trackers_is_refused_in_one_line(tmp_path, year, says):
    old = demo_tracker(tmp_path)
    bytes_before = old.read_bytes()
    result = cli("rollover", str(old), "--year", year)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], result.stderr
    assert old.read_bytes() == bytes_before and sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["demo.xlsx"]


def test_a_rollover_that_fails_half_way_leaves_last_year_as_it_was_and_says_what_it_made(tmp_path, monkeypatch):
    old = demo_tracker(tmp_path)
    bytes_before = old.read_bytes()

    def archive_fails(self, *args, **kwargs):
        from tracker_sync.errors import BackendError

        raise BackendError(f"Cannot save {self.path}: No space left on device.")

    with monkeypatch.context() as patched:
        patched.setattr(XlsxWorkbook, "archive", archive_fails)
        failed = cli("rollover", str(old), "--year", "2027-28")
    assert failed.exit_code == 3
    (line,) = failed.stderr.strip().splitlines()
    assert line == (f"Error: Cannot save {old}: No space left on device. Next year's tracker is at "
                    f"{tmp_path / 'demo-2027-28.xlsx'}; last year's tracker {old} was not changed. "
                    "Run the same command again to finish (it carries nothing twice).")
    assert old.read_bytes() == bytes_before
    carried = XlsxWorkbook(tmp_path / "demo-2027-28.xlsx").read(["Goals"]).grids["Goals"]
    finished = cli("rollover", str(old), "--year", "2027-28", "--json")
    assert finished.exit_code == 0 and json.loads(finished.stdout)["outcome"] == "finished"
    assert XlsxWorkbook(tmp_path / "demo-2027-28.xlsx").read(["Goals"]).grids["Goals"] == carried  # nothing carried twice
    assert XlsxWorkbook(old).read([]).metadata["next_year"] == "demo-2027-28.xlsx"


def test_help_has_a_real_example():
    result = cli("rollover", "--help")
    assert result.exit_code == 0
    assert "Example: tracker-sync rollover lincoln.xlsx --year 2027-28" in result.stdout


def test_a_file_in_the_way_of_next_years_is_refused_and_left_alone(tmp_path):
    old = demo_tracker(tmp_path)
    in_the_way = tmp_path / "demo-2027-28.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "my own notes"
    book.save(in_the_way)
    bytes_before = in_the_way.read_bytes(), old.read_bytes()
    result = cli("rollover", str(old), "--year", "2027-28")
    assert result.exit_code == 2
    says = f"Error: {in_the_way} already exists and is not a tracker: move it away, or give --out another file."
    assert result.stderr.strip() == says
    assert (in_the_way.read_bytes(), old.read_bytes()) == bytes_before
