"""The coaching plan end to end: the Plan tab kept on real .xlsx files and on the Google fake, the
calendar feeds parsed back (stable UIDs, nothing private), the `plan` command, the loopback feed
server, and the Roster's new optional column on an existing tracker."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request

import openpyxl
import pytest
from icalendar import Calendar
from plan_support import AS_OF, PRIVATE_NOTE, WEEK1, WEEK2, plan_grids
from typer.testing import CliRunner

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.calendars import CalendarServer, write_calendars
from tracker_sync.cli import app
from tracker_sync.errors import TrackerSyncError
from tracker_sync.metadata import to_metadata
from tracker_sync.patterns.plan import DONE
from tracker_sync.render.ics import ILT_FEED, PRODID
from tracker_sync.render.plan_tab import PLAN_TAB, plan_memory
from tracker_sync.schemas import SchoolSettings
from tracker_sync.sheet_templates import default_norms, load_rubric, load_template
from tracker_sync.sync import check_tracker, sync_tracker

runner = CliRunner()
NOW = dt.datetime(2026, 10, 5, 13, 0, tzinfo=dt.UTC)
SUMMARY = re.compile(r"^(?:(?P<coach>Pat Noor|Lee Ray): )?(?:Observe|Feedback meeting with|1:1 with|Goal check-in with|"
                     r"Close the learning cycle with) (?P<teacher>[A-Z][a-z]+ [A-Z][a-z]+)$")
DESCRIPTION = re.compile(r"^Due \d{4}-\d{2}-\d{2}\. From the Plan School coaching plan\.$")


@pytest.fixture
def settings() -> SchoolSettings:
    norms = default_norms().model_copy(update={"plan_visits_per_week": 2, "plan_meetings_per_week": 2, "plan_weeks": 2,
                                               "plan_coach_visits": {"Pat Noor": 3}})
    return SchoolSettings(school="Plan School", rubric=load_rubric("leap"), norms=norms,
                          school_year_start=dt.date(2026, 8, 17), school_year_end=dt.date(2027, 5, 28))


@pytest.fixture
def tracker(tmp_path, settings):
    workbook = XlsxWorkbook(tmp_path / "plan.xlsx")
    workbook.provision(load_template().for_rubric(settings.rubric), to_metadata(settings))
    workbook.seed_rows({name: grid[1:] for name, grid in plan_grids().items()})
    return workbook


def statuses(workbook) -> dict[tuple[str, str], str]:
    items = plan_memory(workbook.read([PLAN_TAB]).grids[PLAN_TAB]).items
    return dict(zip(zip(items["teacher"], items["kind"], strict=True), items["status"], strict=True))


# -- the Plan tab on a real file ---------------------------------------------------------------------


def test_each_sync_writes_the_plan_tab_and_the_next_one_keeps_the_weeks_plan(tracker):
    first = sync_tracker(tracker, as_of=AS_OF)
    assert "Plan" in first.tabs_written
    made = plan_memory(tracker.read([PLAN_TAB]).grids[PLAN_TAB])
    assert (made.week, made.made_on) == (WEEK1, AS_OF)
    tracker.seed_rows({"Observations": [[dt.date(2026, 10, 6), "Cal Diaz", "Lee Ray", "Informal", None, None, None, None]]})
    sync_tracker(tracker, as_of=dt.date(2026, 10, 7))
    kept = plan_memory(tracker.read([PLAN_TAB]).grids[PLAN_TAB])
    assert kept.made_on == AS_OF
    assert kept.items.drop(columns="status").equals(made.items.drop(columns="status"))
    assert statuses(tracker)[("Cal Diaz", "observe")] == DONE
    sync_tracker(tracker, as_of=WEEK2)
    grid = tracker.read([PLAN_TAB]).grids[PLAN_TAB]
    assert plan_memory(grid).previous_week == WEEK1
    lee = next(row for row in grid if row[:1] == ["Lee Ray"] and isinstance(row[1], int))  # Lee's row of planned vs done
    assert [v for v in lee if v is not None][:3] == ["Lee Ray", 3, 1]  # planned Cal's 1:1 and visit and Ana's 1:1; the visit done


def test_a_failed_sync_leaves_the_plan_as_it_was(tracker, monkeypatch):
    sync_tracker(tracker, as_of=AS_OF)
    before = tracker.read([PLAN_TAB]).grids[PLAN_TAB]

    def crash_mid_save(out, *args, **kwargs):  # half a file on disk, then the process "dies"
        out.write(b"PK\x03\x04 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tracker_sync.backends.xlsx.container.write_zip", crash_mid_save)
    with pytest.raises(TrackerSyncError):
        sync_tracker(tracker, as_of=WEEK2)
    monkeypatch.undo()
    assert tracker.read([PLAN_TAB]).grids[PLAN_TAB] == before
    assert plan_memory(before).week == WEEK1


# -- calendar feeds ------------------------------------------------------------------------------------


def parse(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_feeds_parse_and_keep_their_uids_and_bytes_across_runs(tracker, tmp_path):
    check = check_tracker(tracker, as_of=AS_OF)
    folder = tmp_path / "calendars"
    written = write_calendars(folder, check.settings, check.plan, now=NOW)
    assert sorted(p.name for p in written) == ["ilt.ics", "lee-ray.ics", "pat-noor.ics"]
    first = {p.name: p.read_bytes() for p in written}
    again = write_calendars(folder, check.settings, check.plan, now=NOW + dt.timedelta(hours=3))
    assert {p.name: p.read_bytes() for p in again} == first  # same plan, same bytes (DTSTAMP kept)

    lee = parse(folder / "lee-ray.ics")
    assert str(lee["PRODID"]) == PRODID and str(lee["VERSION"]) == "2.0"
    assert "8 to 24 hours" in str(lee["X-WR-CALDESC"]) and "8 to 24 hours" in str(lee["DESCRIPTION"])
    events = {str(e["UID"]): e for e in lee.walk("VEVENT")}
    placed = check.plan.items[(check.plan.items["coach"] == "Lee Ray") & check.plan.items["week"].notna()]
    assert len(events) == len(placed) == 7  # Ben's visit has no room in the two weeks
    cal_visit = next(e for e in events.values() if str(e["SUMMARY"]) == "Observe Cal Diaz")
    assert cal_visit.decoded("DTSTART") == dt.date(2026, 10, 5) and cal_visit.decoded("DTEND") == dt.date(2026, 10, 6)
    ilt = parse(folder / ILT_FEED)
    assert len(list(ilt.walk("VEVENT"))) == len(check.plan.items[check.plan.items["week"].notna()])
    assert not set(events) & {str(e["UID"]) for e in ilt.walk("VEVENT")}  # the ILT's events are its own


def test_a_moved_event_keeps_its_uid_and_counts_a_new_sequence(tracker, tmp_path):
    folder = tmp_path / "calendars"
    check = check_tracker(tracker, as_of=AS_OF)
    write_calendars(folder, check.settings, check.plan, now=NOW)
    before = {str(e["UID"]): e for e in parse(folder / "lee-ray.ics").walk("VEVENT")}
    narrower = check.settings.model_copy(update={"norms": check.settings.norms.model_copy(update={"plan_meetings_per_week": 1})})
    from tracker_sync.patterns.plan import coaching_plan

    moved = coaching_plan(check.result.records, narrower, AS_OF)  # one meeting a week: Ana's 1:1 moves a week on
    write_calendars(folder, narrower, moved, now=NOW + dt.timedelta(days=1))
    after = {str(e["UID"]): e for e in parse(folder / "lee-ray.ics").walk("VEVENT")}
    ana = next(uid for uid, e in after.items() if str(e["SUMMARY"]) == "1:1 with Ana Lopez")
    assert ana in before
    assert before[ana].decoded("DTSTART") == dt.date(2026, 10, 7) and after[ana].decoded("DTSTART") == dt.date(2026, 10, 12)
    assert (int(before[ana]["SEQUENCE"]), int(after[ana]["SEQUENCE"])) == (0, 1)
    assert after[ana].decoded("DTSTAMP") == NOW + dt.timedelta(days=1)
    unchanged = next(uid for uid, e in after.items() if str(e["SUMMARY"]) == "Observe Cal Diaz")
    assert int(after[unchanged]["SEQUENCE"]) == 0 and after[unchanged].decoded("DTSTAMP") == NOW


def test_feeds_hold_a_name_and_what_is_due_and_nothing_private(tracker, tmp_path):
    check = check_tracker(tracker, as_of=AS_OF)
    folder = tmp_path / "calendars"
    write_calendars(folder, check.settings, check.plan, now=NOW)
    roster = {row[0] for row in plan_grids()["Roster"][1:]}
    for path in folder.glob("*.ics"):
        text = path.read_text(encoding="utf-8")
        for private in (PRIVATE_NOTE, "private score note", "private 1:1 note", "quartile", "novice", "score", "Cycle 1"):
            assert private.lower() not in text.lower(), (path.name, private)
        for event in parse(path).walk("VEVENT"):
            match = SUMMARY.fullmatch(str(event["SUMMARY"]))
            assert match and match["teacher"] in roster, str(event["SUMMARY"])
            assert DESCRIPTION.fullmatch(str(event["DESCRIPTION"])), str(event["DESCRIPTION"])
            assert set(event) <= {"UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP"}


def test_a_coach_no_longer_planned_gets_an_empty_feed_and_other_files_stay(tracker, tmp_path):
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "old-coach.ics").write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:" + PRODID.encode() + b"\r\nVERSION:2.0\r\n"
                                           b"BEGIN:VEVENT\r\nUID:x@tracker-sync\r\nDTSTAMP:20261001T000000Z\r\n"
                                           b"DTSTART;VALUE=DATE:20261001\r\nSUMMARY:Observe Dee Wu\r\nEND:VEVENT\r\n"
                                           b"END:VCALENDAR\r\n")
    (folder / "notes.ics").write_text("someone else's calendar")
    check = check_tracker(tracker, as_of=AS_OF)
    write_calendars(folder, check.settings, check.plan, now=NOW)
    assert list(parse(folder / "old-coach.ics").walk("VEVENT")) == []
    assert (folder / "notes.ics").read_text() == "someone else's calendar"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp files left


# -- the command -----------------------------------------------------------------------------------------


def test_plan_command_writes_the_feeds_and_its_json_equals_the_library(tracker, tmp_path):
    folder = tmp_path / "feeds"
    result = runner.invoke(app, ["plan", str(tracker.path), "--ics", str(folder), "--as-of", "2026-10-05", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    plan = check_tracker(tracker, as_of=AS_OF).plan
    assert (data["week"], data["made_on"]) == ("2026-10-05", "2026-10-05")
    assert [c["coach"] for c in data["coaches"]] == list(plan.coaches["coach"])
    assert [c["planned_visits"] for c in data["coaches"]] == list(plan.coaches["planned_visits"])
    assert sorted(data["feeds"]) == sorted(str(folder / n) for n in ("ilt.ics", "lee-ray.ics", "pat-noor.ics"))
    assert all(Calendar.from_ical(open(path, "rb").read()) for path in data["feeds"])
    text = runner.invoke(app, ["plan", str(tracker.path), "--as-of", "2026-10-05"])
    assert text.exit_code == 0 and "coaching plan for the week of 2026-10-05 (made on 2026-10-05)" in text.stdout
    assert "Lee Ray" in text.stdout and "1 of 1" in text.stdout  # one visit of Lee's one a week


@pytest.mark.parametrize(("args", "message"), [
    (["--as-of", "10/05/2026"], "--as-of must be a date like 2026-12-18, not '10/05/2026'."),
    (["--ics", "FILE"], "is a file, not a folder: give a folder for the calendar feeds."),
])
def test_plan_command_mistakes_are_one_line_and_exit_2(tracker, args, message):
    args = [str(tracker.path) if a == "FILE" else a for a in args]
    result = runner.invoke(app, ["plan", str(tracker.path), *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_plan_of_a_missing_tracker_is_one_line_as_for_sync(tmp_path):
    for command in ("plan", "sync"):
        result = runner.invoke(app, [command, str(tmp_path / "nowhere.xlsx")])
        assert result.exit_code == 2 and result.stderr.startswith("Error: No tracker at ")
        assert len(result.stderr.strip().splitlines()) == 1


# -- served on loopback --------------------------------------------------------------------------------


def test_the_feed_server_serves_feeds_on_loopback_and_nothing_else(tracker, tmp_path):
    folder = tmp_path / "lincoln"
    check = check_tracker(tracker, as_of=AS_OF)
    write_calendars(folder, check.settings, check.plan, now=NOW)
    (folder / "secret.txt").write_text("not a feed")
    server = CalendarServer(lambda: {"lincoln": folder}, 0).start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{server.url}/lincoln/ilt.ics") as answer:
            assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
            assert answer.read() == (folder / "ilt.ics").read_bytes()
        for path in ("/lincoln/secret.txt", "/lincoln/../plan.xlsx", "/lincoln/", "/other/ilt.ics", "/lincoln/%2e%2e/ilt.ics"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(server.url + path)
            assert refused.value.code == 404, path
    finally:
        server.stop()


def test_serve_writes_a_schools_feeds_after_its_sync(tmp_path, settings):
    from tracker_sync.district.registry import load_registry
    from tracker_sync.jobs.district import DistrictRunner

    workbook = XlsxWorkbook(tmp_path / "plan.xlsx")
    workbook.provision(load_template().for_rubric(settings.rubric), to_metadata(settings))
    workbook.seed_rows({name: grid[1:] for name, grid in plan_grids().items()})
    registry_path = tmp_path / "district.toml"
    registry_path.write_text('[schools."Plan School"]\nbackend = "xlsx"\nlocation = "plan.xlsx"\ncalendars = "calendars/plan"\n')
    runner_ = DistrictRunner(load_registry(registry_path))
    run = runner_.sync_school("plan-school", as_of=AS_OF)
    assert run.outcome == "ok", run.detail
    assert sorted(p.name for p in (tmp_path / "calendars" / "plan").iterdir()) == ["ilt.ics", "lee-ray.ics", "pat-noor.ics"]


# -- the Roster's Visits per Week on an older tracker ------------------------------------------------------


def test_an_older_tracker_without_visits_per_week_syncs_quietly_and_provision_adds_it(tmp_path, settings):
    template = load_template().for_rubric(settings.rubric)
    roster = template.tab_of_kind("roster")
    older_roster = roster.model_copy(update={"columns": [c for c in roster.columns if c.key != "visits_per_week"]})
    old = template.model_copy(update={"tabs": [older_roster if tab is roster else tab for tab in template.tabs]})
    path = tmp_path / "old.xlsx"
    workbook = XlsxWorkbook(path)
    workbook.provision(old, to_metadata(settings))
    workbook.seed_rows({name: [row[:9] if name == "Roster" else row for row in grid[1:]] for name, grid in plan_grids().items()})
    report = sync_tracker(workbook, as_of=AS_OF)
    assert report.findings == {"error": 0, "warning": 0}
    assert XlsxWorkbook(path).read(["Roster"]).grids["Roster"][0][-1] == "Status"
    before = {(c.coordinate, c.value) for row in openpyxl.load_workbook(path)["Roster"].iter_rows() for c in row
              if c.value is not None}

    result = runner.invoke(app, ["provision", "--out", str(path), "--json"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(path)["Roster"]
    assert sheet["J1"].value == "Visits per Week"
    after = {(c.coordinate, c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert after - before == {("J1", "Visits per Week")} and before <= after
    XlsxWorkbook(path).seed_rows({"Roster": []})
    assert sync_tracker(XlsxWorkbook(path), as_of=AS_OF).findings == {"error": 0, "warning": 0}


# -- on Google: the same one read and one write per sync, and the plan read back ---------------------------


def test_on_google_the_plan_costs_no_call_and_is_kept_across_syncs(fake, account, settings):
    from backend_support import new_workbook

    workbook = new_workbook(fake, account, "Plan School tracker")
    workbook.provision(load_template().for_rubric(settings.rubric), to_metadata(settings))
    workbook.seed_rows({name: grid[1:] for name, grid in plan_grids().items()})
    fake.clear_log()
    first = sync_tracker(workbook, as_of=AS_OF)
    assert "Plan" in first.tabs_written
    methods = [(r.method, r.path.endswith(":batchUpdate")) for r in fake.calls("sheets")]
    assert methods == [("GET", False), ("POST", True)]  # one spreadsheets.get, one batchUpdate, as before the Plan tab
    fake.clear_log()
    sync_tracker(workbook, as_of=dt.date(2026, 10, 7))
    assert len(fake.calls("sheets")) == 2
    memory = plan_memory(workbook.read([PLAN_TAB]).grids[PLAN_TAB])
    assert (memory.week, memory.made_on) == (WEEK1, AS_OF)  # dates come back as dates from Google's values
    xlsx_like = check_tracker(workbook, as_of=dt.date(2026, 10, 7)).plan
    assert xlsx_like.made_on == AS_OF and len(memory.items) == len(xlsx_like.items)


def test_the_brief_says_the_plan_in_a_few_sentences_and_names_coaches_only_with_names(tracker):
    from tracker_sync.sync import build_brief

    sync_tracker(tracker, as_of=AS_OF)
    tracker.seed_rows({"Observations": [[dt.date(2026, 10, 6), "Cal Diaz", "Lee Ray", "Informal", None, None, None, None]]})

    def plan_paragraph(page: str) -> str:
        return re.search(r"<strong>Coaching plan\.</strong>(.*?)</p>", page, re.S)[1]

    plain = plan_paragraph(build_brief(tracker, as_of=WEEK2))
    assert "Week of Oct 12:" in plain and "(Plan tab)" in plain
    assert "Last week&#39;s plan: 1 of 7 done (14%; coaches 0% to 33%)." in plain  # Lee 1 of 3 (Cal's visit), Pat 0 of 4
    assert "Lee Ray" not in plain and "Pat Noor" not in plain and "Cal Diaz" not in plain
    named = plan_paragraph(build_brief(tracker, as_of=WEEK2, include_names=True))
    assert "Pat Noor 0/4" in named and "Lee Ray 1/3" in named
