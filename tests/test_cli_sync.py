"""`tracker-sync provision`, `sync` and `validate`: --json equals the library's result; exit codes."""

from __future__ import annotations

import json

import pytest
from conftest import as_read, tiny_grids
from typer.testing import CliRunner

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app
from tracker_sync.sync import validate_tracker

runner = CliRunner()


@pytest.fixture
def provisioned(tmp_path):
    path = tmp_path / "lincoln.xlsx"
    result = runner.invoke(app, ["provision", "--school", "Lincoln Elementary", "--out", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return path


def test_provision_creates_an_empty_tracker(provisioned):
    snapshot = XlsxWorkbook(provisioned).read(["Roster", "Observations", "LEAP Scores"])
    assert snapshot.metadata["school"] == "Lincoln Elementary" and snapshot.metadata["rubric"] == "leap"
    assert snapshot.grids["Observations"][0][:3] == ["Date", "Teacher", "Observer"]
    assert len(snapshot.grids["Observations"]) == 1


def test_provision_with_danielson(tmp_path):
    path = tmp_path / "fft.xlsx"
    result = runner.invoke(app, ["provision", "--school", "Elm", "--out", str(path), "--rubric", "danielson", "--json"])
    assert result.exit_code == 0, result.output
    assert "FFT Scores" in json.loads(result.stdout)["coach_tabs"]
    header = XlsxWorkbook(path).read(["FFT Scores"]).grids["FFT Scores"][0]
    assert header[4:8] == ["1a", "1b", "1c", "1d"]


def test_unknown_rubric_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["provision", "--school", "Elm", "--out", str(tmp_path / "x.xlsx"), "--rubric", "marzano"])
    assert result.exit_code == 2
    assert "Unknown rubric 'marzano': use one of danielson, leap." in result.stderr and "Traceback" not in result.output


def test_sync_json_reports_rows_findings_tabs_and_duration(provisioned):
    XlsxWorkbook(provisioned).seed_rows({"Roster": tiny_grids()["Roster"][1:]})
    result = runner.invoke(app, ["sync", str(provisioned), "--as-of", "2026-09-30", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows_read"]["Roster"] == 8
    assert data["findings"] == {"error": 0, "warning": 0}
    assert data["tabs_written"] == ["Summary", "Patterns", "Flags", "Plan", "Sync Log"]
    assert data["duration_s"] > 0



def test_a_repeat_sync_reports_the_tabs_it_really_wrote_and_the_sync_logs_duration(provisioned):
    """A second sync with nothing new rewrites only the Sync Log on xlsx: the CLI and --json say so (not
    every tool tab), and the duration they show is the one on the Sync Log's new line."""
    XlsxWorkbook(provisioned).seed_rows({name: grid[1:] for name, grid in tiny_grids().items()})
    first = json.loads(runner.invoke(app, ["sync", str(provisioned), "--as-of", "2026-09-30", "--json"]).stdout)
    assert first["tabs_written"] == ["Summary", "Patterns", "Flags", "Plan", "Sync Log"] and first["outcome"] == "ok"
    again = json.loads(runner.invoke(app, ["sync", str(provisioned), "--as-of", "2026-09-30", "--json"]).stdout)
    assert again["tabs_written"] == ["Sync Log"] and again["outcome"] == "unchanged"
    log = XlsxWorkbook(provisioned).read(["Sync Log"]).grids["Sync Log"]
    assert log[1][[as_read(h) for h in log[0]].index("Duration (s)")] == round(again["duration_s"], 2)
    text = runner.invoke(app, ["sync", str(provisioned), "--as-of", "2026-09-30"])
    assert text.exit_code == 0, text.output
    assert "Nothing new since the last sync: wrote only Sync Log (read and checked in " in text.stdout
    assert "Wrote Summary" not in text.stdout
    shown = float(text.stdout.split("read and checked in ", 1)[1].split(" s", 1)[0])
    log = XlsxWorkbook(provisioned).read(["Sync Log"]).grids["Sync Log"]
    assert log[1][[as_read(h) for h in log[0]].index("Duration (s)")] == round(shown, 2)

def test_validate_exits_1_on_errors_and_its_json_equals_the_library(provisioned):
    grids = tiny_grids()
    grids["Observations"][1][0] = "13/45/2026"
    workbook = XlsxWorkbook(provisioned)
    workbook.seed_rows({name: grid[1:] for name, grid in grids.items()})
    before = provisioned.read_bytes()
    result = runner.invoke(app, ["validate", str(provisioned), "--as-of", "2026-09-30", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    report, findings = validate_tracker(workbook, as_of=__import__("datetime").date(2026, 9, 30))
    assert data["items"] == [f.to_dict() for f in findings]
    assert data["findings"] == report.findings
    assert provisioned.read_bytes() == before  # validate writes nothing


def test_validate_exits_0_when_clean(provisioned):
    result = runner.invoke(app, ["validate", str(provisioned), "--as-of", "2026-09-30"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("args, message", [
    (["sync", "nowhere.xlsx"], "nowhere.xlsx"),
    (["sync", "tracker.txt"], "not a tracker"),
    (["validate", "x.xlsx", "--as-of", "yesterday"], "--as-of"),
])
def test_bad_input_is_a_clear_message_not_a_traceback(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if "x.xlsx" in args:
        runner.invoke(app, ["provision", "--school", "X", "--out", "x.xlsx"])
    result = runner.invoke(app, args)
    assert result.exit_code in (2, 3)
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_plain_xlsx_without_setup_says_how_to_fix(tmp_path):
    import openpyxl

    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    result = runner.invoke(app, ["sync", str(path)])
    assert result.exit_code == 2
    assert "tracker-sync provision" in result.stderr
