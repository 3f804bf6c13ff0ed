"""The fake's Forms v1, over raw HTTP: the methods tracker-sync calls answer in the reference's shapes;
what the fake does not model is refused with 501; scopes, drive.file and responders are Google's rules;
every request is checked against the Forms v1 discovery document like Sheets and Drive."""

from __future__ import annotations

import pytest
import requests
from google_fake_support import Client

from tracker_sync.testing.google_fake import Fault, GoogleFake

FORMS = "/v1/forms"
FILES = "/drive/v3/files"
PERSON = "lead@district.example.org"
APP_SCOPES = "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive.file"  # tracker-sync's two
QUESTIONS = [
    {"title": "Date", "questionItem": {"question": {"required": True, "dateQuestion": {"includeYear": True}}}},
    {"title": "Teacher", "questionItem": {"question": {"required": True, "choiceQuestion": {
        "type": "DROP_DOWN", "options": [{"value": "Ana Lopez"}, {"value": "Ben Ross"}]}}}},
    {"title": "LE.1", "questionItem": {"question": {"scaleQuestion": {"low": 1, "high": 7}}}},
]


@pytest.fixture()
def fake():
    with GoogleFake() as running:
        running.add_workspace("district.example.org", [PERSON, "coach@district.example.org"])
        yield running


def published_form(fake: GoogleFake, client: Client) -> str:
    """A form as provision makes it: created unpublished, questions, verified email, the domain as responders, published."""
    form = client.call("POST", FORMS, params={"unpublished": "true"}, json={"info": {"title": "Visits"}}).json()
    requests = [{"updateSettings": {"settings": {"emailCollectionType": "VERIFIED"}, "updateMask": "emailCollectionType"}},
                *({"createItem": {"item": item, "location": {"index": i}}} for i, item in enumerate(QUESTIONS))]
    assert client.call("POST", f"{FORMS}/{form['formId']}:batchUpdate", json={"requests": requests}).status_code == 200
    client.call("POST", f"{FILES}/{form['formId']}/permissions", params={"supportsAllDrives": "true"},
                json={"type": "domain", "domain": "district.example.org", "role": "reader", "view": "published"})
    state = {"publishState": {"isPublished": True, "isAcceptingResponses": True}}
    assert client.call("POST", f"{FORMS}/{form['formId']}:setPublishSettings", json={"publishSettings": state}).status_code == 200
    return form["formId"]


def test_create_takes_a_title_only_and_makes_an_unpublished_form_in_the_callers_my_drive(fake):
    person = Client(fake, PERSON, APP_SCOPES, person=True)
    refused = person.call("POST", FORMS, json={"info": {"title": "Visits", "description": "x"}, "items": []})
    assert refused.status_code == 400 and "info.description" in refused.json()["error"]["message"]
    made = person.call("POST", FORMS, json={"info": {"title": "Visits"}}).json()
    assert set(made) == {"formId", "info", "settings", "revisionId", "responderUri", "publishSettings"}
    assert made["info"] == {"title": "Visits", "documentTitle": "Visits"}
    assert made["publishSettings"] == {"publishState": {"isPublished": False, "isAcceptingResponses": False}}  # the 2026 default
    assert made["responderUri"].startswith("https://docs.google.com/forms/d/e/") and made["revisionId"] == "00000001"
    file = person.call("GET", f"{FILES}/{made['formId']}", params={"fields": "mimeType,parents,owners(emailAddress)"}).json()
    assert file == {"mimeType": "application/vnd.google-apps.form", "parents": ["root"], "owners": [{"emailAddress": PERSON}]}


def test_a_service_account_makes_its_form_with_drive_in_a_shared_drive_as_it_owns_no_storage(fake):
    robot = Client(fake, "robot@p.iam.gserviceaccount.com")
    assert robot.call("POST", FORMS, json={"info": {"title": "Visits"}}).status_code == 403
    made = robot.call("POST", FILES, params={"supportsAllDrives": "true"},
                      json={"name": "Visits", "mimeType": "application/vnd.google-apps.form", "parents": [robot.folder]}).json()
    form = robot.call("GET", f"{FORMS}/{made['id']}").json()
    assert form["info"] == {"documentTitle": "Visits"} and "items" not in form  # Drive gives a blank form: no title yet


def test_batch_update_answers_with_the_new_ids_and_revision_and_refuses_a_stale_one(fake):
    person = Client(fake, PERSON, APP_SCOPES, person=True)
    form_id = person.call("POST", FORMS, json={"info": {"title": "Visits"}}).json()["formId"]
    reply = person.call("POST", f"{FORMS}/{form_id}:batchUpdate", json={
        "includeFormInResponse": True,
        "requests": [{"createItem": {"item": item, "location": {"index": i}}} for i, item in enumerate(QUESTIONS)]}).json()
    created = [r["createItem"] for r in reply["replies"]]
    assert all(len(c["itemId"]) == 8 and len(c["questionId"]) == 1 for c in created)
    assert reply["writeControl"] == {"requiredRevisionId": "00000002"} and len(reply["form"]["items"]) == 3
    stale = person.call("POST", f"{FORMS}/{form_id}:batchUpdate", json={
        "requests": [{"deleteItem": {"location": {"index": 0}}}], "writeControl": {"requiredRevisionId": "00000001"}})
    assert stale.status_code == 400
    update = {"updateItem": {"item": {"questionItem": {"question": {"choiceQuestion": {"type": "DROP_DOWN", "options": [
        {"value": "Cara Diaz"}]}}}}, "location": {"index": 1}, "updateMask": "questionItem.question.choiceQuestion.options"}}
    assert person.call("POST", f"{FORMS}/{form_id}:batchUpdate", json={"requests": [update]}).status_code == 200
    teacher = person.call("GET", f"{FORMS}/{form_id}").json()["items"][1]
    assert teacher["itemId"] == created[1]["itemId"]  # the same question, its id kept
    assert teacher["questionItem"]["question"]["choiceQuestion"]["options"] == [{"value": "Cara Diaz"}]
    empty = dict(update, updateItem={**update["updateItem"], "item": {"questionItem": {"question": {"choiceQuestion": {
        "type": "DROP_DOWN", "options": []}}}}})
    assert person.call("POST", f"{FORMS}/{form_id}:batchUpdate", json={"requests": [empty]}).status_code == 400


def test_responses_list_filters_on_the_time_a_response_was_last_submitted_and_pages(fake):
    person = Client(fake, PERSON, APP_SCOPES, person=True)
    form_id = published_form(fake, person)
    ids = [fake.submit_response(form_id, "coach@district.example.org", {"Date": f"2026-09-{day:02d}", "Teacher": "Ana Lopez"})
           for day in range(1, 8)]
    fake.forms.page_limit = 3  # Google "may return fewer than" pageSize
    first = person.call("GET", f"{FORMS}/{form_id}/responses").json()
    assert [r["responseId"] for r in first["responses"]] == ids[:3] and "nextPageToken" in first
    one = first["responses"][0]
    assert set(one) == {"responseId", "createTime", "lastSubmittedTime", "respondentEmail", "answers"}  # no formId in a list
    assert one["respondentEmail"] == "coach@district.example.org"
    assert sorted(a["textAnswers"]["answers"][0]["value"] for a in one["answers"].values()) == ["2026-09-01", "Ana Lopez"]
    cursor = first["responses"][2]["lastSubmittedTime"]
    after = person.call("GET", f"{FORMS}/{form_id}/responses", params={"filter": f"timestamp > {cursor}"}).json()
    assert [r["responseId"] for r in after["responses"]] == ids[3:6]
    moved = person.call("GET", f"{FORMS}/{form_id}/responses", params={"filter": f"timestamp >= {cursor}",
                                                                        "pageToken": after["nextPageToken"]})
    assert moved.status_code == 400  # a page token is for the filter it came with
    fake.edit_response(form_id, ids[0], {"Teacher": "Ben Ross"})
    edited = person.call("GET", f"{FORMS}/{form_id}/responses", params={"filter": f"timestamp > {cursor}"}).json()
    assert ids[0] in [r["responseId"] for r in edited["responses"]]  # edited: listed again after its new time
    bad = person.call("GET", f"{FORMS}/{form_id}/responses", params={"filter": "createTime > 2026-01-01"})
    assert bad.status_code == 400


def test_only_the_forms_responders_may_answer_and_only_what_each_question_allows(fake):
    person = Client(fake, PERSON, APP_SCOPES, person=True)
    form_id = person.call("POST", FORMS, json={"info": {"title": "Draft"}}).json()["formId"]
    with pytest.raises(ValueError, match="not accepting"):
        fake.submit_response(form_id, PERSON, {})
    form_id = published_form(fake, person)
    fake.add_person("friend@gmail.com")
    with pytest.raises(ValueError, match="may not respond"):
        fake.submit_response(form_id, "friend@gmail.com", {"Date": "2026-09-01", "Teacher": "Ana Lopez"})
    with pytest.raises(ValueError, match="not among its options"):
        fake.submit_response(form_id, PERSON, {"Date": "2026-09-01", "Teacher": "Nobody"})
    with pytest.raises(ValueError, match="scale"):
        fake.submit_response(form_id, PERSON, {"Date": "2026-09-01", "Teacher": "Ana Lopez", "LE.1": "9"})
    with pytest.raises(ValueError, match="required"):
        fake.submit_response(form_id, PERSON, {"Teacher": "Ana Lopez"})


def test_scopes_drive_file_and_what_the_fake_does_not_model(fake):
    person = Client(fake, PERSON, APP_SCOPES, person=True)
    form_id = published_form(fake, person)
    sheets_only = Client(fake, PERSON, "https://www.googleapis.com/auth/spreadsheets", person=True)
    denied = sheets_only.call("GET", f"{FORMS}/{form_id}")
    assert denied.status_code == 403 and denied.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    other_app = Client(fake, PERSON, "https://www.googleapis.com/auth/drive.file", person=True)  # another OAuth client
    assert other_app.call("GET", f"{FORMS}/{form_id}").status_code == 404  # drive.file: only the app's own forms
    assert person.call("GET", f"{FORMS}/{form_id}/watches").status_code == 501
    assert person.call("POST", f"{FORMS}/{form_id}:batchUpdate", json={"requests": [
        {"moveItem": {"originalLocation": {"index": 0}, "newLocation": {"index": 1}}}]}).status_code == 501
    unknown = person.call("POST", f"{FORMS}/{form_id}:batchUpdate", json={"requests": [{"createItem": {"itme": {}}}]})
    assert unknown.status_code == 400  # the discovery document's contract, in Google's words
    assert unknown.json()["error"]["message"].startswith('Invalid JSON payload received. Unknown name "itme"')


def test_a_lost_answer_did_the_write_before_the_connection_dropped(fake):
    person = Client(fake, PERSON, APP_SCOPES, person=True)
    form_id = person.call("POST", FORMS, json={"info": {"title": "Visits"}}).json()["formId"]
    fake.script(Fault.lost(match=":batchUpdate"))
    with pytest.raises(requests.ConnectionError):
        person.call("POST", f"{FORMS}/{form_id}:batchUpdate", json={"requests": [
            {"createItem": {"item": QUESTIONS[0], "location": {"index": 0}}}]})
    assert len(person.call("GET", f"{FORMS}/{form_id}").json()["items"]) == 1
