"""Error answers in Google's shapes, shared by every part of the fake.

A route raises :class:`ApiAnswer` to answer with a status and body. :func:`not_implemented` is the
fake's explicit refusal for what it cannot answer as Google would: 501 with status UNIMPLEMENTED,
the code google.rpc uses for "not implemented or not supported by this service" (Google's own
answer to a method it does not serve), never a 200 that would pretend the request was done.
"""

from __future__ import annotations

import zlib

STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                408: "DEADLINE_EXCEEDED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED",
                502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
SHEETS_SERVICE = "sheets.googleapis.com"
PERMISSION_DENIED_MESSAGE = "The caller does not have permission"


class ApiAnswer(Exception):
    """Raised inside a route to answer with an error status and body."""

    def __init__(self, code: int, body: dict, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.code, self.body, self.headers = code, body, headers or {}


def error_body(code: int, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": STATUS_NAMES.get(code, "UNKNOWN")}}


def not_implemented(what: str) -> ApiAnswer:
    """The fake's refusal: 501 UNIMPLEMENTED naming what it does not model."""
    return ApiAnswer(501, error_body(501, f"Not implemented by the Google fake: {what}."))


def permission_denied() -> ApiAnswer:
    """Sheets' answer for a spreadsheet that exists but is not shared with the caller (a real transcript's body)."""
    return ApiAnswer(403, error_body(403, PERMISSION_DENIED_MESSAGE))


def drive_error(code: int, message: str, reason: str, **where: str) -> ApiAnswer:
    """Drive v3's error shape: no status, an ``errors`` list with domain and reason."""
    detail = {"message": message, "domain": "global", "reason": reason, **where}
    return ApiAnswer(code, {"error": {"code": code, "message": message, "errors": [detail]}})


def project_number(project: str) -> str:
    """A stable 12-digit project number for a project id (Google's consumer ids are numbers)."""
    return str(100_000_000_000 + zlib.crc32(project.encode()) % 900_000_000_000)


def quota_exceeded_body(kind: str, scope: str, limit: int, project: str) -> dict:
    """Google's 429 for a Sheets quota: the message names the metric and limit; an ErrorInfo carries them.

    ``kind`` is "read" or "write", ``scope`` "user" or "project". Shape from Google's answers as quoted
    in public issue threads (RESOURCE_EXHAUSTED, ErrorInfo reason RATE_LIMIT_EXCEEDED, metadata
    quota_metric / quota_limit / quota_limit_value, and a Help link).
    """
    noun = "Read" if kind == "read" else "Write"
    limit_name = f"{noun} requests per minute" + (" per user" if scope == "user" else "")
    number = project_number(project)
    message = (f"Quota exceeded for quota metric '{noun} requests' and limit '{limit_name}' of service "
               f"'{SHEETS_SERVICE}' for consumer 'project_number:{number}'.")
    body = error_body(429, message)
    body["error"]["details"] = [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
         "metadata": {"consumer": f"projects/{number}", "quota_limit": f"{noun}RequestsPerMinutePer{scope.title()}",
                      "quota_limit_value": str(limit), "quota_location": "global",
                      "quota_metric": f"{SHEETS_SERVICE}/{kind}_requests", "service": SHEETS_SERVICE}},
        {"@type": "type.googleapis.com/google.rpc.Help",
         "links": [{"description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase"}]},
    ]
    return body
