"""Drive v3 files as the fake keeps them: who owns them, who may see and change each, which app may
reach them, and when and by whom each last changed.

Google's rules the fake follows (Drive v3 reference and guides, public reports, and real transcripts
for the shapes):

* **ownership**: a file created in a My Drive (no parent, or a My Drive folder) is owned by its
  creator. A service account acting as itself owns no Drive storage: its create or copy there is
  refused, 403 ``storageQuotaExceeded`` (domain ``usageLimits``) with Google's message naming shared
  drives and delegation (:func:`storage_quota_exceeded`). A delegated user or a person owns what
  they create;
* **shared drives** have members (organizer, fileOrganizer, writer, commenter, reader), own their
  files (no ``owners``, a ``driveId``), and are invisible to a request without
  ``supportsAllDrives=true`` (and to a listing without ``includeItemsFromAllDrives=true`` too): such
  a parent is "File not found". Only members with organizer, fileOrganizer or writer may add files;
* **drive.file reaches only what the app created or a person opened with it**: with the
  ``drive.file`` scope (and no full ``drive`` scope) a Drive call on any other file answers 404 "File
  not found", as for a file that does not exist; so does a My Drive folder given as a parent. Drive
  keeps that per person and app (OAuth client). The one exception the fake makes: a shared drive the
  caller is a member of, and its folders, may be the parent of a new file (the way Google's
  shared-drive guide gives service accounts; the guide does not say drive.file narrows it).
  Sheets calls are not Drive calls: they follow the file's permissions only (``spreadsheets`` scope);
* a file is visible to its owner, the members of its shared drive and everyone given a permission on it;
* sharing without a notification (``sendNotificationEmail=false``) to an address that has no Google
  account is refused, 400 ``invalidSharingRequest`` ("…you must check the 'Notify people' box…");
* ``modifiedTime`` and ``lastModifyingUser`` change on every content change (each Sheets write) and
  on a rename, and name whoever made it; ``lastModifyingUser.me`` is true for the caller;
* ``files.list`` pages with ``pageSize`` (default 100, at most 1000) and an opaque ``pageToken``.
"""

from __future__ import annotations

import base64
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from typing import TypeVar

from tracker_sync.testing.google_fake.accounts import Caller
from tracker_sync.testing.google_fake.answers import (
    ApiAnswer,
    drive_error,
    not_implemented,
)

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
FORM_MIME = "application/vnd.google-apps.form"
FULL_DRIVE_SCOPES = frozenset({"https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.readonly"})
EDIT_ROLES = frozenset({"owner", "organizer", "fileOrganizer", "writer"})
DRIVE_ROLES = frozenset({"organizer", "fileOrganizer", "writer", "commenter", "reader"})
NO_STORAGE = ("Service Accounts do not have storage quota. Leverage shared drives "
              "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth delegation "
              "(http://support.google.com/a/answer/7281227) instead.")
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


def rfc3339_now() -> str:
    """Drive's timestamps: UTC with milliseconds, e.g. 2023-09-06T21:29:57.884Z."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


def user_resource(email: str, caller: str) -> dict:
    """A Drive ``User``; ``me`` is relative to whoever asks."""
    return {"kind": "drive#user", "displayName": email.split("@")[0], "me": email == caller,
            "permissionId": str(zlib.crc32(email.encode())), "emailAddress": email}


@dataclass
class SharedDrive:
    """A shared drive: it owns its files; its members' roles apply to every file in it."""

    id: str
    name: str
    members: dict[str, str] = field(default_factory=dict)  # email -> role


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    owner: str | None  # None in a shared drive: the drive owns its files
    parents: list[str] = field(default_factory=list)
    permissions: list[dict] = field(default_factory=list)
    created: str = field(default_factory=rfc3339_now)
    modified: str = ""
    last_modifier: str = ""
    drive: SharedDrive | None = None
    apps: set[tuple[str, str]] = field(default_factory=set)  # (person, OAuth client) that created or opened it

    def __post_init__(self) -> None:
        self.modified = self.modified or self.created
        self.last_modifier = self.last_modifier or self.owner or ""

    def touched_by(self, email: str) -> None:
        """A content or name change by ``email``: Drive moves modifiedTime and lastModifyingUser."""
        self.modified, self.last_modifier = rfc3339_now(), email

    def _roles_of(self, email: str) -> set[str]:
        roles = {"owner"} if email == self.owner else set()
        if self.drive is not None and email in self.drive.members:
            roles.add(self.drive.members[email])
        return roles | {p["role"] for p in self.permissions if "view" not in p  # a published view lets people respond, not open
                        and (p["type"] == "anyone" or (p["type"] == "user" and p.get("emailAddress") == email))}

    def responder(self, email: str) -> bool:
        """Whether ``email`` may respond to this form: a ``published`` view names them, their domain, or
        anyone; editors may too."""
        domain = email.rpartition("@")[2]
        return self.writable_by(email) or any(
            p.get("view") == "published" and (p["type"] == "anyone" or (p["type"] == "domain" and p.get("domain") == domain)
                                              or (p["type"] == "user" and p.get("emailAddress") == email))
            for p in self.permissions)

    def readable_by(self, email: str) -> bool:
        return bool(self._roles_of(email))

    def writable_by(self, email: str) -> bool:
        return bool(self._roles_of(email) & EDIT_ROLES)

    def reachable_by(self, caller: Caller) -> bool:
        """Whether a Drive call of ``caller`` reaches the file: its roles, narrowed by drive.file to the
        files its app created or that the person opened with it."""
        if not self.readable_by(caller.email):
            return False
        return bool(FULL_DRIVE_SCOPES & set(caller.scopes)) or (caller.email, caller.client_id) in self.apps

    def resource(self, caller: Caller) -> dict:
        where = {"driveId": self.drive.id} if self.drive else {"owners": [user_resource(self.owner or "", caller.email)]}
        return {"kind": "drive#file", "id": self.id, "name": self.name, "mimeType": self.mime_type,
                "parents": list(self.parents), "createdTime": self.created, "modifiedTime": self.modified,
                "lastModifyingUser": user_resource(self.last_modifier, caller.email), **where,
                "isAppAuthorized": (caller.email, caller.client_id) in self.apps, "permissions": list(self.permissions)}


def storage_quota_exceeded() -> ApiAnswer:
    """Drive's answer to a service account (acting as itself) that would own a file."""
    detail = {"message": NO_STORAGE, "domain": "usageLimits", "reason": "storageQuotaExceeded"}
    return ApiAnswer(403, {"error": {"code": 403, "message": NO_STORAGE, "errors": [detail]}})


def file_not_found(file_id: str) -> ApiAnswer:
    """Drive's answer for a file that does not exist or that the caller may not reach (Drive does not say which)."""
    return drive_error(404, f"File not found: {file_id}.", "notFound", location="fileId", locationType="parameter")


def no_account_to_notify(email: str) -> ApiAnswer:
    """Drive's answer to a share without notification for an address that has no Google account."""
    message = (f'Bad Request. User message: "You are trying to invite {email}. Since there is no Google account '
               "associated with this email address, you must check the 'Notify people' box to invite this recipient.\"")
    return drive_error(400, message, "invalidSharingRequest")


Item = TypeVar("Item")  # a file, or a permission: Drive pages both alike


def list_page(files: list[Item], query: dict[str, str]) -> tuple[list[Item], str | None]:
    """One page of ``files`` (already filtered, in a stable order) and the token of the next, if any."""
    try:
        size = int(query.get("pageSize", DEFAULT_PAGE_SIZE))
    except ValueError:
        raise _invalid("pageSize") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise _invalid("pageSize")
    start = 0
    if token := query.get("pageToken"):
        try:
            start = json.loads(base64.urlsafe_b64decode(token))["start"]
        except (ValueError, KeyError, TypeError):
            raise _invalid("pageToken") from None
    end = start + size
    following = base64.urlsafe_b64encode(json.dumps({"start": end}).encode()).decode() if end < len(files) else None
    return files[start:end], following


def _invalid(parameter: str) -> ApiAnswer:
    return drive_error(400, "Invalid Value", "invalid", location=parameter, locationType="parameter")


_DRIVE_TERM = re.compile(r"""^\s*(?:(name|mimeType)\s*=\s*(["'])(.*)\2|trashed\s*=\s*(true|false)|"""
                         r"""(["'])([^"']+)\5\s+in\s+parents)\s*$""")


def query_matches(file: DriveFile, query: str) -> bool:
    """The subset of Drive's ``q`` language the project uses: name/mimeType equality, trashed, 'id' in parents.

    Any other term is refused as not implemented by the fake, never silently ignored.
    """
    if not query.strip():
        return True
    for term in re.split(r"\s+and\s+", query.strip()):
        match = _DRIVE_TERM.match(term)
        if match is None:
            raise not_implemented(f"the Drive query term {term.strip()!r}")
        field_name, _, value, trashed, _, parent = match.groups()
        if field_name == "name" and file.name != value.replace("\\'", "'"):
            return False
        if field_name == "mimeType" and file.mime_type != value:
            return False
        if trashed == "true" or (parent is not None and parent not in file.parents):
            return False
    return True
