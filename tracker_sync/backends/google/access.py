"""Drive's rules that refuse a create or a share, each turned into one line that says what to do.

* A service account acting as itself owns no Drive storage: Google refuses it any file outside a
  shared drive (403 ``storageQuotaExceeded``). The line names the three ways that work and the
  command for each (exit 3: the tracker could not be made).
* With the ``drive.file`` scope, Drive calls reach only the files tracker-sync created (or a person
  opened with it): a folder or a spreadsheet someone made by hand answers 404 "File not found".
* Sharing without a notification (``--no-notify``) with an address that has no Google account is
  refused (400 ``invalidSharingRequest``): Google must email the invitation.

Each function returns the error to raise; anything else comes back as Google's own error, unchanged.
"""

from __future__ import annotations

from typing import Any

from tracker_sync.backends.google.auth import SETUP_PAGE, describe
from tracker_sync.errors import ApiError, BackendError, ConfigError, TrackerNotShared, TrackerSyncError


class NoDriveStorage(BackendError):
    """Google refused to create a file the acting account would own: it has no Drive storage."""

    label = "no Drive storage"


def three_ways(service_account: str) -> str:
    """The three ways a district's trackers can be created when a service account cannot own them, with their commands."""
    return (f"Use one of three ways: a shared drive {service_account} is a Content manager of (`--folder SHARED_DRIVE_ID`); "
            "a district user, through domain-wide delegation (`--as data-lead@your-district.org`; `tracker-sync google-access` "
            "prints what your Workspace admin grants); or your own Google sign-in "
            f"(`tracker-sync google-login --client-secret client_secret.json`). See {SETUP_PAGE}.")


def create_refused(exc: ApiError, credentials: Any, folder: str | None) -> TrackerSyncError:
    """What a refused files.create means for ``credentials`` creating in ``folder`` (None: their My Drive)."""
    who = describe(credentials)
    if exc.reason == "storageQuotaExceeded" and who.way == "shared drive":
        where = f" in {folder}, a folder outside any shared drive" if folder else ""
        return NoDriveStorage(f"Google refused to create the spreadsheet{where}: the service account {who.account} owns no "
                              f"Drive storage (storageQuotaExceeded). {three_ways(who.account)}")
    if exc.reason == "storageQuotaExceeded":
        return NoDriveStorage(f"Google refused to create the spreadsheet: the Drive storage of {who.account} is full. Free "
                              "some space in that account's Drive, or create the tracker in a shared drive (--folder).")
    if folder and exc.code == 404:
        return ConfigError(
            f"Google shows {who.account} no folder {folder}. Give the id of a shared drive (or a folder in one) that "
            f"{who.account} is a member of, from the address https://drive.google.com/drive/folders/ID; a folder someone made "
            "in their own My Drive is out of tracker-sync's reach (its drive.file scope reaches only what it created), so "
            "leave out --folder to create the tracker in the My Drive of the account it acts as.")
    if folder and exc.code == 403 and exc.reason in ("insufficientFilePermissions", "insufficientParentPermissions"):
        return ConfigError(f"{who.account} may not add files to the folder {folder}: in Google Drive, make {who.account} a "
                           "Content manager (or Contributor) of the shared drive.")
    return exc


def share_refused(exc: ApiError, spreadsheet_id: str, account: str, email: str) -> TrackerSyncError:
    """What a refused permissions.create means when ``account`` shares ``spreadsheet_id`` with ``email``."""
    if exc.code == 400 and exc.reason == "invalidSharingRequest":
        return ConfigError(f"{email} has no Google account, so Google shares with that address only by emailing an "
                           "invitation: run the command again without --no-notify, or give the address of their Google account.")
    if exc.code == 404:
        return TrackerNotShared(
            f"Google does not let tracker-sync share the spreadsheet {spreadsheet_id}: {account} did not create it, and "
            "tracker-sync's drive.file scope reaches only the files it created. Share it with "
            f"{email} yourself in Google Sheets (Share), or let tracker-sync create the school's tracker with provision.")
    if exc.code == 403 and exc.reason == "insufficientFilePermissions":
        return TrackerNotShared(f"{account} may not share the spreadsheet {spreadsheet_id}: its owner must make {account} "
                                f"an editor, or share it with {email} themselves.")
    return exc
