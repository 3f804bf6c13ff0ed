"""Drive's files as the trackers and forms look for them, and Google's paged lists (no gspread needed to import this)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker_sync.backends.google.transport import GoogleHTTPClient

DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
DRIVE_ABOUT = "https://www.googleapis.com/drive/v3/about"


def files_named(http: GoogleHTTPClient, title: str, mime_type: str, folder_id: str | None) -> list[str]:
    """The ids of the files named ``title`` of this type (not trashed) that these credentials see, in the
    folder when one is given: one Drive call. drive.file sees only what this app made or was opened with."""
    name = title.replace("\\", "\\\\").replace("'", "\\'")
    query = f"name = '{name}' and mimeType = '{mime_type}' and trashed = false"
    if folder_id:
        query += f" and '{folder_id}' in parents"
    files = http.request("get", DRIVE_FILES, params={
        "q": query, "fields": "files(id)", "supportsAllDrives": "true", "includeItemsFromAllDrives": "true",
    }).json().get("files", [])
    return [file["id"] for file in files]


def every_item(get_page: Callable[[dict[str, Any]], dict[str, Any]], params: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """Every item under ``key`` of a paged Google list (Drive's files and permissions, a form's responses):
    ``get_page(params)`` once a page, each after the first with the ``pageToken`` the last one gave."""
    items: list[dict[str, Any]] = []
    query = dict(params)
    while True:
        page = get_page(query)
        items += page.get(key, [])
        if not (token := page.get("nextPageToken")):
            return items
        query = {**query, "pageToken": token}


def drive_user(http: GoogleHTTPClient) -> str:
    """The address Drive answers as for these credentials (about.get, allowed under drive.file): one Drive call."""
    return str(http.request("get", DRIVE_ABOUT, params={"fields": "user(emailAddress)"}).json()["user"]["emailAddress"])
