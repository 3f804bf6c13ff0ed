"""A school's observation form, end to end on the Google fake, through the CLI: provision makes it,
coaches answer it on their phones, and syncs take the responses in as new rows, each exactly once,
validated like typed rows, never changing a cell that was there.

Run with ``-s`` to see the figures (API calls per sync, rows added, flags) the test asserts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from backend_support import run_cli
from conftest import tiny_grids

from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client, spreadsheet_id_from
from tracker_sync.testing.google_fake import Fault, GoogleFake

DOMAIN = "tiny.org"
AS_OF = "2026-10-15"
ROSTER = tiny_grids()["Roster"]
STAFF = [row[1] for row in ROSTER[1:]]
STRANGER = f"substitute@{DOMAIN}"  # in the district, not on the school's Roster
CODES = ("LE.1", "LE.2", "I.1", "I.5")


@pytest.fixture(scope="module")
def fake():
    with GoogleFake(log_keep=100_000, log_bodies=100_000) as running:
        running.add_workspace(DOMAIN, [*STAFF, STRANGER])
        yield running


@pytest.fixture()
def cli(fake, account, tmp_path, monkeypatch):
    (tmp_path / "service-account.json").write_text(json.dumps(account))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(tmp_path / "service-account.json"))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)

    def run(*args: str) -> dict:
        result = run_cli(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)
    return run


class School:
    """A provisioned school with its form, and a coach's hands: type rows, answer the form."""

    def __init__(self, fake: GoogleFake, account: dict, cli, name: str, drive: str) -> None:
        self.fake, self.cli = fake, cli
        fake.clear_log()
        self.provisioned = cli("provision", "--school", name, "--backend", "google", "--folder", drive, "--form-domain", DOMAIN)
        self.provision_calls = fake.calls()
        self.url = self.provisioned["tracker"]
        http = google_client(service_account_info=account, api_base=fake.base_url)
        self.book = GoogleWorkbook(spreadsheet_id_from(self.url), http)
        self.form_id = self.book.read([]).metadata["form_id"]

    @property
    def items(self) -> list[dict]:
        return self.fake.forms.forms[self.form_id].items

    def title(self, start: str) -> str:
        return next(item["title"] for item in self.items if item["title"].split(" ")[0] == start)

    def answer(self, respondent: str, date: str, teacher: str, kind: str = "Informal", *, focus: str | None = None,
               notes: str = "", feedback: str = "", cycle: str = "", **scores: int) -> str:
        """What a coach taps on the form; returns the response id."""
        menu = self.items[3]["questionItem"]["question"]["choiceQuestion"]["options"]
        focus_options = {o["value"].split(" ")[0]: o["value"] for o in menu}
        answers = {"Date": date, "Teacher": teacher, "Type": kind, "Evidence / Notes": notes, "Feedback Date": feedback,
                   "Learning Cycle": cycle, **({"Focus Indicator": focus_options[focus]} if focus else {}),
                   **{self.title(code.replace("_", ".")): str(score) for code, score in scores.items()}}
        return self.fake.submit_response(self.form_id, respondent, answers)

    def sync(self, *extra: str) -> tuple[dict, list]:
        self.fake.clear_log()
        report = self.cli("sync", self.url, "--as-of", AS_OF, *extra)
        return report, self.fake.calls()

    def coach_tabs(self) -> dict[str, list[list]]:
        """The coach tabs' values as the spreadsheet holds them (a GoogleWorkbook read would show the form's
        responses not added yet as rows too)."""
        return {tab: stored_rows(self.fake, self.book.spreadsheet_id, tab) for tab in COACH_TABS}

    def stored_cells(self) -> dict[str, dict]:
        """Every stored cell of the coach tabs, value and format: what "no coach cell changed" compares."""
        book = self.fake.spreadsheets[self.book.spreadsheet_id]
        return {tab: dict(book.sheet(title=tab).cells) for tab in COACH_TABS}


def kinds(calls) -> list[str]:
    """Each request as 'api METHOD what' (ids left out), in order."""
    out = []
    for call in calls:
        what = call.path.rsplit("/", 1)[-1].split(":")[-1] if ":" in call.path else call.path.split("/")[-1]
        api = call.api
        if api == "forms":
            what = ("responses.list" if call.path.endswith("/responses") else "get" if call.method == "GET"
                    else "create" if ":" not in call.path else what)
        elif api == "sheets":
            what = "get" if call.method == "GET" else "batchUpdate"
        else:
            permissions = "/permissions" if "permissions" in call.path else ""
            what = f"{call.method} {call.path.split('/v3/')[1].split('/')[0]}{permissions}"
        out.append(f"{api} {what}")
    return out


COACH_TABS = ("Roster", "Observations", "LEAP Scores", "Action Steps", "Learning Cycles", "1-on-1 Meetings", "Goals")


def stored_rows(fake: GoogleFake, spreadsheet_id: str, tab: str) -> list[list]:
    """A tab's values as the fake stores them (text, numbers; dates as serial numbers), row by row."""
    cells = fake.spreadsheets[spreadsheet_id].sheet(title=tab).cells
    values = {at: next(iter(cell["userEnteredValue"].values())) for at, cell in cells.items() if cell.get("userEnteredValue")}
    rows = 1 + max((r for r, _ in values), default=-1)
    return [[values.get((r, c)) for c in range(1 + max((c for rr, c in values if rr == r), default=-1))] for r in range(rows)]


def unchanged_cells(before: dict[str, dict], after: dict[str, dict]) -> int:
    """Every stored cell of ``before`` that holds a value (a coach cell) is in ``after`` at the same place, value
    and format the same; a cell with no value yet (a template row's data validation) may take an appended row's
    value, but keeps what it had. Returns how many coach cells were compared."""
    compared = 0
    for tab, cells in before.items():
        for at, cell in cells.items():
            now = after[tab].get(at) or {}
            kept = now if "userEnteredValue" in cell else {key: now.get(key) for key in cell}
            assert kept == cell, f"{tab} row {at[0] + 1} column {at[1] + 1} changed: {cell} -> {now}"
            compared += "userEnteredValue" in cell
    return compared


@pytest.fixture()
def school(fake, account, cli):
    drive = fake.add_shared_drive("Coaching trackers", {account["client_email"]: "fileOrganizer"})
    return School(fake, account, cli, "Tiny School", drive)


def test_provision_makes_the_form_in_the_trackers_shared_drive_published_to_the_district_only(school, fake, account):
    assert school.provisioned["form"].startswith("https://docs.google.com/forms/d/e/")
    assert [k for k in kinds(school.provision_calls) if k.startswith("forms") or "permissions" in k] == [
        "forms batchUpdate", "drive POST files/permissions", "forms setPublishSettings"]
    form = fake.forms.forms[school.form_id]
    assert (form.published, form.accepting, form.settings) == (True, True, {"emailCollectionType": "VERIFIED"})
    file = fake.files[school.form_id]
    tracker = fake.files[spreadsheet_id_from(school.url)]
    assert file.drive is tracker.drive and file.parents == tracker.parents  # beside the tracker, owned by the drive
    assert [(p["type"], p.get("domain"), p["role"], p.get("view")) for p in file.permissions] == [
        ("domain", DOMAIN, "reader", "published")]  # responders: the district's domain, never anyone with the link
    instructions = school.book.read(["Instructions"]).grids["Instructions"]
    assert any(row and school.provisioned["form"] in str(row[0]) for row in instructions)
    header = school.book.read(["Observations"]).grids["Observations"][0]
    assert header[-1] == "Form Response"
    # the token's two scopes did all of it: no Forms scope asked for
    assert all(set(scopes) == {"https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file"}
               for scopes in fake.token_scopes.values())


def test_fifty_responses_three_syncs_one_failing_mid_way_each_added_once_mistakes_flagged_no_cell_changed(school, fake):
    """The issue's "must show": printed with -s."""
    fake.forms.page_limit = 10  # Google may return fewer than asked: the syncs page
    typed = tiny_grids()
    school.book.seed_rows({tab: grid[1:] for tab, grid in typed.items()})
    report, calls = school.sync()  # the Roster typed in: the form's Teacher list follows it
    assert kinds(calls) == ["sheets get", "forms responses.list", "forms get", "forms batchUpdate", "sheets batchUpdate"]
    assert report["form"]["added"] == {}
    teachers = [o["value"] for o in school.items[1]["questionItem"]["question"]["choiceQuestion"]["options"]]
    assert teachers == sorted(r[0] for r in ROSTER[1:] if r[8] == "Active")

    email = {r[0]: r[1] for r in ROSTER[1:]}
    ben, eve, pat = email["Ben Ross"], email["Eve Park"], email["Pat Noor"]
    ids: dict[int, str] = {}
    mistakes: dict[int, str] = {}

    def visit(n: int, respondent: str, day: int, teacher: str, kind: str = "Informal", **more) -> None:
        ids[n] = school.answer(respondent, f"2026-10-{day:02d}", teacher, kind, **more)

    # responses 1-20, then the first sync
    for n in range(1, 21):
        visit(n, [ben, eve, pat][n % 3], 1 + n % 14, ["Ana Lopez", "Cara Diaz", "Dan Wu", "Gus Hale"][n % 4],
              focus="I.5" if n % 2 else None, notes=f"visit {n}")
    ids[21] = school.answer(ben, "2026-10-14", "Ana Lopez", "Scored – Full", focus="I.5", LE_1=5, I_1=4, I_5=3)
    ids[22] = school.answer(eve, "2026-10-14", "Dan Wu", "Scored – Partial", LE_1=6, I_5=5)
    ids[23] = school.answer(ben, "2026-10-28", "Cara Diaz", notes="typed next month's date")
    mistakes[23] = "date-in-future"
    ids[24] = school.answer(STRANGER, "2026-10-09", "Cara Diaz", notes="a substitute")
    mistakes[24] = "unknown-observer"
    ids[25] = school.answer(eve, "2026-10-12", "Dan Wu", feedback="2026-10-02")
    mistakes[25] = "feedback-before-observation"
    before = school.stored_cells()
    first, calls_1 = school.sync()
    assert kinds(calls_1) == ["sheets get", "forms responses.list", "forms responses.list", "forms responses.list",
                              "sheets batchUpdate"]  # 25 responses: three pages of ten
    assert first["form"]["added"] == {"Observations": 25, "LEAP Scores": 2}
    compared = unchanged_cells(before, school.stored_cells())

    # responses 26-40; four earlier ones edited; Gus Hale leaves and is taken off the Roster
    for n in range(26, 36):
        visit(n, [ben, eve][n % 2], 1 + n % 14, ["Ana Lopez", "Cara Diaz", "Dan Wu"][n % 3], notes=f"visit {n}")
    ids[36] = school.answer(pat, "2026-10-13", "Gus Hale", notes="last visit before he left")
    mistakes[36] = "unknown-teacher"
    ids[37] = school.answer(ben, "2026-10-13", "Cara Diaz", "Informal", LE_1=4)  # scores, not scored
    mistakes[37] = "bad-choice"
    ids[38] = school.answer(eve, "2026-10-13", "Dan Wu", cycle="Cycle 9")
    mistakes[38] = "unknown-learning-cycle"
    fake.edit_form(school.form_id, lambda items: items[-1]["questionItem"]["question"]["scaleQuestion"].update(high=10))
    ids[39] = school.answer(ben, "2026-10-13", "Ana Lopez", "Scored – Partial", I_8=9)
    mistakes[39] = "score-out-of-range"
    ids[40] = school.answer(eve, "2026-10-14", "Dan Wu", "Scored – Partial", LE_1=6, I_5=5)  # 22 again
    mistakes[40] = "duplicate-row"
    for n, teacher in ((2, "Cara Diaz"), (5, "Ana Lopez"), (21, "Cara Diaz"), (8, "Ana Lopez")):  # 8: sent again as it was
        fake.edit_response(school.form_id, ids[n], {"Teacher": teacher})
    roster = school.book.read(["Roster"]).grids["Roster"]
    row_of_gus = next(i for i, row in enumerate(roster) if row and row[0] == "Gus Hale")
    _clear_row(school, "Roster", row_of_gus)
    before = school.stored_cells()
    fake.script(Fault.lost(match=f"{school.book.spreadsheet_id}:batchUpdate"))  # the write lands; its answer never arrives
    fake.clear_log()
    failed = run_cli("sync", school.url, "--as-of", AS_OF)
    calls_2 = fake.calls()
    assert failed.exit_code == 3 and "may or may not have made the write" in failed.output
    assert kinds(calls_2) == ["sheets get", "forms responses.list", "forms responses.list", "forms get", "forms batchUpdate",
                              "sheets batchUpdate"]  # the Roster changed: the Teacher list too; the write not sent twice
    assert calls_2[-1].fault == "lost"
    compared += unchanged_cells(before, school.stored_cells())

    # responses 41-50, one more edit, and the third sync
    for n in range(41, 51):
        visit(n, [ben, eve, pat][n % 3], 1 + n % 14, ["Ana Lopez", "Cara Diaz", "Dan Wu"][n % 3], notes=f"visit {n}")
    fake.edit_response(school.form_id, ids[30], {"Type": "Walkthrough"})  # its row came in with the lost write: flagged
    fake.edit_response(school.form_id, ids[44], {"Type": "Walkthrough"})  # not taken in yet: comes in as edited
    before = school.stored_cells()
    third, calls_3 = school.sync()
    assert kinds(calls_3) == ["sheets get", "forms responses.list", "forms responses.list", "sheets batchUpdate"]
    compared += unchanged_cells(before, school.stored_cells())

    after = school.coach_tabs()
    observations, scores = after["Observations"], after["LEAP Scores"]
    source = observations[0].index("Form Response")
    taken = Counter(row[source] for row in observations[1:] if len(row) > source and row[source])
    assert sorted(taken.values()) == [1] * 50 and set(taken) == set(ids.values())  # every response, exactly once
    scored = Counter(row[-1] for row in scores[1:] if row and str(row[-1]).startswith("ACYDBN"))
    assert set(scored) == {ids[21], ids[22], ids[37], ids[39], ids[40]} and set(scored.values()) == {1}
    assert third["form"]["added"] == {"Observations": 10} and third["form"]["edited"] == 4

    row_of = {row[source]: r for r, row in enumerate(observations, start=1) if len(row) > source and row[source]}
    validated = run_cli("validate", school.url, "--as-of", AS_OF, "--json")
    items = json.loads(validated.stdout)["items"]
    for n, code in mistakes.items():
        tab = "LEAP Scores" if code in ("bad-choice", "score-out-of-range") else "Observations"
        rows = {r for r, row in enumerate(after[tab], start=1) if row and row[-1] == ids[n]}
        assert any(f["code"] == code and f["tab"] == tab and f["row"] in rows for f in items), (n, code, tab, rows, [
            (f["code"], f["tab"], f["row"]) for f in items if f["row"] in rows])
    edited = {(f["tab"], f["row"]) for f in items if f["code"] == "form-response-edited"}
    assert {row_of[ids[n]] for n in (2, 5, 21, 30)} == {row for tab, row in edited if tab == "Observations"}  # not 8
    assert observations[row_of[ids[44]] - 1][3] == "Walkthrough"
    flags = school.book.read(["Flags"]).grids["Flags"]
    assert sum(1 for row in flags for cell in row if cell == "form-response-edited") >= 1
    print(json.dumps({
        "responses": len(ids), "rows added": {"sync 1": first["form"]["added"], "sync 2 (failed: answer lost)": "landed once",
                                              "sync 3": third["form"]["added"]},
        "api calls": {"sync 0 (Roster typed)": kinds(calls), "sync 1": kinds(calls_1), "sync 2": kinds(calls_2),
                      "sync 3": kinds(calls_3)},
        "coach cells compared before/after each sync": compared,
        "mistakes flagged at their appended row": {f"response {n}": code for n, code in mistakes.items()},
        "edited responses flagged": sorted(edited)}, indent=1))


def _clear_row(school: School, tab: str, row: int) -> None:
    """A school leader deletes a Roster row's cells (the person left and was taken off the Roster)."""
    info = school.book.read([tab]).tab_ids[tab]
    school.book.http.request("post", f"https://sheets.googleapis.com/v4/spreadsheets/{school.book.spreadsheet_id}:batchUpdate",
                             json={"requests": [{"updateCells": {"range": {"sheetId": info, "startRowIndex": row,
                                                                           "endRowIndex": row + 1},
                                                                 "fields": "userEnteredValue"}}]})


def test_a_write_google_refuses_with_a_500_is_not_sent_again_and_the_next_sync_adds_each_response_once(school, fake):
    school.book.seed_rows({"Roster": ROSTER[1:]})
    school.sync()
    ben = ROSTER[2][1]
    ids = [school.answer(ben, "2026-10-01", "Ana Lopez", notes=f"visit {n}") for n in range(3)]
    fake.script(Fault.http(500, match=f"{school.book.spreadsheet_id}:batchUpdate"))
    fake.clear_log()
    assert run_cli("sync", school.url, "--as-of", AS_OF).exit_code == 3
    assert [c.status for c in fake.calls("sheets")] == [200, 500]  # refused once, not retried: it appends
    assert school.coach_tabs()["Observations"][1:] == []
    report, _ = school.sync()
    assert report["form"]["added"] == {"Observations": 3}
    assert [row[-1] for row in school.coach_tabs()["Observations"][1:]] == ids
    assert school.sync()[0]["form"]["added"] == {}  # and never again


def test_a_row_a_coach_types_while_a_sync_runs_stays_and_the_responses_go_below_it(school, fake):
    from tracker_sync.sync import check_tracker, write_check

    school.book.seed_rows({"Roster": ROSTER[1:]})
    school.sync()
    rid = school.answer(ROSTER[2][1], "2026-10-02", "Cara Diaz", notes="from the form")
    check = check_tracker(school.book, as_of=dt.date.fromisoformat(AS_OF))  # read: the response is row 2 for now
    coach = [dt.date(2026, 10, 3), "Dan Wu", "Eve Park", "Informal", None, "typed on a laptop"]
    typist = GoogleWorkbook(school.book.spreadsheet_id, school.book.http)
    typist.seed_rows({"Observations": [coach]})  # typed between the read and the write
    write_check(school.book, check, now=dt.datetime.now(dt.UTC), started=0.0)
    rows = school.coach_tabs()["Observations"][1:]
    assert rows[0][1:] == coach[1:] and rows[1][-1] == rid and len(rows) == 2  # below the coach's row, nothing overwritten


def test_roster_unchanged_costs_no_form_update_and_a_moved_teacher_question_is_still_the_one_updated(school, fake):
    school.book.seed_rows({"Roster": ROSTER[1:]})
    assert "forms batchUpdate" in kinds(school.sync()[1])
    assert kinds(school.sync()[1]) == ["sheets get", "forms responses.list"]  # nothing new: nothing written at all
    fake.edit_form(school.form_id, lambda items: items.insert(0, items.pop(1)))  # Teacher moved to the top in the editor
    school.book.seed_rows({"Roster": [["Hana Ito", f"hana.ito@{DOMAIN}", "Team A", "Ben Ross", "Teacher", "Art", "3-5", 3,
                                       "Active"]]})
    assert kinds(school.sync()[1]) == ["sheets get", "forms responses.list", "forms get", "forms batchUpdate",
                                       "sheets batchUpdate"]
    teacher = next(item for item in school.items if item["title"] == "Teacher")
    assert "Hana Ito" in [o["value"] for o in teacher["questionItem"]["question"]["choiceQuestion"]["options"]]
    assert school.items[1]["title"] == "Date" and "dateQuestion" in school.items[1]["questionItem"]["question"]


def test_a_teacher_list_google_refuses_is_tried_again_each_sync_without_rewriting_the_tabs(school, fake):
    school.book.seed_rows({"Roster": ROSTER[1:]})
    school.sync()
    school.book.seed_rows({"Roster": [["Hana Ito", f"hana.ito@{DOMAIN}", "Team A", "Ben Ross", "Teacher", "Art", "3-5", 3,
                                       "Active"]]})
    refused = ["sheets get", "forms responses.list", "forms get", "forms batchUpdate"]
    fake.script(Fault.http(403, match=f"{school.form_id}:batchUpdate"))
    assert kinds(school.sync()[1]) == [*refused, "sheets batchUpdate"]  # the new Roster row changes the tabs
    fake.script(Fault.http(403, match=f"{school.form_id}:batchUpdate"))
    assert kinds(school.sync()[1]) == refused  # nothing else new: the form is tried again, the tabs are not rewritten
    teacher = next(item for item in school.items if item["title"] == "Teacher")
    assert "Hana Ito" not in [o["value"] for o in teacher["questionItem"]["question"]["choiceQuestion"]["options"]]
    assert kinds(school.sync()[1]) == [*refused[:3], "forms batchUpdate", "sheets batchUpdate"]  # then it goes through


def test_a_form_made_as_a_district_user_is_moved_into_the_folder_and_a_rerun_repairs_without_a_second_form(fake, account, cli):
    lead = f"data-lead@{DOMAIN}"
    fake.add_workspace(DOMAIN, [lead])
    fake.grant_delegation(DOMAIN, account["client_id"], ["https://www.googleapis.com/auth/spreadsheets",
                                                         "https://www.googleapis.com/auth/drive.file"])
    drive = fake.add_shared_drive("Trackers", {lead: "organizer"})
    fake.clear_log()
    made = cli("provision", "--school", "Delegated Middle", "--backend", "google", "--as", lead, "--folder", drive)
    calls = kinds(fake.calls())
    assert calls[calls.index("forms create"):] == ["forms create", "drive PATCH files", "forms batchUpdate",
                                                   "drive POST files/permissions", "forms setPublishSettings",
                                                   "sheets get", "sheets batchUpdate"]  # made in their My Drive, then moved
    form_id = next(f for f in fake.forms.forms if fake.files[f].name.startswith("Delegated"))
    assert fake.files[form_id].parents == [drive] and fake.files[form_id].owner is None  # moved into the shared drive
    assert made["form"] and [(p["type"], p.get("domain")) for p in fake.files[form_id].permissions] == [
        ("domain", DOMAIN)]  # no --form-domain: the domain came from --as
    fake.clear_log()
    again = cli("provision", "--school", "Delegated Middle", "--backend", "google", "--as", lead, "--folder", drive)
    assert again["form"] == made["form"] and [k for k in kinds(fake.calls()) if k.startswith("forms")] == ["forms get"]


def test_a_form_a_stopped_provision_left_unpublished_is_found_and_published_by_the_rerun(fake, account, cli):
    drive = fake.add_shared_drive("Half made", {account["client_email"]: "fileOrganizer"})
    provision = ("provision", "--school", "Stopped School", "--backend", "google", "--folder", drive, "--form-domain", DOMAIN)
    fake.script(Fault.http(403, match=":setPublishSettings"))
    stopped = cli(*provision)  # the tracker is ready: provision says what to do about the form, and exits 0
    assert stopped["form"] is None and "run provision again" in stopped["form_note"]
    [form_id] = [f for f in fake.forms.forms if fake.files[f].name.startswith("Stopped")]
    assert not fake.forms.forms[form_id].published
    fake.clear_log()
    again = cli(*provision)
    assert [f for f in fake.forms.forms if fake.files[f].name.startswith("Stopped")] == [form_id]  # no second form
    assert fake.forms.forms[form_id].published and again["form"]
    assert [k for k in kinds(fake.calls()) if k.startswith("forms")] == ["forms get", "forms setPublishSettings"]


def test_provision_adds_a_form_to_a_tracker_without_one_and_says_when_it_cannot(fake, account, cli):
    drive = fake.add_shared_drive("Older trackers", {account["client_email"]: "fileOrganizer"})
    plain = cli("provision", "--school", "Old School", "--backend", "google", "--folder", drive, "--no-form")
    assert "form" not in plain
    url = plain["tracker"]
    book = GoogleWorkbook(spreadsheet_id_from(url), google_client(service_account_info=account, api_base=fake.base_url))
    typed = tiny_grids()
    book.seed_rows({tab: grid[1:] for tab, grid in typed.items()})
    def cells() -> dict[str, dict]:
        return {tab: dict(fake.spreadsheets[book.spreadsheet_id].sheet(title=tab).cells) for tab in COACH_TABS}

    before = cells()
    assert "Form Response" not in stored_rows(fake, book.spreadsheet_id, "Observations")[0]
    unknown = cli("provision", "--school", "Old School", "--backend", "google", "--folder", drive)
    assert unknown["form"] is None and "--form-domain" in unknown["form_note"]  # nobody to restrict it to: no form
    added = cli("provision", "--school", "Old School", "--backend", "google", "--folder", drive, "--form-domain", DOMAIN)
    assert added["form"]
    assert unchanged_cells(before, cells()) > 300  # every coach cell as it was, value and format
    observations = stored_rows(fake, book.spreadsheet_id, "Observations")
    assert observations[0][-1] == stored_rows(fake, book.spreadsheet_id, "LEAP Scores")[0][-1] == "Form Response"
    assert all(len(row) < len(observations[0]) for row in observations[1:])  # the new column is empty on every coach row
    result = run_cli("validate", url, "--as-of", AS_OF, "--json")
    assert not [f for f in json.loads(result.stdout)["items"] if f["header"] == "Form Response"]  # the column is accepted
    refused = run_cli("provision", "--school", "Old School", "--backend", "google", "--form-domain", "gmail.com")
    assert refused.exit_code == 2 and "consumer domain" in refused.output


def test_an_xlsx_tracker_has_no_form_and_provision_says_so(tmp_path):
    made = run_cli("provision", "--school", "Paper School", "--out", str(tmp_path / "paper.xlsx"), "--json")
    assert made.exit_code == 0 and "form" not in json.loads(made.stdout)
    for option in (["--form"], ["--form-domain", DOMAIN]):
        refused = run_cli("provision", "--school", "Paper School", "--out", str(tmp_path / "paper.xlsx"), *option)
        assert refused.exit_code == 2 and "An .xlsx tracker has no observation form" in refused.output


def test_the_cli_says_where_the_form_is_and_what_each_sync_took_in(fake, account, school):
    shown = run_cli("provision", "--school", "Tiny School", "--backend", "google", "--folder",
                    fake.files[spreadsheet_id_from(school.url)].parents[0])
    assert f"Observation form (for phones; on the Instructions tab too): {school.provisioned['form']}" in shown.output
    school.book.seed_rows({"Roster": ROSTER[1:]})
    school.sync()  # the Teacher question takes the Roster's names
    school.answer(ROSTER[2][1], "2026-10-01", "Ana Lopez", "Scored – Full", LE_1=5)
    checked = run_cli("validate", school.url, "--as-of", AS_OF)
    assert "Observation form: 1 row to Observations, 1 row to LEAP Scores to add at the next sync" in checked.output
    synced = run_cli("sync", school.url, "--as-of", AS_OF)
    assert "Observation form: 1 row to Observations, 1 row to LEAP Scores added" in synced.output
    assert "Observation form: no new response" in run_cli("sync", school.url, "--as-of", AS_OF).output


def test_a_district_pass_costs_one_responses_list_per_school_plus_the_form_update_when_a_roster_changed(fake, account, tmp_path):
    from district_support import TUESDAY

    from tracker_sync.district.registry import load_registry
    from tracker_sync.jobs.clock import FakeClock
    from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
    from tracker_sync.provision.google import provision_google_school

    drive = fake.add_shared_drive("District", {account["client_email"]: "fileOrganizer"})
    registry = tmp_path / "district.toml"
    http = google_client(service_account_info=account, api_base=fake.base_url)
    books = {}
    for name in ("Alpha School", "Beta School"):
        made = provision_google_school(name, folder=drive, registry=registry, http=http, form_domain=DOMAIN,
                                       today=dt.date(2026, 9, 1))
        books[name] = GoogleWorkbook(spreadsheet_id_from(made.tracker), http)
        books[name].seed_rows({"Roster": ROSTER[1:]})
    runner = DistrictRunner(load_registry(registry), clock=FakeClock(TUESDAY), google=GoogleAccess(
        service_account_info=account, api_base=fake.base_url))
    quota = {run.school: run.extra.get("quota") for run in runner.run_pass()}
    assert quota == {school: {"form_list": 1, "form_read": 1, "form_write": 1, "read": 1, "write": 1}
                     for school in ("alpha-school", "beta-school")}  # the Roster was typed in: the Teacher list follows it
    idle = {run.school: (run.outcome, run.extra.get("quota")) for run in runner.run_pass()}
    assert idle == {s: ("skipped", {"form_list": 1}) for s in ("alpha-school", "beta-school")}  # unchanged: one look at the form
    form_id = books["Alpha School"].read([]).metadata["form_id"]
    fake.submit_response(form_id, ROSTER[2][1], {"Date": "2026-12-14", "Teacher": "Ana Lopez", "Type": "Informal"})
    news = {run.school: (run.outcome, run.extra.get("quota")) for run in runner.run_pass()}
    assert news == {"alpha-school": ("ok", {"form_list": 1, "read": 1, "write": 1}),  # the look's listing is the sync's
                    "beta-school": ("skipped", {"form_list": 1})}
    assert runner.quota.project["form_list"].granted == 6 and runner.quota.project["form_write"].granted == 2
