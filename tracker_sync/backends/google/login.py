"""google-login: a person's sign-in through Google's installed-app flow, cached as a token only they can read.

Apart from tracker_sync.backends.google.auth, which loads the token it saves, because signing in makes
calls: the consent's token exchange (through the loopback fake in tests) and one Drive ``about.get``
asking who signed in, through the project's HTTP client, which itself builds on auth.
"""

from __future__ import annotations

import json
import os
import tempfile
import webbrowser
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tracker_sync.backends.google.auth import SCOPES, Identity, token_path
from tracker_sync.backends.google.drive import drive_user
from tracker_sync.backends.google.transport import loopback_adapter
from tracker_sync.backends.google.workbook import google_client
from tracker_sync.errors import ConfigError

#: How long google-login waits for the person to answer Google's consent page.
LOGIN_TIMEOUT_S = 300


class _ShowAndOpen(webbrowser.BaseBrowser):
    """The consent page's address, printed for the person (stderr), then opened in their browser if asked."""

    def __init__(self, show: Any, open_browser: bool) -> None:
        super().__init__("tracker-sync")
        self.show, self.open_browser = show, open_browser

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.show(url)
        if self.open_browser:
            try:
                webbrowser.open(url, new=new, autoraise=autoraise)
            except webbrowser.Error:
                pass  # no browser here: the printed address is enough
        return True


def login(client_secret: Path, *, token: Path | None = None, show: Any = print, open_browser: bool = True,
          api_base: str | None = None, timeout: float = LOGIN_TIMEOUT_S) -> tuple[Identity, Path]:
    """Google's installed-app flow for a person: consent in their browser, then the refresh token cached (0600).

    ``show(url)`` tells the person where to go. Returns who signed in and where the token is.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    target = token or token_path()
    folder = next(parent for parent in target.parents if parent.exists())
    if target.is_dir() or not folder.is_dir():
        what = f"{target} is a folder" if target.is_dir() else f"{folder} is a file, not a folder"
        raise ConfigError(f"Cannot keep the sign-in at {target}: {what}. Give another --token path.")
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_secret), scopes=list(SCOPES))
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"--client-secret {client_secret} is not an OAuth client's JSON ({exc}): in Google Cloud console, "
                          "APIs & Services > Credentials > Create credentials > OAuth client ID > Desktop app, then "
                          "download it.") from exc
    if api_base:
        flow.oauth2session.mount("https://", loopback_adapter(api_base))
    name = f"tracker-sync-login-{id(flow)}"
    webbrowser.register(name, None, _ShowAndOpen(show, open_browser))
    try:
        credentials = flow.run_local_server(host="localhost", port=0, authorization_prompt_message=None, browser=name,
                                            timeout_seconds=timeout, access_type="offline", prompt="consent")
    except Warning as exc:  # oauthlib's way of saying that the person allowed fewer scopes than asked (granular consent)
        raise _not_allowed(getattr(exc, "new_scope", None) or []) from exc
    except (OAuth2Error, ValueError) as exc:
        raise ConfigError(f"Google did not complete the sign-in ({' '.join(str(exc).split())}); run google-login again.") from exc
    except AttributeError as exc:  # google-auth-oauthlib's way of saying that no answer came before the timeout
        raise ConfigError(f"No answer from Google's sign-in page within {timeout:.0f} s; run google-login again.") from exc
    if set(SCOPES) - set(credentials.granted_scopes or credentials.scopes or SCOPES):
        raise _not_allowed(credentials.granted_scopes)
    account = _signed_in_email(credentials, api_base)
    save_token(target, {"type": "authorized_user", "client_id": credentials.client_id, "client_secret": credentials.client_secret,
                        "refresh_token": credentials.refresh_token, "account": account, "scopes": list(SCOPES)})
    return Identity("person", account), target


def _not_allowed(granted: Any) -> ConfigError:
    missing = [scope for scope in SCOPES if scope not in set(granted)]
    return ConfigError(f"The sign-in did not allow {', '.join(missing)}: run google-login again and tick every box Google's "
                       "page shows (tracker-sync asks for its two scopes only).")


def _signed_in_email(credentials: Any, api_base: str | None) -> str:
    """Who signed in, from Drive's about.get (allowed under drive.file): one Drive call."""
    return drive_user(google_client(credentials=credentials, api_base=api_base))


def save_token(path: Path, token: Mapping[str, Any]) -> None:
    """Write the token readable and writable by its owner only (0600, the folder 0700), atomically."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")  # mkstemp: 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(dict(token), out, indent=2)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(f"Cannot save the sign-in token to {path}: {exc.strerror or exc}. Give another --token path.") from exc
