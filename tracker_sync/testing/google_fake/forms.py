"""Google Forms v1 as the fake keeps it: forms (a Drive file each), their items, settings, publish
state and responses, and the Forms routes tracker-sync uses.

What the fake answers, in the shapes of Google's Forms API reference (developers.google.com/workspace/forms):

* ``forms.create``: only ``info.title`` and ``info.documentTitle`` may be set ("All other fields
  including the form description, items and settings are disallowed"); the form is a Drive file in
  the caller's My Drive. A service account acting as itself owns no Drive storage, so the fake
  refuses its create as Drive refuses its spreadsheets (403; Google's documents do not word this
  case for Forms, so the fake answers with google.rpc's PERMISSION_DENIED). ``unpublished`` unset
  leaves the form unpublished (the 2026 change: API-made forms are unpublished until
  ``setPublishSettings``). A form can also be made with Drive's ``files.create`` (its mime type);
* ``forms.get``, ``forms.batchUpdate`` (``updateFormInfo``, ``updateSettings``, ``createItem``,
  ``updateItem``, ``deleteItem``; ``writeControl.requiredRevisionId`` refuses a stale revision with
  400, as the reference says; ``includeFormInResponse``), ``forms.setPublishSettings``;
* ``forms.responses.list``: ``filter`` ``timestamp > T`` or ``timestamp >= T`` (RFC 3339 UTC, on
  ``lastSubmittedTime``), ``pageSize`` (at most 5,000, the default), ``pageToken`` (refused when the
  filter changed). Google "may return fewer than" pageSize: :attr:`FormsState.page_limit` makes the
  fake do so, so paging is tested with a few dozen responses. Responses come oldest first, without
  ``formId`` (the reference: "not returned in the FormResponse object for list requests");
* everything else (watches, ``responses.get``, ``moveItem``, quizzes) is refused with 501.

Who may call: the form's Drive permissions (owner, shared-drive members, editors); under the
``drive.file`` scope only forms the app created (as Drive, else 404 "Requested entity was not
found."); a token whose scopes the method does not list gets Google's 403
ACCESS_TOKEN_SCOPE_INSUFFICIENT. Respondents (the test hooks :meth:`FormsState.submit` and
:meth:`FormsState.edit_response`) answer as a person does in the form: the form must be published and
accepting, the person must be a responder (a Drive permission with ``view: published`` naming them,
their Workspace domain, or anyone), and each answer must be one the question allows.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker_sync.testing.google_fake.accounts import Caller
from tracker_sync.testing.google_fake.answers import ApiAnswer, error_body, not_implemented
from tracker_sync.testing.google_fake.sheets import copy_json, set_masked

FORMS_PATH = "/v1/forms"
MAX_PAGE_SIZE = 5000
_SCOPE = "https://www.googleapis.com/auth/"
_FULL_FORM_SCOPES = frozenset(_SCOPE + s for s in ("drive", "forms.body", "forms.body.readonly", "forms.responses.readonly",
                                                    "drive.readonly"))
_FILTER = re.compile(r"^\s*timestamp\s*(>=|>)\s*(\S+)\s*$")
_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$")
_QUESTION_KINDS = ("choiceQuestion", "dateQuestion", "scaleQuestion", "textQuestion", "timeQuestion", "ratingQuestion",
                   "fileUploadQuestion", "rowQuestion")
_ITEM_KINDS = ("questionItem", "questionGroupItem", "pageBreakItem", "textItem", "imageItem", "videoItem")


def not_found() -> ApiAnswer:
    return ApiAnswer(404, error_body(404, "Requested entity was not found."))


def bad_request(message: str) -> ApiAnswer:
    return ApiAnswer(400, error_body(400, message))


def scope_insufficient() -> ApiAnswer:
    """Google's answer to a token without any scope the method lists."""
    body = error_body(403, "Request had insufficient authentication scopes.")
    body["error"]["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                                 "domain": "googleapis.com", "metadata": {"service": "forms.googleapis.com"}}]
    return ApiAnswer(403, body)


def timestamp_key(text: str) -> tuple[dt.datetime, int]:
    """An RFC 3339 UTC ("Zulu") timestamp as a sortable key, to the nanosecond; ValueError otherwise."""
    match = _RFC3339.match(text)
    if match is None:
        raise ValueError(text)
    return dt.datetime.fromisoformat(match[1]), int((match[2] or "0").ljust(9, "0"))


@dataclass
class StoredResponse:
    """One person's response, as the form keeps it: answers by question id, each a list of strings."""

    id: str
    respondent: str
    created: str
    submitted: str
    answers: dict[str, list[str]]

    def resource(self, *, email: bool) -> dict:
        """A FormResponse as responses.list gives it (no formId)."""
        return {"responseId": self.id, "createTime": self.created, "lastSubmittedTime": self.submitted,
                **({"respondentEmail": self.respondent} if email else {}),
                "answers": {qid: {"questionId": qid, "textAnswers": {"answers": [{"value": v} for v in values]}}
                            for qid, values in self.answers.items()}}


@dataclass
class StoredForm:
    id: str
    title: str
    document_title: str
    description: str = ""
    settings: dict = field(default_factory=dict)
    items: list[dict] = field(default_factory=list)
    revision: int = 1
    published: bool = False
    accepting: bool = False
    responder_id: str = field(default_factory=lambda: "1FAIpQL" + secrets.token_urlsafe(40)[:49])
    responses: list[StoredResponse] = field(default_factory=list)

    @property
    def revision_id(self) -> str:
        return f"{self.revision:08d}"

    @property
    def responder_uri(self) -> str:
        return f"https://docs.google.com/forms/d/e/{self.responder_id}/viewform"

    def resource(self) -> dict:
        """The Form as forms.get returns it (empty fields left out, as proto3 JSON does)."""
        info = {"title": self.title, "documentTitle": self.document_title,
                **({"description": self.description} if self.description else {})}
        return {"formId": self.id, "info": {k: v for k, v in info.items() if v}, "settings": copy_json(self.settings),
                "revisionId": self.revision_id, "responderUri": self.responder_uri,
                **({"items": copy_json(self.items)} if self.items else {}),
                "publishSettings": {"publishState": self.publish_state()}}

    def publish_state(self) -> dict:
        return {"isPublished": self.published, "isAcceptingResponses": self.accepting}

    def questions(self) -> dict[str, tuple[str, dict]]:
        """question id -> (the title a respondent sees, the Question): grid rows by their row's title."""
        out: dict[str, tuple[str, dict]] = {}
        for item in self.items:
            if "questionItem" in item:
                question = item["questionItem"]["question"]
                out[question["questionId"]] = (item.get("title", ""), question)
            for row in item.get("questionGroupItem", {}).get("questions", []):
                out[row["questionId"]] = (f"{item.get('title', '')} [{row['rowQuestion']['title']}]",
                                          {**row, "choiceQuestion": item["questionGroupItem"]["grid"]["columns"]})
        return out


class FormsState:
    """Every form the fake holds, with the calls on them. The server takes its lock around each call."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.forms: dict[str, StoredForm] = {}
        self.page_limit = MAX_PAGE_SIZE  # Google "may return fewer than" pageSize: tests lower this to page
        self._clock = clock
        self._last_stamp = 0
        self._hex = itertools.count(0x3A51C0DE)

    # -- ids and times --

    def new_hex_id(self) -> str:
        """An item or question id: eight hex digits, as Google's are."""
        return f"{next(self._hex):08x}"

    def now(self) -> str:
        """RFC 3339 UTC with microseconds, strictly increasing (two submissions never share a timestamp)."""
        micros = max(int(self._clock() * 1_000_000), self._last_stamp + 1)
        self._last_stamp = micros
        moment = dt.datetime.fromtimestamp(micros / 1_000_000, dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # -- routes --

    def create(self, form_id: str, body: Any, unpublished: str | None) -> dict:
        """forms.create, after the server made the form's Drive file ``form_id``."""
        payload = body if isinstance(body, dict) else {}
        info = payload.get("info") or {}
        extra = sorted(set(payload) - {"info"}) + sorted(f"info.{k}" for k in set(info) - {"title", "documentTitle"})
        if extra:
            raise bad_request(f"Only info.title and info.document_title can be set when creating a form, not {', '.join(extra)}: "
                              "add items and settings with forms.batchUpdate.")
        if not info.get("title"):
            raise bad_request("info.title is required.")
        form = StoredForm(form_id, info["title"], info.get("documentTitle") or info["title"])
        form.published = form.accepting = (unpublished or "").lower() == "false"
        self.forms[form_id] = form
        return form.resource()

    def made_in_drive(self, form_id: str, name: str) -> None:
        """A blank form made with Drive's files.create: its title is empty, its document title the file's name."""
        self.forms[form_id] = StoredForm(form_id, "", name)

    def get(self, form_id: str) -> dict:
        return self._form(form_id).resource()

    def batch_update(self, form_id: str, body: Any) -> dict:
        form = self._form(form_id)
        payload = body if isinstance(body, dict) else {}
        requests = payload.get("requests")
        if not isinstance(requests, list) or not requests:
            raise bad_request("Must specify at least one request.")
        required = (payload.get("writeControl") or {}).get("requiredRevisionId")
        if required is not None and required != form.revision_id:
            raise bad_request(f"The form's revision is {form.revision_id}, not {required}: it changed since it was read. "
                              "Get the form again and retry.")
        work = StoredForm(**{**form.__dict__, "settings": copy_json(form.settings), "items": copy_json(form.items)})
        replies = []
        for index, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise bad_request(f"Invalid requests[{index}]: exactly one request kind must be set.")
            (kind, params), = request.items()
            handler = _HANDLERS.get(kind)
            if handler is None:
                raise not_implemented(f"the forms.batchUpdate request {kind} (requests[{index}])")
            try:
                replies.append(handler(self, work, params or {}))
            except _Invalid as exc:
                raise bad_request(f"Invalid requests[{index}].{kind}: {exc}") from exc
        work.revision += 1
        self.forms[form_id] = work
        reply: dict[str, Any] = {"replies": replies, "writeControl": {"requiredRevisionId": work.revision_id}}
        if payload.get("includeFormInResponse"):
            reply["form"] = work.resource()
        return reply

    def set_publish_settings(self, form_id: str, body: Any) -> dict:
        form = self._form(form_id)
        settings = (body or {}).get("publishSettings") if isinstance(body, dict) else None
        state = (settings or {}).get("publishState")
        if not isinstance(state, dict) or "isPublished" not in state or "isAcceptingResponses" not in state:
            raise bad_request("publish_settings.publish_state must set both is_published and is_accepting_responses.")
        if state["isAcceptingResponses"] and not state["isPublished"]:
            raise bad_request("A form that is not published cannot accept responses.")
        form.published, form.accepting = bool(state["isPublished"]), bool(state["isAcceptingResponses"])
        form.revision += 1
        return {"formId": form.id, "publishSettings": {"publishState": form.publish_state()}}

    def list_responses(self, form_id: str, query: Mapping[str, str]) -> dict:
        form = self._form(form_id)
        text = query.get("filter", "")
        keep: Callable[[StoredResponse], bool] = lambda r: True  # noqa: E731
        if text:
            match = _FILTER.match(text)
            try:
                bound = timestamp_key(match[2]) if match else None
            except ValueError:
                bound = None
            if match is None or bound is None:
                raise bad_request(f"Invalid filter: {text!r}. The filters supported are timestamp > N and timestamp >= N, "
                                  "N in RFC 3339 UTC (e.g. 2014-10-02T15:01:23Z).")
            strict = match[1] == ">"
            keep = lambda r: timestamp_key(r.submitted) > bound if strict else timestamp_key(r.submitted) >= bound  # noqa: E731
        size = int(query.get("pageSize") or 0) or MAX_PAGE_SIZE
        if size < 0:
            raise bad_request("page_size must not be negative.")
        size = min(size, MAX_PAGE_SIZE, self.page_limit)
        start = 0
        if token := query.get("pageToken"):
            try:
                state = json.loads(base64.urlsafe_b64decode(token))
                start, same = int(state["start"]), state["filter"] == text
            except (ValueError, KeyError, TypeError):
                raise bad_request("Invalid page token.") from None
            if not same:
                raise bad_request("The filter must be the same as in the request that returned the page token.")
        matches = sorted((r for r in form.responses if keep(r)), key=lambda r: timestamp_key(r.created))
        page = matches[start:start + size]
        out: dict[str, Any] = {}
        if page:
            collected = form.settings.get("emailCollectionType") in ("VERIFIED", "RESPONDER_INPUT")
            out["responses"] = [r.resource(email=collected) for r in page]
        if start + size < len(matches):
            out["nextPageToken"] = base64.urlsafe_b64encode(json.dumps({"start": start + size, "filter": text}).encode()).decode()
        return out

    def _form(self, form_id: str) -> StoredForm:
        form = self.forms.get(form_id)
        if form is None:
            raise not_found()
        return form

    # -- respondents (test hooks) --

    def submit(self, form_id: str, respondent: str, answers: Mapping[str, Any]) -> str:
        """A person fills in and submits the form: ``answers`` by question title (a grid row as
        'Grid title [Row title]'), each a string or a list of strings. Returns the response id."""
        form = self._form(form_id)
        if not (form.published and form.accepting):
            raise ValueError(f"the form {form_id} is not accepting responses (publish it with setPublishSettings)")
        stamp = self.now()
        response = StoredResponse("ACYDBN" + secrets.token_urlsafe(60)[:72], respondent, stamp, stamp,
                                  self._answers(form, answers))
        form.responses.append(response)
        return response.id

    def edit_response(self, form_id: str, response_id: str, answers: Mapping[str, Any]) -> None:
        """The respondent opens their response again and changes ``answers`` (others stay); lastSubmittedTime moves."""
        form = self._form(form_id)
        response = next(r for r in form.responses if r.id == response_id)
        titles = {title: qid for qid, (title, _) in form.questions().items()}
        merged = {title: response.answers[qid] for title, qid in titles.items() if qid in response.answers}
        response.answers = self._answers(form, {**merged, **answers})
        response.submitted = self.now()

    def edit_items(self, form_id: str, edit: Callable[[list[dict]], None]) -> None:
        """Someone changes the form in the Forms editor (moves, adds, changes items): a new revision."""
        form = self._form(form_id)
        edit(form.items)
        form.revision += 1

    def _answers(self, form: StoredForm, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        questions = form.questions()
        by_title = {title: qid for qid, (title, _) in questions.items()}
        out: dict[str, list[str]] = {}
        for title, value in answers.items():
            if title not in by_title:
                raise ValueError(f"the form has no question {title!r}")
            values = [str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if str(v) != ""]
            if values:
                out[by_title[title]] = _allowed(title, questions[by_title[title]][1], values)
        missing = [title for qid, (title, question) in questions.items() if question.get("required") and qid not in out]
        if missing:
            raise ValueError(f"required questions unanswered: {', '.join(missing)}")
        return out


def _allowed(title: str, question: dict, values: list[str]) -> list[str]:
    """The answers a person can give to ``question`` (the form's own checks), else ValueError."""
    if "choiceQuestion" in question:
        choice = question["choiceQuestion"]
        options = [o.get("value") for o in choice.get("options", [])]
        if choice.get("type") != "CHECKBOX" and len(values) > 1:
            raise ValueError(f"{title!r} takes one answer")
        if any(v not in options for v in values) and not any(o.get("isOther") for o in choice.get("options", [])):
            raise ValueError(f"{title!r}: {values} is not among its options")
    elif "scaleQuestion" in question:
        scale = question["scaleQuestion"]
        if len(values) != 1 or not values[0].isdigit() or not scale.get("low", 0) <= int(values[0]) <= scale["high"]:
            raise ValueError(f"{title!r}: {values} is not on its scale {scale.get('low', 0)}-{scale['high']}")
    elif "dateQuestion" in question:
        date = question["dateQuestion"]
        pattern = r"\d{4}-\d{2}-\d{2}" if date.get("includeYear") else r"\d{2}-\d{2}"
        if len(values) != 1 or not re.fullmatch(pattern + (r" \d{2}:\d{2}" if date.get("includeTime") else ""), values[0]):
            raise ValueError(f"{title!r}: {values} is not a date as the form takes it")
    elif "textQuestion" in question:
        if len(values) != 1:
            raise ValueError(f"{title!r} takes one answer")
    else:
        raise ValueError(f"{title!r}: the fake's respondent does not answer this kind of question")
    return values


class _Invalid(Exception):
    """A request of a batch that Google would refuse (its batch is refused whole)."""


def _check_item(item: Any, state: FormsState) -> dict:
    """A new item as the form stores it: one kind, its questions valid and given ids."""
    if not isinstance(item, dict):
        raise _Invalid("item must be an object")
    kinds = [k for k in _ITEM_KINDS if k in item]
    if len(kinds) != 1:
        raise _Invalid("an item must have exactly one kind (questionItem, questionGroupItem, pageBreakItem, textItem, ...)")
    if kinds[0] in ("imageItem", "videoItem"):
        raise not_implemented(f"items of kind {kinds[0]}")
    stored = copy_json(item)
    stored.setdefault("itemId", state.new_hex_id())
    if kinds[0] == "questionItem":
        stored["questionItem"]["question"] = _check_question(stored["questionItem"].get("question"), state)
    elif kinds[0] == "questionGroupItem":
        group = stored["questionGroupItem"]
        grid = group.get("grid")
        if not grid or grid.get("columns", {}).get("type") not in ("RADIO", "CHECKBOX") or not grid["columns"].get("options"):
            raise not_implemented("a question group that is not a grid of RADIO or CHECKBOX columns")
        if not group.get("questions") or any("rowQuestion" not in q for q in group["questions"]):
            raise _Invalid("a grid's questions must all be rowQuestion")
        group["questions"] = [{**q, "questionId": q.get("questionId") or state.new_hex_id()} for q in group["questions"]]
    return stored


def _check_question(question: Any, state: FormsState) -> dict:
    if not isinstance(question, dict):
        raise _Invalid("questionItem.question is required")
    kinds = [k for k in _QUESTION_KINDS if k in question]
    if len(kinds) != 1:
        raise _Invalid("a question must have exactly one kind")
    kind = kinds[0]
    if kind in ("timeQuestion", "ratingQuestion", "fileUploadQuestion", "rowQuestion") or "grading" in question:
        raise not_implemented(f"questions of kind {kind}" + (" with grading" if "grading" in question else ""))
    body = question[kind]
    if kind == "choiceQuestion":
        options = body.get("options") or []
        if body.get("type") not in ("RADIO", "CHECKBOX", "DROP_DOWN"):
            raise _Invalid("choiceQuestion.type must be RADIO, CHECKBOX or DROP_DOWN")
        if not options or any(not o.get("value") for o in options):
            raise _Invalid("a choice question needs at least one option, each with a value")
        values = [o["value"] for o in options]
        if len(set(values)) != len(values):
            raise _Invalid("the options of a choice question must be distinct")
    if kind == "scaleQuestion" and not (body.get("low", 0) in (0, 1) and 2 <= body.get("high", 0) <= 10):
        raise _Invalid("a scale goes from 0 or 1 to a number from 2 to 10")
    return {**copy_json(question), "questionId": question.get("questionId") or state.new_hex_id()}


def _at(form: StoredForm, location: Any, *, new: bool = False) -> int:
    index = (location or {}).get("index") if isinstance(location, dict) else None
    if not isinstance(index, int) or not 0 <= index <= len(form.items) - (0 if new else 1):
        raise _Invalid(f"location.index {index!r} is out of range: the form has {len(form.items)} items")
    return index


def _create_item(state: FormsState, form: StoredForm, params: dict) -> dict:
    index = _at(form, params.get("location"), new=True)
    item = _check_item(params.get("item"), state)
    form.items.insert(index, item)
    ids = [q["questionId"] for q in _item_questions(item)]
    return {"createItem": {"itemId": item["itemId"], **({"questionId": ids} if ids else {})}}


def _item_questions(item: Mapping[str, Any]) -> Iterable[dict]:
    if "questionItem" in item:
        yield item["questionItem"]["question"]
    yield from item.get("questionGroupItem", {}).get("questions", [])


def _update_item(state: FormsState, form: StoredForm, params: dict) -> dict:
    index = _at(form, params.get("location"))
    mask = params.get("updateMask") or ""
    if not mask:
        raise _Invalid("update_mask is required")
    item = copy_json(form.items[index])
    set_masked(item, params.get("item") or {}, mask)
    form.items[index] = _check_item(item, state)
    return {}


def _delete_item(state: FormsState, form: StoredForm, params: dict) -> dict:
    del form.items[_at(form, params.get("location"))]
    return {}


def _update_settings(state: FormsState, form: StoredForm, params: dict) -> dict:
    mask = params.get("updateMask") or ""
    if not mask:
        raise _Invalid("update_mask is required: at least one field must be specified")
    if "quizSettings" in mask or "*" in mask and "quizSettings" in (params.get("settings") or {}):
        raise not_implemented("quiz settings")
    set_masked(form.settings, params.get("settings") or {}, mask)
    return {}


def _update_form_info(state: FormsState, form: StoredForm, params: dict) -> dict:
    mask = params.get("updateMask") or ""
    info = params.get("info") or {}
    if not mask:
        raise _Invalid("update_mask is required: at least one field must be specified")
    if "documentTitle" in mask or "document_title" in mask:
        raise _Invalid("document_title cannot be changed by a batchUpdate; rename the file with the Drive API")
    current = {"title": form.title, "description": form.description}
    set_masked(current, info, mask)
    form.title, form.description = current.get("title", ""), current.get("description", "")
    return {}


_HANDLERS: dict[str, Callable[[FormsState, StoredForm, dict], dict]] = {
    "createItem": _create_item, "updateItem": _update_item, "deleteItem": _delete_item,
    "updateSettings": _update_settings, "updateFormInfo": _update_form_info,
}


def has_form_scope(caller: Caller, method_scopes: Iterable[str]) -> bool:
    return bool(set(caller.scopes) & set(method_scopes))


def reaches_every_form(caller: Caller) -> bool:
    """A token whose scopes open every form the person may open (not only the app's own, as drive.file does)."""
    return bool(_FULL_FORM_SCOPES & set(caller.scopes))
