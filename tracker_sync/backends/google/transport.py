"""The single choke point for Google I/O: a gspread HTTPClient with a bounded retry policy.

Every Sheets, Drive and token request of the Google backend goes through
:meth:`GoogleHTTPClient.request`, which

* retries 408, 429 and 5xx answers and connection errors (resets, timeouts) with exponential backoff
  and full jitter, honouring ``Retry-After``, within ``max_attempts`` and ``max_elapsed`` seconds
  (gspread 6.2.1's own BackOffHTTPClient retries forever and ignores Retry-After);
* then raises :class:`tracker_sync.errors.ApiError` with Google's code, status and message, chained
  to the gspread/requests exception (callers never see gspread errors);
* counts calls (``calls``: logical API calls, ``attempts``: HTTP requests including retries) and
  the bytes of the answered requests' bodies (``bytes_out`` sent, ``bytes_in`` received);
* asks an optional ``limiter`` (tracker_sync.backends.google.quota.CredentialLimiter) before every Sheets attempt,
  as a read (GET) or a write (anything else): ``acquire(kind)``; on a 429 it tells it which limit
  Google named, per user or per project: ``throttled(kind, scope, retry_after)``, so a district
  stays under Google's quota and a throttled bucket pauses alone. Drive and token requests are
  not limited (Drive's quota is separate and much larger);
* remembers when its last Sheets write landed, on Google's clock (``wrote_at``, from the answer's
  ``Date`` header), so a district pass can compare it with Drive's ``modifiedTime``;
* can send every Google URL to a loopback base (``api_base``) for the Google fake; that rewrite is
  the only difference from production.

gspread and google-auth are imported here, and this module is imported only when a Google tracker
is opened, so ``tracker-sync --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tracker_sync.backends.google.auth import token_refused
from tracker_sync.errors import ApiError, MissingExtra
from tracker_sync.wording import plural

try:  # the google extra: an install for .xlsx trackers only runs without these
    import requests
    from gspread.exceptions import APIError
    from gspread.http_client import HTTPClient
    from requests.adapters import HTTPAdapter
except ImportError as exc:
    raise MissingExtra("google", "Google Sheets", exc.name) from exc

SHEETS_HOST = "sheets.googleapis.com"
FORMS_HOST = "forms.googleapis.com"
GOOGLE_HOSTS = frozenset({SHEETS_HOST, FORMS_HOST, "www.googleapis.com", "oauth2.googleapis.com"})
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
#: Connections kept per host: one session serves every school of a credential, up to this many at once.
POOL_SIZE = 32


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying. Delays: min(max_delay, base_delay * 2**n) * jitter, or Retry-After."""

    max_attempts: int = 5
    max_elapsed: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = field(default=random.random)

    def backoff(self, retry_number: int) -> float:
        """Full-jitter exponential backoff for the n-th retry (1-based), never below half the step."""
        step = min(self.max_delay, self.base_delay * 2 ** (retry_number - 1))
        return step * (0.5 + self.jitter() / 2)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def sheets_request_kind(method: str, url: str) -> str | None:
    """Which of Google's per-minute quotas a request counts against (see tracker_sync.backends.google.quota):
    Sheets "read" (GET) or "write" (anything else); Forms "form_read" (GET), "form_list" (responses.list,
    Google's "expensive read requests") or "form_write"; None for Drive and tokens (Drive's is far larger)."""
    parts = urlsplit(url)
    if parts.hostname == SHEETS_HOST:
        return "read" if method.upper() == "GET" else "write"
    if parts.hostname == FORMS_HOST:
        if method.upper() != "GET":
            return "form_write"
        return "form_list" if parts.path.endswith("/responses") else "form_read"
    return None


def quota_scope(error: Mapping[str, Any]) -> str | None:
    """Which quota a 429 came from: "user" or "project", from the ErrorInfo's quota_limit (e.g.
    ReadRequestsPerMinutePerUser), else from the message's limit name; None when it says neither."""
    for detail in error.get("details") or []:
        limit = str((detail.get("metadata") or {}).get("quota_limit", "")) if isinstance(detail, dict) else ""
        if limit.endswith("PerUser"):
            return "user"
        if limit.endswith("PerProject"):
            return "project"
    message = str(error.get("message", ""))
    if "per minute per user'" in message:
        return "user"
    if "per minute'" in message:
        return "project"
    return None


class _LoopbackAdapter(HTTPAdapter):
    """Sends requests for Google hosts to ``api_base`` instead (same path and query)."""

    def __init__(self, api_base: str) -> None:
        super().__init__(pool_maxsize=POOL_SIZE)
        self.base = urlsplit(api_base)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        if url.hostname in GOOGLE_HOSTS:
            path = "/token" if url.hostname == "oauth2.googleapis.com" else url.path
            request.url = urlunsplit((self.base.scheme, self.base.netloc, path, url.query, ""))
        return super().send(request, *args, **kwargs)


def loopback_adapter(api_base: str) -> HTTPAdapter:
    """A transport adapter that sends every Google API and token request to the loopback ``api_base``."""
    return _LoopbackAdapter(api_base)


def authorized_session(credentials: Any, api_base: str | None = None) -> requests.Session:
    """A google-auth session; with ``api_base``, API and token requests both go to that loopback base."""
    from google.auth.transport.requests import AuthorizedSession, Request

    token_session = requests.Session()
    session = AuthorizedSession(credentials, auth_request=Request(token_session))
    for each in (session, token_session):
        each.mount("https://", _LoopbackAdapter(api_base) if api_base else HTTPAdapter(pool_maxsize=POOL_SIZE))
    return session


class SharedCredentials:
    """One service account's credentials shared by many clients at once (every school of a district pass).

    The key is parsed once and one access token serves every client; a refresh (first use, expiry,
    a 401) runs under a lock, because google-auth's own refresh is not locked and concurrent schools
    would each fetch a token. Everything else is delegated to the wrapped credentials.
    """

    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials
        self._refreshing = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.credentials, name)

    def before_request(self, request: Any, method: str, url: str, headers: dict) -> None:
        with self._refreshing:  # refreshes when the token is missing or expired; only applies it otherwise
            self.credentials.before_request(request, method, url, headers)

    def refresh(self, request: Any) -> None:
        with self._refreshing:
            self.credentials.refresh(request)


class GoogleHTTPClient(HTTPClient):
    """gspread's HTTPClient with bounded retries, call counting and an optional loopback base."""

    def __init__(self, auth: Any, session: requests.Session | None = None, *, retry: RetryPolicy | None = None,
                 api_base: str | None = None, timeout: float | tuple[float, float] = (10.0, 60.0)) -> None:
        super().__init__(auth, session if session is not None else authorized_session(auth, api_base))
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.calls = 0
        self.attempts = 0
        self.limiter: Any = None  # the district's quota for this client's credential; see tracker_sync.backends.google.quota
        self.wrote_at: dt.datetime | None = None
        self.bytes_out = self.bytes_in = 0
        self.by_quota: Counter[str] = Counter()  # calls by quota they count against (sheets_request_kind; "drive")

    def request(self, method: str, endpoint: str, params: Any = None, data: Any = None, json: Any = None,
                files: Any = None, headers: Any = None, *, idempotent: bool = True) -> requests.Response:
        """One API call, retried within the policy. ``idempotent=False`` (a write that appends rows):
        retried only when Google surely did nothing (429, a connection never made), since doing it
        twice would append twice; any other failure is raised for the caller to look before trying again."""
        from google.auth.exceptions import RefreshError, TransportError

        self.calls += 1
        policy = self.retry
        started = policy.clock()
        kind = sheets_request_kind(method, endpoint)
        self.by_quota[kind or "drive"] += 1
        for attempt in range(1, policy.max_attempts + 1):
            self.attempts += 1
            if self.limiter is not None and kind is not None:
                self.limiter.acquire(kind)
            try:
                response = super().request(method, endpoint, params=params, data=data, json=json, files=files, headers=headers)
            except APIError as exc:
                failure: Exception = exc
                if exc.code not in RETRYABLE_STATUS or (not idempotent and exc.code != 429):
                    raise _api_error(exc) from exc
                wait = retry_after_seconds(exc.response.headers)
                if exc.code == 429 and self.limiter is not None and kind is not None:
                    self.limiter.throttled(kind, quota_scope(exc.error if isinstance(exc.error, dict) else {}), wait)
            except RefreshError as exc:  # the token endpoint said no: the credentials, not the moment
                if not exc.retryable:
                    raise token_refused(exc, self.auth) from exc
                failure, wait = exc, None
            except (requests.ConnectionError, requests.Timeout, TransportError) as exc:
                failure, wait = exc, None
                if not idempotent and not isinstance(exc, requests.ConnectTimeout):
                    break
            else:
                if kind == "write":
                    self.wrote_at = _answer_time(response)
                self.bytes_out += len(response.request.body or b"")
                self.bytes_in += len(response.content)
                return response
            wait = policy.backoff(attempt) if wait is None else wait
            elapsed = policy.clock() - started
            if attempt == policy.max_attempts or elapsed + wait > policy.max_elapsed:
                break
            policy.sleep(wait)
        raise _gave_up(failure, attempt, policy.clock() - started, unsure=not idempotent) from failure


def _answer_time(response: requests.Response) -> dt.datetime | None:
    """When Google answered, on Google's clock (the HTTP Date header, whole seconds)."""
    try:
        return email.utils.parsedate_to_datetime(response.headers["Date"])
    except (KeyError, TypeError, ValueError):
        return None


def _api_error(exc: APIError) -> ApiError:
    error = exc.error if isinstance(exc.error, dict) else {}
    return ApiError(int(exc.code), str(error.get("message", exc)), str(error.get("status", "")), error=error or None)


def _gave_up(failure: Exception, attempts: int, elapsed: float, *, unsure: bool = False) -> ApiError:
    """``unsure``: the connection broke after a write that must not be sent twice was sent, so it may have landed."""
    body: dict[str, Any] | None = None
    if isinstance(failure, APIError):
        last = _api_error(failure)
        code, status, what, body = last.code, last.status, last.message, last.error
    else:
        code, status, what = 0, "UNAVAILABLE", "could not reach Google (the connection failed or timed out)"
    outcome = ("Google may or may not have made the write; the next sync sees which, and adds no row twice." if unsure
               else "Nothing was changed; run the sync again later.")
    return ApiError(code, f"{what} — gave up after {plural(attempts, 'attempt')} in {elapsed:.1f} s. {outcome}", status,
                    error=body)
