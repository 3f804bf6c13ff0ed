"""GoogleFake: a loopback HTTP server that answers the Sheets v4, Drive v3 and OAuth token endpoints.

Stateful (spreadsheets, Drive files, permissions, issued tokens), with a request log for exact call
counts and scripted faults (429 with Retry-After, 5xx, slow answers, connection resets).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tracker_sync.google_fake.a1 import apply_field_mask, parse_field_mask
from tracker_sync.google_fake.batch import apply_batch
from tracker_sync.google_fake.sheets import InvalidPayload, InvalidRequest, Spreadsheet

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"


@dataclass(frozen=True)
class Fault:
    """One scripted failure, used by the next request whose ``METHOD path`` contains ``match``.

    kind: "status" (answer ``status`` with Google's error body, and ``Retry-After`` if set),
    "slow" (wait ``delay`` seconds, then answer normally) or "reset" (drop the connection unanswered).
    """

    kind: str = "status"
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    match: str = ""

    @classmethod
    def http(cls, status: int, *, retry_after: float | None = None, match: str = "") -> "Fault":
        return cls("status", status, retry_after, match=match)

    @classmethod
    def slow(cls, delay: float, *, match: str = "") -> "Fault":
        return cls("slow", delay=delay, match=match)

    @classmethod
    def reset(cls, *, match: str = "") -> "Fault":
        return cls("reset", match=match)


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake received: what was asked, what it answered, and which fault it met."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    fault: str = ""

    @property
    def api(self) -> str:
        if self.path == "/token":
            return "oauth"
        return "sheets" if self.path.startswith("/v4/") else "drive"

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}{' (' + self.fault + ')' if self.fault else ''}"


_STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                 408: "DEADLINE_EXCEEDED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE",
                 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
_FAULT_MESSAGES = {429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user'.",
                   500: "Internal error encountered.", 503: "The service is currently unavailable."}


def error_body(code: int, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": _STATUS_NAMES.get(code, "UNKNOWN")}}


class ApiAnswer(Exception):
    """Raised inside a route to answer with an error status and body."""

    def __init__(self, code: int, body: dict, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.code, self.body, self.headers = code, body, headers or {}


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str] = field(default_factory=list)
    permissions: list[dict] = field(default_factory=list)
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()))

    def resource(self) -> dict:
        return {"kind": "drive#file", "id": self.id, "name": self.name, "mimeType": self.mime_type,
                "parents": list(self.parents), "createdTime": self.created, "modifiedTime": self.created,
                "permissions": list(self.permissions)}


class GoogleFake:
    """The Google Sheets/Drive fake. Use as a context manager, or call start() and stop().

    ``base_url`` is where it listens (http://127.0.0.1:PORT). Point a
    :class:`tracker_sync.backends.google_http.GoogleHTTPClient` at it with ``api_base=fake.base_url``
    (or use :meth:`service_account_info` plus :func:`tracker_sync.backends.google.open_google`).
    """

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.log: list[LoggedRequest] = []
        self.token_scopes: dict[str, list[str]] = {}  # every issued token and the scopes it was asked for
        self.token_owner: dict[str, str] = {}
        self._faults: list[Fault] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --

    def start(self, port: int = 0) -> "GoogleFake":
        """Serve on 127.0.0.1 (loopback only), on `port` or any free one."""
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

    def __enter__(self) -> "GoogleFake":
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

    def add_folder(self, name: str = "Folder") -> str:
        """A Drive folder that provisioning may create spreadsheets in; returns its id."""
        with self._lock:
            folder = DriveFile(self._new_file_id(), name, FOLDER_MIME)
            self.files[folder.id] = folder
            return folder.id

    def calls(self, api: str | None = None) -> list[LoggedRequest]:
        """Logged API requests (token requests left out unless api='oauth')."""
        return [r for r in self.log if (r.api == api if api else r.api != "oauth")]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    def service_account_info(self, email: str = "tracker-sync@fake-project.iam.gserviceaccount.com") -> dict:
        """A service-account JSON (fresh RSA key) whose token requests this fake answers."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return {"type": "service_account", "project_id": "fake-project", "private_key_id": secrets.token_hex(20),
                "private_key": pem, "client_email": email, "client_id": "1" * 21,
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

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiAnswer(404, error_body(404, "Requested entity was not found."))
        return book

    def _file(self, file_id: str) -> DriveFile:
        file = self.files.get(file_id)
        if file is None:
            raise ApiAnswer(404, {"error": {"code": 404, "message": f"File not found: {file_id}.", "errors": [
                {"message": f"File not found: {file_id}.", "domain": "global", "reason": "notFound",
                 "location": "fileId", "locationType": "parameter"}]}})
        return file

    def _create_file(self, name: str, mime_type: str, parents: list[str], owner: str) -> DriveFile:
        for parent in parents:
            if parent != "root":
                self._file(parent)
        file = DriveFile(self._new_file_id(), name, mime_type, parents or ["root"])
        self.files[file.id] = file
        if mime_type == SPREADSHEET_MIME:
            self.spreadsheets[file.id] = Spreadsheet.new(file.id, name, owner)
        return file

    # -- routes: (status, body) --

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if path == "/token":
            return self._token(body)
        caller = self._check_token(headers.get("authorization", ""))
        with self._lock:
            return self._route(method, path, query, body, caller)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any, caller: str) -> tuple[int, Any]:
        one = {k: v[-1] for k, v in query.items()}
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)", path):
            if method != "GET":
                raise ApiAnswer(404, error_body(404, "Method not found."))
            book = self._book(m[1])
            return 200, self._sheets_call(lambda: book.get(
                ranges=query.get("ranges", []), include_grid_data=one.get("includeGridData", "false").lower() == "true",
                fields=one.get("fields")))
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+):batchUpdate", path):
            book = self._book(m[1])
            new_book, reply = self._sheets_call(lambda: apply_batch(book, body or {}))
            self.spreadsheets[m[1]] = new_book
            return 200, reply
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values:batchGet", path):
            book = self._book(m[1])
            ranges = [self._sheets_call(lambda r=r: book.values_get(r, **self._render(one))) for r in query.get("ranges", [])]
            return 200, {"spreadsheetId": book.id, "valueRanges": ranges}
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values/([^:]+):clear", path):
            new_book = self._book(m[1]).fork()
            reply = self._sheets_call(lambda: new_book.values_clear(unquote(m[2])))
            self.spreadsheets[m[1]] = new_book.settle()
            return 200, reply
        if m := re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values/([^:]+)", path):
            book = self._book(m[1])
            if method == "GET":
                return 200, self._sheets_call(lambda: book.values_get(unquote(m[2]), **self._render(one)))
            if method == "PUT":
                new_book = book.fork()
                reply = self._sheets_call(lambda: new_book.values_update(
                    unquote(m[2]), (body or {}).get("values", []), one.get("valueInputOption", "")))
                self.spreadsheets[m[1]] = new_book.settle()
                return 200, reply
        if path == "/drive/v3/files" and method == "GET":
            matches = [f for f in self.files.values() if _drive_query_matches(f, one.get("q", ""))]
            listing = {"kind": "drive#fileList", "incompleteSearch": False, "files": [
                {k: f.resource()[k] for k in ("kind", "id", "name", "mimeType")} for f in matches]}
            if "fields" in one:
                listing = apply_field_mask({**listing, "files": [f.resource() for f in matches]}, parse_field_mask(one["fields"]))
            return 200, listing
        if path == "/drive/v3/files" and method == "POST":
            payload = body or {}
            file = self._create_file(payload.get("name") or "Untitled spreadsheet", payload.get("mimeType", ""),
                                     payload.get("parents") or [], caller)
            return 200, {k: file.resource()[k] for k in ("kind", "id", "name", "mimeType")}
        if m := re.fullmatch(r"/drive/v3/files/([^/]+)/copy", path):
            source = self._file(m[1])
            payload = body or {}
            copy_ = self._create_file(payload.get("name") or f"Copy of {source.name}", source.mime_type,
                                      payload.get("parents") or source.parents, caller)
            if source.id in self.spreadsheets:
                book = self.spreadsheets[source.id].clone()
                book.id, book.title, book.owner = copy_.id, copy_.name, caller
                self.spreadsheets[copy_.id] = book
            return 200, {k: copy_.resource()[k] for k in ("kind", "id", "name", "mimeType")}
        if m := re.fullmatch(r"/drive/v3/files/([^/]+)/permissions", path):
            file = self._file(m[1])
            payload = body or {}
            if payload.get("type") not in ("user", "group", "domain", "anyone") or payload.get("role") not in (
                    "owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"):
                raise ApiAnswer(400, {"error": {"code": 400, "message": "Invalid permission type or role.", "errors": [
                    {"message": "Invalid permission type or role.", "domain": "global", "reason": "invalid"}]}})
            permission = {"kind": "drive#permission", "id": str(next(self._ids)), "type": payload["type"],
                          "role": payload["role"], **({"emailAddress": payload["emailAddress"]} if "emailAddress" in payload else {})}
            file.permissions.append({**permission, "sendNotificationEmail": one.get("sendNotificationEmail", "true")})
            return 200, {k: permission[k] for k in ("kind", "id", "type", "role")}
        if m := re.fullmatch(r"/drive/v3/files/([^/]+)", path):
            file = self._file(m[1])
            if method == "DELETE":
                del self.files[file.id]
                self.spreadsheets.pop(file.id, None)
                return 204, None
            resource = file.resource()
            if "fields" in one:
                return 200, apply_field_mask(resource, parse_field_mask(one["fields"]))
            return 200, {k: resource[k] for k in ("kind", "id", "name", "mimeType")}
        raise ApiAnswer(404, error_body(404, f"The Google fake does not implement {method} {path}."))

    @staticmethod
    def _render(one: dict[str, str]) -> dict[str, str]:
        return {"value_render": one.get("valueRenderOption", "FORMATTED_VALUE"),
                "date_render": one.get("dateTimeRenderOption", "SERIAL_NUMBER"),
                "major_dimension": one.get("majorDimension", "ROWS")}

    @staticmethod
    def _sheets_call(call):
        try:
            return call()
        except InvalidPayload as exc:
            body = error_body(400, str(exc))
            body["error"]["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                         "fieldViolations": [{"field": exc.field_name, "description": str(exc)}]}]
            raise ApiAnswer(400, body) from exc
        except (InvalidRequest, ValueError) as exc:
            raise ApiAnswer(400, error_body(400, str(exc))) from exc

    # -- auth --

    def _token(self, form: Any) -> tuple[int, Any]:
        form = form or {}
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            payload = form.get("assertion", "").split(".")
            try:
                claims = json.loads(base64.urlsafe_b64decode(payload[1] + "=" * (-len(payload[1]) % 4)))
            except (IndexError, ValueError):
                return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            scopes, email = claims.get("scope", "").split(), claims.get("iss", "")
        elif grant == "refresh_token":
            scopes, email = form.get("scope", "").split(), form.get("client_id", "user@example.org")
        else:
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: " + grant}
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        with self._lock:
            self.token_scopes[token] = scopes
            self.token_owner[token] = email
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _check_token(self, authorization: str) -> str:
        """The caller's email for a token this fake issued; 401 otherwise."""
        token = authorization.removeprefix("Bearer ").strip()
        if token in self.token_owner:
            return self.token_owner[token]
        raise ApiAnswer(401, error_body(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                             "token, login cookie or other valid authentication credential."))


_DRIVE_TERM = re.compile(r"""^\s*(?:(name|mimeType)\s*=\s*(["'])(.*)\2|trashed\s*=\s*(true|false)|(["'])([^"']+)\5\s+in\s+parents)\s*$""")


def _drive_query_matches(file: DriveFile, query: str) -> bool:
    """The subset of Drive's ``q`` language the project uses: name/mimeType equality, trashed, 'id' in parents."""
    if not query.strip():
        return True
    for term in re.split(r"\s+and\s+", query.strip()):
        match = _DRIVE_TERM.match(term)
        if match is None:
            raise ApiAnswer(400, {"error": {"code": 400, "message": "Invalid Value", "errors": [
                {"message": "Invalid Value", "domain": "global", "reason": "invalid", "location": "q", "locationType": "parameter"}]}})
        field_name, _, value, trashed, _, parent = match.groups()
        if field_name == "name" and file.name != value.replace("\\'", "'"):
            return False
        if field_name == "mimeType" and file.mime_type != value:
            return False
        if trashed == "true" or (parent is not None and parent not in file.parents):
            return False
    return True


class _Handler(BaseHTTPRequestHandler):
    fake: GoogleFake
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Without this, Nagle's algorithm holds each small answer until the client's delayed ACK
        # (~40 ms a request on loopback); Google's front ends answer at once.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr logging
        return

    def _serve(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        if raw:
            if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
            else:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
        fault = self.fake._take_fault(self.command, url.path) if url.path != "/token" else None
        headers: dict[str, str] = {}
        if fault and fault.kind == "reset":
            self._record(url.path, query, body, 0, "reset")
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault and fault.kind == "slow":
            time.sleep(fault.delay)
        if fault and fault.kind == "status":
            status, answer = fault.status, error_body(fault.status, _FAULT_MESSAGES.get(fault.status, "Backend error."))
            if fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
        else:
            try:
                status, answer = self.fake.handle(self.command, url.path, query, body,
                                                  {k.lower(): v for k, v in self.headers.items()})
            except ApiAnswer as exc:
                status, answer, headers = exc.code, exc.body, exc.headers
        self._record(url.path, query, body, status, fault.kind if fault else "")
        payload = b"" if answer is None else json.dumps(answer, ensure_ascii=False).encode() + b"\n"
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
        with self.fake._lock:
            self.fake.log.append(LoggedRequest(self.command, path, query, body, status, fault))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve
