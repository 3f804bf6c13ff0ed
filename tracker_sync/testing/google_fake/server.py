"""GoogleFake: a loopback HTTP server that answers the Sheets v4, Drive v3, Forms v1 and OAuth endpoints.

Stateful (spreadsheets, Drive files, shared drives and who may open them, forms and their responses,
accounts, issued tokens; see :mod:`tracker_sync.testing.google_fake.drive`,
:mod:`tracker_sync.testing.google_fake.forms` and :mod:`tracker_sync.testing.google_fake.accounts`), with a bounded request
log for exact call counts, scripted faults (429 with Retry-After, 5xx, slow answers, connection
resets) and, when asked, Google's Sheets quota (see :mod:`tracker_sync.testing.google_fake.limits`).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import secrets
import socket
import struct
import threading
import time
import weakref
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests

from tracker_sync.testing.google_fake.a1 import apply_field_mask, parse_field_mask
from tracker_sync.testing.google_fake.accounts import Accounts, Caller, service_account_client_id
from tracker_sync.testing.google_fake.answers import (
    ApiAnswer,
    drive_error,
    error_body,
    not_implemented,
    permission_denied,
    quota_exceeded_body,
)
from tracker_sync.testing.google_fake.batch import apply_batch
from tracker_sync.testing.google_fake.discovery import Contract
from tracker_sync.testing.google_fake.drive import (
    EDIT_ROLES,
    FOLDER_MIME,
    FORM_MIME,
    SPREADSHEET_MIME,
    DriveFile,
    SharedDrive,
    file_not_found,
    list_page,
    no_account_to_notify,
    query_matches,
    storage_quota_exceeded,
    user_resource,
)
from tracker_sync.testing.google_fake.forms import FORMS_PATH, FormsState, has_form_scope, reaches_every_form, scope_insufficient
from tracker_sync.testing.google_fake.forms import not_found as form_not_found
from tracker_sync.testing.google_fake.limits import (
    QuotaWindows,
    SheetsQuota,
    project_of,
)
from tracker_sync.testing.google_fake.log import LoggedRequest, RequestLog
from tracker_sync.testing.google_fake.sheets import (
    InvalidRequest,
    NotModelled,
    Sheet,
    Spreadsheet,
)

__all__ = ["ApiAnswer", "Fault", "GoogleFake", "LoggedRequest", "SheetsQuota", "error_body"]


@dataclass(frozen=True)
class Fault:
    """One scripted failure, used by the next request whose ``METHOD path`` contains ``match``.

    kind: "status" (answer ``status`` with Google's error body, and ``Retry-After`` if set),
    "slow" (wait ``delay`` seconds, then answer normally), "reset" (drop the connection unanswered)
    or "lost" (do what was asked, then drop the connection before answering: the caller cannot tell
    whether it happened, as when a connection dies while Google's answer is on its way).
    A 429 answers Google's per-user quota error for a read (GET) or a write (anything else).
    """

    kind: str = "status"
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    match: str = ""

    @classmethod
    def http(cls, status: int, *, retry_after: float | None = None, match: str = "") -> Fault:
        return cls("status", status, retry_after, match=match)

    @classmethod
    def slow(cls, delay: float, *, match: str = "") -> Fault:
        return cls("slow", delay=delay, match=match)

    @classmethod
    def reset(cls, *, match: str = "") -> Fault:
        return cls("reset", match=match)

    @classmethod
    def lost(cls, *, match: str = "") -> Fault:
        return cls("lost", match=match)

    def body(self, method: str, caller: str) -> dict:
        if self.status == 429:
            return quota_exceeded_body("read" if method == "GET" else "write", "user", SheetsQuota().read_per_user,
                                       project_of(caller))
        return error_body(self.status, _FAULT_MESSAGES.get(self.status, "Backend error."))


_FAULT_MESSAGES = {500: "Internal error encountered.", 503: "The service is currently unavailable."}
DEFAULT_SERVICE_ACCOUNT = "tracker-sync@fake-project.iam.gserviceaccount.com"
CONSENT_PATH = "/o/oauth2/auth"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Invalid JSON payload received. Unexpected token.\n{name}")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"Invalid JSON payload received. Unexpected token: number out of range.\n{text}")
    return value


class GoogleFake:
    """The Google Sheets/Drive fake. Use as a context manager, or call start() and stop().

    ``base_url`` is where it listens (http://127.0.0.1:PORT). Point a
    :class:`tracker_sync.backends.google.transport.GoogleHTTPClient` at it with ``api_base=fake.base_url``
    (or use :meth:`service_account_info` plus :func:`tracker_sync.backends.google.workbook.open_google`).
    ``quota``: enforce Google's Sheets quota (a :class:`SheetsQuota`; off when None), see
    :meth:`enforce_quota`. ``log_keep`` / ``log_bodies``: how many requests the log keeps, and how
    many of the latest keep their body (counts are always exact).
    """

    def __init__(self, *, quota: SheetsQuota | None = None, log_keep: int = 10_000, log_bodies: int = 20) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.log = RequestLog(log_keep, log_bodies)
        self.drives: dict[str, SharedDrive] = {}
        self.accounts = Accounts()
        self.forms = FormsState()
        self.quota: QuotaWindows | None = None
        self.contract = Contract.pinned()  # Google's discovery documents: requests that break them get Google's 400
        self._tabs: weakref.WeakValueDictionary[bytes, Sheet] = weakref.WeakValueDictionary()  # stored tabs by content
        self._faults: list[Fault] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.enforce_quota(quota)

    # -- lifecycle --

    def start(self, port: int = 0) -> GoogleFake:
        """Serve on 127.0.0.1 (loopback only), on `port` or any free one. OSError if the port is taken."""
        handler = type("_Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="google-fake", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GoogleFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- test helpers --

    def script(self, *faults: Fault) -> None:
        """Queue faults; each is used once, by the first later request it matches."""
        with self._lock:
            self._faults.extend(faults)

    def enforce_quota(self, quota: SheetsQuota | None = SheetsQuota(), *, clock=time.monotonic) -> None:
        """From now on, refuse Sheets requests over ``quota`` (Google's defaults); None turns it off."""
        with self._lock:
            self.quota = QuotaWindows(quota, clock) if quota is not None else None

    @property
    def token_scopes(self) -> dict[str, list[str]]:
        """Every issued access token and the scopes it was asked for."""
        return {token: list(caller.scopes) for token, caller in self.accounts.tokens.items()}

    def add_shared_drive(self, name: str = "Shared drive", members: dict[str, str] | None = None, *,
                         drive_id: str | None = None) -> str:
        """A shared drive (an admin made it in Drive) with ``members`` {email: role}; returns its id.
        Roles: organizer (Manager), fileOrganizer (Content manager), writer (Contributor), commenter, reader."""
        with self._lock:
            drive = SharedDrive(drive_id or "0A" + secrets.token_urlsafe(12)[:15] + "Uk9PVA", name, dict(members or {}))
            self.drives[drive.id] = drive
            return drive.id

    def add_folder(self, name: str = "Folder", owner: str = "person@school.org", *, parent: str | None = None) -> str:
        """A folder someone made by hand: in ``owner``'s My Drive, or in a shared drive or folder (``parent``)."""
        with self._lock:
            drive = self.drives.get(parent or "") or (self.files[parent].drive if parent in self.files else None)
            folder = DriveFile(self._new_file_id(), name, FOLDER_MIME, None if drive else owner, [parent or "root"],
                               drive=drive, apps={(owner, "drive.google.com")})
            self.files[folder.id] = folder
            return folder.id

    def add_person(self, *emails: str) -> None:
        """People with a Google account (a personal one, or a Workspace's not modelled as one)."""
        self.accounts.people.update(emails)

    def add_workspace(self, domain: str, users: list[str]) -> None:
        """A Google Workspace (a district's domain) and its users."""
        self.accounts.add_workspace(domain, users)

    def grant_delegation(self, domain: str, client_id: str, scopes: list[str]) -> None:
        """What the Workspace admin does in the Admin console: domain-wide delegation of ``scopes`` to ``client_id``."""
        self.accounts.grant_delegation(domain, client_id, scopes)

    def oauth_client(self, project: str = "fake-project") -> dict:
        """A Desktop-app OAuth client's JSON (client_secret.json, as Cloud console downloads it)."""
        client_id, secret = self.accounts.add_oauth_client()
        return {"installed": {"client_id": client_id, "project_id": project, "client_secret": secret,
                              "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                              "token_uri": "https://oauth2.googleapis.com/token",
                              "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                              "redirect_uris": ["http://localhost"]}}

    def sign_in(self, person: str, allow: list[str] | None = None) -> None:
        """Who is signed in to the browser the consent page opens in; ``allow``: the scopes they tick (all if None)."""
        self.accounts.sign_in(person, allow)

    def approve(self, authorization_url: str, person: str | None = None) -> requests.Response:
        """Play the browser of the signed-in person (or sign ``person`` in first): open Google's consent page
        (here), allow, follow the redirect to the app's loopback address. Returns the app's answer to the browser."""
        if person is not None:
            self.sign_in(person)
        url = urlsplit(authorization_url)
        return requests.get(f"{self.base_url}{CONSENT_PATH}?{url.query}", timeout=30)

    def authorized_user_info(self, person: str, scopes: tuple[str, ...] = ()) -> dict:
        """A person's OAuth credentials as google-auth stores them (authorized_user), as if they had consented."""
        from tracker_sync.backends.google.auth import SCOPES

        client = self.oauth_client()["installed"]
        refresh = self.accounts.refresh_token_for(person, client["client_id"], scopes or SCOPES)
        return {"type": "authorized_user", "client_id": client["client_id"], "client_secret": client["client_secret"],
                "refresh_token": refresh, "account": person}

    def submit_response(self, form_id: str, respondent: str, answers: dict[str, Any]) -> str:
        """``respondent`` fills in the published form on their phone: ``answers`` by question title (a
        string, or a list for a checkbox question). Refused (ValueError) as the form would refuse it:
        not published or accepting, not a responder, an answer the question does not allow, a required
        question unanswered. Returns the response id."""
        with self._lock:
            file = self.files.get(form_id)
            if file is None or file.mime_type != FORM_MIME:
                raise ValueError(f"no form {form_id}")
            if not self.accounts.has_google_account(respondent) or not file.responder(respondent):
                raise ValueError(f"{respondent} may not respond to this form (it is restricted to its responders)")
            return self.forms.submit(form_id, respondent, answers)

    def edit_response(self, form_id: str, response_id: str, answers: dict[str, Any]) -> None:
        """The respondent edits their response (the form's "Edit your response" link): ``answers`` change."""
        with self._lock:
            self.forms.edit_response(form_id, response_id, answers)

    def edit_form(self, form_id: str, edit: Any) -> None:
        """Someone changes the form in the Forms editor: ``edit(items)`` changes its item list in place."""
        with self._lock:
            self.forms.edit_items(form_id, edit)

    def open_with_app(self, file_id: str, person: str, client_id: str) -> None:
        """A person opens the file with the app (Google Picker): drive.file reaches it from then on."""
        with self._lock:
            self.files[file_id].apps.add((person, client_id))

    def calls(self, api: str | None = None) -> list[LoggedRequest]:
        """Logged API requests since clear_log() (token requests left out unless api='oauth').

        Raises LogTruncated when the log no longer holds them all; :meth:`count` is always exact.
        """
        return self.log.entries(api)

    def count(self, api: str | None = None) -> int:
        """How many requests (of one api) arrived since clear_log(); exact however many there were."""
        return self.log.count(api)

    def clear_log(self) -> None:
        self.log.clear()

    def service_account_info(self, email: str = DEFAULT_SERVICE_ACCOUNT) -> dict:
        """A service-account JSON (fresh RSA key) whose token requests this fake answers."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return {"type": "service_account", "project_id": project_of(email), "private_key_id": secrets.token_hex(20),
                "private_key": pem, "client_email": email, "client_id": service_account_client_id(email),
                "token_uri": "https://oauth2.googleapis.com/token"}

    # -- state --

    def _new_file_id(self) -> str:
        return "1" + secrets.token_urlsafe(32)[:43]

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.match in f"{method} {path}":
                    self._faults.remove(fault)
                    return fault
        return None

    def _book(self, spreadsheet_id: str, caller: Caller, *, write: bool = False) -> Spreadsheet:
        """The spreadsheet, if the caller may open it (and change it, for a write); else Google's 404 or 403."""
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiAnswer(404, error_body(404, "Requested entity was not found."))
        file = self.files.get(spreadsheet_id)
        if file is not None and not (file.writable_by(caller.email) if write else file.readable_by(caller.email)):
            raise permission_denied()
        return book

    def _store(self, spreadsheet_id: str, book: Spreadsheet, caller: Caller) -> None:
        """Keep a written version; Drive sees the change (modifiedTime, lastModifyingUser, name).

        A tab the write made that equals one already stored anywhere (the same Summary written to a
        thousand copies of one tracker) is replaced by that one: stored tabs never change, so equal
        tabs can be one object, and the fake's memory follows distinct content, not schools.
        """
        before = {id(sheet) for sheet in self.spreadsheets[spreadsheet_id].sheets}
        for index, sheet in enumerate(book.sheets):
            if id(sheet) not in before:
                book.sheets[index] = self._tabs.setdefault(sheet.digest(), sheet)
        self.spreadsheets[spreadsheet_id] = book
        if file := self.files.get(spreadsheet_id):
            file.name = book.title
            file.touched_by(caller.email)

    def _file(self, file_id: str, caller: Caller, all_drives: bool) -> DriveFile:
        """A Drive file the caller's Drive calls reach (else 404, as if absent): a shared drive's only
        with supportsAllDrives, and under drive.file only what the app created or the person opened with it."""
        file = self.files.get(file_id)
        if file is None or (file.drive and not all_drives) or not file.reachable_by(caller):
            raise file_not_found(file_id)
        return file

    def _parent(self, parent: str, caller: Caller, all_drives: bool) -> SharedDrive | None:
        """Where a new file goes: its shared drive, or None for a My Drive. The caller must be able to add to it."""
        if parent == "root":
            return None
        if parent in self.drives or (parent in self.files and self.files[parent].drive):
            drive = self.drives.get(parent) or self.files[parent].drive
            assert drive is not None
            if not all_drives or caller.email not in drive.members:
                raise file_not_found(parent)
            if drive.members[caller.email] not in EDIT_ROLES:
                raise self._insufficient(parent)
            return drive
        folder = self._file(parent, caller, all_drives)
        if not folder.writable_by(caller.email):
            raise self._insufficient(parent)
        return None

    def _discoverable(self, parent: str, caller: Caller, all_drives: bool) -> bool:
        """Whether a copy inherits its source's parent: only one the caller can see (else it goes to their My Drive)."""
        if parent in self.drives:
            return all_drives and caller.email in self.drives[parent].members
        folder = self.files.get(parent)
        return folder is not None and (all_drives or folder.drive is None) and folder.reachable_by(caller)

    def _create_file(self, name: str, mime_type: str, parents: list[str], caller: Caller, all_drives: bool) -> DriveFile:
        """A new file: in a shared drive (owned by the drive), else in a My Drive and owned by the caller,
        which a service account acting as itself may not be (Google's storage rule)."""
        if len(parents) > 1:
            raise not_implemented("a file with more than one parent")
        parent = parents[0] if parents else "root"
        drive = self._parent(parent, caller, all_drives)
        if drive is None and caller.service_account:
            raise storage_quota_exceeded()
        file = DriveFile(self._new_file_id(), name, mime_type, None if drive else caller.email, [parent], drive=drive,
                         last_modifier=caller.email, apps={(caller.email, caller.client_id)})
        self.files[file.id] = file
        if mime_type == SPREADSHEET_MIME:
            self.spreadsheets[file.id] = Spreadsheet.new(file.id, name, caller.email)
        if mime_type == FORM_MIME:
            self.forms.made_in_drive(file.id, name)
        return file

    # -- routes: (status, body) --

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if path == "/token":
            return self.accounts.token(body if isinstance(body, dict) else {}, headers.get("authorization", ""))
        if path == CONSENT_PATH:
            raise ApiAnswer(*self.accounts.authorize({k: v[-1] for k, v in query.items()}))  # a redirect, with its Location
        caller = self._check_token(headers.get("authorization", ""))
        if refusal := self.contract.refusal(method, path, query, body):
            raise refusal
        if self.quota is not None and path.startswith("/v4/"):
            self.quota.admit(caller.email, "read" if method == "GET" else "write")
        with self._lock:
            if path.startswith("/v4/"):
                return self._sheets_route(method, path, query, body, caller)
            if path.startswith(FORMS_PATH):
                return self._forms_route(method, path, query, body, caller)
            return self._drive_route(method, path, query, body, caller)

    def _forms_route(self, method: str, path: str, query: dict[str, list[str]], body: Any, caller: Caller) -> tuple[int, Any]:
        """Forms v1: the methods tracker-sync calls (see google_fake.forms); each needs one of its scopes."""
        one = {k: v[-1] for k, v in query.items()}
        known = self.contract.method(method, path)
        if known is not None and not has_form_scope(caller, known.scopes):
            raise scope_insufficient()
        if path == FORMS_PATH and method == "POST":
            if caller.service_account:  # it would own the form in a My Drive it has no storage in
                raise permission_denied()
            file = self._create_file((body or {}).get("info", {}).get("documentTitle")
                                     or (body or {}).get("info", {}).get("title")
                                     or "Untitled form", FORM_MIME, [], caller, False)
            try:
                return 200, self.forms.create(file.id, body, one.get("unpublished"))
            except ApiAnswer:
                del self.files[file.id]
                raise
        m = re.fullmatch(FORMS_PATH + r"/([^/:]+)(:batchUpdate|:setPublishSettings|/responses)?", path)
        if m is None or known is None:
            raise not_implemented(f"{method} {path}")
        self._form_file(m[1], caller, write=method == "POST")
        if m[2] is None and method == "GET":
            return 200, (apply_field_mask(self.forms.get(m[1]), parse_field_mask(one["fields"])) if "fields" in one
                         else self.forms.get(m[1]))
        if m[2] == ":batchUpdate":
            reply = self.forms.batch_update(m[1], body)
            self.files[m[1]].touched_by(caller.email)
            return 200, reply
        if m[2] == ":setPublishSettings":
            return 200, self.forms.set_publish_settings(m[1], body)
        if m[2] == "/responses" and method == "GET":
            return 200, self.forms.list_responses(m[1], one)
        raise not_implemented(f"{method} {path}")

    def _form_file(self, form_id: str, caller: Caller, *, write: bool) -> None:
        """The form's Drive file, if the caller may open it (and change it, for a write); else Google's 404
        or 403. Under drive.file only the forms the app made are reachable, as in Drive."""
        file = self.files.get(form_id)
        if file is None or form_id not in self.forms.forms or not file.readable_by(caller.email):
            raise form_not_found()
        if not reaches_every_form(caller) and (caller.email, caller.client_id) not in file.apps:
            raise form_not_found()
        if write and not file.writable_by(caller.email):
            raise permission_denied()

    def _sheets_route(self, method: str, path: str, query: dict[str, list[str]], body: Any, caller: Caller) -> tuple[int, Any]:
        one = {k: v[-1] for k, v in query.items()}
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)", path):
            if method != "GET":
                raise ApiAnswer(404, error_body(404, "Method not found."))
            book = self._book(m[1], caller)
            return 200, self._sheets_call(lambda: book.get(
                ranges=query.get("ranges", []), include_grid_data=one.get("includeGridData", "false").lower() == "true",
                fields=one.get("fields")))
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+):batchUpdate", path):
            book = self._book(m[1], caller, write=True)
            new_book, reply = self._sheets_call(lambda: apply_batch(book, body or {}))
            self._store(m[1], new_book, caller)
            return 200, reply
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values:batchGet", path):
            book = self._book(m[1], caller)
            ranges = [self._sheets_call(lambda r=r: book.values_get(r, **self._render(one))) for r in query.get("ranges", [])]
            return 200, {"spreadsheetId": book.id, "valueRanges": ranges}
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values/(.+):clear", path):
            new_book = self._book(m[1], caller, write=True).fork()
            reply = self._sheets_call(lambda: new_book.values_clear(unquote(m[2])))
            self._store(m[1], new_book.settle(), caller)
            return 200, reply
        if (m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values/(.+)", path)) and not re.search(r":[a-z][A-Za-z]*$", m[2]):
            if method == "GET":
                book = self._book(m[1], caller)
                return 200, self._sheets_call(lambda: book.values_get(unquote(m[2]), **self._render(one)))
            if method == "PUT":
                new_book = self._book(m[1], caller, write=True).fork()
                reply = self._sheets_call(lambda: new_book.values_update(
                    unquote(m[2]), (body or {}).get("values", []), one.get("valueInputOption", "")))
                self._store(m[1], new_book.settle(), caller)
                return 200, reply
        raise not_implemented(f"{method} {path}")

    def _drive_route(self, method: str, path: str, query: dict[str, list[str]], body: Any, caller: Caller) -> tuple[int, Any]:
        one = {k: v[-1] for k, v in query.items()}
        payload = body or {}
        all_drives = one.get("supportsAllDrives", "false").lower() == "true"
        if path == "/drive/v3/about" and method == "GET":
            if "fields" not in one:
                raise drive_error(400, "The 'fields' parameter is required for this method.", "required",
                                  location="fields", locationType="parameter")
            about = {"kind": "drive#about", "user": user_resource(caller.email, caller.email)}
            return 200, apply_field_mask(about, parse_field_mask(one["fields"]))
        if path == "/drive/v3/files" and method == "GET":
            return 200, self._list_files(one, caller)
        if path == "/drive/v3/files" and method == "POST":
            file = self._create_file(payload.get("name") or "Untitled spreadsheet", payload.get("mimeType", ""),
                                     payload.get("parents") or [], caller, all_drives)
            return 200, self._short(file, caller)
        if m := re.fullmatch(r"/drive/v3/files/([^/]+)/copy", path):
            source = self._file(m[1], caller, all_drives)
            inherited = [p for p in source.parents[:1] if self._discoverable(p, caller, all_drives)]
            copied = self._create_file(payload.get("name") or f"Copy of {source.name}", source.mime_type,
                                       payload.get("parents") or inherited, caller, all_drives)
            if source.id in self.spreadsheets:
                self.spreadsheets[copied.id] = self.spreadsheets[source.id].drive_copy(copied.id, copied.name, caller.email)
            return 200, self._short(copied, caller)
        if m := re.fullmatch(r"/drive/v3/files/([^/]+)/permissions", path):
            file = self._file(m[1], caller, all_drives)
            if method == "GET":
                return 200, self._permissions(file, one, caller)
            if method == "POST":
                return 200, self._share(file, payload, one, caller)
        if m := re.fullmatch(r"/drive/v3/files/([^/]+)/permissions/([^/]+)", path):
            if method == "DELETE":
                self._unshare(self._file(m[1], caller, all_drives), m[2], caller)
                return 204, None
            if method == "PATCH":
                return 200, self._change_role(self._file(m[1], caller, all_drives), m[2], payload, caller)
        if m := re.fullmatch(r"/drive/v3/files/([^/]+)", path):
            file = self._file(m[1], caller, all_drives)
            if method == "DELETE":
                if not ({"owner", "organizer", "fileOrganizer"} & file._roles_of(caller.email)):
                    raise self._insufficient(file.id)
                del self.files[file.id]
                self.spreadsheets.pop(file.id, None)
                return 204, None
            if method == "GET":
                resource = file.resource(caller)
                return 200, (apply_field_mask(resource, parse_field_mask(one["fields"])) if "fields" in one
                             else self._short(file, caller))
            if method == "PATCH":
                self._move(file, one, payload, caller, all_drives)
                resource = file.resource(caller)
                return 200, (apply_field_mask(resource, parse_field_mask(one["fields"])) if "fields" in one
                             else self._short(file, caller))
        raise not_implemented(f"{method} {path}")

    def _move(self, file: DriveFile, one: dict[str, str], payload: dict, caller: Caller, all_drives: bool) -> None:
        """files.update moving a file (addParents / removeParents); any other change is not modelled.
        Into a shared drive only its owner may move a My Drive file, and only where they may add files."""
        if set(payload) - {"name"} or set(one) - {"addParents", "removeParents", "supportsAllDrives", "fields"}:
            raise not_implemented("files.update beyond a rename or a move (addParents, removeParents)")
        if not file.writable_by(caller.email):
            raise self._insufficient(file.id)
        if payload.get("name"):
            file.name = payload["name"]
        added = [p for p in one.get("addParents", "").split(",") if p]
        removed = [p for p in one.get("removeParents", "").split(",") if p]
        if len(added) > 1 or len(set(file.parents) - set(removed)) + len(added) > 1:
            raise not_implemented("a file with more than one parent")
        if added:
            drive = self._parent(added[0], caller, all_drives)
            if drive is not file.drive and file.owner != caller.email:
                raise self._insufficient(file.id)
            file.drive, file.owner = drive, (None if drive else file.owner)
            file.parents = [p for p in file.parents if p not in removed] + added
        file.touched_by(caller.email)

    def _list_files(self, one: dict[str, str], caller: Caller) -> dict:
        """files.list: the files the caller's Drive calls reach that match ``q`` (shared drives' only when
        asked for with includeItemsFromAllDrives and supportsAllDrives), one page of them, then ``fields``."""
        all_drives = all(one.get(name, "false").lower() == "true" for name in ("supportsAllDrives", "includeItemsFromAllDrives"))
        matches = [f for f in self.files.values()
                   if query_matches(f, one.get("q", "")) and (all_drives or f.drive is None) and f.reachable_by(caller)]
        page, following = list_page(matches, one)
        listing: dict[str, Any] = {"kind": "drive#fileList", **({"nextPageToken": following} if following else {}),
                                   "incompleteSearch": False}
        if "fields" in one:
            listing["files"] = [f.resource(caller) for f in page]
            return apply_field_mask(listing, parse_field_mask(one["fields"]))
        return {**listing, "files": [self._short(f, caller) for f in page]}

    def _share(self, file: DriveFile, payload: dict, one: dict[str, str], caller: Caller) -> dict:
        if not file.writable_by(caller.email):
            raise self._insufficient(file.id)
        if payload.get("type") not in ("user", "group", "domain", "anyone") or payload.get("role") not in (
                "owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"):
            raise drive_error(400, "Invalid permission type or role.", "invalid")
        notify = one.get("sendNotificationEmail", "true").lower() == "true"
        email = payload.get("emailAddress", "")
        if payload["type"] == "user" and not notify and not self.accounts.has_google_account(email):
            raise no_account_to_notify(email)
        view = payload.get("view")
        if view is not None and (view != "published" or file.mime_type != FORM_MIME or payload["role"] != "reader"):
            raise not_implemented("a permission view other than a form's published reader (its responders)")
        if payload["type"] == "domain" and not payload.get("domain"):
            raise drive_error(400, "The domain of a domain permission is required.", "required", location="permission.domain")
        held = next((p for p in file.permissions if p["type"] == payload["type"] and p.get("view") == view
                     and ((payload["type"] == "user" and p.get("emailAddress") == email)
                          or (payload["type"] == "domain" and p.get("domain") == payload.get("domain")))), None)
        if held is not None:  # Drive keeps one permission per user (and per domain): sharing again changes its role
            held["role"] = payload["role"]
            return {k: held[k] for k in ("kind", "id", "type", "role")}
        # A user's permission id is their permissionId (the same on every file), as Drive's are.
        permission_id = user_resource(email, caller.email)["permissionId"] if payload["type"] == "user" else str(next(self._ids))
        permission = {"kind": "drive#permission", "id": permission_id, "type": payload["type"],
                      "role": payload["role"], **({"emailAddress": email} if email else {}),
                      **({"domain": payload["domain"]} if payload["type"] == "domain" else {}),
                      **({"view": view} if view else {})}
        file.permissions.append({**permission, "sendNotificationEmail": str(notify).lower()})
        return {k: permission[k] for k in ("kind", "id", "type", "role", "view") if k in permission}

    def _permissions(self, file: DriveFile, one: dict[str, str], caller: Caller) -> dict:
        """permissions.list: the owner's permission (a shared drive's members instead, inherited from the
        drive), then every one given; pages of ``pageSize`` (at most 100)."""
        if not file.writable_by(caller.email):
            raise self._insufficient(file.id)
        place = [{"kind": "drive#permission", "id": user_resource(file.owner, caller.email)["permissionId"], "type": "user",
                  "role": "owner", "emailAddress": file.owner}] if file.owner else []
        if file.drive is not None:
            place = [{"kind": "drive#permission", "id": user_resource(email, caller.email)["permissionId"], "type": "user",
                      "role": role, "emailAddress": email,
                      "permissionDetails": [{"permissionType": "member", "role": role, "inherited": True,
                                             "inheritedFrom": file.drive.id}]}
                     for email, role in file.drive.members.items()]
        every = [*place, *({k: v for k, v in p.items() if k != "sendNotificationEmail"} for p in file.permissions)]
        page, following = list_page(every, {**one, "pageSize": one.get("pageSize", "100")})
        if int(one.get("pageSize", 100)) > 100:  # permissions.list pages hold at most 100
            raise drive_error(400, "Invalid value for pageSize", "invalid", location="pageSize", locationType="parameter")
        listing = {"kind": "drive#permissionList", **({"nextPageToken": following} if following else {}), "permissions": page}
        if "fields" in one:
            return apply_field_mask(listing, parse_field_mask(one["fields"]))
        return {**listing, "permissions": [{k: p[k] for k in ("kind", "id", "type", "role")} for p in page]}

    def _unshare(self, file: DriveFile, permission_id: str, caller: Caller) -> None:
        """permissions.delete: only someone who may share the file; an id the file does not hold is 404."""
        if not file.writable_by(caller.email):
            raise self._insufficient(file.id)
        held = [p for p in file.permissions if p["id"] == permission_id]
        if not held:
            raise drive_error(404, f"Permission not found: {permission_id}.", "notFound", location="permissionId",
                              locationType="parameter")
        file.permissions.remove(held[0])

    def _change_role(self, file: DriveFile, permission_id: str, payload: dict, caller: Caller) -> dict:
        """permissions.update: a new role for one permission given on the file (not the owner's, not one a
        shared drive's member inherits: those are refused, as Drive refuses them)."""
        if not file.writable_by(caller.email):
            raise self._insufficient(file.id)
        unknown = set(payload) - {"role"}
        if unknown:
            raise not_implemented(f"permissions.update of {', '.join(sorted(unknown))}")
        permission = next((p for p in file.permissions if p["id"] == permission_id), None)
        if permission is None:
            raise drive_error(404, f"Permission not found: {permission_id}.", "notFound", location="permissionId",
                              locationType="parameter")
        if payload.get("role") not in ("writer", "commenter", "reader"):
            raise drive_error(400, "Invalid permission type or role.", "invalid")
        permission["role"] = payload["role"]
        return {k: permission[k] for k in ("kind", "id", "type", "role")}

    @staticmethod
    def _insufficient(file_id: str) -> ApiAnswer:
        return drive_error(403, f"The user does not have sufficient permissions for file {file_id}.",
                           "insufficientFilePermissions")

    @staticmethod
    def _short(file: DriveFile, caller: Caller) -> dict:
        """The fields Drive returns when no ``fields`` are asked for."""
        resource = file.resource(caller)
        return {k: resource[k] for k in ("kind", "id", "name", "mimeType")}

    @staticmethod
    def _render(one: dict[str, str]) -> dict[str, str]:
        return {"value_render": one.get("valueRenderOption", "FORMATTED_VALUE"),
                "date_render": one.get("dateTimeRenderOption", "SERIAL_NUMBER"),
                "major_dimension": one.get("majorDimension", "ROWS")}

    @staticmethod
    def _sheets_call(call):
        try:
            return call()
        except NotModelled as exc:
            raise not_implemented(str(exc)) from exc
        except (InvalidRequest, ValueError) as exc:
            raise ApiAnswer(400, error_body(400, str(exc))) from exc

    # -- auth --

    @staticmethod
    def _bearer(authorization: str) -> str:
        """The token of an Authorization header."""
        return authorization.removeprefix("Bearer ").strip()

    def _check_token(self, authorization: str) -> Caller:
        """Who a token this fake issued belongs to; 401 otherwise."""
        if caller := self.accounts.caller(self._bearer(authorization)):
            return caller
        raise ApiAnswer(401, error_body(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                             "token, login cookie or other valid authentication credential."))

    def _caller_email(self, headers: dict[str, str]) -> str:
        caller = self.accounts.caller(self._bearer(headers.get("authorization", "")))
        return caller.email if caller else ""


class _Handler(BaseHTTPRequestHandler):
    fake: GoogleFake
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Without this, Nagle's algorithm holds each small answer until the client's delayed ACK
        # (~40 ms a request on loopback); Google's front ends answer at once.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _body(self, headers: dict[str, str]) -> Any:
        """The request body: a form, JSON (NaN and Infinity refused, as Google's parser does), or text."""
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        if "application/x-www-form-urlencoded" in headers.get("content-type", ""):
            return {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        try:
            return json.loads(raw, parse_constant=_reject_constant, parse_float=_finite)
        except ValueError as exc:
            if "Unexpected token" in str(exc):
                raise ApiAnswer(400, error_body(400, str(exc))) from exc
            return raw.decode(errors="replace")

    def _serve(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        out_headers: dict[str, str] = {}
        body: Any = None
        fault = self.fake._take_fault(self.command, url.path) if url.path not in ("/token", CONSENT_PATH) else None
        try:
            body = self._body(headers)
            if fault and fault.kind == "reset":
                self._record(url.path, query, body, 0, "reset")
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            if fault and fault.kind == "slow":
                time.sleep(fault.delay)
            if fault and fault.kind == "lost":
                try:
                    self.fake.handle(self.command, url.path, query, body, headers)
                except ApiAnswer:
                    pass
                self._record(url.path, query, body, 0, "lost")
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            if fault and fault.kind == "status":
                status, answer = fault.status, fault.body(self.command, self.fake._caller_email(headers))
                if fault.retry_after is not None:
                    out_headers["Retry-After"] = f"{fault.retry_after:g}"
            else:
                status, answer = self.fake.handle(self.command, url.path, query, body, headers)
        except ApiAnswer as exc:
            status, answer, out_headers = exc.code, exc.body, exc.headers
        self._record(url.path, query, body, status, fault.kind if fault else "")
        self._answer(status, answer, out_headers)

    def _answer(self, status: int, answer: Any, headers: dict[str, str]) -> None:
        try:  # Google only ever sends standard JSON: a NaN or Infinity here is a bug in the fake
            payload = b"" if answer is None else json.dumps(answer, ensure_ascii=False, allow_nan=False).encode() + b"\n"
        except ValueError as exc:
            status, headers = 500, {}
            payload = json.dumps(error_body(500, f"The Google fake built an answer that is not standard JSON ({exc})")).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _record(self, path: str, query: dict, body: Any, status: int, fault: str) -> None:
        if path == "/token" and isinstance(body, dict):
            body = {"grant_type": body.get("grant_type")}  # never keep assertions or secrets in the log
        self.fake.log.add(LoggedRequest(self.command, path, query, body, status, fault))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve
