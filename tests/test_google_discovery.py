"""Every request the project sends to Google, in every flow, meets Google's discovery documents.

The documents (Sheets v4, Drive v3, Forms v1) are the ones google-api-python-client ships, pinned by its
version in the test extra. Each flow runs through the CLI against the fake, which keeps every request;
each request is checked for its method and path, query parameters, every body field (recursively,
through lists and maps), types, enums and every name of every field mask, ``fields`` included. Drive
would let an unknown field pass silently (the fake does too), so only this check finds those.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from backend_support import run_cli
from upgrade_support import coach_rows, old_template

from tracker_sync.backends.google.auth import SCOPES
from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client, spreadsheet_id_from
from tracker_sync.district.registry import load_registry, upsert_school
from tracker_sync.metadata import to_metadata
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.testing.google_fake import GoogleFake
from tracker_sync.testing.google_fake.discovery import DOCUMENTS, Contract, revisions
from tracker_sync.testing.google_fake.forms import MAX_PAGE_SIZE
from tracker_sync.testing.sample_district import build_district

AS_OF = "2026-12-18"
DOMAIN = "discovery.example.org"
LEAD, COACH, VIEWER = f"data-lead@{DOMAIN}", f"coach@{DOMAIN}", f"viewer@{DOMAIN}"
STAFF = [f"superintendent@{DOMAIN}"]
FLOWS = ["provision new + share (service account, shared drive)", "provision repair", "provision as a district user (--as)",
         "provision with a person's sign-in", "google-access --check", "upgrade", "seed rows", "sync first", "sync changed",
         "sync unchanged", "sync-all", "district report on Google", "rollover", "rollover again"]


@pytest.fixture(scope="module")
def fake():
    """A fake that keeps every request's body (the default keeps the last 20)."""
    with GoogleFake(log_keep=100_000, log_bodies=100_000) as running:
        yield running


@pytest.fixture(scope="module")
def flows(fake, account, tmp_path_factory) -> dict[str, list]:
    """Every flow, run once; the requests each one sent (token requests left out)."""
    folder = tmp_path_factory.mktemp("discovery")
    fake.add_workspace(DOMAIN, [LEAD, COACH, VIEWER, *STAFF])
    fake.grant_delegation(DOMAIN, account["client_id"], list(SCOPES))
    (folder / "service-account.json").write_text(json.dumps(account))
    (folder / "person.json").write_text(json.dumps(fake.authorized_user_info(LEAD, list(SCOPES))))
    with pytest.MonkeyPatch.context() as env:  # the CLI pointed at the fake, for the whole module
        env.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(folder / "service-account.json"))
        env.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
        env.setenv("TRACKER_SYNC_GOOGLE_TOKEN", str(folder / "no-login-token.json"))
        return _run_flows(fake, account, folder, env)


def _run_flows(fake: GoogleFake, account: dict, folder, env: pytest.MonkeyPatch) -> dict[str, list]:
    sent: dict[str, list] = {}
    drive = fake.add_shared_drive("Coaching trackers", {account["client_email"]: "fileOrganizer", LEAD: "organizer"})

    def record(flow: str, action) -> None:
        fake.clear_log()
        action()
        sent[flow] = fake.calls()

    def cli(*args: str) -> None:
        result = run_cli(*args)
        assert result.exit_code == 0, result.output

    registry = folder / "district.toml"
    provision = ["provision", "--school", "Discovery Elementary", "--backend", "google", "--registry", str(registry),
                 "--folder", drive, "--coach", COACH, "--viewer", VIEWER, "--no-notify"]
    record("provision new + share (service account, shared drive)", lambda: cli(*provision))
    record("provision repair", lambda: cli(*provision))
    tracker = next(iter(load_registry(registry).schools.values())).location
    record("provision as a district user (--as)",
           lambda: cli("provision", "--school", "Delegated Middle", "--backend", "google", "--as", LEAD))
    record("google-access --check", lambda: cli("google-access", "--as", LEAD, "--check"))
    with pytest.MonkeyPatch.context() as signed_in:
        signed_in.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(folder / "person.json"))
        record("provision with a person's sign-in", lambda: cli("provision", "--school", "Signed-in High", "--backend", "google"))

    http = google_client(service_account_info=account, api_base=fake.base_url)
    school = synthetic_school(7, teachers=12)
    rows = {tab: grid[1:] for tab, grid in school.grids.items()}
    later = rows["Observations"].pop()  # typed after the first sync
    record("seed rows", lambda: GoogleWorkbook(spreadsheet_id_from(tracker), http).seed_rows(rows))
    record("sync first", lambda: cli("sync", tracker, "--as-of", AS_OF))
    GoogleWorkbook(spreadsheet_id_from(tracker), http).seed_rows({"Observations": [later]})
    _answer_the_form(fake, GoogleWorkbook(spreadsheet_id_from(tracker), http), visits=2)
    fake.forms.page_limit = 1  # the responses come a page at a time: pageToken and the filter are checked too
    record("sync changed", lambda: cli("sync", tracker, "--as-of", AS_OF))
    fake.forms.page_limit = MAX_PAGE_SIZE
    record("sync unchanged", lambda: cli("sync", tracker, "--as-of", AS_OF))

    old = old_template(school)  # a tracker made before 1-on-1 Meetings and Goals
    workbook = GoogleWorkbook.create(f"{school.name} – coaching tracker", http, folder_id=drive)
    workbook.provision(old, to_metadata(school.settings))
    workbook.seed_rows(coach_rows(school, old))
    upgrade_registry = folder / "upgrade.toml"
    upsert_school(upgrade_registry, school.name, backend="google", location=workbook.location, rubric="leap")
    upgrade = ["provision", "--school", school.name, "--backend", "google", "--registry", str(upgrade_registry)]
    record("upgrade", lambda: cli(*upgrade))

    district = build_district(folder / "district", xlsx=1, google=3, fake=fake, teachers=10, distinct=2,
                              district={"name": "Discovery District", "report": {"staff": STAFF}})
    record("sync-all", lambda: cli("sync-all", "--registry", str(district), "--as-of", AS_OF, "--json"))
    reports = fake.add_shared_drive("District reports", {account["client_email"]: "fileOrganizer"})
    record("district report on Google", lambda: cli("district-report", "--registry", str(district), "--as-of", AS_OF,
                                                     "--backend", "google", "--folder", reports, "--json"))
    rollover = ["rollover", tracker, "--year", "2027-28", "--first-day", "2027-08-16", "--last-day", "2028-05-26",
                "--holidays", "2027-09-06", "--no-notify"]
    record("rollover", lambda: cli(*rollover, "--editors-as-viewers"))  # last: it archives the tracker
    record("rollover again", lambda: cli(*rollover))
    return sent


def _answer_the_form(fake: GoogleFake, book: GoogleWorkbook, *, visits: int) -> None:
    """A coach records ``visits`` on the school's observation form: the next sync appends them (appendCells)."""
    form = fake.forms.forms[book.read([]).metadata["form_id"]]
    teacher = next(item for item in form.items if item["title"] == "Teacher")
    first = teacher["questionItem"]["question"]["choiceQuestion"]["options"][0]["value"]
    for day in range(1, visits + 1):
        fake.submit_response(form.id, COACH, {"Date": f"2026-12-{day:02d}", "Teacher": first, "Type": "Informal"})


def test_every_request_of_every_flow_meets_the_discovery_documents(flows):
    contract = Contract.pinned()
    kinds: dict[str, set[str]] = defaultdict(set)
    violations = []
    for flow, requests in flows.items():
        assert requests, f"{flow}: no request reached the fake"
        for request in requests:
            violations += [f"{flow}: {request.method} {request.path}: {v}"
                           for v in contract.check(request.method, request.path, request.query, request.body)]
            for kind in contract.request_kinds(request.method, request.path, request.body):
                kinds[kind].add(flow)
    assert sorted(flows) == sorted(FLOWS)
    assert violations == []
    summary = {"documents": revisions(DOCUMENTS), "flows": len(flows), "requests": sum(map(len, flows.values())),
               "request kinds": len(kinds), "kinds": {kind: sorted(where) for kind, where in sorted(kinds.items())}}
    print(json.dumps(summary, indent=1))  # pytest -s shows what was checked
    batch = "sheets.spreadsheets.batchUpdate/"
    assert {"sheets.spreadsheets.get", f"{batch}updateCells", f"{batch}repeatCell", f"{batch}updateDeveloperMetadata",
            "drive.files.create", "drive.files.list", "drive.permissions.create", "drive.about.get",
            "drive.files.get", "drive.permissions.list", "drive.permissions.update", f"{batch}updateSpreadsheetProperties",
            f"{batch}addProtectedRange"} <= set(kinds)
    forms = "forms.forms.batchUpdate/"
    assert {"forms.forms.create", "forms.forms.get", "forms.forms.setPublishSettings", "forms.forms.responses.list",
            f"{forms}createItem", f"{forms}updateItem", f"{forms}updateSettings", f"{batch}appendCells"} <= set(kinds)
    assert any(r.query.get("pageToken") for r in flows["sync changed"])  # the observation form's responses, paged


def test_the_check_finds_what_google_would_refuse_and_what_drive_would_ignore():
    """The contract is not a rubber stamp: each kind of mistake it is there to catch is caught."""
    contract = Contract.pinned()
    spreadsheet = "/v4/spreadsheets/1abc:batchUpdate"
    mistakes = {
        "field": ("POST", spreadsheet, {}, {"requests": [{"updateCells": {"range": {}, "fields": "*", "rowz": []}}]}),
        "value": ("POST", spreadsheet, {}, {"requests": [{"mergeCells": {"range": {}, "mergeType": "MERGE_EVERYTHING"}}]}),
        "mask": ("POST", spreadsheet, {}, {"requests": [{"repeatCell": {"cell": {}, "fields": "userEnteredFormat.bold"}}]}),
        "fields": ("GET", "/v4/spreadsheets/1abc", {"fields": ["sheets(properties(sheetId,titel))"]}, None),
        "parameter-name": ("POST", "/drive/v3/files", {"supportsAllDrive": ["true"]}, {"name": "x"}),
        "method": ("PATCH", "/v4/spreadsheets/1abc", {}, None),
        "forms-mask": ("POST", "/v1/forms/1abc:batchUpdate", {}, {"requests": [{"updateItem": {
            "item": {}, "location": {"index": 1}, "updateMask": "questionItem.question.choiceQuestion.choices"}}]}),
        "forms-parameter-name": ("GET", "/v1/forms/1abc/responses", {"filter": ["timestamp > 2026-10-01T00:00:00Z"],
                                                                  "pagesize": ["10"]}, None),
    }
    for kind, (method, path, query, body) in mistakes.items():
        found = contract.check(method, path, query, body)
        assert [v.kind for v in found] == [kind.removeprefix("forms-")], (kind, found)
    assert contract.check("POST", "/drive/v3/files", {}, {"title": "v2's name"})[0].name == "title"  # Drive: silent, caught here
    assert contract.refusal("POST", "/drive/v3/files", {}, {"title": "v2's name"}) is None
    share = {"sendNotificationEmail": ["false"], "supportsAllDrives": ["true"]}
    reader = {"type": "user", "role": "reader", "emailAddress": "a@b.org"}
    assert contract.check("POST", "/drive/v3/files/1abc/permissions", share, reader) == []
