"""Who tracker-sync is on Google: the three ways to authenticate, the credentials each loads, and what
Google's token endpoint refusals mean in one line.

Google lets a service account use the APIs but own no Drive storage, so a district picks one of:

* a **service account plus a shared drive**: the account's key (``TRACKER_SYNC_GOOGLE_CREDENTIALS``), and
  ``--folder`` (or ``[district] folder``) naming a shared drive or folder the account is a member of;
* **domain-wide delegation**: the same key with a subject, ``--as data-lead@district.org`` (or
  ``[district] act_as``); the Workspace admin grants the account's client id our two scopes
  (:func:`describe` says which);
* a **person's OAuth credentials** (a school without a Workspace admin): google-login
  (tracker_sync.backends.google.login) runs Google's installed-app flow once and caches the person's
  refresh token, readable by them only (0600).

Credentials are looked up in this order: ``TRACKER_SYNC_GOOGLE_CREDENTIALS`` (a service-account key or
an authorized-user token file), then the token google-login cached, then Application Default
Credentials. Every way asks for the same two scopes (:data:`SCOPES`) and nothing more.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tracker_sync.errors import ConfigError

#: The two scopes every way asks for, and nothing more.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file")

CREDENTIALS_ENV = "TRACKER_SYNC_GOOGLE_CREDENTIALS"
TOKEN_ENV = "TRACKER_SYNC_GOOGLE_TOKEN"
SETUP_PAGE = "docs/district/google-setup.md"
ADMIN_CONSOLE_PATH = "Security > Access and data control > API controls > Manage domain-wide delegation > Add new"
#: Each loaded service account's OAuth client id (google-auth does not keep it): what delegation is granted to.
_client_ids: dict[str, str] = {}


def token_path() -> Path:
    """Where google-login caches a person's token: $TRACKER_SYNC_GOOGLE_TOKEN, else the user's config folder."""
    if explicit := os.environ.get(TOKEN_ENV):
        return Path(explicit).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "tracker-sync" / "google-token.json"


def shown_path(path: Path) -> str:
    """A path as people read it: under their home folder as ~/..."""
    try:
        return "~/" + str(path.expanduser().resolve().relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)


def credentials_source(file: str | None = None) -> str | None:
    """The file credentials come from: ``file``, $TRACKER_SYNC_GOOGLE_CREDENTIALS, the google-login token; None: ADC."""
    if source := file or os.environ.get(CREDENTIALS_ENV):
        return source
    return str(token_path()) if token_path().is_file() else None


def load_credentials(file: str | None = None, info: Mapping[str, Any] | None = None, *, subject: str | None = None) -> Any:
    """Credentials for our two scopes from a key or token file or dict; else the cached login token; else ADC.

    ``subject``: act as that Workspace user (domain-wide delegation); service-account keys only.
    """
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    source = None if info is not None else credentials_source(file)
    try:
        if info is None and source is not None:
            info = json.loads(Path(source).expanduser().read_text(encoding="utf-8"))
        if info is not None:
            return _from_info(dict(info), subject, source)
        credentials, _ = google.auth.default(scopes=SCOPES)
    except (DefaultCredentialsError, ValueError, OSError, KeyError) as exc:
        raise ConfigError(
            f"No usable Google credentials ({' '.join(str(exc).split()) or type(exc).__name__}). Set {CREDENTIALS_ENV} to the "
            f"service account's key file, or sign in with `tracker-sync google-login`; see {SETUP_PAGE}.") from exc
    if subject:
        if not hasattr(credentials, "with_subject"):
            raise ConfigError(f"--as {subject} needs a service account's key (domain-wide delegation): set {CREDENTIALS_ENV} "
                              "to the key file, or leave out --as.")
        credentials = credentials.with_subject(subject)
    return credentials


def _from_info(info: dict, subject: str | None, source: str | None) -> Any:
    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

    kind = info.get("type")
    if kind == "service_account":
        credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        _client_ids[credentials.service_account_email] = str(info.get("client_id", ""))
        return credentials.with_subject(subject) if subject else credentials
    if kind == "authorized_user":
        if subject:
            raise ConfigError(f"--as {subject} acts as a district user through a service account, but the credentials "
                              f"{'in ' + source if source else 'given'} are a person's sign-in: leave out --as, or set "
                              f"{CREDENTIALS_ENV} to the service account's key file.")
        return user_credentials.Credentials.from_authorized_user_info(info, scopes=SCOPES)
    raise ValueError(f"{source or 'the credentials'} is neither a service-account key nor a google-login token "
                     f"(its type is {kind!r})")


@dataclass(frozen=True)
class Identity:
    """How tracker-sync reaches Google with some credentials, in words and for the Admin console."""

    way: str  # "shared drive" (a service account as itself), "delegation", "person" or "application default"
    account: str  # the email Google sees acting: the service account, the delegated user or the person
    service_account: str = ""
    client_id: str = ""  # the service account's OAuth client id (what the Admin console's delegation names)
    scopes: tuple[str, ...] = SCOPES

    def to_dict(self) -> dict:
        return asdict(self)


def describe(credentials: Any) -> Identity:
    """Which of the three ways ``credentials`` are, and who Google sees acting (no API call)."""
    credentials = getattr(credentials, "credentials", credentials)  # through transport.SharedCredentials
    service_account = getattr(credentials, "service_account_email", None)
    if isinstance(service_account, str) and "@" in service_account:
        subject = getattr(credentials, "_subject", None)  # google-auth keeps the delegated user here only
        client_id = _client_ids.get(service_account, "")
        if subject:
            return Identity("delegation", subject, service_account, client_id)
        return Identity("shared drive", service_account, service_account, client_id)
    person = getattr(credentials, "account", "") or ""
    if getattr(credentials, "refresh_token", None) and person:
        return Identity("person", person)
    return Identity("application default", person or "the account tracker-sync runs as")


def acting_email(credentials: Any) -> str:
    """The email Google sees acting, as people must share with it; a description when unknown."""
    return describe(credentials).account


def token_refused(exc: Exception, credentials: Any) -> ConfigError:
    """One line for a token Google would not issue (google-auth's RefreshError: the error and its description)."""
    data = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], Mapping) else {}
    error, description = str(data.get("error", "")), str(data.get("error_description", ""))
    who = describe(credentials)
    if who.way == "delegation" and error == "unauthorized_client":
        return ConfigError(
            f"Google will not let the service account {who.service_account} act as {who.account} (unauthorized_client): a "
            f"Workspace admin must grant domain-wide delegation to client id {who.client_id} with the scopes "
            f"{','.join(who.scopes)} (Admin console: {ADMIN_CONSOLE_PATH}); `tracker-sync google-access --as {who.account}` "
            "prints both. A new grant can take a few minutes to apply.")
    if who.way == "delegation" and description == "Invalid email or User ID":
        return ConfigError(f"{who.account} is not a user of your Google Workspace (Google: Invalid email or User ID): "
                           "check the address given with --as (or act_as in the registry).")
    if who.way == "person" and error == "invalid_grant":
        return ConfigError(f"Google no longer accepts the sign-in of {who.account} ({description or error}): sign in again "
                           "with `tracker-sync google-login --client-secret client_secret.json`.")
    if error == "invalid_grant" and "JWT" in description:
        return ConfigError(f"Google does not accept the key of {who.service_account or who.account} ({description}): the key "
                           f"was deleted or belongs to another project; create a new key and point {CREDENTIALS_ENV} at it.")
    detail = f"{error}: {description}" if error else " ".join(str(exc.args[0] if exc.args else exc).split())
    return ConfigError(f"Google refused credentials for {who.account} ({detail}); see {SETUP_PAGE}.")
