"""`tracker-sync rollover` on Google, over real HTTP to the Google fake: the exact API calls per school,
every coach cell of last year's spreadsheet compared before and after, the archive (protected coach
tabs, title suffixed, editors as viewers), sharing, and reruns after scripted faults half way."""

from __future__ import annotations

import json
import pickle

import pytest
from backend_support import NO_WAIT, run_cli

from tracker_sync.backends.google.workbook import ARCHIVE_NOTE, GoogleWorkbook, google_client
from tracker_sync.check import tabs_to_read
from tracker_sync.errors import RolloverIncomplete
from tracker_sync.rollover.carry import carry_rows
from tracker_sync.rollover.places import place_for
from tracker_sync.rollover.school import RolloverOptions, roll_over
from tracker_sync.rollover.years import SchoolYear
from tracker_sync.sheet_templates import load_template
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.testing.google_fake import Fault

COACH_TABS = ("Roster", "Observations", "LEAP Scores", "Action Steps", "Learning Cycles", "1-on-1 Meetings", "Goals")
YEAR = SchoolYear(2027)


def demo_school(fake, account, name: str, *, teachers: int | None = None) -> tuple[GoogleWorkbook, str]:
    """The demo school's spreadsheet on the fake, in a shared drive of its own, shared with an editor, a viewer
    and the teacher who left."""
    http = google_client(service_account_info=account, api_base=fake.base_url, retry=NO_WAIT)
    school = synthetic_school(7, name=name, teachers=teachers)
    drive = fake.add_shared_drive(f"{name} trackers", {account["client_email"]: "fileOrganizer"})  # it owns no storage
    workbook = GoogleWorkbook.create(f"{name} – coaching tracker", http, folder_id=drive)
    provision_school(workbook, school, frozen_at=school.as_of)
    roster = school.grids["Roster"]
    left = next(row[1] for row in roster[1:] if row[8] == "Left")
    fake.add_person("lead@district.org", "viewer@district.org", left)  # Google accounts: shared without an email
    for email, role in (("lead@district.org", "writer"), ("viewer@district.org", "reader"), (left, "writer")):
        workbook.share(email, role, notify=False)
    return workbook, left


def coach_cells(fake, spreadsheet_id: str) -> dict:
    book = fake.spreadsheets[spreadsheet_id]
    return {tab: dict(book.sheet(title=tab).cells) for tab in COACH_TABS}


def permissions(fake, spreadsheet_id: str) -> dict[str, str]:
    return {p["emailAddress"]: p["role"] for p in fake.files[spreadsheet_id].permissions}


def spreadsheets_named(fake, school: str) -> list[str]:
    return sorted(f.name for f in fake.files.values() if f.name.startswith(school))


@pytest.fixture(scope="module")
def rolled(fake, account, tmp_path_factory):
    """The demo school rolled over by the CLI: the old id, cells and permissions before, the calls, the JSON."""
    folder = tmp_path_factory.mktemp("google")
    credentials = folder / "sa.json"
    credentials.write_text(json.dumps(account))
    old, left = demo_school(fake, account, "Cottonwood Community School")
    before = coach_cells(fake, old.spreadsheet_id)
    grids = old.read(tabs_to_read()).grids
    writers = [p["id"] for p in fake.files[old.spreadsheet_id].permissions if p["role"] == "writer"]
    fake.clear_log()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(credentials))
        env.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
        result = run_cli("rollover", old.location, "--year", "2027-28", "--first-day", "2027-08-16", "--last-day", "2028-05-26",
                         "--holidays", "", "--editors-as-viewers", "--no-notify", "--json")
    assert result.exit_code == 0, result.output
    calls = [f"{r.method} {r.path}" for r in fake.calls()]
    return old, left, before, grids, calls, json.loads(result.stdout), credentials, writers


def test_the_calls_of_one_school_are_exactly_these(rolled):
    old, _left, _before, _grids, calls, done, _, writers = rolled
    new = done["tracker"].split("/d/")[1].split("/")[0]
    o = old.spreadsheet_id
    assert calls == [
        f"GET /v4/spreadsheets/{o}",                       # last year's tracker, read once
        f"GET /drive/v3/files/{o}",                        # its folder (next year's goes beside it)
        "GET /drive/v3/files",                             # made by an earlier run? (by its title)
        "POST /drive/v3/files",                            # GoogleWorkbook.create
        f"GET /v4/spreadsheets/{new}",                     # provisioning's read
        f"POST /v4/spreadsheets/{new}:batchUpdate",        # tabs, headers, dropdowns, carried rows, metadata: one batch
        f"GET /drive/v3/files/{o}/permissions",            # who had last year's
        f"POST /drive/v3/files/{new}/permissions",         # the editor
        f"POST /drive/v3/files/{new}/permissions",         # the viewer (not the teacher who left)
        f"POST /v4/spreadsheets/{o}:batchUpdate",          # the archive: protections, title, next_year
        f"POST /v4/spreadsheets/{new}:batchUpdate",        # next year's takes the plain title
        *[f"PATCH /drive/v3/files/{o}/permissions/{pid}" for pid in writers],  # the two editors become viewers
    ]
    assert done["api_calls"] == len(calls) == 13


def test_every_coach_cell_of_last_year_is_unchanged_and_the_archive_is_read_only(rolled, fake):
    old, left, before, _grids, _calls, done, *_ = rolled
    assert coach_cells(fake, old.spreadsheet_id) == before
    book = fake.spreadsheets[old.spreadsheet_id]
    for tab in COACH_TABS:
        notes = [p["description"] for p in book.sheet(title=tab).protected_ranges]
        assert notes == [ARCHIVE_NOTE], tab
    assert book.title == "Cottonwood Community School – coaching tracker 2026-27"
    viewers = {"lead@district.org": "reader", "viewer@district.org": "reader", left: "reader"}
    assert permissions(fake, old.spreadsheet_id) == viewers
    assert done["viewers"] == ["lead@district.org", left]


def test_next_year_holds_the_carried_rows_and_is_shared_with_last_years_people(rolled, fake, account):
    old, left, _before, grids, _calls, done, *_ = rolled
    http = google_client(service_account_info=account, api_base=fake.base_url, retry=NO_WAIT)
    new = GoogleWorkbook(done["tracker"].split("/d/")[1].split("/")[0], http)
    snapshot = new.read(tabs_to_read())
    template = load_template().for_rubric(synthetic_school(7).settings.rubric)
    from tracker_sync.metadata import from_metadata

    settings, _ = from_metadata(old.read([]).metadata)
    carried = carry_rows(grids, template, template, settings)
    for tab in COACH_TABS:
        assert snapshot.grids[tab][1:] == carried.rows.get(tab, []), tab
    gone = {row[0] for row in grids["Roster"][1:] if row[8] == "Left"}
    expected = [len(grids["Roster"]) - 1 - len(gone),  # by hand: the rules applied to last year's rows, each counted once
                sum(row[6] in ("Not Started", "In Progress", "Carried Over") and row[1] not in gone
                    for row in grids["Action Steps"][1:]),
                sum(row[8] in ("Active", "Not Met") and row[0] not in gone for row in grids["Goals"][1:])]
    assert [len(snapshot.grids[t]) - 1 for t in ("Roster", "Action Steps", "Goals")] == expected
    assert [done["carried"][t]["carried"] for t in ("Roster", "Action Steps", "Goals")] == expected
    assert snapshot.metadata["previous_year"] == old.location and old.read([]).metadata["next_year"] == new.location
    assert fake.spreadsheets[new.spreadsheet_id].title == "Cottonwood Community School – coaching tracker"
    assert permissions(fake, new.spreadsheet_id) == {"lead@district.org": "writer", "viewer@district.org": "reader"}
    assert left not in permissions(fake, new.spreadsheet_id)
    assert done["shared"] == {"lead@district.org": "writer", "viewer@district.org": "reader"}


def test_a_second_run_finishes_and_makes_no_third_spreadsheet(rolled, fake):
    old, _left, before, _grids, _calls, done, credentials, _ = rolled
    fake.clear_log()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(credentials))
        env.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
        again = run_cli("rollover", old.location, "--year", "2027-28", "--no-notify", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["outcome"] == "finished" and json.loads(again.stdout)["shared"] == {}
    new, o = done["tracker"].split("/d/")[1].split("/")[0], old.spreadsheet_id
    assert [f"{r.method} {r.path}" for r in fake.calls()] == [
        f"GET /v4/spreadsheets/{o}",                    # last year's, whose next_year leads to next year's
        f"GET /v4/spreadsheets/{new}",                  # next year's: made by this rollover, filled
        f"POST /v4/spreadsheets/{new}:batchUpdate",     # the repair provisioning always is (headers, dropdowns)
        f"GET /drive/v3/files/{new}/permissions",       # who has it already
        f"GET /drive/v3/files/{o}/permissions",         # who had last year's: nobody is missing
    ]  # already archived and titled: nothing else
    assert spreadsheets_named(fake, "Cottonwood") == ["Cottonwood Community School – coaching tracker",
                                                      "Cottonwood Community School – coaching tracker 2026-27"]
    assert coach_cells(fake, old.spreadsheet_id) == before


@pytest.mark.parametrize("fails", ["archive", "next year's batch"])
def test_a_rollover_that_fails_half_way_leaves_last_year_as_it_was_and_a_rerun_finishes(fake, account, fails):
    name = f"Fault School {fails}"
    old, _left = demo_school(fake, account, name, teachers=12)
    before = pickle.dumps(fake.spreadsheets[old.spreadsheet_id])
    file_before = (fake.files[old.spreadsheet_id].name, list(fake.files[old.spreadsheet_id].permissions))
    match = f"{old.spreadsheet_id}:batchUpdate" if fails == "archive" else ":batchUpdate"  # the first batch is next year's
    fake.script(*[Fault.http(503, match=match)] * NO_WAIT.max_attempts)
    options = RolloverOptions(YEAR, editors_as_viewers=True)
    with pytest.raises(RolloverIncomplete) as failed:
        roll_over(GoogleWorkbook(old.spreadsheet_id, old.http), options, place_for(YEAR, notify=False))
    message = str(failed.value)
    assert message.startswith("[503] UNAVAILABLE: The service is currently unavailable. — gave up after 3 attempts in ")
    assert " s. Next year's tracker is at https://docs.google.com/spreadsheets/d/" in message
    assert f"last year's tracker {old.location} was not changed. Run the same command again to finish" in message
    assert pickle.dumps(fake.spreadsheets[old.spreadsheet_id]) == before  # every cell, tab, protection, title, metadata
    assert (fake.files[old.spreadsheet_id].name, fake.files[old.spreadsheet_id].permissions) == file_before
    made = failed.value.made.split("/d/")[1].split("/")[0]
    assert fake.files[made].name == f"{name} – coaching tracker 2027-28"  # the title a rerun looks for
    result = roll_over(GoogleWorkbook(old.spreadsheet_id, old.http), options, place_for(YEAR, notify=False))
    assert result.tracker == failed.value.made
    assert result.outcome == ("finished" if fails == "archive" else "rolled over")  # an empty spreadsheet is filled now
    assert spreadsheets_named(fake, name) == [f"{name} – coaching tracker", f"{name} – coaching tracker 2026-27"]
    new_grids = GoogleWorkbook(made, old.http).read(["Roster", "Goals"]).grids
    assert len(new_grids["Roster"]) - 1 == result.carried["Roster"]["carried"]
    assert len(new_grids["Goals"]) - 1 == result.carried["Goals"]["carried"]  # carried once
