"""The district report on a schedule: its fire times, its serve job, a simulated Monday, and `status`."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from tracker_sync.cli import app
from tracker_sync.district.history import History
from tracker_sync.district.registry import DistrictReportSettings, load_registry
from tracker_sync.jobs.report import HISTORY_ID, next_report
from tracker_sync.testing.sample_district import build_district

DENVER = ZoneInfo("America/Denver")


def at(day, hh, mm, zone=DENVER):
    return dt.datetime(2026, 12, day, hh, mm, tzinfo=zone)


@pytest.mark.parametrize("now, expected", [
    (at(15, 12, 0), at(21, 6, 0)),  # Tuesday -> next Monday 06:00
    (at(14, 5, 59), at(14, 6, 0)),  # Monday before six -> that morning
    (at(14, 6, 0), at(21, 6, 0)),   # strictly after: a week later
    (dt.datetime(2026, 12, 14, 12, 30, tzinfo=dt.UTC), at(14, 6, 0)),  # 12:30 UTC is 05:30 in Denver
])
def test_next_report_is_weekly_in_the_report_timezone(now, expected):
    assert next_report(DistrictReportSettings(), now) == expected


def test_serve_has_a_report_job_unless_the_schedule_is_off(tmp_path):
    from tracker_sync.jobs.scheduler import DistrictService

    registry = tmp_path / "district.toml"
    registry.write_text('[district.report]\nday = "wed"\ntime = "05:30"\n'
                        '[schools.North]\nbackend = "xlsx"\nlocation = "n.xlsx"\n')
    service = DistrictService(registry)
    service.start(paused=True)
    try:
        job = service.scheduler.get_job("report:district")
        assert job.trigger.get_next_fire_time(None, at(15, 12, 0)) == at(16, 5, 30)
        registry.write_text(registry.read_text().replace('time = "05:30"', 'time = "05:30"\nschedule = false'))
        assert service.reload() is True
        assert service.scheduler.get_job("report:district") is None
    finally:
        service.stop()


def test_a_simulated_monday_fires_the_report_at_six_in_its_dry_run(tmp_path):
    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10, school={"sync": {"every_minutes": 720}})
    result = CliRunner().invoke(app, ["serve", "--registry", str(registry), "--simulate-day", "2026-12-14"],
                                env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Dry run of 2026-12-14")
    assert lines[1].startswith("06:00 report:district") and " ok " in lines[1]  # before the 06:00 syncs of the day
    assert History(load_registry(registry).history_path).runs(HISTORY_ID, "report") == []  # a dry run records nothing
    assert not (tmp_path / "district-report.xlsx").exists()


def test_the_report_job_records_its_run_and_status_shows_it(tmp_path):
    from tracker_sync.jobs.clock import FakeClock
    from tracker_sync.jobs.district import DistrictRunner
    from tracker_sync.jobs.report import report_district

    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10)
    report_district(DistrictRunner(load_registry(registry), clock=FakeClock(at(14, 6, 0))))  # what serve fires on Monday 06:00
    (run,) = History(load_registry(registry).history_path).runs(HISTORY_ID, "report")
    assert run.outcome == "ok" and run.detail.endswith("district-report.xlsx") and run.extra["counts"]["never synced"] == 1
    status = json.loads(CliRunner().invoke(app, ["status", "--registry", str(registry), "--json"]).stdout)["district_report"]
    assert (status["last_run"], status["outcome"]) == ("2026-12-14T06:00-07:00", "ok")
    table = CliRunner().invoke(app, ["status", "--registry", str(registry)], env={"COLUMNS": "200"}).stdout
    assert "District report: last ran Mon 12-14 06:00 (ok" in table


def test_a_sync_stores_figures_only_when_they_changed_that_day(tmp_path):
    """Two syncs as of the same day store one set of figures; a new day stores again; the report reads the stored one."""
    from tracker_sync.district.report import build_report
    from tracker_sync.jobs.district import DistrictRunner

    runner = DistrictRunner(load_registry(build_district(tmp_path, xlsx=1, google=0, teachers=10)))
    (school,) = [s.id for s in runner.registry.schools.values()]
    friday, saturday = dt.date(2026, 12, 18), dt.date(2026, 12, 19)
    runs = [runner.sync_school(school, as_of=day) for day in (friday, friday, saturday)]
    assert [r.outcome for r in runs] == ["ok"] * 3
    assert ["district" in r.extra for r in runs] == [True, False, True]
    assert runs[0].extra["district"]["as_of"] == "2026-12-18" and runs[2].extra["district"]["as_of"] == "2026-12-19"
    report = build_report(runner.registry, runner.history, as_of=friday, now=runs[1].started_at)
    assert report.schools[0].as_of == friday and report.schools[0].figures["teachers"].value == (
        runs[0].extra["district"]["figures"]["teachers"]["value"])
