"""Who is who at the fake Google, and its OAuth endpoints: the token endpoint and a consent page.

The fake knows the kinds of callers Google knows, and answers their token requests with Google's
bodies (public reports quoted in docs/district/google-setup.md and the module tests):

* a **service account** acting as itself (a JWT-bearer grant without ``sub``). Google lets it use the
  APIs but it owns no Drive storage (see :mod:`tracker_sync.testing.google_fake.drive`);
* a service account acting as a **Workspace user** (a JWT with ``sub``: domain-wide delegation). The
  token is refused unless the Workspace's admin console lists the account's client id with every
  scope asked for: 401 ``unauthorized_client`` ("Client is unauthorized to retrieve access tokens
  using this method, or client not authorized for any of the scopes requested."); a ``sub`` that is
  no user of that Workspace gets 400 ``invalid_grant`` ("Invalid email or User ID");
* a **person** through an OAuth client (installed-app flow): the consent page
  ``GET /o/oauth2/auth`` grants, as the person a test signed in (:meth:`Accounts.sign_in`), the
  scopes asked for and redirects to the app's loopback ``redirect_uri`` with a code; the token
  endpoint exchanges the code (PKCE checked) for an access and a refresh token, and refreshes.

Every caller gets an access token that names its email, its scopes and its OAuth client (the app):
Drive's ``drive.file`` scope is per app and person. The JWT's signature is not checked: the fake
trusts the ``iss`` it is given (tests make their own tokens).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from tracker_sync.testing.google_fake.answers import ApiAnswer, error_body

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_URI = "https://oauth2.googleapis.com/token"
AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
SERVICE_ACCOUNT_DOMAIN = ".iam.gserviceaccount.com"
UNAUTHORIZED_CLIENT = ("Client is unauthorized to retrieve access tokens using this method, or client not authorized "
                       "for any of the scopes requested.")


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the email the token acts as, its scopes, the OAuth client (app) it was
    issued to, and whether it is a service account acting as itself (which owns no Drive storage)."""

    email: str
    scopes: tuple[str, ...] = ()
    client_id: str = ""
    service_account: bool = False


def service_account_client_id(email: str) -> str:
    """A service account's OAuth client id (21 digits, as Google's are), stable for its email."""
    digest = int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big")
    return str(100_000_000_000_000_000_000 + digest % 900_000_000_000_000_000_000)


@dataclass
class _Workspace:
    users: set[str] = field(default_factory=set)
    delegations: dict[str, frozenset[str]] = field(default_factory=dict)  # client id -> scopes the admin granted


@dataclass(frozen=True)
class _Consent:
    """What a person allowed an OAuth client: one code or refresh token stands for it."""

    person: str
    client_id: str
    scopes: tuple[str, ...]
    redirect_uri: str = ""
    challenge: str = ""


def _token_error(status: int, error: str, description: str) -> tuple[int, dict]:
    return status, {"error": error, "error_description": description}


class Accounts:
    """The fake's directory (service accounts, Workspaces, people, OAuth clients) and its issued tokens."""

    def __init__(self) -> None:
        self.workspaces: dict[str, _Workspace] = {}
        self.people: set[str] = set()
        self.service_accounts: set[str] = set()  # every service account that got a token
        self.clients: dict[str, str] = {}  # OAuth client id -> secret
        self.tokens: dict[str, Caller] = {}
        self._codes: dict[str, _Consent] = {}
        self._refresh: dict[str, _Consent] = {}
        self._signed_in: tuple[str, tuple[str, ...] | None] | None = None
        self._lock = threading.Lock()

    # -- the directory --

    def has_google_account(self, email: str) -> bool:
        """Whether Google knows the address: a service account, a Workspace user or a person's account."""
        return (email.endswith(SERVICE_ACCOUNT_DOMAIN) or email in self.people or email in self.service_accounts
                or any(email in workspace.users for workspace in self.workspaces.values()))

    def add_workspace(self, domain: str, users: list[str]) -> None:
        self.workspaces.setdefault(domain, _Workspace()).users.update(users)

    def grant_delegation(self, domain: str, client_id: str, scopes: list[str]) -> None:
        """The Workspace admin's console: Security > API controls > Domain-wide delegation > Add new."""
        self.workspaces.setdefault(domain, _Workspace()).delegations[client_id] = frozenset(scopes)

    def add_oauth_client(self) -> tuple[str, str]:
        client_id = f"{zlib.crc32(secrets.token_bytes(8))}-{secrets.token_hex(16)}.apps.googleusercontent.com"
        secret = "GOCSPX-" + secrets.token_urlsafe(21)
        self.clients[client_id] = secret
        return client_id, secret

    def sign_in(self, person: str, allow: list[str] | None = None) -> None:
        """The person whose browser the next consent page sees; ``allow``: the scopes they tick (all by default)."""
        self.people.add(person)
        self._signed_in = (person, tuple(allow) if allow is not None else None)

    def refresh_token_for(self, person: str, client_id: str, scopes: tuple[str, ...]) -> str:
        """A refresh token as if ``person`` had already consented (for tests that need a person, not the flow)."""
        self.people.add(person)
        token = "1//fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self._refresh[token] = _Consent(person, client_id, scopes)
        return token

    def caller(self, token: str) -> Caller | None:
        return self.tokens.get(token)

    # -- GET /o/oauth2/auth: the consent page --

    def authorize(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        """Grant what the signed-in person allows and redirect to the app's loopback address with a code."""
        client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
        if client_id not in self.clients:
            return 401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}, {}
        if urlsplit(redirect_uri).hostname not in ("localhost", "127.0.0.1", "[::1]"):
            return 400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}, {}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_request", "error_description": "Bad Request"}, {}
        if self._signed_in is None:
            raise ApiAnswer(501, error_body(501, "Not implemented by the Google fake: a consent page with no one "
                                                 "signed in (call sign_in(email) first)."))
        person, allow = self._signed_in
        asked = tuple(query.get("scope", "").split())
        granted = tuple(s for s in asked if allow is None or s in allow)
        code = "4/fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Consent(person, client_id, granted, redirect_uri, query.get("code_challenge", ""))
        answer = urlencode({"state": query.get("state", ""), "code": code, "scope": " ".join(granted)})
        return 302, None, {"Location": f"{redirect_uri}?{answer}"}

    # -- POST /token --

    def token(self, form: dict[str, str], authorization: str = "") -> tuple[int, dict]:
        """The token endpoint; an OAuth client authenticates in the form or with HTTP Basic (both are Google's)."""
        grant = form.get("grant_type", "")
        if grant == JWT_BEARER:
            return self._jwt_bearer(form.get("assertion", ""))
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
            form = {**form, "client_id": unquote_plus(client_id), "client_secret": unquote_plus(secret)}
        if grant in ("authorization_code", "refresh_token"):
            client_id = form.get("client_id", "")
            if client_id not in self.clients or self.clients[client_id] != form.get("client_secret"):
                return _token_error(401, "invalid_client", "Unauthorized")
            return self._exchange(form) if grant == "authorization_code" else self._refresh_grant(form)
        return _token_error(400, "unsupported_grant_type", "Invalid grant_type: " + grant)

    def _jwt_bearer(self, assertion: str) -> tuple[int, dict]:
        parts = assertion.split(".")
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except (IndexError, ValueError):
            return _token_error(400, "invalid_grant", "Invalid JWT Signature.")
        issuer, scopes, subject = claims.get("iss", ""), tuple(claims.get("scope", "").split()), claims.get("sub")
        client_id = service_account_client_id(issuer)
        self.service_accounts.add(issuer)
        if not subject or subject == issuer:
            return self._issue(Caller(issuer, scopes, client_id, service_account=True))
        workspace = self.workspaces.get(subject.rpartition("@")[2])
        granted = workspace.delegations.get(client_id, frozenset()) if workspace else frozenset()
        if not scopes or not set(scopes) <= granted:
            return _token_error(401, "unauthorized_client", UNAUTHORIZED_CLIENT)
        if workspace is None or subject not in workspace.users:
            return _token_error(400, "invalid_grant", "Invalid email or User ID")
        return self._issue(Caller(subject, scopes, client_id))

    def _exchange(self, form: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            consent = self._codes.pop(form.get("code", ""), None)
        if consent is None or consent.client_id != form.get("client_id"):
            return _token_error(400, "invalid_grant", "Bad Request")
        if form.get("redirect_uri") != consent.redirect_uri:
            return _token_error(400, "redirect_uri_mismatch", "Bad Request")
        verifier = form.get("code_verifier", "").encode()
        if base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode() != consent.challenge:
            return _token_error(400, "invalid_grant", "Invalid code verifier.")
        refresh = "1//fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self._refresh[refresh] = consent
        status, body = self._issue(Caller(consent.person, consent.scopes, consent.client_id))
        return status, {**body, "refresh_token": refresh, "scope": " ".join(consent.scopes)}

    def _refresh_grant(self, form: dict[str, str]) -> tuple[int, dict]:
        consent = self._refresh.get(form.get("refresh_token", ""))
        if consent is None or consent.client_id != form.get("client_id"):
            return _token_error(400, "invalid_grant", "Token has been expired or revoked.")
        asked = tuple(form.get("scope", "").split()) or consent.scopes
        if not set(asked) <= set(consent.scopes):
            return _token_error(400, "invalid_scope", "Bad Request")
        status, body = self._issue(Caller(consent.person, asked, consent.client_id))
        return status, {**body, "scope": " ".join(asked)}

    def revoke(self, refresh_token: str) -> None:
        """The person removed the app's access (myaccount.google.com > Security > Third-party access)."""
        with self._lock:
            self._refresh.pop(refresh_token, None)

    def _issue(self, caller: Caller) -> tuple[int, dict]:
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        with self._lock:
            self.tokens[token] = caller
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

