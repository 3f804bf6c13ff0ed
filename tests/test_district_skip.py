"""A district pass does not read what did not change, and never skips what did.

Over real HTTP to the Google fake (whose Drive modifiedTime and lastModifyingUser move as Google's
do), on a fake clock. A coach is another Google user the spreadsheet is shared with, typing over the
Sheets API; the edit lands right after tracker-sync's own write.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from district_support import TUESDAY, runner_for
from typer.testing import CliRunner

from tracker_sync.backends.google.workbook import (
    GoogleWorkbook,
    google_client,
    spreadsheet_id_from,
)
from tracker_sync.district.registry import load_registry, save_registry
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import credential_for
from tracker_sync.testing.google_fake import Fault
from tracker_sync.testing.sample_district import build_district

COACH = "ana.lopez@lincoln.example.org"


@pytest.fixture(scope="module")
def district(tmp_path_factory, fake):
    return build_district(tmp_path_factory.mktemp("skip"), xlsx=1, google=2, fake=fake, teachers=10, distinct=2)


@pytest.fixture
def runner(district, fake, account, tmp_path):
    return runner_for(district, fake, account, clock=FakeClock(TUESDAY), history_name=f"{tmp_path.name}.sqlite")


def coach_client(fake):
    """The coach, a person working in Google Sheets and Drive themselves (every file they may see: full drive scope)."""
    from google.oauth2.credentials import Credentials

    scopes = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive")
    info = fake.authorized_user_info(COACH, scopes)
    return google_client(credentials=Credentials.from_authorized_user_info(info, scopes=scopes), api_base=fake.base_url)


def coach_types(fake, account, school_location: str, cell: str, row: list) -> None:
    """The coach (shared as an editor) types into the Observations tab, as another Google user."""
    spreadsheet_id = spreadsheet_id_from(school_location)
    ours = google_client(service_account_info=account, api_base=fake.base_url)
    coach = coach_client(fake)
    GoogleWorkbook(spreadsheet_id, ours).share(COACH, "writer", notify=False)
    coach.values_update(spreadsheet_id, f"'Observations'!{cell}", params={"valueInputOption": "RAW"}, body={"values": [row]})


def outcomes(runs) -> dict[str, str]:
    return {run.school: run.outcome for run in runs}


def test_an_unchanged_school_is_not_read_and_an_edit_right_after_a_write_is(runner, fake, account):
    first = runner.run_pass()
    assert outcomes(first) == {"xlsx-school-001": "ok", "google-school-001": "ok", "google-school-002": "ok"}
    assert all(run.extra["written"] for run in first)

    fake.clear_log()
    second = {run.school: run for run in runner.run_pass()}
    assert outcomes(second.values()) == {"xlsx-school-001": "ok", "google-school-001": "skipped", "google-school-002": "skipped"}
    assert fake.count("sheets") == 0 and fake.count("drive") == 1  # not read at all; one Drive listing
    assert second["google-school-001"].api_calls == 0
    assert second["google-school-001"].detail == ("unchanged since its sync at 2026-12-15 05:00 "
                                                  "(Drive: last modified by tracker-sync)")

    # The first sync of the next day always runs (day-counting patterns move with the date) and writes.
    runner.clock.advance_to(TUESDAY + dt.timedelta(days=1))
    next_day = {run.school: run for run in runner.run_pass()}
    assert outcomes(next_day.values())["google-school-001"] == "ok" and next_day["google-school-001"].extra["written"]
    errors_before = next_day["google-school-001"].errors

    location = runner.registry.by_id("google-school-001").location
    coach_types(fake, account, location, "A600", ["2026-12-15", "Nobody On The Roster", "Ben Ross", "Informal", "I.1"])
    fake.clear_log()
    after_edit = {run.school: run for run in runner.run_pass()}
    assert outcomes(after_edit.values()) == {"xlsx-school-001": "ok", "google-school-001": "ok", "google-school-002": "skipped"}
    assert after_edit["google-school-001"].errors == errors_before + 1  # the coach's row was read and flagged
    assert fake.count("sheets") == 2  # that school's read and its write

    again = outcomes(runner.run_pass())  # tracker-sync wrote last, after reading the edit: nothing new
    assert again["google-school-001"] == again["google-school-002"] == "skipped"


def test_an_edit_that_changes_no_output_is_read_on_every_pass_until_tracker_sync_writes(runner, fake, account):
    runner.run_pass()
    coach_types(fake, account, runner.registry.by_id("google-school-002").location, "F2", ["a note"])  # notes: no output moves
    read = {run.school: run for run in runner.run_pass()}
    assert read["google-school-002"].outcome == "ok" and not read["google-school-002"].extra["written"]
    assert outcomes(runner.run_pass())["google-school-002"] == "ok"  # the coach still made the last change


def test_a_failure_new_norms_or_a_spreadsheet_drive_does_not_list_are_always_read(runner, fake, account):
    runner.run_pass()
    school = runner.registry.by_id("google-school-001")

    def with_school(**changes):
        runner.registry = runner.registry.model_copy(update={"schools": {
            n: s.model_copy(update=changes) if s.id == school.id else s for n, s in runner.registry.schools.items()}})

    with_school(norms={"observation_gap_days": 3})
    assert runner.sync_school(school.id, listing_max_age_s=0).outcome == "ok"  # new norms: read, and written
    with_school(norms={})
    fake.script(*[Fault.reset(match=":batchUpdate")] * runner.google.max_attempts)
    assert runner.sync_school(school.id, listing_max_age_s=0).outcome == "failed"  # read, then the write failed
    assert runner.sync_school(school.id, listing_max_age_s=0).outcome == "ok"  # a failure since: read again
    assert runner.sync_school(school.id, listing_max_age_s=0).outcome == "skipped"
    # The service account itself changed it outside the district's syncs (a script, a provision repair): read.
    # (Past the second of slack the comparison allows: the write's Date header has whole seconds.)
    time.sleep(1.1)
    ours = google_client(service_account_info=account, api_base=fake.base_url)
    GoogleWorkbook(spreadsheet_id_from(school.location), ours).seed_rows({"Observations": [["2026-12-14", "Someone New"]]})
    assert runner.sync_school(school.id, listing_max_age_s=0).outcome == "ok"

    # A spreadsheet someone else made (the coach's own copy) and shared with us: drive.file never lists it.
    coach = coach_client(fake)
    GoogleWorkbook(spreadsheet_id_from(school.location), ours).share(COACH, "reader", notify=False)
    copied = coach.request("post", f"https://www.googleapis.com/drive/v3/files/{spreadsheet_id_from(school.location)}/copy",
                           params={"supportsAllDrives": "true"}, json={"name": "The coach's copy"}).json()["id"]
    GoogleWorkbook(copied, coach).share(account["client_email"], "writer", notify=False)
    with_school(location=GoogleWorkbook(copied, ours).location)
    assert [runner.sync_school(school.id, listing_max_age_s=0).outcome for _ in range(2)] == ["ok", "ok"]

    fake.script(*[Fault.http(500, match="GET /drive/v3/files")] * runner.google.max_attempts)
    other = runner.registry.by_id("google-school-002")
    assert runner.sync_school(other.id, listing_max_age_s=0).outcome == "ok"  # no listing: nothing is skipped


def test_schools_spread_over_several_service_accounts_each_with_one_session(tmp_path, fake):
    accounts = [fake.service_account_info(f"sync-{n}@fake-project.iam.gserviceaccount.com") for n in (1, 2, 3)]
    registry_path = build_district(tmp_path, xlsx=0, google=9, fake=fake, teachers=10, distinct=3, accounts=accounts)
    runner = runner_for(registry_path, fake, None, clock=FakeClock(TUESDAY))
    schools = list(runner.registry.schools.values())
    by_account = {}
    for school in schools:
        by_account.setdefault(credential_for(school, runner.registry.district.credentials), []).append(school)
    assert set(by_account) == {f"keys/sync-{n}.json" for n in (1, 2, 3)}  # 9 schools land on all three
    assert all(credential_for(s, reversed(runner.registry.district.credentials))
               == credential_for(s, runner.registry.district.credentials)
               for s in schools)  # the spread does not depend on the list's order
    fake.clear_log()
    assert {run.outcome for run in runner.run_pass(workers=3)} == {"ok"}
    assert fake.count("oauth") == 3 and runner.drive_listings == 3  # one token and one listing per account
    for name, members in by_account.items():
        email = json.loads((tmp_path / name).read_text())["client_email"]
        assert runner.quota.bucket(email, "read").granted == len(members) == runner.quota.bucket(email, "write").granted
        assert len({id(runner.account(s).session) for s in members}) == 1
    assert runner.quota.project["read"].granted == 9
    assert {run.outcome for run in runner.run_pass(workers=3)} == {"skipped"}


def test_sync_all_and_status_show_skipped_schools_and_exit_0(district, fake, account, tmp_path, monkeypatch):
    credentials = tmp_path / "sa.json"
    credentials.write_text(json.dumps(account))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(credentials))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
    from tracker_sync.cli import app

    loaded = load_registry(district)  # the same schools, with a history of this test's own
    registry = district.parent / f"{tmp_path.name}.toml"
    save_registry(loaded.model_copy(update={"district":
                                            loaded.district.model_copy(update={"history": f"{tmp_path.name}.sqlite"})}),
                  registry)
    cli = CliRunner()
    first = cli.invoke(app, ["sync-all", "--registry", str(registry), "--json"])
    assert first.exit_code == 0, first.output
    second = cli.invoke(app, ["sync-all", "--registry", str(registry), "--json"])
    report = json.loads(second.stdout)
    assert second.exit_code == 0 and (report["ok"], report["skipped"], report["failed"], report["drive_listings"]) == (1, 2, 0, 1)
    table = cli.invoke(app, ["sync-all", "--registry", str(registry)], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "3 schools, 0 failed, 2 skipped (unchanged)" in table.stdout
    status = json.loads(cli.invoke(app, ["status", "--registry", str(registry), "--json"]).stdout)
    google = [row for row in status["schools"] if row["backend"] == "google"]
    assert {row["outcome"] for row in google} == {"skipped"} and all(row["errors"] is not None for row in google)
    assert cli.invoke(app, ["status", "--registry", str(registry)]).exit_code == 0
