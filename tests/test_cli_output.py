"""What the CLI prints: plain help, --version, whole lines when piped, counted words, warnings, the demo's date."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from tracker_sync.cli import app
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.testing.sample_district import build_district

runner = CliRunner()
TYPE_LABEL = re.compile(r"<(bool|str|int|float|path|list\[[^\]]*\])>")


def piped(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command with stdout to a pipe, as cron or `> file` runs it (no terminal, no $COLUMNS)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")} | (env or {})
    return subprocess.run([sys.executable, "-m", "tracker_sync", *args], capture_output=True, text=True, timeout=180,
                          env=environment)


@pytest.mark.parametrize("command", [[], *[[name] for name in typer.main.get_command(app).commands]], ids=" ".join)
def test_help_shows_no_python_type_labels_and_has_an_example(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert not TYPE_LABEL.search(result.stdout), TYPE_LABEL.search(result.stdout)[0]  # main: <bool>, <str>, <list[str]>
    assert "Example" in result.stdout


def test_version():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"tracker-sync {version('tracker-sync')}\n")


def test_no_command_prints_the_help():
    result = runner.invoke(app, [])
    assert result.exit_code == 0 and "Commands:" in result.stdout and "sync-all" in result.stdout


def test_piped_status_keeps_every_header_and_counts_one_school(tmp_path):
    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10)
    result = piped("status", "--registry", str(registry))
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "School" in line)
    for title in ("School", "Backend", "Last sync", "Outcome", "Errors", "Warnings", "Failures", "Next sync", "Next brief"):
        assert title in header, header  # main cut them to "Backe…", "Outco…" at 80 columns
    assert result.stdout.splitlines()[0].strip() == "District: 1 school"  # main: "1 schools"
    assert "…" not in result.stdout


def test_sync_all_counts_one_school(tmp_path):
    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10)
    result = runner.invoke(app, ["sync-all", "--registry", str(registry), "--as-of", "2026-12-18"])
    assert result.exit_code == 0, result.output
    assert "1 school, 0 failed" in result.stdout  # main: "1 schools"


def test_piped_provision_prints_the_google_url_on_one_line(fake, account, shared_drive, tmp_path):
    credentials = tmp_path / "service-account.json"
    credentials.write_text(json.dumps(account))
    school = "Saint Katharine Drexel Academy of the Sacred Heart Elementary and Middle School"
    result = piped("provision", "--school", school, "--backend", "google", "--folder", shared_drive, "--no-notify",
                   env={"TRACKER_SYNC_GOOGLE_CREDENTIALS": str(credentials), "TRACKER_SYNC_GOOGLE_API_BASE": fake.base_url})
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert re.fullmatch(rf"Created the tracker for {school} \(LEAP Framework for Effective Teaching\): "
                        r"https://docs\.google\.com/spreadsheets/d/[A-Za-z0-9_-]{20,}/edit", first), first


def test_the_demo_tracker_syncs_later_without_as_of_and_has_no_dates_in_the_future(tmp_path):
    made = runner.invoke(app, ["demo", "--out", str(tmp_path), "--json"])
    assert made.exit_code == 0, made.output
    demo = json.loads(made.stdout)
    synced = runner.invoke(app, ["sync", demo["path"], "--json"])  # whatever today is
    assert synced.exit_code == 0, synced.output
    report = json.loads(synced.stdout)
    assert report["as_of"] == demo["as_of"] == "2026-12-18"  # the demo's own date, kept in its metadata
    planted = len(synthetic_school(7).planted)  # the demo's typos, each one error; no date-in-future on top
    assert report["findings"] == demo["findings"] == {"error": planted, "warning": 0}
    later = runner.invoke(app, ["validate", demo["path"], "--as-of", "2026-12-01", "--json"])  # --as-of still wins
    assert json.loads(later.stdout)["as_of"] == "2026-12-01"


def test_an_as_of_outside_the_school_year_warns_on_stderr(tmp_path):
    path = tmp_path / "elm.xlsx"
    assert runner.invoke(app, ["provision", "--school", "Elm", "--out", str(path)]).exit_code == 0
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

    XlsxWorkbook(path).write([], {"school_year_start": "2026-08-17", "school_year_end": "2027-05-28"})
    outside = runner.invoke(app, ["sync", str(path), "--as-of", "2027-08-02", "--json"])
    assert outside.exit_code == 0, outside.output
    assert outside.stderr.strip() == ("Warning: as of 2027-08-02 is outside the school year of Elm (2026-08-17 to 2027-05-28): "
                                      "coverage, pace and trends count from the school year, so check the as-of date.")
    assert json.loads(outside.stdout)["as_of"] == "2027-08-02"  # stdout stays one JSON object
    inside = runner.invoke(app, ["validate", str(path), "--as-of", "2026-12-18"])
    assert inside.exit_code == 0 and inside.stderr == ""
