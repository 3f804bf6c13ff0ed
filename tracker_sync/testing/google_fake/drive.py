"""Drive v3 files as the fake keeps them: who may see and change each, and when and by whom it last changed.

Google's rules the fake follows (Drive v3 reference, and real transcripts for the shapes):

* a file is visible to its creator and to everyone given a permission on it; with the ``drive.file``
  scope only, ``files.list`` and ``files.get`` see just the files the caller created;
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

from tracker_sync.testing.google_fake.answers import (
    ApiAnswer,
    drive_error,
    not_implemented,
)

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
FULL_DRIVE_SCOPES = frozenset({"https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.readonly"})
EDIT_ROLES = frozenset({"owner", "organizer", "fileOrganizer", "writer"})
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
class DriveFile:
    id: str
    name: str
    mime_type: str
    owner: str
    parents: list[str] = field(default_factory=list)
    permissions: list[dict] = field(default_factory=list)
    created: str = field(default_factory=rfc3339_now)
    modified: str = ""
    last_modifier: str = ""

    def __post_init__(self) -> None:
        self.modified = self.modified or self.created
        self.last_modifier = self.last_modifier or self.owner

    def touched_by(self, email: str) -> None:
        """A content or name change by ``email``: Drive moves modifiedTime and lastModifyingUser."""
        self.modified, self.last_modifier = rfc3339_now(), email

    def _roles_of(self, email: str) -> set[str]:
        roles = {"owner"} if email == self.owner else set()
        return roles | {p["role"] for p in self.permissions
                        if p["type"] == "anyone" or (p["type"] == "user" and p.get("emailAddress") == email)}

    def readable_by(self, email: str) -> bool:
        return bool(self._roles_of(email))

    def writable_by(self, email: str) -> bool:
        return bool(self._roles_of(email) & EDIT_ROLES)

    def listed_for(self, email: str, scopes: list[str]) -> bool:
        """Whether Drive shows this file to the caller: drive.file sees only the files the caller created."""
        return email == self.owner or (bool(FULL_DRIVE_SCOPES & set(scopes)) and self.readable_by(email))

    def resource(self, caller: str) -> dict:
        return {"kind": "drive#file", "id": self.id, "name": self.name, "mimeType": self.mime_type,
                "parents": list(self.parents), "createdTime": self.created, "modifiedTime": self.modified,
                "lastModifyingUser": user_resource(self.last_modifier, caller),
                "owners": [user_resource(self.owner, caller)], "permissions": list(self.permissions)}


def list_page(files: list[DriveFile], query: dict[str, str]) -> tuple[list[DriveFile], str | None]:
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


_DRIVE_TERM = re.compile(r"""^\s*(?:(name|mimeType)\s*=\s*(["'])(.*)\2|trashed\s*=\s*(true|false)|(["'])([^"']+)\5\s+in\s+parents)\s*$""")


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
