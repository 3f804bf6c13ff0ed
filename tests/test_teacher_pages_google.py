"""Teachers' pages on Google, over real HTTP to the loopback fake: one view-only spreadsheet per teacher,
shared with that teacher and their Team Lead only, written only when that teacher's rows change; and in
the district runner, within each pass's page budget and the account's quota."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3

import pytest
from conftest import as_read
from typer.testing import CliRunner

from tracker_sync.backends.google.workbook import DRIVE_FILES, GoogleWorkbook, google_client, spreadsheet_id_from
from tracker_sync.cli import app
from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.pages.google import publish_pages
from tracker_sync.pages.html import file_name
from tracker_sync.pages.model import build_pages
from tracker_sync.pages.state import load_state
from tracker_sync.pages.tab import PAGE_TAB
from tracker_sync.sync import check_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.testing.sample_district import build_district

pytestmark = pytest.mark.usefixtures("cli_env")  # every command here reaches the fake
AS_OF = dt.date(2026, 12, 18)
DOMAIN = "cottonwoodcommunityschool.example.org"


@pytest.fixture
def school(fake, account, shared_drive):
    """The demo school's tracker on the fake, a shared drive for its pages, every staff address a Google account."""
    http = google_client(service_account_info=account, api_base=fake.base_url)
    demo = synthetic_school(7)
    tracker = GoogleWorkbook.create("Cottonwood – coaching tracker", http, folder_id=shared_drive)
    provision_school(tracker, demo, frozen_at=demo.as_of)
    fake.add_workspace(DOMAIN, [row[1] for row in demo.grids["Roster"][1:] if row[1]])
    folder = fake.add_shared_drive("Teacher pages", {account["client_email"]: "fileOrganizer"})
    return tracker, folder, http


def pages_run(tracker, folder, *extra):
    result = CliRunner().invoke(app, ["teacher-pages", tracker.location, "--folder", folder, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def summary(calls) -> list[tuple[str, str]]:
    """Each call as (method, what): the tracker, the listing, a page create or write, a share or unshare."""
    def what(call) -> str:
        if call.path.endswith(":batchUpdate"):
            return "batchUpdate"
        if "/permissions" in call.path:
            return "permissions"
        return "files" if call.path.endswith("/files") else "get"
    return [(call.method, what(call)) for call in calls]


def permissions(http, file_id) -> list[tuple[str, str, str]]:
    """(type, role, email) of every permission given on a file (not those its shared drive's members
    inherit), as Drive's permissions.list answers."""
    fields = "permissions(id,type,role,emailAddress,permissionDetails(inherited))"
    listing = http.request("get", f"{DRIVE_FILES}/{file_id}/permissions",
                           params={"supportsAllDrives": "true", "fields": fields}).json()
    return sorted((p["type"], p["role"], p.get("emailAddress", "")) for p in listing["permissions"]
                  if not any(detail.get("inherited") for detail in p.get("permissionDetails", [])))


def set_cells(http, tracker, tab: str, updates: dict[str, object]) -> None:
    """A coach types cells (A1 -> value) in one tab of the tracker."""
    for cell, value in updates.items():
        http.values_update(tracker.spreadsheet_id, f"'{tab}'!{cell}", params={"valueInputOption": "RAW"},
                           body={"values": [[value]]})


def roster_rows(tracker) -> dict[str, int]:
    grid = tracker.read(["Roster"]).grids["Roster"]
    return {row[0]: index + 1 for index, row in enumerate(grid) if index and row and row[0]}


def page_ids(report) -> dict[str, str]:
    return {p["teacher"]: spreadsheet_id_from(p["google"]) for p in report["pages"]}


def test_first_run_then_an_idle_run_then_three_teachers_changed(school, fake):
    """The API calls the issue asks for: a first run, a run with nothing new, a run after 3 teachers changed."""
    tracker, folder, http = school
    fake.clear_log()
    first = pages_run(tracker, folder)
    calls = summary(fake.calls())
    pages, readers = len(first["pages"]), sum(len(p["shared_with"]) for p in first["pages"])
    assert pages == 29 and readers == 58  # every teacher and their Team Lead
    assert calls[:2] == [("GET", "get"), ("GET", "files")]  # the tracker's one read, the folder's one listing
    assert calls[-1] == ("POST", "batchUpdate")  # the pages' records, in the tracker's metadata
    expected = [("POST", "files"), ("POST", "batchUpdate")] * pages + [("POST", "permissions")] * readers
    assert sorted(calls[2:-1]) == sorted(expected)
    assert len(calls) == 2 + 2 * pages + readers + 1 == 119 == first["counts"]["google_api_calls"] + 2
    sheets_writes = [c for c in fake.calls() if c.path.endswith(":batchUpdate")]
    assert len(sheets_writes) == pages + 1  # one batchUpdate per page, no read of any page

    ids = page_ids(first)
    for entry in first["pages"]:
        file = fake.files[ids[entry["teacher"]]]
        assert file.drive is not None and file.parents == [folder]  # in the school's folder (a shared drive)
        assert [s.title for s in fake.spreadsheets[file.id].sheets] == [PAGE_TAB]
        assert permissions(http, file.id) == sorted(("user", "reader", email) for email in entry["shared_with"])
    lee = next(p for p in first["pages"] if p["teacher"] == "Beatriz Lee")
    assert lee["shared_with"] == [f"beatriz.lee@{DOMAIN}", f"deshawn.mwangi@{DOMAIN}"]
    assert all(p["sendNotificationEmail"] == "false" for f in ids.values() for p in fake.files[f].permissions)
    state = load_state(tracker.read([]).metadata)
    assert {t: r.file_id for t, r in state.items()} == ids  # remembered in the tracker

    fake.clear_log()
    idle = pages_run(tracker, folder)
    assert summary(fake.calls()) == [("GET", "get"), ("GET", "files")]  # nothing written, nothing shared
    assert idle["counts"]["google_unchanged"] == 29 and page_ids(idle) == ids

    observations = check_tracker(tracker).result.records.observations
    changed = ["Beatriz Lee", "Renée Begay", "Kevin Baker"]
    for teacher in changed:  # a coach corrects the focus of each one's latest visit
        latest = max((o for o in observations if o.teacher == teacher), key=lambda o: o.date)
        set_cells(http, tracker, "Observations", {f"E{latest.row}": "I.8" if latest.focus_indicator != "I.8" else "I.7"})
    fake.clear_log()
    third = pages_run(tracker, folder)
    calls = fake.calls()
    assert summary(calls) == [("GET", "get"), ("GET", "files"), *[("POST", "batchUpdate")] * 3, ("POST", "batchUpdate")]
    written = {c.path.split("/")[-1].split(":")[0] for c in calls[2:5]}
    assert written == {ids[t] for t in changed}  # exactly those three teachers' pages
    assert third["counts"]["google_written"] == 3 and third["counts"]["google_unchanged"] == 26


def test_a_deleted_page_is_made_again_and_a_lost_record_never_makes_a_second_page(school, fake, account):
    tracker, folder, http = school
    first = page_ids(pages_run(tracker, folder))
    http.request("delete", f"{DRIVE_FILES}/{first['Mei Ali']}", params={"supportsAllDrives": "true"})
    again = pages_run(tracker, folder)
    assert again["counts"]["google_repaired"] == 1 and again["counts"]["google_created"] == 1
    renewed = page_ids(again)["Mei Ali"]
    assert renewed != first["Mei Ali"] and permissions(http, renewed) == [
        ("user", "reader", f"mei.ali@{DOMAIN}"), ("user", "reader", f"nadia.gomez@{DOMAIN}")]

    # A run whose tracker write was lost: no records, but every page is found in the folder and adopted.
    check = check_tracker(tracker)
    pages, _ = build_pages(check.result.records, check.settings, check.as_of)
    before = len(fake.files)
    lost = publish_pages(pages, {}, http=http, folder_id=folder, tracker_id=tracker.spreadsheet_id, school=check.settings.school,
                         timezone=check.settings.timezone, now=dt.datetime.now(dt.UTC))
    assert lost.created == 0 and len(fake.files) == before
    assert {t: r.file_id for t, r in lost.state.items()} == page_ids(again)
    # ... and another tracker's run never adopts them, though the titles match (two schools of one name).
    other = publish_pages(pages[:1], {}, http=http, folder_id=folder, tracker_id="another-tracker", school=check.settings.school,
                          timezone=check.settings.timezone, now=dt.datetime.now(dt.UTC))
    assert other.created == 1 and other.state[pages[0].teacher].file_id != page_ids(again)[pages[0].teacher]


def test_leaving_unshares_and_a_new_team_lead_is_shared_instead(school, fake):
    tracker, folder, http = school
    ids = page_ids(pages_run(tracker, folder))
    rows = roster_rows(tracker)
    set_cells(http, tracker, "Roster", {f"I{rows['Beatriz Lee']}": "Left", f"D{rows['Hyun-woo Mendoza']}": "Nadia Gómez"})
    fake.clear_log()
    report = pages_run(tracker, folder)
    assert "Beatriz Lee" not in page_ids(report)
    assert permissions(http, ids["Beatriz Lee"]) == []  # unshared from everyone; the page itself stays
    assert ids["Beatriz Lee"] in fake.files
    assert permissions(http, ids["Hyun-woo Mendoza"]) == [
        ("user", "reader", f"hyun-woo.mendoza@{DOMAIN}"), ("user", "reader", f"nadia.gomez@{DOMAIN}")]
    assert report["counts"]["google_unshared"] == 3 and report["counts"]["google_shared"] == 1
    assert sum(c.method == "DELETE" for c in fake.calls()) == 3


def test_a_wrong_or_missing_email_is_a_flags_line_not_a_failed_sync(school, fake):
    tracker, folder, http = school
    rows = roster_rows(tracker)
    set_cells(http, tracker, "Roster", {f"B{rows['Omar Tran']}": f"omar.trann@{DOMAIN}",  # a typo: no Google account
                                        f"B{rows['Ana Sandoval']}": ""})
    report = pages_run(tracker, folder)
    assert report["counts"]["google_refused"] == 1 and report["counts"]["pages"] == 28
    omar = next(p for p in report["pages"] if p["teacher"] == "Omar Tran")
    assert omar["shared_with"] == [f"deshawn.mwangi@{DOMAIN}"]  # the Team Lead still sees it
    assert {(f["code"], f["who"]) for f in report["flags"]} == {
        ("page-share-refused", "Omar Tran"), ("page-no-email", "Ana Sandoval")}
    again = pages_run(tracker, folder)
    assert again["counts"]["google_refused"] == 0  # a refused address waits for the Roster to change: no retry

    result = CliRunner().invoke(app, ["sync", tracker.location])  # a plain sync shows them in the Flags tab
    assert result.exit_code == 0, result.output
    flags = "\n".join(as_read(str(v)) for row in tracker.read(["Flags"]).grids["Flags"] for v in row if v)
    assert "Google refused to share a 1:1 page with this address" in flags and "No 1:1 page: no email on the Roster" in flags
    assert f"omar.trann@{DOMAIN}" in flags

    set_cells(http, tracker, "Roster", {f"B{rows['Omar Tran']}": f"omar.tran@{DOMAIN}"})  # fixed on the Roster
    fixed = pages_run(tracker, folder)
    assert next(p for p in fixed["pages"] if p["teacher"] == "Omar Tran")["shared_with"] == [
        f"deshawn.mwangi@{DOMAIN}", f"omar.tran@{DOMAIN}"]
    assert not [f for f in fixed["flags"] if f["code"] == "page-share-refused"]


def test_a_page_whose_tabs_someone_changed_is_read_and_written_whole(school, fake):
    tracker, folder, http = school
    ids = page_ids(pages_run(tracker, folder))
    page = ids["Kevin Baker"]
    http.batch_update(page, {"requests": [{"addSheet": {"properties": {"title": "Mine"}}}, {"deleteSheet": {"sheetId": 0}}]})
    visits = [o for o in check_tracker(tracker).result.records.observations if o.teacher == "Kevin Baker"]
    latest = max(visits, key=lambda o: o.date)
    set_cells(http, tracker, "Observations", {f"E{latest.row}": "I.8" if latest.focus_indicator != "I.8" else "I.7"})
    fake.clear_log()
    report = pages_run(tracker, folder)
    assert report["counts"]["google_written"] == 1
    on_page = [(c.method, c.path.rsplit("/", 1)[-1]) for c in fake.calls() if page in c.path]
    assert on_page == [("POST", f"{page}:batchUpdate"), ("GET", page), ("POST", f"{page}:batchUpdate")]  # refused, read, written
    assert PAGE_TAB in [s.title for s in fake.spreadsheets[page].sheets]


# -- in the district runner: serve and sync-all --


@pytest.fixture
def district(tmp_path, fake, account):
    folder = fake.add_shared_drive("District teacher pages", {account["client_email"]: "fileOrganizer"})
    registry = build_district(tmp_path, xlsx=0, google=2, fake=fake, teachers=10, distinct=2,
                              school={"teacher_pages": {"folder": folder, "html": "pages"}}, district={"page_writes_per_pass": 6})
    http = google_client(service_account_info=account, api_base=fake.base_url)
    for school in load_registry(registry).schools.values():
        roster = GoogleWorkbook(spreadsheet_id_from(school.location), http).read(["Roster"]).grids["Roster"]
        emails = [row[1] for row in roster[1:] if row[1]]
        fake.add_workspace(emails[0].split("@")[1], emails)
    return registry, folder


def test_a_pass_writes_pages_within_its_budget_and_the_next_pass_finishes_them(district, fake, account, tmp_path, caplog):
    registry, folder = district
    runner = DistrictRunner(load_registry(registry), google=GoogleAccess(service_account_info=account, api_base=fake.base_url))
    caplog.set_level(logging.DEBUG)
    first = runner.run_pass(workers=2, as_of=AS_OF)
    assert [r.outcome for r in first] == ["ok", "ok"]
    for run in first:  # 9 pages each, 6 written now: 3 wait; the run keeps counts only
        assert run.extra["pages"]["google_created"] == 6 and run.extra["pages_pending"] == 3
        assert run.api_calls == 2 + run.extra["pages"]["google_api_calls"]  # the tracker's read and write, and the pages'
    granted = runner.quota.granted
    assert granted == 2 * (2 + 6)  # every Sheets request took the account's quota: tracker read, write, 6 page writes

    second = runner.run_pass(workers=2, as_of=AS_OF)
    assert [r.outcome for r in second] == ["ok", "ok"]  # not skipped, though no coach typed anything
    assert all(r.extra["pages"]["google_created"] == 3 and "pages_pending" not in r.extra for r in second)
    third = runner.run_pass(workers=2, as_of=AS_OF)
    assert [r.outcome for r in third] == ["skipped", "skipped"]

    ours = [f for f in fake.files.values() if f.parents == [folder]]
    assert len(ours) == 18 and all(len(f.permissions) == 2 for f in ours)
    checks = [check_tracker(GoogleWorkbook(spreadsheet_id_from(s.location), runner._http(runner.account(s)))) for s in
              load_registry(registry).schools.values()]
    pages = [page for check in checks for page in build_pages(check.result.records, check.settings, check.as_of)[0]]
    assert {run.school: run.extra["pages"]["html"] for run in second} == {"google-school-001": 9, "google-school-002": 9}
    # Two schools in one folder: neither removes the other's pages (a teacher's name in both: one file, the later).
    assert {p.name for p in (tmp_path / "pages").glob("*.html")} == {file_name(page) for page in pages}

    names = {row.teacher for check in checks for row in check.result.records.roster}
    with sqlite3.connect(runner.registry.history_path) as db:
        history = json.dumps(db.execute("SELECT * FROM runs").fetchall(), default=str)
    assert not [n for n in names if n in history]  # the history holds counts, never a name
    logged = "\n".join(record.getMessage() for record in caplog.records)
    notes = {o.notes for check in checks for o in check.result.records.observations if o.notes}
    assert notes and not [n for n in names | notes if n in logged]  # nor does any log line, nor a note


def test_the_district_report_never_includes_teachers_pages(district, fake, account, tmp_path):
    registry, folder = district
    runner = DistrictRunner(load_registry(registry), google=GoogleAccess(service_account_info=account, api_base=fake.base_url))
    runner.run_pass(workers=2, as_of=AS_OF)
    result = CliRunner().invoke(app, ["district-report", "--registry", str(registry), "--as-of", "2026-12-18",
                                      "--out", str(tmp_path / "district.xlsx"), "--brief", str(tmp_path / "district.html")])
    assert result.exit_code == 0, result.output
    page_titles = [f.name.split(" – ")[0] for f in fake.files.values() if f.parents == [folder]]
    brief = (tmp_path / "district.html").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "district.xlsx")
    cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
    assert page_titles and not [t for t in page_titles if t in brief or t in cells]
    assert "1:1 page" not in brief and "1:1 page" not in cells
