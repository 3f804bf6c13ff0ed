"""A school's observation form on Google Forms: made (or repaired) by provision, read by every sync.

The Forms API cannot link a form to a spreadsheet (``linkedSheetId`` is output only), so tracker-sync
keeps the link itself, in the tracker's metadata (keys below), and reads the responses at each sync.
Every call goes through the project's one HTTP client (retries, quota, call counts).

API calls, exactly (asserted in tests/test_google_form.py):

* make a form: 1 Drive ``files.list`` (made before, by a run that stopped half way?); then the form's
  file: ``forms.create`` and a Drive ``files.update`` moving it into the tracker's folder (a person or
  a delegated user: Forms makes it in their My Drive), or one Drive ``files.create`` in the folder (a
  service account, which owns no Drive storage, as for the spreadsheet); then 1 ``forms.batchUpdate``
  (description, verified email collection, every question), 1 Drive ``permissions.create`` (the
  district's domain may respond: a ``published`` view, never "anyone with the link"), 1
  ``forms.setPublishSettings`` (published last, once it is restricted and complete);
* repair: 1 ``forms.get``, and only the steps a run that stopped half way left undone;
* each sync: 1 ``forms.responses.list`` per page (a page holds up to 5,000 responses);
* a sync after the Roster's active teachers changed: 1 ``forms.get`` (where the Teacher question is
  now: a person may have moved it in the Forms editor) + 1 ``forms.batchUpdate`` of its options,
  refused by Google if the form changed in between (``writeControl``).

Scopes: none beyond the tracker's two. Forms v1's discovery document lists ``drive.file`` among the
scopes of forms.create, get, batchUpdate, setPublishSettings and responses.list, and drive.file
reaches the files the app made, the form included.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker_sync.backends.google.drive import DRIVE_FILES, every_item, files_named
from tracker_sync.errors import ApiError, ConfigError
from tracker_sync.form.intake import Intake, Response, active_teachers, take_in
from tracker_sync.form.questions import FormMap, FormQuestion, description, form_questions, options_fingerprint, teacher_options
from tracker_sync.schemas import Rubric, Template
from tracker_sync.tabs import Grid

if TYPE_CHECKING:
    from tracker_sync.backends.google.transport import GoogleHTTPClient

FORMS_API = "https://forms.googleapis.com/v1/forms"
FORM_MIME = "application/vnd.google-apps.form"
#: The tracker's metadata keys for its form (under the tracker_sync. prefix, like its settings).
FORM_ID, FORM_LINK, FORM_MAP = "form_id", "form_link", "form_questions"
FORM_TEACHERS, FORM_CURSOR, FORM_EDITS = "form_teachers", "form_cursor", "form_edits"
TEACHER_OPTIONS_MASK = "questionItem.question.choiceQuestion.options"
_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
#: Google's consumer domains: no Workspace, so no way to keep a form to one organisation.
CONSUMER_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
log = logging.getLogger(__name__)


def form_title(school: str) -> str:
    return f"{school} – observation form"


def check_domain(domain: str, option: str = "--form-domain") -> str:
    """A Google Workspace domain as Drive takes it (lower case), or a ConfigError naming the option."""
    text = domain.strip().lower().removeprefix("@")
    if not _DOMAIN.fullmatch(text):
        raise ConfigError(f"{option} '{domain}' is not a domain name: give your district's Google domain, e.g. district.org.")
    if text in CONSUMER_DOMAINS:
        raise ConfigError(f"{option} '{domain}' is Google's consumer domain: anyone with a Gmail account is in it. Give your "
                          "district's own Google Workspace domain, e.g. district.org.")
    return text


@dataclass(frozen=True)
class Form:
    """A school's form as the tracker records it: its id, the link coaches open, which question fills
    which column, and the Teacher options it was given."""

    id: str
    link: str
    map: FormMap
    teachers: str  # options_fingerprint of the Teacher question's options

    def metadata(self) -> dict[str, str]:
        return {FORM_ID: self.id, FORM_LINK: self.link, FORM_MAP: self.map.to_json(), FORM_TEACHERS: self.teachers}


def _form_file(http: GoogleHTTPClient, title: str, folder_id: str | None) -> str | None:
    """The form named ``title`` this app made before (drive.file lists only those), in the folder; None if none."""
    ids = files_named(http, title, FORM_MIME, folder_id)
    if len(ids) > 1:
        raise ConfigError(f"{len(ids)} forms are named {title!r} ({', '.join(ids)}): delete the extra ones in Drive, then run "
                          "provision again.")
    return ids[0] if ids else None


def _new_form_file(http: GoogleHTTPClient, title: str, folder_id: str | None, *, owns_storage: bool) -> str:
    """A blank form in the tracker's folder: made by Forms and moved there, or made there by Drive (a
    service account acting as itself owns no Drive storage, so it cannot own a form in a My Drive)."""
    from tracker_sync.backends.google.access import create_refused

    if not owns_storage:
        if not folder_id:
            raise ConfigError("A service account can make the form only in a shared drive: give --folder (or [district] "
                              "folder), as for the tracker.")
        try:
            return http.request("post", DRIVE_FILES, params={"supportsAllDrives": True},
                                json={"name": title, "mimeType": FORM_MIME, "parents": [folder_id]}).json()["id"]
        except ApiError as exc:
            raise create_refused(exc, http.auth, folder_id) from exc
    form_id = http.request("post", FORMS_API, params={"unpublished": "true"},
                           json={"info": {"title": title, "documentTitle": title}}).json()["formId"]
    if folder_id:
        http.request("patch", f"{DRIVE_FILES}/{form_id}", params={"addParents": folder_id, "removeParents": "root",
                                                                  "supportsAllDrives": "true", "fields": "id,parents"})
    return form_id


def _get(http: GoogleHTTPClient, form_id: str) -> dict[str, Any] | None:
    try:
        return http.request("get", f"{FORMS_API}/{form_id}").json()
    except ApiError as exc:
        if exc.code == 404:
            return None
        raise


def make_form(http: GoogleHTTPClient, *, school: str, template: Template, rubric: Rubric, teachers: Sequence[str],
              folder_id: str | None, domain: str, known: str | None = None, owns_storage: bool = True,
              scores: bool = True) -> tuple[Form, bool]:
    """The school's form, made or repaired (see the module docstring); True when it was made now.

    ``known``: the form id the tracker records; ``domain``: whose people may respond.
    """
    asked = form_questions(template, rubric, teachers, scores=scores)
    title = form_title(school)
    current = _get(http, known) if known else None
    made = False
    if current is None:
        found = _form_file(http, title, folder_id)
        current = _get(http, found) if found else None
        if current is None:
            current, made = {"formId": _new_form_file(http, title, folder_id, owns_storage=owns_storage)}, True
    form_id = current["formId"]
    if current.get("items"):
        form_map = FormMap.from_items(current["items"], asked)
    else:
        form_map, current = _ask(http, form_id, title, school, template, asked)
    state = current.get("publishSettings", {}).get("publishState", {})
    if not (state.get("isPublished") and state.get("isAcceptingResponses")):
        _open_to(http, form_id, domain)
    return Form(form_id, current.get("responderUri", ""), form_map, options_fingerprint(teacher_options(teachers))), made


def _ask(http: GoogleHTTPClient, form_id: str, title: str, school: str, template: Template,
         asked: Sequence[FormQuestion]) -> tuple[FormMap, dict[str, Any]]:
    """One batchUpdate: the title and description, verified email collection, and every question;
    the form as it is after it (includeFormInResponse), its responder link included."""
    requests: list[dict] = [
        {"updateFormInfo": {"info": {"title": title, "description": description(school, template)},
                            "updateMask": "title,description"}},
        {"updateSettings": {"settings": {"emailCollectionType": "VERIFIED"}, "updateMask": "emailCollectionType"}},
        *({"createItem": {"item": question.item, "location": {"index": index}}} for index, question in enumerate(asked)),
    ]
    reply = http.request("post", f"{FORMS_API}/{form_id}:batchUpdate",
                         json={"includeFormInResponse": True, "requests": requests}).json()
    return FormMap.from_replies(asked, reply["replies"][2:]), reply["form"]


def _open_to(http: GoogleHTTPClient, form_id: str, domain: str) -> None:
    """Responders: the district's domain (a published view of the form, never anyone with the link); then publish."""
    http.request("post", f"{DRIVE_FILES}/{form_id}/permissions",
                 params={"supportsAllDrives": "true", "sendNotificationEmail": "false"},
                 json={"type": "domain", "domain": domain, "role": "reader", "view": "published", "allowFileDiscovery": False})
    http.request("post", f"{FORMS_API}/{form_id}:setPublishSettings", json={
        "publishSettings": {"publishState": {"isPublished": True, "isAcceptingResponses": True}}, "updateMask": "publishState"})


def list_responses(http: GoogleHTTPClient, form_id: str, cursor: str) -> list[dict[str, Any]]:
    """Every response submitted (or submitted again) after ``cursor`` ('' for all): one call per page."""
    params: dict[str, str] = {"filter": f"timestamp > {cursor}"} if cursor else {}
    return every_item(lambda query: http.request("get", f"{FORMS_API}/{form_id}/responses", params=query).json(),
                      params, "responses")


def update_teachers(http: GoogleHTTPClient, form_id: str, form_map: FormMap, options: Sequence[str]) -> bool:
    """Give the Teacher question ``options``: 1 forms.get (where the question is now) + 1 batchUpdate.
    False when the form no longer has that question (someone deleted it in the Forms editor)."""
    current = _get(http, form_id)
    items = (current or {}).get("items", [])
    index = next((i for i, item in enumerate(items) if item.get("itemId") == form_map.teacher_item), None)
    if current is None or index is None:
        return False
    item = {"questionItem": {"question": {"choiceQuestion": {"type": "DROP_DOWN", "options": [{"value": o} for o in options]}}}}
    http.request("post", f"{FORMS_API}/{form_id}:batchUpdate", json={
        "requests": [{"updateItem": {"item": item, "location": {"index": index}, "updateMask": TEACHER_OPTIONS_MASK}}],
        "writeControl": {"requiredRevisionId": current["revisionId"]}})
    return True


class FormSync:
    """The form side of one Google tracker: new responses taken in at a read, appended (with the
    cursor that makes that happen once) by the write that follows, and the Teacher list kept up.

    ``metadata`` here is the tracker's own (the tracker_sync. prefix taken off), ``grids`` what the
    read saw. A read that names no form tab (a Sync Log note) takes nothing in.
    """

    def __init__(self, http: GoogleHTTPClient) -> None:
        self.http = http
        self.intake: Intake | None = None
        self._listed: tuple[str, str, list[dict[str, Any]]] | None = None  # (form id, cursor, responses)
        self._teachers_sent: str | None = None  # the fingerprint this process already gave the form

    def responses(self, form_id: str, cursor: str) -> list[dict[str, Any]]:
        """The responses after ``cursor``, listed once per (form, cursor) however often asked (the district
        runner asks first, to learn whether an unchanged spreadsheet has news on its form)."""
        if self._listed is None or self._listed[:2] != (form_id, cursor):
            self._listed = (form_id, cursor, list_responses(self.http, form_id, cursor))
        return self._listed[2]

    def take_in(self, metadata: Mapping[str, str], grids: Mapping[str, Grid], tabs: Iterable[str]) -> Intake | None:
        """The new responses as rows (kept for the next write), or None without a form or a form tab to read."""
        from tracker_sync.metadata import from_metadata

        self.intake = None
        if not metadata.get(FORM_ID):
            return None
        settings, template = from_metadata(metadata)
        if template.tab_of_kind("observation").name not in set(tabs):
            return None
        cursor = metadata.get(FORM_CURSOR, "")
        responses = [Response.from_api(raw) for raw in self.responses(metadata[FORM_ID], cursor)]
        self.intake = take_in(responses, grids=grids, template=template, settings=settings,
                              form=FormMap.from_json(metadata.get(FORM_MAP, "")), cursor=cursor,
                              stored_edits=metadata.get(FORM_EDITS, ""), link=metadata.get(FORM_LINK, ""),
                              form_id=metadata[FORM_ID])
        self._listed = None  # taken in: the next read lists again, from the cursor it will find
        return self.intake

    def changes(self, metadata: Mapping[str, str]) -> bool:
        """Whether the pending intake changes the tracker (rows to add, or its cursor or flagged edits)."""
        intake = self.intake
        return intake is not None and (bool(intake.rows) or bool(form_cursor_metadata(intake, metadata)))

    def teachers_due(self, metadata: Mapping[str, str], grids: Mapping[str, Grid]) -> list[str] | None:
        """The Teacher options the form should have now, when they differ from what it was given."""
        from tracker_sync.metadata import from_metadata

        if not metadata.get(FORM_ID):
            return None
        settings, template = from_metadata(metadata)
        options = teacher_options(active_teachers(grids, template, settings))
        fingerprint = options_fingerprint(options)
        return None if fingerprint in (metadata.get(FORM_TEACHERS), self._teachers_sent) else options

    def send_teachers(self, metadata: Mapping[str, str], options: Sequence[str]) -> dict[str, str]:
        """Give the form ``options``; the metadata that records it, or {} when it could not be done (the
        sync goes on: its tabs matter more, and the next sync tries again)."""
        try:
            done = update_teachers(self.http, metadata[FORM_ID], FormMap.from_json(metadata.get(FORM_MAP, "")), options)
        except ApiError as exc:
            log.warning("The observation form's Teacher list could not be updated (%s); the next sync tries again.", exc)
            return {}
        if not done:
            log.warning("The observation form has no Teacher question any more (it was deleted in the Forms editor): "
                        "its Teacher list is not kept up to date. Run provision to make a new form.")
        self._teachers_sent = options_fingerprint(options)
        return {FORM_TEACHERS: self._teachers_sent}

    def written(self) -> None:
        """The write that carried the intake is over (landed or not): the next read starts afresh."""
        self.intake = None


def form_cursor_metadata(intake: Intake, metadata: Mapping[str, str]) -> dict[str, str]:
    """What the write that appends ``intake`` stores with its rows: the cursor, and the edits still flagged."""
    stored = {FORM_CURSOR: intake.cursor, FORM_EDITS: intake.edits}
    return {key: value for key, value in stored.items() if value != metadata.get(key, "")}
