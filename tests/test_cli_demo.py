"""`tracker-sync demo`: the README's first command."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
from typer.testing import CliRunner

from tracker_sync.cli import app
from tracker_sync.sheet_templates import load_rubric, load_template
from tracker_sync.synthetic.school import synthetic_school


def test_demo_prints_where_the_file_is_and_three_headline_numbers(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tracker_sync", "demo", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    path = next(tmp_path.glob("*.xlsx"))
    assert str(path) in result.stdout.replace("\n", "")
    for phrase in ("teachers not observed", "from observation to feedback", "overdue action steps"):
        assert phrase in result.stdout


def test_demo_json_and_workbook_hold_every_tab(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--json", "--seed", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    school = synthetic_school(3)
    template = load_template().for_rubric(load_rubric("leap"))
    names = openpyxl.load_workbook(data["path"]).sheetnames
    assert set(template.coach_tab_names + template.tool_tab_names + ["Instructions"]) <= set(names)
    assert data["rows_read"]["Observations"] == len(school.grids["Observations"]) - 1
    assert data["findings"]["error"] == len(school.planted)
    assert data["tabs_written"] == ["Summary", "Patterns", "Flags", "Plan", "Sync Log"]


def test_demo_with_danielson_needs_no_code_change(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--json", "--rubric", "danielson"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "FFT Scores" in data["rows_read"]
    assert data["findings"]["error"] == len(synthetic_school(7, rubric="danielson").planted)


@pytest.mark.libreoffice
def test_demo_workbook_opens_in_libreoffice(tmp_path):
    CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    path = next(tmp_path.glob("*.xlsx"))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    assert path.with_suffix(".pdf").stat().st_size > 10_000
