"""Google access commands: `google-access` (who tracker-sync is on Google, and what a Workspace admin
grants) and `google-login` (a person's own sign-in, for a school without a Workspace admin).

The three ways to authenticate are in tracker_sync.backends.google.auth and docs/district/google-setup.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker_sync.cli.app import ActAsOption, JsonOption, app, err_console, fail, print_json, say
from tracker_sync.errors import ConfigError, TrackerSyncError


@app.command("google-access")
def google_access(
    act_as: ActAsOption = None,
    registry: Annotated[Path | None, typer.Option(metavar="FILE.toml", help="The district registry: its [district] "
                                                  "credentials, act_as and folder.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Ask Google for a token and who Drive sees acting "
                                        "(1 Drive call per credential).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show how tracker-sync reaches Google: the credentials, who Google sees acting, and for domain-wide
    delegation the client id and the exact scopes a Workspace admin pastes into the Admin console.

    Example: tracker-sync google-access --as data-lead@district.org --check
    """
    from tracker_sync.backends.google.auth import ADMIN_CONSOLE_PATH, credentials_source, shown_path
    from tracker_sync.backends.google.drive import drive_user
    from tracker_sync.backends.google.workbook import google_client, google_credentials

    try:
        loaded = _registry(registry)
        act_as = act_as or (loaded.district.act_as if loaded else "") or None
        listed = loaded.district.credentials if loaded else ()
        keys: list[str | None] = [str(loaded.resolve(key)) for key in listed] if loaded and listed else [None]
        accounts = []
        for key in keys:
            credentials = google_credentials(credentials_file=key, subject=act_as)
            source = credentials_source(key)
            where = shown_path(Path(source)) if source else "Application Default Credentials"
            entry = {**_identity(credentials), "credentials": where}
            if check:
                entry["checked_as"] = drive_user(google_client(credentials=credentials))
            accounts.append(entry)
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    folder = loaded.district.folder if loaded else ""
    if as_json:
        print_json({"accounts": accounts, "folder": folder or None, "checked": check})
        return
    for entry in accounts:
        _say_identity(entry)
        if entry["client_id"]:
            say(f"For domain-wide delegation{'' if entry['way'] == 'delegation' else ' (--as EMAIL)'}, a Workspace admin "
                f"adds in the Admin console ({ADMIN_CONSOLE_PATH}):")
            say(f"  Client ID:    {entry['client_id']}")
            say(f"  OAuth scopes: {','.join(entry['scopes'])}")
        if "checked_as" in entry:
            say(f"Checked: Google issued a token, and Drive answers as {entry['checked_as']}.")
    if folder:
        say(f"New spreadsheets go in the folder {folder} ([district] folder in {registry}).")


def _registry(path: Path | None):
    from tracker_sync.district.registry import load_registry

    return load_registry(path) if path is not None else None


def _identity(credentials) -> dict:
    from tracker_sync.backends.google.auth import describe

    return describe(credentials).to_dict()


def _say_identity(entry: dict) -> None:
    where = f"({entry['credentials']})"
    if entry["way"] == "delegation":
        say(f"Credentials: the service account {entry['service_account']} {where}, acting as {entry['account']} "
            "(domain-wide delegation): what it creates, that user owns.")
    elif entry["way"] == "shared drive":
        say(f"Credentials: the service account {entry['service_account']} {where}. A service account owns no Drive "
            "storage: it creates trackers only in a shared drive it is a Content manager of (--folder, or folder in "
            "the registry's [district]).")
    elif entry["way"] == "person":
        say(f"Credentials: {entry['account']}, signed in with google-login {where}: what tracker-sync creates, "
            f"{entry['account']} owns.")
    else:
        say(f"Credentials: {entry['credentials']} ({entry['account']}).")
    say(f"Scopes: {', '.join(entry['scopes'])}")


@app.command("google-login")
def google_login(
    client_secret: Annotated[Path, typer.Option(metavar="FILE.json", help="The OAuth client (Desktop app) JSON from Google Cloud "
                                                "console: APIs & Services > Credentials.")],
    token: Annotated[Path | None, typer.Option(metavar="FILE", help="Where to keep the sign-in (default: ~/.config/"
                                               "tracker-sync/google-token.json, or $TRACKER_SYNC_GOOGLE_TOKEN).")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Only print the address of Google's sign-in page; open "
                                             "it in a browser on this computer (Google sends it back to localhost).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Sign in with your own Google account, for a school without a Workspace admin: Google asks you to allow
    tracker-sync's two scopes, and your sign-in is kept in a file only you can read.

    What tracker-sync then creates, you own, in your My Drive. It uses this sign-in whenever
    TRACKER_SYNC_GOOGLE_CREDENTIALS is not set.

    Example: tracker-sync google-login --client-secret client_secret.json
    """
    import os

    from tracker_sync.backends.google.auth import CREDENTIALS_ENV, shown_path, token_path
    from tracker_sync.backends.google.login import login
    from tracker_sync.backends.google.workbook import loopback_api_base

    def show(url: str) -> None:
        err_console.print(f"Open this address in a browser, sign in to the Google account tracker-sync should use, and allow "
                          f"access: {url}", markup=False, highlight=False, soft_wrap=True)

    try:
        if not client_secret.is_file():
            raise ConfigError(f"No OAuth client file at {client_secret}: in Google Cloud console, APIs & Services > "
                              "Credentials > Create credentials > OAuth client ID > Desktop app, then download its JSON.")
        who, saved = login(client_secret, token=token, show=show, open_browser=not no_browser, api_base=loopback_api_base())
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json({"account": who.account, "token": str(saved), "scopes": list(who.scopes)})
        return
    say(f"Signed in as {who.account}. Token saved to {shown_path(saved)} (only you can read it).")
    if os.environ.get(CREDENTIALS_ENV):
        say(f"{CREDENTIALS_ENV} is set, so tracker-sync keeps using that file until you unset it.")
    elif saved.expanduser().resolve() != token_path().resolve():
        say(f"To use it, set {CREDENTIALS_ENV}={saved}.")
