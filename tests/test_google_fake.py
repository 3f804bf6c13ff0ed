"""The Google fake's own promises, over real HTTP: a bounded log with exact counts, Drive copies that
share tabs, Drive's modifiedTime/lastModifyingUser and listing, who may open what, Google's quota when
asked, and explicit refusals (501) instead of a 200 for what it does not model.

Raw ``requests`` calls with tokens from the fake's token endpoint, so each test chooses who asks.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from google_fake_support import FILES, SHEETS, SPREADSHEET_MIME, Client

from tracker_sync.testing.google_fake import GoogleFake, LogTruncated, SheetsQuota

ROBOT = "robot@district-project.iam.gserviceaccount.com"
COACH = "coach@school.org"
FULL_DRIVE = "https://www.googleapis.com/auth/drive"


@pytest.fixture
def robot(fake):
    return Client(fake, ROBOT)


@pytest.fixture
def coach(fake):
    """A person working in Google Drive and Sheets themselves: every file they may see (full drive scope)."""
    return Client(fake, COACH, f"https://www.googleapis.com/auth/spreadsheets {FULL_DRIVE}", person=True)


# -- the request log -------------------------------------------------------------------------------


def test_the_log_counts_every_request_but_keeps_only_the_last_ones_and_their_bodies():
    with GoogleFake(log_keep=5, log_bodies=2) as fake:
        client = Client(fake, ROBOT)
        sheet_id = client.create()
        fake.clear_log()
        for n in range(8):
            client.put(sheet_id, "Sheet1!A1", [[n]])
        assert fake.count("sheets") == fake.count() == 8 and fake.count("drive") == 0
        with pytest.raises(LogTruncated, match="only the last 5 of 8"):
            fake.calls()
        fake.clear_log()
        for n in range(3):
            client.put(sheet_id, "Sheet1!A1", [[n]])
        assert [r.body for r in fake.calls("sheets")] == [None, {"values": [[1]]}, {"values": [[2]]}]


# -- Drive copies -------------------------------------------------------------------------------------


def test_a_drive_copy_shares_the_tabs_of_its_original_until_one_of_them_is_written(fake, robot):
    original = robot.create("Original")
    assert robot.batch(original, {"addSheet": {"properties": {"title": "Coach"}}}).ok
    copy_id = robot.call("POST", f"{FILES}/{original}/copy", params={"supportsAllDrives": "true"},
                         json={"name": "Copy"}).json()["id"]
    first, copied = fake.spreadsheets[original], fake.spreadsheets[copy_id]
    assert [a is b for a, b in zip(first.sheets, copied.sheets, strict=True)] == [True, True]  # no cell copied
    assert robot.put(copy_id, "Coach!A1", [["typed in the copy"]]).ok
    copied = fake.spreadsheets[copy_id]
    assert copied.sheets[0] is first.sheets[0] and copied.sheets[1] is not first.sheets[1]
    assert robot.call("GET", f"{SHEETS}/{original}/values/Coach!A1").json().get("values") is None
    assert robot.call("GET", f"{SHEETS}/{copy_id}/values/Coach!A1").json()["values"] == [["typed in the copy"]]


def test_equal_tabs_written_to_different_spreadsheets_are_stored_once(fake, robot):
    first, second = robot.create("A"), robot.create("B")
    for sheet_id in (first, second):
        assert robot.batch(sheet_id, {"addSheet": {"properties": {"sheetId": 7, "title": "Summary"}}}).ok
        assert robot.put(sheet_id, "Summary!A1", [["As of 2026-12-15"]]).ok
    summary = [fake.spreadsheets[i].sheet(title="Summary") for i in (first, second)]
    assert summary[0] is summary[1]
    assert robot.put(second, "Summary!A1", [["As of 2026-12-16"]]).ok
    assert fake.spreadsheets[first].sheet(title="Summary").cells[(0, 0)]["userEnteredValue"] == {
        "stringValue": "As of 2026-12-15"}


# -- who may open a spreadsheet, and Drive's record of who changed it -------------------------------------


def test_a_spreadsheet_not_shared_with_the_caller_is_403_until_it_is_shared(fake, robot, coach):
    sheet_id = robot.create()
    denied = coach.call("GET", f"{SHEETS}/{sheet_id}")
    assert denied.status_code == 403 and denied.json() == {"error": {
        "code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}
    assert coach.call("GET", f"{FILES}/{sheet_id}").status_code == 404  # Drive hides what one may not see
    assert robot.share(sheet_id, COACH, "reader").ok
    assert coach.call("GET", f"{SHEETS}/{sheet_id}").ok
    assert coach.put(sheet_id, "Sheet1!A1", [["x"]]).status_code == 403  # a reader may not write
    assert coach.share(sheet_id, "friend@school.org").status_code == 403


def test_modified_time_and_last_modifying_user_move_with_every_sheets_write_by_whoever_made_it(fake, robot, coach):
    sheet_id = robot.create()
    robot.share(sheet_id, COACH)
    created = robot.drive_file(sheet_id)
    assert created["lastModifyingUser"] == {"me": True, "emailAddress": ROBOT}
    writes = [
        (coach, lambda c: c.put(sheet_id, "Sheet1!A1", [["Ana"]])),
        (robot, lambda c: c.batch(sheet_id, {"updateSpreadsheetProperties": {"properties": {"title": "T"}, "fields": "title"}})),
        (coach, lambda c: c.call("POST", f"{SHEETS}/{sheet_id}/values/Sheet1!A1:clear")),
    ]
    seen = [created["modifiedTime"]]
    for writer, write in writes:
        assert write(writer).ok
        after = robot.drive_file(sheet_id)
        assert after["modifiedTime"] > seen[-1]
        assert after["lastModifyingUser"] == {"me": writer is robot, "emailAddress": writer.email}
        assert coach.drive_file(sheet_id)["lastModifyingUser"]["me"] is (writer is coach)  # `me` is the caller
        seen.append(after["modifiedTime"])
    robot.call("GET", f"{SHEETS}/{sheet_id}", params={"includeGridData": "true"})
    assert robot.batch(sheet_id, {"deleteSheet": {"sheetId": 0}}).status_code == 400  # a refused write changes nothing
    assert robot.drive_file(sheet_id)["modifiedTime"] == seen[-1]


def test_files_list_pages_and_under_drive_file_shows_only_the_callers_own_files(fake, robot, coach):
    fake.files.clear()
    own = [robot.create(f"Tracker {n}") for n in range(5)]
    shared = coach.create("Coach's own")
    coach.share(shared, ROBOT)
    fields = "nextPageToken,files(id,modifiedTime,lastModifyingUser(me,emailAddress,displayName))"
    query = {"q": f"mimeType = '{SPREADSHEET_MIME}' and trashed = false", "fields": fields, "pageSize": 2,
             "supportsAllDrives": "true", "includeItemsFromAllDrives": "true"}
    pages, token = [], None
    while True:
        page = robot.call("GET", FILES, params={**query, **({"pageToken": token} if token else {})}).json()
        pages.append(page)
        if (token := page.get("nextPageToken")) is None:
            break
    assert [len(p["files"]) for p in pages] == [2, 2, 1]
    assert [f["id"] for p in pages for f in p["files"]] == own  # not the file shared with it: drive.file
    assert set(pages[0]["files"][0]) == {"id", "modifiedTime", "lastModifyingUser"}
    assert pages[0]["files"][0]["lastModifyingUser"] == {"me": True, "emailAddress": ROBOT, "displayName": "robot"}
    full = Client(fake, ROBOT, "https://www.googleapis.com/auth/drive")
    assert shared in [f["id"] for f in full.call("GET", FILES, params={"pageSize": 1000}).json()["files"]]
    assert robot.call("GET", FILES, params={"pageSize": 1001}).status_code == 400


# -- Google's quota, when asked ------------------------------------------------------------------------


def test_the_quota_counts_reads_and_writes_apart_per_user_and_per_project_over_a_sliding_minute(robot):
    now = [0.0]
    with GoogleFake(log_keep=100) as fake:
        fake.enforce_quota(SheetsQuota(read_per_user=2, write_per_user=1, read_per_project=3, write_per_project=5),
                           clock=lambda: now[0])
        first, second = Client(fake, ROBOT), Client(fake, "other@district-project.iam.gserviceaccount.com")
        sheet_id = first.create()  # Drive and token requests are not counted
        first.share(sheet_id, second.email)
        read = lambda who: who.call("GET", f"{SHEETS}/{sheet_id}")  # noqa: E731
        assert [read(first).status_code for _ in range(2)] == [200, 200]
        per_user = read(first)
        assert per_user.status_code == 429 and per_user.headers["Retry-After"] == "60"
        error = per_user.json()["error"]
        assert error["status"] == "RESOURCE_EXHAUSTED" and error["message"].startswith(
            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service "
            "'sheets.googleapis.com' for consumer 'project_number:")
        info = error["details"][0]
        assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" and info["reason"] == "RATE_LIMIT_EXCEEDED"
        assert (info["metadata"]["quota_limit"], info["metadata"]["quota_limit_value"]) == ("ReadRequestsPerMinutePerUser", "2")
        assert first.put(sheet_id, "Sheet1!A1", [[1]]).ok  # writes are counted apart
        assert first.put(sheet_id, "Sheet1!A1", [[2]]).json()["error"]["details"][0]["metadata"]["quota_limit"] == (
            "WriteRequestsPerMinutePerUser")
        assert read(second).ok  # the project's third read
        now[0] = 30.0
        per_project = read(second)
        assert per_project.status_code == 429 and per_project.headers["Retry-After"] == "30"
        assert "limit 'Read requests per minute' of" in per_project.json()["error"]["message"]
        assert per_project.json()["error"]["details"][0]["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerProject"
        now[0] = 60.0  # the first minute's reads slide out; refused requests never counted
        assert read(first).ok and read(second).ok
        assert fake.quota.refused == {"read/user": 1, "read/project": 1, "write/user": 1}


# -- explicit refusals instead of a 200 ---------------------------------------------------------------


def test_user_entered_text_stays_text_as_on_google_and_unmodelled_forms_are_refused(robot):
    sheet_id = robot.create()
    typed = [["3_1_0", "inf", "nan", "Infinity", "0x10", "1,234.5", "1e3", "2026-09-14"]]
    assert robot.put(sheet_id, "Sheet1!A1", typed).ok
    read = robot.call("GET", f"{SHEETS}/{sheet_id}/values/Sheet1!A1:H1", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert read.json()["values"] == [["3_1_0", "inf", "nan", "Infinity", "0x10", 1234.5, 1000, 46279]]
    assert b"NaN" not in read.content and b"Infinity\"" in read.content  # standard JSON: the text, never a bare NaN
    assert robot.put(sheet_id, "Sheet1!A3", [["2026-12-18 21:00:00"]]).ok  # 46374 days + 21/24 of a day
    formatted = robot.call("GET", f"{SHEETS}/{sheet_id}/values/Sheet1!A3").json()["values"]
    raw = robot.call("GET", f"{SHEETS}/{sheet_id}/values/Sheet1!A3", params={"valueRenderOption": "UNFORMATTED_VALUE"}).json()
    assert (formatted, raw["values"]) == ([["2026-12-18 21:00:00"]], [[46374.875]])
    for text in ("50%", "$5", "12:30", "9/14", "Sept 14"):
        refused = robot.put(sheet_id, "Sheet1!A2", [[text]])
        assert refused.status_code == 501 and refused.json()["error"]["status"] == "UNIMPLEMENTED", text
        assert "Not implemented by the Google fake" in refused.json()["error"]["message"]
    bad_json = robot.call("PUT", f"{SHEETS}/{sheet_id}/values/Sheet1!A2", params={"valueInputOption": "RAW"},
                          data=b'{"values": [[NaN]]}', headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and "Invalid JSON payload" in bad_json.json()["error"]["message"]


def test_field_masks_with_parentheses_are_read_as_google_reads_them(fake, robot):
    sheet_id = robot.create()
    cell = {"userEnteredValue": {"stringValue": "x"}, "note": "kept out",
            "userEnteredFormat": {"textFormat": {"bold": True, "italic": True}, "horizontalAlignment": "CENTER"}}
    assert robot.batch(sheet_id, {"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [cell]}],
                                                  "fields": "userEnteredValue,"
                                                            "userEnteredFormat(textFormat(bold),horizontalAlignment)"}}).ok
    stored = fake.spreadsheets[sheet_id].sheet(sheet_id=0).cells[(0, 0)]
    assert stored == {"userEnteredValue": {"stringValue": "x"},
                      "userEnteredFormat": {"textFormat": {"bold": True}, "horizontalAlignment": "CENTER"}}
    unbalanced = robot.batch(sheet_id, {"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [cell]}],
                                                        "fields": "userEnteredFormat(textFormat"}})
    assert unbalanced.status_code == 400


def test_what_the_fake_does_not_model_is_refused_with_501(robot):
    sheet_id = robot.create()
    for request in ({"sortRange": {"range": {"sheetId": 0}}},
                    {"updateDimensionProperties": {"range": {"sheetId": 0, "dimension": "ROWS"},
                                                   "properties": {"developerMetadata": []}, "fields": "developerMetadata"}}):
        answer = robot.batch(sheet_id, request)
        assert answer.status_code == 501 and answer.json()["error"]["status"] == "UNIMPLEMENTED", request
    assert robot.batch(sheet_id, {"noSuchRequest": {}}).status_code == 400  # not a Google request kind at all
    assert robot.call("POST", f"{SHEETS}/{sheet_id}/values/Sheet1!A1:append").status_code == 501
    term = robot.call("GET", FILES, params={"q": "modifiedTime > '2026-01-01T00:00:00'"})
    assert term.status_code == 501 and "modifiedTime" in term.json()["error"]["message"]


def test_hiding_the_only_visible_sheet_is_refused_as_google_does(robot):
    sheet_id = robot.create()
    hide = {"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}}
    refused = robot.batch(sheet_id, hide)
    assert refused.status_code == 400 and refused.json()["error"]["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document.")
    assert robot.batch(sheet_id, {"addSheet": {"properties": {"title": "Other"}}}, hide).ok


# -- running it on its own -----------------------------------------------------------------------------


def test_running_the_fake_on_a_busy_port_says_so_in_one_line_and_exits_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "tracker_sync.testing.google_fake", "--port", str(port),
                                 "--credentials", str(tmp_path / "sa.json")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is already in use; pick another with --port (0 picks a free one)."]
