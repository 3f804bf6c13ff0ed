"""`tracker-sync provision` on trackers that already exist: a repair keeps their own settings.

Every case runs the real CLI on a real .xlsx under tmp_path (or over HTTP on the Google fake) and
checks the file or the fake afterwards, not only the exit code.
"""

from __future__ import annotations

import json
import tomllib

import openpyxl
import pytest
from typer.testing import CliRunner

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app

runner = CliRunner()
OWN_NORMS = '{"observation_gap_days": 10}'  # not the default (14): a repair must keep it


def cli(*args: str):
    return runner.invoke(app, list(args))


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def danielson(tmp_path):
    """A Danielson tracker of 'Elm School' whose norms and school year differ from a new tracker's."""
    path = tmp_path / "elm.xlsx"
    assert cli("provision", "--school", "Elm School", "--out", str(path), "--rubric", "danielson").exit_code == 0
    XlsxWorkbook(path).write([], {"norms": OWN_NORMS, "school_year_start": "2026-08-17", "school_year_end": "2027-05-28"})
    return path


def metadata(path) -> dict[str, str]:
    return XlsxWorkbook(path).read([]).metadata


def test_a_repair_without_options_keeps_the_rubric_school_year_and_norms(danielson):
    before = metadata(danielson)
    result = cli("provision", "--out", str(danielson), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) | {"coach_tabs": None} == {
        "school": "Elm School", "tracker": str(danielson), "created": False, "rubric": "danielson",
        "coach_tabs": None, "shared": {}, "registry": None}
    assert metadata(danielson) == before
    assert "LEAP Scores" not in openpyxl.load_workbook(danielson).sheetnames  # main added an empty LEAP tab here


@pytest.mark.parametrize("args, says", [
    (["--rubric", "leap"], "is a Danielson Framework for Teaching tracker; --rubric leap would change its rubric, "
                           "which never changes"),
    (["--school", "Other Name"], "is the tracker of 'Elm School', not 'Other Name'. "
                                 "Leave out --school to repair it, or add --rename"),
    (["--rename"], "--rename needs --school with the new name"),
])
def test_a_different_setting_is_refused_in_one_line_and_the_file_is_untouched(danielson, args, says):
    before = danielson.read_bytes()
    result = cli("provision", "--out", str(danielson), *args)
    assert result.exit_code == 2
    assert says in one_error_line(result)
    assert danielson.read_bytes() == before


def test_rename_is_the_explicit_way_to_change_the_school_name(danielson):
    before = metadata(danielson)
    result = cli("provision", "--out", str(danielson), "--school", "Elm Academy", "--rename")
    assert result.exit_code == 0, result.output
    assert metadata(danielson) == {**before, "school": "Elm Academy"}


def test_a_repair_still_restores_missing_tabs_and_headers(danielson):
    book = openpyxl.load_workbook(danielson)
    del book["Learning Cycles"]
    book["FFT Scores"]["A1"] = None
    book.save(danielson)
    assert cli("provision", "--out", str(danielson)).exit_code == 0
    repaired = XlsxWorkbook(danielson).read(["Learning Cycles", "FFT Scores"])
    assert repaired.grids["Learning Cycles"][0][0] == "Teacher"
    assert repaired.grids["FFT Scores"][0][0] == "Date"
    assert metadata(danielson)["norms"] == OWN_NORMS


def test_provision_xlsx_records_the_school_in_the_registry_so_sync_all_works(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "trackers").mkdir()
    result = cli("provision", "--school", "Lincoln Elementary", "--out", "trackers/lincoln.xlsx", "--registry", "district.toml")
    assert result.exit_code == 0, result.output
    assert "Recorded in the registry district.toml" in result.stdout
    entry = tomllib.loads((tmp_path / "district.toml").read_text())["schools"]["Lincoln Elementary"]
    assert entry == {"backend": "xlsx", "location": "trackers/lincoln.xlsx", "rubric": "leap"}
    synced = cli("sync-all", "--registry", "district.toml", "--as-of", "2026-09-30", "--json")
    assert synced.exit_code == 0, synced.output  # main: "No registry at district.toml"
    assert json.loads(synced.stdout)["ok"] == 1
    # no --out: the registry's file
    again = cli("provision", "--school", "Lincoln Elementary", "--registry", "district.toml", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["created"] is False


def test_a_school_registered_elsewhere_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("provision", "--school", "Lincoln", "--out", "a.xlsx", "--registry", "district.toml").exit_code == 0
    result = cli("provision", "--school", "Lincoln", "--out", "b.xlsx", "--registry", "district.toml")
    assert result.exit_code == 2
    assert "'Lincoln' is in the registry with its tracker at a.xlsx, not b.xlsx" in one_error_line(result)
    assert not (tmp_path / "b.xlsx").exists()


@pytest.mark.parametrize("args, says", [
    (["--leader", "principal@elm.org"], "--leader, --coach, --viewer, --folder and --as are for a Google tracker"),
    (["--as", "data-lead@elm.org"], "--leader, --coach, --viewer, --folder and --as are for a Google tracker"),
    (["--backend", "sheets"], "--backend must be xlsx or google, not 'sheets'"),
    (["--rubric", "marzano"], "Unknown rubric 'marzano': use one of danielson, leap."),
])
def test_xlsx_options_that_would_be_ignored_are_refused(tmp_path, args, says):
    result = cli("provision", "--school", "Elm", "--out", str(tmp_path / "elm.xlsx"), *args)
    assert result.exit_code == 2 and says in one_error_line(result)
    assert not (tmp_path / "elm.xlsx").exists()


# -- Google, over HTTP on the fake --------------------------------------------------------------


def test_google_repair_keeps_the_rubric_and_refuses_another_before_any_write(fake, cli_env, shared_drive):
    made = cli("provision", "--school", "Aspen School", "--backend", "google", "--folder", shared_drive, "--rubric", "danielson",
               "--no-notify", "--json")
    assert made.exit_code == 0, made.output
    spreadsheet = fake.spreadsheets[json.loads(made.stdout)["tracker"].split("/d/")[1].split("/")[0]]
    tabs = [sheet.title for sheet in spreadsheet.sheets]

    fake.clear_log()
    refused = cli("provision", "--school", "Aspen School", "--backend", "google", "--rubric", "leap")
    assert refused.exit_code == 2
    assert "is a Danielson Framework for Teaching tracker; --rubric leap would change its rubric" in one_error_line(refused)
    assert [(r.api, r.method) for r in fake.calls()] == [("drive", "GET"), ("sheets", "GET")]  # found and read; no write

    repaired = cli("provision", "--school", "Aspen School", "--backend", "google", "--json")
    assert repaired.exit_code == 0, repaired.output
    assert json.loads(repaired.stdout)["rubric"] == "danielson"
    assert [sheet.title for sheet in spreadsheet.sheets] == tabs  # main added a LEAP Scores tab here


@pytest.mark.parametrize("args, says", [
    (["--leader", "not-an-email"], "--leader 'not-an-email' is not an email address"),
    (["--viewer", "ana@school"], "--viewer 'ana@school' is not an email address"),
    (["--out", "x.xlsx"], "--out is for an .xlsx tracker"),
    (["--rename"], "--rename works on .xlsx trackers only"),
    (["--as", "data-lead"], "'--as': 'data-lead' is not an email address"),
    (["--folder", "https://drive.google.com/drive/my-drive"], "is neither a Drive folder address nor a folder id"),
])
def test_google_mistakes_are_refused_before_any_call(fake, cli_env, args, says):
    fake.clear_log()
    result = cli("provision", "--school", "Birch School", "--backend", "google", *args)
    assert result.exit_code == 2 and says in one_error_line(result)
    assert fake.calls() == []
