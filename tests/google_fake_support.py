"""A caller of the Google fake over raw HTTP (requests), with its own token: what the fake's own tests
and its fidelity tests use to ask as a service account or as a person."""

from __future__ import annotations

import base64
import json

import requests

from tracker_sync.testing.google_fake import GoogleFake

SHEETS = "/v4/spreadsheets"
FILES = "/drive/v3/files"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"


class Client:
    """One caller of the fake: its own token (email and scopes), and short helpers for the calls tests make.

    A service account gets a token by a JWT-bearer grant (and a shared drive of its own to create in: it
    owns no Drive storage); a person (``person=True``) by refreshing OAuth credentials they consented to.
    """

    def __init__(self, fake: GoogleFake, email: str, scopes: str = f"https://www.googleapis.com/auth/spreadsheets {DRIVE_FILE}",
                 *, person: bool = False) -> None:
        if person:
            info = fake.authorized_user_info(email, tuple(scopes.split()))
            grant = {"grant_type": "refresh_token", **{k: info[k] for k in ("client_id", "client_secret", "refresh_token")}}
            self.folder = None
        else:
            claims = base64.urlsafe_b64encode(json.dumps({"iss": email, "scope": scopes}).encode()).decode().rstrip("=")
            grant = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": f"e30.{claims}.unsigned"}
            self.folder = fake.add_shared_drive("Trackers", {email: "fileOrganizer"})
        token = requests.post(f"{fake.base_url}/token", data=grant).json()
        self.base, self.email = fake.base_url, email
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token['access_token']}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, self.base + path, **kwargs)

    def create(self, name: str = "Tracker") -> str:
        where = {"parents": [self.folder]} if self.folder else {}
        return self.call("POST", FILES, params={"supportsAllDrives": "true"},
                         json={"name": name, "mimeType": SPREADSHEET_MIME, **where}).json()["id"]

    def share(self, file_id: str, email: str, role: str = "writer") -> requests.Response:
        return self.call("POST", f"{FILES}/{file_id}/permissions", params={"supportsAllDrives": "true"},
                         json={"type": "user", "role": role, "emailAddress": email})

    def drive_file(self, file_id: str) -> dict:
        return self.call("GET", f"{FILES}/{file_id}", params={"fields": "modifiedTime,lastModifyingUser(me,emailAddress)",
                                                              "supportsAllDrives": "true"}).json()

    def put(self, sheet_id: str, a1: str, values: list[list], option: str = "USER_ENTERED") -> requests.Response:
        return self.call("PUT", f"{SHEETS}/{sheet_id}/values/{a1}", params={"valueInputOption": option}, json={"values": values})

    def batch(self, sheet_id: str, *requests_: dict) -> requests.Response:
        return self.call("POST", f"{SHEETS}/{sheet_id}:batchUpdate", json={"requests": list(requests_)})
