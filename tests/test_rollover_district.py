"""`tracker-sync rollover --registry`: every school of a district (xlsx and Google, on the fake) in one
command, one line each, each registry entry pointed at next year's tracker; then `sync-all` syncs next
year's and never last year's, and the district view and the ILT brief put last year beside this year
from the run history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app
from tracker_sync.district.history import History
from tracker_sync.district.registry import load_registry
from tracker_sync.district.report import build_report
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.testing.sample_district import build_district, sync_history

LAST_YEAR_DAY = dt.date(2026, 12, 18)
THIS_YEAR_DAY = dt.date(2027, 12, 17)  # 123 days after 2027-08-16, as 2026-12-18 is after 2026-08-17
YEARS = {"2027-28": {"first_day": dt.date(2027, 8, 16), "last_day": dt.date(2028, 5, 26),
                     "holidays": [dt.date(2027, 9, 6), dt.date(2027, 11, 25), dt.date(2027, 11, 26)]}}


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def district(tmp_path_factory, fake, account):
    registry = build_district(tmp_path_factory.mktemp("rollover-district"), xlsx=2, google=2, fake=fake, teachers=12,
                              distinct=2, district={"name": "Rollover District", "years": YEARS})
    google = GoogleAccess(service_account_info=account, api_base=fake.base_url)
    sync_history(registry, [LAST_YEAR_DAY - dt.timedelta(days=7), LAST_YEAR_DAY], google=google)
    return registry, google


@pytest.fixture(scope="module")
def rolled(district, fake, account, tmp_path_factory):
    registry, _google = district
    before = {s.name: s.location for s in load_registry(registry).schools.values()}
    credentials = tmp_path_factory.mktemp("keys") / "sa.json"
    credentials.write_text(json.dumps(account))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(credentials))
        env.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
        result = cli("rollover", "--registry", str(registry), "--year", "2027-28", "--no-notify")
        again = cli("rollover", "--registry", str(registry), "--year", "2027-28", "--no-notify", "--json")
    return before, result, again


def test_every_school_rolls_over_in_one_command_one_line_each(district, rolled):
    registry, _ = district
    before, result, _again = rolled
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5
    by_school = {line.split(": ", 1)[0]: line for line in lines[:-1]}  # one line each, as each school is done
    assert list(by_school) == list(before)  # in registry order, so a log reads the same on every run
    for name, line in by_school.items():
        assert line.startswith(f"{name}: rolled over -> ") and ("API call" in line) == name.startswith("Google")
    assert lines[-1].startswith("4 schools to 2027-28: 4 rolled over, 0 finished, 0 failed, in ")
    assert result.stderr == ""  # the registry gave the dates and holidays: nothing to warn about
    after = {s.name: s for s in load_registry(registry).schools.values()}
    assert after["Xlsx School 001"].location == "xlsx-school-001-2027-28.xlsx"
    for name, school in after.items():
        assert school.location != before[name] and school.id == name.lower().replace(" ", "-")  # the id, so the history, stays
    meta = XlsxWorkbook(registry.parent / "xlsx-school-001-2027-28.xlsx").read([]).metadata
    assert (meta["school_year_start"], meta["school_year_end"], meta["holidays"]) == ("2027-08-16", "2028-05-26",
                                                                                      "2027-09-06,2027-11-25,2027-11-26")


def test_a_second_district_run_finishes_every_school_and_makes_nothing_new(district, rolled, fake):
    registry, _ = district
    _before, _result, again = rolled
    assert again.exit_code == 0, again.output
    done = json.loads(again.stdout)
    assert [line["outcome"] for line in done["lines"]] == ["finished"] * 4 and done["failed"] == 0
    assert sorted(p.name for p in registry.parent.glob("*.xlsx")) == [
        "xlsx-school-001-2027-28.xlsx", "xlsx-school-001.xlsx", "xlsx-school-002-2027-28.xlsx", "xlsx-school-002.xlsx"]
    google = sorted(f.name for f in fake.files.values() if f.name.startswith("Google School"))
    assert google == ["Google School 001 – coaching tracker", "Google School 001 – coaching tracker 2026-27",
                      "Google School 002 – coaching tracker", "Google School 002 – coaching tracker 2026-27"]


@pytest.mark.usefixtures("cli_env")
def test_sync_all_syncs_next_year_and_an_old_entry_is_skipped_with_a_clear_line(district, rolled, tmp_path):
    registry, _ = district
    old = registry.parent / "xlsx-school-002.xlsx"
    old_bytes = old.read_bytes()
    synced = cli("sync-all", "--registry", str(registry), "--as-of", THIS_YEAR_DAY.isoformat(), "--json")
    assert synced.exit_code == 0, synced.output
    assert [run["outcome"] for run in json.loads(synced.stdout)["runs"]] == ["ok"] * 4
    stale = tmp_path / "stale.toml"  # a registry nobody updated still names last year's file
    stale.write_text(f'[schools."Xlsx School 002"]\nbackend = "xlsx"\nlocation = "{old}"\n', encoding="utf-8")
    skipped = cli("sync-all", "--registry", str(stale), "--json")
    (run,) = json.loads(skipped.stdout)["runs"]
    assert skipped.exit_code == 0 and run["outcome"] == "skipped"
    assert run["detail"].startswith(f"{old} is the 2026-27 tracker of Xlsx School 002, archived when the school rolled over")
    assert old.read_bytes() == old_bytes


@pytest.mark.usefixtures("cli_env")
def test_the_district_view_puts_last_year_beside_this_year_from_the_history(district, rolled):
    registry, google = district
    loaded = load_registry(registry)
    DistrictRunner(loaded, google=google).run_pass(as_of=THIS_YEAR_DAY)
    now = dt.datetime(2027, 12, 17, 12, tzinfo=dt.UTC)
    report = build_report(loaded, History(loaded.history_path), as_of=THIS_YEAR_DAY, now=now)
    assert set(report.last_year) == {s.id for s in loaded.schools.values()}
    history = History(loaded.history_path)
    for school in loaded.schools.values():
        entry = report.last_year[school.id]
        assert (entry.label, entry.as_of) == ("2026-27", LAST_YEAR_DAY)
        stored = history.latest_extra(school.id, "district", LAST_YEAR_DAY.isoformat()).extra["district"]["figures"]
        assert entry.figures["observed_14d"].value == pytest.approx(stored["observed_14d"]["value"])
    out = cli("district-report", "--registry", str(registry), "--as-of", THIS_YEAR_DAY.isoformat(), "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["report"]["last_year"]["xlsx-school-001"]["as_of"] == LAST_YEAR_DAY.isoformat()
    brief = next((registry.parent / "briefs" / "district").glob("*.html")).read_text(encoding="utf-8")
    assert "Last year beside this year" in brief and 'id="last-year"' in brief


@pytest.mark.usefixtures("cli_env")
def test_the_ilt_brief_of_next_year_reads_last_year_from_the_history(district, rolled, fake):
    registry, google = district
    loaded = load_registry(registry)
    school = loaded.schools["Google School 001"]
    last_year_id = next(f.id for f in fake.files.values() if f.name == "Google School 001 – coaching tracker 2026-27")
    fake.clear_log()
    run = DistrictRunner(loaded, google=google).brief_school(school.id, as_of=THIS_YEAR_DAY)
    assert run.outcome == "ok", run.detail
    assert not [c for c in fake.calls() if last_year_id in c.path]  # last year's figures came from the history
    html = Path(run.detail).read_text(encoding="utf-8")
    assert "Last year beside this year" in html and "Last year's figures from the district's run history" in html
