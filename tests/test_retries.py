"""The bounded retry policy at the one HTTP choke point, against real faults on loopback HTTP."""

from __future__ import annotations

import pytest
from gspread.exceptions import APIError

from tracker_sync.backends.google.auth import load_credentials
from tracker_sync.backends.google.transport import GoogleHTTPClient, RetryPolicy
from tracker_sync.errors import ApiError
from tracker_sync.testing.google_fake import Fault, GoogleFake

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


def client_for(fake: GoogleFake, account: dict, **policy) -> tuple[GoogleHTTPClient, list[float]]:
    slept: list[float] = []
    retry = RetryPolicy(sleep=slept.append, jitter=lambda: 1.0, **policy)
    client = GoogleHTTPClient(load_credentials(info=account), api_base=fake.base_url, retry=retry,
                              timeout=(2.0, 0.5))
    return client, slept


def new_spreadsheet(client: GoogleHTTPClient, fake: GoogleFake, account: dict) -> str:
    """A spreadsheet the service account makes in a shared drive it manages (it owns no Drive storage)."""
    drive = fake.add_shared_drive("Trackers", {account["client_email"]: "fileOrganizer"})
    response = client.request("post", "https://www.googleapis.com/drive/v3/files", params={"supportsAllDrives": "true"},
                              json={"name": "t", "mimeType": SPREADSHEET_MIME, "parents": [drive]})
    return response.json()["id"]


def test_429_waits_exactly_retry_after_then_succeeds(fake, account):
    client, slept = client_for(fake, account)
    sheet_id = new_spreadsheet(client, fake, account)
    fake.script(Fault.http(429, retry_after=7, match=sheet_id))
    assert client.fetch_sheet_metadata(sheet_id)["spreadsheetId"] == sheet_id
    assert slept == [7.0]
    assert (client.calls, client.attempts) == (2, 3)


@pytest.mark.parametrize("fault", [Fault.http(500), Fault.http(503), Fault.http(408), Fault.reset(), Fault.slow(1.5)],
                         ids=["500", "503", "408", "connection-reset", "read-timeout"])
def test_transient_failures_are_retried_with_exponential_backoff(fake, account, fault):
    client, slept = client_for(fake, account, base_delay=0.25)
    sheet_id = new_spreadsheet(client, fake, account)
    fake.script(Fault(**{**fault.__dict__, "match": sheet_id}), Fault(**{**fault.__dict__, "match": sheet_id}))
    assert client.fetch_sheet_metadata(sheet_id)["spreadsheetId"] == sheet_id
    assert slept == [0.25, 0.5]  # jitter pinned at its top: base * 2**n
    assert client.attempts == 1 + 3


def test_jitter_keeps_each_wait_between_half_and_full_step():
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=lambda: 0.0)
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_gives_up_after_max_attempts_with_a_clear_error(fake, account):
    client, slept = client_for(fake, account, max_attempts=4)
    sheet_id = new_spreadsheet(client, fake, account)
    fake.script(*[Fault.http(503, match=sheet_id)] * 4)
    fake.clear_log()
    with pytest.raises(ApiError) as caught:
        client.fetch_sheet_metadata(sheet_id)
    assert caught.value.code == 503 and caught.value.status == "UNAVAILABLE"
    assert "gave up after 4 attempts" in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert isinstance(caught.value.__cause__, APIError)
    assert len(fake.calls()) == 4 and len(slept) == 3


def test_gives_up_at_once_when_retry_after_exceeds_the_time_budget(fake, account):
    client, slept = client_for(fake, account, max_elapsed=30.0)
    sheet_id = new_spreadsheet(client, fake, account)
    fake.script(Fault.http(429, retry_after=120, match=sheet_id))
    with pytest.raises(ApiError) as caught:
        client.fetch_sheet_metadata(sheet_id)
    assert caught.value.code == 429 and slept == []


def test_connection_failures_that_never_end_become_api_errors(fake, account):
    client, _ = client_for(fake, account, max_attempts=2)
    sheet_id = new_spreadsheet(client, fake, account)
    fake.script(Fault.reset(match=sheet_id), Fault.reset(match=sheet_id))
    with pytest.raises(ApiError) as caught:
        client.fetch_sheet_metadata(sheet_id)
    assert caught.value.code == 0 and "could not reach Google" in str(caught.value)


@pytest.mark.parametrize("status", [400, 403, 404])
def test_client_errors_are_not_retried_and_keep_googles_message(fake, account, status):
    client, slept = client_for(fake, account)
    sheet_id = new_spreadsheet(client, fake, account)
    fake.script(Fault.http(status, match=sheet_id))
    with pytest.raises(ApiError) as caught:
        client.fetch_sheet_metadata(sheet_id)
    assert caught.value.code == status and slept == [] and client.attempts == 2


def test_unknown_spreadsheet_is_a_404_api_error(fake, account):
    client, _ = client_for(fake, account)
    with pytest.raises(ApiError) as caught:
        client.fetch_sheet_metadata("no-such-spreadsheet")
    assert (caught.value.code, caught.value.status) == (404, "NOT_FOUND")
    assert str(caught.value) == "[404] NOT_FOUND: Requested entity was not found."


def test_only_the_two_allowed_scopes_are_requested(fake, account):
    client, _ = client_for(fake, account)
    new_spreadsheet(client, fake, account)
    assert set(map(tuple, fake.token_scopes.values())) == {(
        "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file")}


def test_an_api_error_keeps_googles_whole_error_body_and_says_it_on_one_line(fake, account):
    """As gspread's APIError does: every details entry of a Sheets error, every errors entry of Drive's."""
    client, _ = client_for(fake, account, max_elapsed=30.0)
    sheet_id = new_spreadsheet(client, fake, account)
    fake.script(Fault.http(429, retry_after=120, match=sheet_id))
    with pytest.raises(ApiError) as caught:
        client.fetch_sheet_metadata(sheet_id)
    quota = caught.value
    assert quota.error["status"] == "RESOURCE_EXHAUSTED" and quota.error["message"].startswith("Quota exceeded")
    assert [d["@type"] for d in quota.details] == ["type.googleapis.com/google.rpc.ErrorInfo",
                                                   "type.googleapis.com/google.rpc.Help"]
    assert quota.reason == "RATE_LIMIT_EXCEEDED" and quota.details[0]["metadata"]["quota_limit_value"] == "60"
    assert quota.details[1]["links"][0]["url"] == "https://cloud.google.com/docs/quotas/help/request_increase"
    assert "\n" not in str(quota) and str(quota).startswith("[429] RESOURCE_EXHAUSTED: Quota exceeded")

    with pytest.raises(ApiError) as caught:
        client.request("get", "https://www.googleapis.com/drive/v3/files/no-such-file")
    missing = caught.value
    assert missing.errors == [{"message": "File not found: no-such-file.", "domain": "global", "reason": "notFound",
                               "location": "fileId", "locationType": "parameter"}]
    assert missing.details == [] and missing.reason == "notFound" and str(missing) == "[404] File not found: no-such-file."
