"""The Google fake answers as Google does: replay real transcripts against it and compare.

The transcripts are gspread's own recordings against the real Sheets v4 and Drive v3 APIs, kept in
../shared/reference/gspread-cassettes/ (read here, never copied). Each selected cassette is replayed
request by request (ids of spreadsheets and sheets mapped to the fake's); for every endpoint the
project uses, the fake's status and JSON shape (field names, nesting, value types, list lengths, so
trimming too) must equal the recording, and values/error bodies must be equal outright.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

from tracker_sync.testing.google_fake import GoogleFake

CASSETTES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "gspread-cassettes"
pytestmark = pytest.mark.skipif(
    not CASSETTES.is_dir(),
    reason=f"real Google transcripts not found at {CASSETTES} (they live outside the repo, in ../shared/reference)",
)

# Cassettes that together exercise every endpoint and request kind the project sends.
REPLAYED = [
    "ClientTest.test_create",
    "ClientTest.test_copy",
    "ClientTest.test_access_non_existing_spreadsheet",
    "SpreadsheetTest.test_values_batch_get",
    "SpreadsheetTest.test_values_get",
    "SpreadsheetTest.test_add_del_worksheet",
    "WorksheetTest.test_get_all_values_date_time_render_options",
    "WorksheetTest.test_get_notes",
    "WorksheetTest.test_add_protected_range_normal",
    "WorksheetTest.test_freeze",
    "WorksheetTest.test_resize",
    "WorksheetTest.test_update_and_get",
    "WorksheetTest.test_get_all_values",
    "WorksheetTest.test_add_validation",
    "WorksheetTest.test_update_cells",
    "WorksheetTest.test_hide_show_worksheet",
    "WorksheetTest.test_worksheet_update_index",  # updateSheetProperties.index moves the sheet
    "WorksheetTest.test_reorder_worksheets",
    "WorksheetTest.test_hide_columns_rows",  # updateDimensionProperties.hiddenByUser
    "WorksheetTest.test_worksheet_notes",  # a note set to "" is gone; a mask over an empty GridData gives {}
]
# Endpoints the project never calls; the fake does not implement them and their interactions are skipped.
NOT_USED = re.compile(r"/comments|/export|/upload/|drive/v3/files\?(?!supportsAllDrives=True$)|merged|:append"
                      r"|values:batchUpdate|values:batchClear")
# Parts of Google's answers the fake leaves out on purpose (documented in the fake's README section).
UNMODELLED_KEYS = {"rowMetadata", "columnMetadata"}


def shape(value: object) -> object:
    """Field names, nesting, value types and list lengths, without the values themselves."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k not in UNMODELLED_KEYS}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


class Replayer:
    """Sends a cassette's requests to the fake with ids mapped, and collects both answers."""

    def __init__(self, fake: GoogleFake, email: str = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com") -> None:
        self.fake = fake
        # The recordings' account owned the spreadsheets it created: service accounts had Drive storage when gspread
        # recorded them, which Google refuses since 2025. To the fake it is a user with its own OAuth sign-in.
        info = fake.authorized_user_info(email, ("https://www.googleapis.com/auth/spreadsheets",))
        token = requests.post(f"{fake.base_url}/token", data={
            "grant_type": "refresh_token", **{key: info[key] for key in ("client_id", "client_secret", "refresh_token")}}).json()
        self.headers = {"Authorization": f"Bearer {token['access_token']}"}
        self.ids: dict[str, str] = {}

    def map_ids(self, text: str) -> str:
        for recorded, ours in self.ids.items():
            text = text.replace(recorded, ours)
        return text

    def learn_ids(self, recorded: object, ours: object) -> None:
        """Pair up ids found at the same place in the recorded and the fake answer."""
        if isinstance(recorded, dict) and isinstance(ours, dict):
            for key in ("id", "spreadsheetId", "sheetId", "protectedRangeId"):
                if key in recorded and key in ours and str(recorded[key]) != str(ours[key]):
                    self.ids[str(recorded[key])] = str(ours[key])
            for key in recorded.keys() & ours.keys():
                self.learn_ids(recorded[key], ours[key])
        elif isinstance(recorded, list) and isinstance(ours, list):
            for a, b in zip(recorded, ours, strict=False):
                self.learn_ids(a, b)

    def send(self, interaction: dict) -> tuple[int, object, int, object]:
        request, response = interaction["request"], interaction["response"]
        uri = re.sub(r"^https://[^/]+", self.fake.base_url, self.map_ids(request["uri"]))
        body = self.map_ids(request["body"]) if request["body"] else None
        answer = requests.request(request["method"], uri, data=body.encode() if body else None,
                                  headers={**self.headers, "Content-Type": "application/json"})
        recorded_text = response["body"]["string"]
        recorded = json.loads(recorded_text) if recorded_text.strip() else None
        ours = answer.json() if answer.content.strip() else None
        self.learn_ids(recorded, ours)
        return response["status"]["code"], recorded, answer.status_code, ours


def _interactions(name: str) -> list[dict]:
    return json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))["interactions"]


def _is_values_answer(uri: str) -> bool:
    return "/values" in uri and "sheets.googleapis.com" in uri


@pytest.mark.parametrize("name", REPLAYED)
def test_fake_answers_like_the_recorded_google(name: str) -> None:
    compared = 0
    with GoogleFake() as fake:
        replayer = Replayer(fake)
        for number, interaction in enumerate(_interactions(name)):
            uri = interaction["request"]["uri"]
            if NOT_USED.search(uri):
                continue
            recorded_status, recorded, status, ours = replayer.send(interaction)
            where = f"{name} #{number}: {interaction['request']['method']} {uri}"
            assert status == recorded_status, f"{where}: status {status}, Google said {recorded_status}: {ours}"
            assert shape(ours) == shape(recorded), (f"{where}\nfake:   {json.dumps(ours)[:1500]}\n"
                                                    f"google: {json.dumps(recorded)[:1500]}")
            if status >= 400 or (_is_values_answer(uri) and interaction["request"]["method"] == "GET"):
                assert json.loads(replayer.map_ids(json.dumps(recorded))) == ours, where
            compared += 1
    assert compared >= 3, f"{name}: too few interactions compared ({compared})"


def test_error_bodies_match_google() -> None:
    """404 NOT_FOUND and 400 INVALID_ARGUMENT bodies carry exactly Google's fields."""
    recorded_404 = json.loads(_interactions("ClientTest.test_access_non_existing_spreadsheet")[-2]["response"]["body"]["string"])
    recorded_400 = next(
        json.loads(i["response"]["body"]["string"]) for i in _interactions("WorksheetTest.test_hide_show_worksheet")
        if i["response"]["status"]["code"] == 400)
    with GoogleFake() as fake:
        replayer = Replayer(fake)
        missing = requests.get(f"{fake.base_url}/v4/spreadsheets/test", headers=replayer.headers)
        created = requests.post(f"{fake.base_url}/drive/v3/files", headers=replayer.headers,
                                json={"name": "x", "mimeType": "application/vnd.google-apps.spreadsheet"}).json()
        bad = requests.post(f"{fake.base_url}/v4/spreadsheets/{created['id']}:batchUpdate", headers=replayer.headers,
                            json={"requests": [{"addSheet": {"properties": {"title": "Sheet1"}}}]})
    assert missing.status_code == 404 and missing.json() == recorded_404
    assert bad.status_code == 400 and shape(bad.json()) == shape(recorded_400)
    assert bad.json()["error"]["status"] == recorded_400["error"]["status"] == "INVALID_ARGUMENT"
    assert bad.json()["error"]["message"].startswith("Invalid requests[0].addSheet: ")


def test_drive_search_by_name_answers_like_google() -> None:
    """files.list with a q filter (provisioning's look-up) has Google's fields and finds only the named file."""
    recorded = next(i for i in _interactions("ClientTest.test_openall")
                    if i["request"]["method"] == "GET" and "name+%3D" in i["request"]["uri"])
    with GoogleFake() as fake:
        replayer = Replayer(fake)
        for name in ("Test ClientTest test_openall", "Something else"):
            requests.post(f"{fake.base_url}/drive/v3/files", headers=replayer.headers,
                          json={"name": name, "mimeType": "application/vnd.google-apps.spreadsheet"})
        recorded_status, google, status, ours = replayer.send(recorded)
    assert status == recorded_status == 200
    assert shape(ours) == shape(google)
    assert [f["name"] for f in ours["files"]] == ["Test ClientTest test_openall"]


def test_a_spreadsheet_not_shared_with_the_caller_answers_googles_403() -> None:
    """Real Google answers 403 PERMISSION_DENIED (not 404) for a spreadsheet that exists but is not shared."""
    recorded = _interactions("ClientTest.test_access_private_spreadsheet")[-1]
    assert recorded["response"]["status"]["code"] == 403
    with GoogleFake() as fake:
        replayer = Replayer(fake)
        owner = Replayer(fake, "someone@else.org")  # created the spreadsheet and shared it with nobody
        created = requests.post(f"{fake.base_url}/drive/v3/files", headers=owner.headers,
                                json={"name": "private", "mimeType": "application/vnd.google-apps.spreadsheet"}).json()
        replayer.ids["1jIKzPs8LsiZZdLdeMEP-5ZIHw6RkjiOmj1LrJN706Yc"] = created["id"]
        recorded_status, google, status, ours = replayer.send(recorded)
    assert status == recorded_status == 403
    assert ours == google


def test_drive_listing_with_a_parenthesised_field_mask_answers_like_google() -> None:
    """files.list as gspread sends it (q, pageSize, fields with parentheses): Google's fields and nothing else."""
    recorded = next(i for i in _interactions("ClientTest.test_list_spreadsheet_files")
                    if i["request"]["method"] == "GET" and "/drive/v3/files?" in i["request"]["uri"])
    with GoogleFake() as fake:
        replayer = Replayer(fake)
        created = requests.post(f"{fake.base_url}/drive/v3/files", headers=replayer.headers,
                                json={"name": "Test ClientTest test_list_spreadsheet_files",
                                      "mimeType": "application/vnd.google-apps.spreadsheet"})
        replayer.ids["16x4eVnmuWxnblLaqAE7Z7qdztmy9lHruvJ_lvPQKNgc"] = created.json()["id"]
        recorded_status, google, status, ours = replayer.send(recorded)
    assert status == recorded_status == 200
    assert shape(ours) == shape(google)
    assert ours["files"][0]["id"] == created.json()["id"]


def test_a_field_mask_naming_an_unset_field_returns_the_empty_message() -> None:
    """Google answers ``fields=sheets.properties.tabColorStyle`` on a tab with no colour with ``properties: {}``."""
    recorded = _interactions("WorksheetTest.test_set_tab_color")[5]
    assert recorded["request"]["uri"].endswith("?fields=sheets.properties.tabColorStyle")
    with GoogleFake() as fake:
        replayer = Replayer(fake)
        created = requests.post(f"{fake.base_url}/drive/v3/files", headers=replayer.headers,
                                json={"name": "x", "mimeType": "application/vnd.google-apps.spreadsheet"}).json()
        replayer.ids["1zqB5k2FM9punzprCT_HVck50cYnsqSLV8UMgr3VP-Jw"] = created["id"]
        recorded_status, google, status, ours = replayer.send(recorded)
    assert status == recorded_status == 200
    assert ours == google == {"sheets": [{"properties": {}}]}


def test_the_discovery_contract_lets_every_request_google_accepted_through_and_refuses_as_google_did() -> None:
    """All 2,000-odd recorded requests: none that Google answered 2xx is refused by the contract the fake
    enforces, and the ones Google refused for their payload get Google's very answer."""
    from urllib.parse import parse_qs, urlsplit

    from tracker_sync.testing.google_fake.discovery import Contract

    contract, accepted, refused = Contract.pinned(), 0, 0
    for path in sorted(CASSETTES.glob("*.json")):
        for interaction in _interactions(path.stem):
            request, response = interaction["request"], interaction["response"]
            url = urlsplit(request["uri"])
            if url.path == "/token" or "oauth2" in url.netloc or url.path.startswith("/upload/"):
                continue  # token requests, and file uploads (CSV bodies, not JSON)
            body = json.loads(request["body"]) if request["body"] else None
            answer = contract.refusal(request["method"], url.path, parse_qs(url.query, keep_blank_values=True), body)
            if response["status"]["code"] < 300:
                assert answer is None, f"{path.stem}: {request['method']} {request['uri']}: {answer and answer.body}"
                accepted += 1
            elif answer is not None:
                assert answer.body == json.loads(response["body"]["string"]), path.stem
                refused += 1
    assert accepted > 1500 and refused == 3
