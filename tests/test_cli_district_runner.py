"""`sync-all` and `status` through the CLI, checked against the library's history (xlsx schools, no network)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tracker_sync.cli import app
from tracker_sync.district.history import History
from tracker_sync.district.registry import load_registry
from tracker_sync.testing.sample_district import build_district


def test_sync_all_then_status(tmp_path):
    registry = build_district(tmp_path, xlsx=2, google=0, teachers=10)
    cli = CliRunner()
    result = cli.invoke(app, ["sync-all", "--registry", str(registry), "--as-of", "2026-12-18", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["schools"], report["failed"], report["api_calls"]) == (2, 0, 0)
    history = History(load_registry(registry).history_path)
    by_school = lambda runs: sorted(runs, key=lambda run: run["school"])  # noqa: E731 - history is in finishing order
    assert by_school([r.to_dict() for r in history.runs()]) == by_school(report["runs"])

    table = cli.invoke(app, ["sync-all", "--registry", str(registry), "--as-of", "2026-12-18"], env={"COLUMNS": "160"})
    assert table.exit_code == 0 and "2 schools, 0 failed" in table.stdout and "Xlsx School 002" in table.stdout

    status = cli.invoke(app, ["status", "--registry", str(registry), "--json"])
    rows = json.loads(status.stdout)["schools"]
    assert sorted((r["id"], r["outcome"], r["errors"]) for r in rows) == sorted((r.school, "ok", r.errors)
                                                                                for r in history.runs()[-2:])
    assert all(r["next_sync"] and r["next_brief"] for r in rows)


def test_sync_all_exits_3_when_a_school_fails_and_bad_registry_exits_2(tmp_path):
    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10)
    (tmp_path / "xlsx-school-001.xlsx").unlink()
    result = CliRunner().invoke(app, ["sync-all", "--registry", str(registry), "--json"])
    assert result.exit_code == 3 and json.loads(result.stdout)["failed"] == 1
    registry.write_text(registry.read_text() + 'sync = { every_minutes = 0 }\n')
    bad = CliRunner().invoke(app, ["status", "--registry", str(registry)])
    assert bad.exit_code == 2 and 'school "Xlsx School 001", field sync.every_minutes' in " ".join(bad.output.split())


def folder_state(folder):
    """Every file under ``folder`` with its bytes and modification time: what a dry run must leave as it was."""
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_serve_simulate_day_is_a_dry_run_that_touches_no_tracker_brief_or_history(tmp_path):
    registry = build_district(tmp_path, xlsx=2, google=0, teachers=10, school={"sync": {"every_minutes": 240}})
    (tmp_path / "xlsx-school-002.xlsx").unlink()  # this school fails every run of the day
    before = folder_state(tmp_path)
    result = CliRunner().invoke(app, ["serve", "--registry", str(registry), "--simulate-day", "2026-12-15"])
    assert result.exit_code == 3, result.output  # failures exit 3, as sync-all does
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Dry run of 2026-12-15") and "nothing is written" in lines[0]
    syncs = [line for line in lines if " sync:xlsx-school-001 " in line]
    assert [line.split()[0] for line in syncs] == ["06:00", "10:00", "14:00", "18:00"]  # the school's local times
    assert all(" ok " in line for line in syncs)
    failures = [line for line in lines if " sync:xlsx-school-002 " in line]
    assert len(failures) == 4 and all("failed (no tracker): No tracker file at" in line for line in failures)
    assert lines[-1] == "Simulated 2026-12-15 (dry run, nothing written): 10 runs, 5 failed."
    assert folder_state(tmp_path) == before  # no Sync Log line, no briefs/ folder, no history file
    status = CliRunner().invoke(app, ["status", "--registry", str(registry), "--json"])
    assert [row["outcome"] for row in json.loads(status.stdout)["schools"]] == [None, None]  # never really run


def test_simulate_day_json_is_one_object_and_reads_each_tracker_once(tmp_path, monkeypatch):
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10, school={"sync": {"every_minutes": 240}})
    reads = []
    real_read = XlsxWorkbook.read
    monkeypatch.setattr(XlsxWorkbook, "read", lambda self, tabs: reads.append(self.path.name) or real_read(self, tabs))
    result = CliRunner().invoke(app, ["serve", "--registry", str(registry), "--simulate-day", "2026-12-15", "--json"])
    assert result.exit_code == 0, result.output
    day = json.loads(result.stdout)
    assert (day["dry_run"], day["runs"], day["failed"]) == (True, 5, 0)  # 4 syncs and the Tuesday brief
    assert [job["job"] for job in day["jobs"]].count("sync:xlsx-school-001") == 4
    assert reads == ["xlsx-school-001.xlsx"]  # one read into memory; every run after works on the copy


def test_simulate_day_on_google_reads_each_spreadsheet_once_and_writes_nothing(tmp_path, fake, account, monkeypatch):
    credentials = tmp_path / "service-account.json"
    credentials.write_text(json.dumps(account))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(credentials))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
    registry = build_district(tmp_path, xlsx=0, google=2, fake=fake, teachers=10, school={"sync": {"every_minutes": 240}})
    fake.clear_log()
    result = CliRunner().invoke(app, ["serve", "--registry", str(registry), "--simulate-day", "2026-12-15", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["runs"] == 10  # 2 schools x (4 syncs + 1 brief)
    assert [r.method for r in fake.calls("sheets")] == ["GET", "GET"]  # one read per spreadsheet, no write at all
    assert not (tmp_path / "district-history.sqlite").exists()


def test_a_monday_dry_run_writes_its_district_report_only_to_the_temporary_folder(tmp_path):
    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10, school={"sync": {"every_minutes": 240}})
    assert CliRunner().invoke(app, ["sync-all", "--registry", str(registry), "--as-of", "2026-12-11"]).exit_code == 0
    before = folder_state(tmp_path)  # with a real history: the dry run starts from a copy of it
    result = CliRunner().invoke(app, ["serve", "--registry", str(registry), "--simulate-day", "2026-12-14"])
    assert result.exit_code == 0, result.output
    report_line, = [line for line in result.stdout.splitlines() if " report:district " in line]
    assert report_line.startswith("06:00 report:district") and report_line.endswith("ok     district-report.xlsx")
    assert folder_state(tmp_path) == before  # no district-report.xlsx, no briefs/district, the history as it was


def test_sync_all_warns_when_a_registry_name_is_not_the_trackers_school(tmp_path):
    """A registry entry "Demo 3" for a tracker of Aspen Grove K-8: one warning line naming both and the fixes."""
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.district.registry import parse_registry, save_registry
    from tracker_sync.synthetic.demo import provision_school
    from tracker_sync.synthetic.school import synthetic_school

    provision_school(XlsxWorkbook(tmp_path / "aspen.xlsx"), synthetic_school(3, teachers=10))
    provision_school(XlsxWorkbook(tmp_path / "cedar.xlsx"), synthetic_school(12, teachers=10))
    registry = tmp_path / "district.toml"
    schools = {"Demo 3": {"backend": "xlsx", "location": "aspen.xlsx"},
               "Cedar Ridge K-8": {"backend": "xlsx", "location": "cedar.xlsx"}}
    save_registry(parse_registry({"schools": schools}, registry), registry)
    result = CliRunner().invoke(app, ["sync-all", "--registry", str(registry), "--as-of", "2026-12-18", "--json"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    aspen = tmp_path / "aspen.xlsx"
    assert warnings == [f'Warning: The registry\'s school "Demo 3" is "Aspen Grove K-8" in its tracker ({aspen}): rename the '
                        'registry entry to [schools."Aspen Grove K-8"] (keep id = "demo-3" to keep its history), or rename the '
                        f'tracker\'s school: tracker-sync provision --out {aspen} --school "Demo 3" --rename.']
    assert json.loads(result.stdout)["failed"] == 0  # a warning, not a failure


def test_district_report_after_sync_all_of_demo_trackers_without_as_of(tmp_path):
    """Demo trackers are frozen at 12-18 (their semester's end), so sync-all without --as-of syncs them for 12-18,
    whatever today is. The report without --as-of follows them: every school current, none "never synced" beside a
    last good sync. As of a day before any of those syncs, they never synced, and no last good sync is shown."""
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.district.registry import parse_registry, save_registry
    from tracker_sync.synthetic.demo import provision_school
    from tracker_sync.synthetic.school import synthetic_school

    schools = {}
    for seed in (1, 2):
        school = synthetic_school(seed, teachers=10)
        provision_school(XlsxWorkbook(tmp_path / f"s{seed}.xlsx"), school, frozen_at=school.as_of)
        schools[school.name] = {"backend": "xlsx", "location": f"s{seed}.xlsx"}
    registry = tmp_path / "district.toml"
    save_registry(parse_registry({"schools": schools}, registry), registry)
    cli = CliRunner()
    assert cli.invoke(app, ["sync-all", "--registry", str(registry)]).exit_code == 0
    report = json.loads(cli.invoke(app, ["district-report", "--registry", str(registry), "--json"]).stdout)["report"]
    assert report["as_of"] == "2026-12-18" and report["counts"] == {"current": 2, "stale": 0, "never synced": 0}
    assert all(s["last_success"] and s["as_of"] == "2026-12-18" for s in report["schools"])
    earlier = json.loads(cli.invoke(app, ["district-report", "--registry", str(registry), "--as-of", "2026-10-01",
                                          "--json"]).stdout)["report"]
    assert [(s["status"], s["last_success"]) for s in earlier["schools"]] == [("never synced", None)] * 2
