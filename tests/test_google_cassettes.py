"""Recorded traffic pins the exact Google request sequence of provision, sync read and sync write.

Replay (the default) needs no server and no credentials: vcrpy answers from tests/cassettes/*.json
and refuses any request that is not recorded (same method, URI and JSON body, in order), so an
extra or changed API call fails the test, and a missing one fails the ``all_played`` check. The
sync write's body is compared by its skeleton (request kinds, tabs, field masks), so a change in
rendered text does not need a new recording; provisioning and the read are compared exactly.

Re-record:
* against the Google fake:  TRACKER_SYNC_RECORD=fake pytest tests/test_google_cassettes.py
* against real Google:      TRACKER_SYNC_RECORD=google TRACKER_SYNC_GOOGLE_CREDENTIALS=/path/sa.json \
                            [TRACKER_SYNC_RECORD_FOLDER=<Drive folder id shared with the account>] \
                            pytest tests/test_google_cassettes.py
Tokens, JWT assertions and Authorization headers are scrubbed before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from conftest import tiny_grids

from tracker_sync.backends.google.transport import RetryPolicy
from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client
from tracker_sync.metadata import to_metadata
from tracker_sync.sheet_templates import load_template
from tracker_sync.testing.google_fake import GoogleFake

vcr = pytest.importorskip("vcr")

CASSETTES = Path(__file__).parent / "cassettes"
RECORD = os.environ.get("TRACKER_SYNC_RECORD", "")  # "", "fake" or "google"
NOW = dt.datetime(2026, 9, 30, 20, 0, tzinfo=dt.UTC)
AS_OF = dt.date(2026, 9, 30)
TOKEN_URI = "https://oauth2.googleapis.com/token"
# The replay account: the recording against the fake used this address; a real recording stores its own.
REPLAY_EMAIL = "tracker-sync@fake-project.iam.gserviceaccount.com"


def _google_uri(uri: str) -> str:
    """Loopback URIs of a recording against the fake, written as the Google URIs they stand for."""
    match = re.match(r"^http://127\.0\.0\.1:\d+(/.*)$", uri)
    if not match:
        return uri
    path = match[1]
    if path.startswith("/token"):
        return TOKEN_URI
    host = "sheets.googleapis.com" if path.startswith("/v4/") else "www.googleapis.com"
    return f"https://{host}{path}"


def _scrub_request(request):
    request.uri = _google_uri(request.uri)
    if request.uri.startswith(TOKEN_URI):
        request.body = b"<JWT assertion>"
    return request


def _scrub_response(response):
    body = response["body"]["string"]
    if b'"access_token"' in body if isinstance(body, bytes) else '"access_token"' in body:
        response["body"]["string"] = json.dumps({"access_token": "<ACCESS_TOKEN>", "expires_in": 3599,
                                                 "token_type": "Bearer"}).encode()
    return response


def skeleton(batch: dict) -> list:
    """A sync write's requests without the rendered content: kind, target tab, field mask, in order.

    Cell text and sizes are the renderer's to change (the demo-school test in test_google_backend.py
    compares every cell); the cassette pins how many requests of which kind go to which tab.
    """
    def target(params: dict) -> object:
        for key in ("range", "start", "properties"):
            if isinstance(params.get(key), dict) and "sheetId" in params[key]:
                return params[key]["sheetId"]
        rule_ranges = params.get("rule", {}).get("ranges") if isinstance(params.get("rule"), dict) else None
        return rule_ranges[0].get("sheetId") if rule_ranges else params.get("sheetId")

    return [(kind, target(params), params.get("fields")) for request in batch["requests"] for kind, params in request.items()]


def _body_unless_token(r1, r2) -> None:
    if r1.uri.startswith(TOKEN_URI) and r2.uri.startswith(TOKEN_URI):
        return
    if r1.uri.endswith(":batchUpdate") and r2.uri.endswith(":batchUpdate") and SYNC_WRITE.get("active"):
        assert skeleton(json.loads(r1.body)) == skeleton(json.loads(r2.body)), "the sync write's requests changed"
        return
    vcr.matchers.body(r1, r2)


SYNC_WRITE: dict[str, bool] = {}  # set while the sync cassette plays: its write is matched by skeleton


def recorder():
    recorder = vcr.VCR(
        serializer="json", cassette_library_dir=str(CASSETTES), record_mode="all" if RECORD else "none",
        match_on=["method", "scheme", "host", "path", "query", "body_unless_token"],
        filter_headers=[("authorization", "<ACCESS_TOKEN>")], before_record_request=_scrub_request,
        before_record_response=_scrub_response, decode_compressed_response=True,
    )
    recorder.register_matcher("body_unless_token", _body_unless_token)
    return recorder


@pytest.fixture
def google(tiny_settings, monkeypatch):
    """(workbook factory, spreadsheet id of the recording) for the mode we run in."""
    if not RECORD and not (CASSETTES / "google_provision.json").exists():
        pytest.skip("no cassettes recorded yet: run once with TRACKER_SYNC_RECORD=fake")
    monkeypatch.setattr("tracker_sync.sync.time.perf_counter", lambda: 0.0)  # the Sync Log's duration cell
    if RECORD:
        for old in CASSETTES.glob("google_*.json"):
            old.unlink()  # a fresh recording, not old interactions plus new
    if RECORD == "google":
        http = google_client(retry=RetryPolicy(max_attempts=3))
        yield http, os.environ.get("TRACKER_SYNC_RECORD_FOLDER")
    elif RECORD == "fake":  # a service account owns no Drive storage: it creates in a shared drive it manages
        with GoogleFake() as fake:
            drive = fake.add_shared_drive("Coaching trackers", {REPLAY_EMAIL: "fileOrganizer"})
            yield google_client(service_account_info=fake.service_account_info(REPLAY_EMAIL), api_base=fake.base_url), drive
    else:
        with GoogleFake() as keys_only:  # only for a well-formed signing key; no request reaches it
            info = keys_only.service_account_info(REPLAY_EMAIL)
        yield google_client(service_account_info=info), _recorded_folder()


def _recorded_folder() -> str | None:
    """The folder (or shared drive) the recording created its spreadsheet in, as the Drive create asked."""
    create = next(i["request"] for i in json.loads((CASSETTES / "google_provision.json").read_text())["interactions"]
                  if i["request"]["uri"].split("?")[0].endswith("/drive/v3/files"))
    return (json.loads(create["body"]).get("parents") or [None])[0]


def _recorded_spreadsheet_id(cassette: str) -> str:
    uris = [i["request"]["uri"] for i in json.loads((CASSETTES / cassette).read_text())["interactions"]]
    return next(re.search(r"/spreadsheets/([^/:?]+)", u)[1] for u in uris if "/spreadsheets/" in u)


def _recorded_hash(cassette: str) -> str:
    interaction = json.loads((CASSETTES / cassette).read_text())["interactions"][-1]
    body = json.loads(interaction["response"]["body"]["string"])
    return next(m["metadataValue"] for m in body["developerMetadata"] if m["metadataKey"].endswith("output_hash"))


def test_provision_sync_and_unchanged_resync_send_exactly_the_recorded_requests(google, tiny_settings, monkeypatch):
    from tracker_sync.sync import sync_tracker

    http, folder = google
    template = load_template().for_rubric(tiny_settings.rubric)
    with recorder().use_cassette("google_provision.json") as cassette:
        workbook = GoogleWorkbook.create("tracker-sync cassette: Tiny School", http, folder_id=folder)
        workbook.provision(template, to_metadata(tiny_settings))
    assert (cassette.all_played or RECORD) and len(cassette) == 4  # token, Drive create, spreadsheets.get, batchUpdate
    if RECORD:
        workbook.seed_rows({tab: grid[1:] for tab, grid in tiny_grids().items()})  # not pinned: coaches' typing
    else:
        workbook = GoogleWorkbook(_recorded_spreadsheet_id("google_sync.json"), http)

    SYNC_WRITE["active"] = True
    try:
        with recorder().use_cassette("google_sync.json") as cassette:
            report = sync_tracker(workbook, as_of=AS_OF, now=NOW)
    finally:
        SYNC_WRITE.clear()
    # one read, one batchUpdate
    assert (cassette.all_played or RECORD) and [r.method for r in cassette.requests] == ["GET", "POST"]
    assert report.findings["error"] == 0

    if not RECORD:  # "unchanged" means: equal to the fingerprint the recorded tracker holds, whatever today's renderer says
        monkeypatch.setattr("tracker_sync.backends.google.workbook.output_hash",
                            lambda *args: _recorded_hash("google_sync_unchanged.json"))
    with recorder().use_cassette("google_sync_unchanged.json") as cassette:
        unchanged = sync_tracker(workbook, as_of=AS_OF, now=NOW + dt.timedelta(minutes=15))
    assert (cassette.all_played or RECORD) and [r.method for r in cassette.requests] == ["GET"]  # the read only: nothing changed
    assert unchanged.outcome == "unchanged"
    if RECORD == "google":
        http.request("delete", f"https://www.googleapis.com/drive/v3/files/{workbook.spreadsheet_id}")
