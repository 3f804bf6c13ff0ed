"""`tracker-sync demo --year 2027-28` (the demo rolled over into next year, with next year's semester) and
the ILT brief's "last year beside this year", read from last year's tracker once."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app
from tracker_sync.district.figures import school_figures
from tracker_sync.sync import check_tracker

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-2027")
    result = runner.invoke(app, ["demo", "--out", str(folder), "--year", "2027-28", "--json"])
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.stdout)


def test_the_demo_one_year_ahead_is_the_rolled_over_demo_with_its_own_semester(demo):
    folder, done = demo
    names = sorted(p.name for p in folder.glob("*.xlsx"))
    assert names == ["cottonwood-community-school-2027-28.xlsx", "cottonwood-community-school.xlsx"]
    assert done["path"] == str(folder / "cottonwood-community-school-2027-28.xlsx") and done["as_of"] == "2027-12-17"
    meta = XlsxWorkbook(done["path"]).read([]).metadata
    assert (meta["school_year_start"], meta["previous_year"]) == ("2027-08-16", "cottonwood-community-school.xlsx")
    observations = XlsxWorkbook(done["path"]).read(["Observations"]).grids["Observations"][1:]
    days = [row[0] for row in observations if row and isinstance(row[0], dt.date)]
    assert min(days) >= dt.date(2027, 8, 16) and max(days) <= dt.date(2027, 12, 17)
    assert done["rows_read"]["Roster"] == 31  # the carried Roster: last year's 32 but the one who left


def test_the_brief_puts_last_year_beside_this_year_at_the_same_week(demo, tmp_path):
    folder, done = demo
    out = tmp_path / "brief.html"
    assert runner.invoke(app, ["brief", done["path"], "--out", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    section = html[html.index('<section class="last-year">'):]
    section = section[:section.index("</section>")]
    assert "2026-27 at Dec 18, 2026 and 2027-28 at Dec 17, 2027" in section
    this = school_figures(check_tracker(XlsxWorkbook(done["path"])), min_cell=3)
    last = school_figures(check_tracker(XlsxWorkbook(folder / "cottonwood-community-school.xlsx"), as_of=dt.date(2026, 12, 18)),
                          min_cell=3)
    rows = dict(re.findall(r"<tr><th>([^<]+)</th><td>([^<]+)</td><td>[^<]+</td>", section))
    assert rows["Teachers observed in the last 14 days"] == f"{last['figures']['observed_14d']['value']:.0%}"
    assert rows["Feedback within the norm"] == f"{last['figures']['feedback_within_norm']['value']:.0%}"
    assert rows["Mean LEAP score"] == f"{last['all_indicators']['value']:.1f}"
    now = dict(re.findall(r"<tr><th>([^<]+)</th><td>[^<]+</td><td>([^<]+)</td>", section))
    assert now["Mean LEAP score"] == f"{this['all_indicators']['value']:.1f}"
    assert this["indicators"]["I.5"]["value"] > last["indicators"]["I.5"]["value"]  # the demo's year of work on its lowest
    assert "read from last year&#39;s tracker" in section or "read from last year's tracker" in section


def test_a_tracker_with_no_last_year_has_no_such_section(demo, tmp_path):
    folder, _done = demo
    out = tmp_path / "brief.html"
    assert runner.invoke(app, ["brief", str(folder / "cottonwood-community-school.xlsx"), "--out", str(out)]).exit_code == 0
    assert "Last year beside this year" not in out.read_text(encoding="utf-8")
