"""A tracker in a Google spreadsheet (gspread 6 over our bounded-retry HTTP client).

API calls, exactly (asserted in tests/test_google_backend.py and pinned by tests/cassettes/):

* ``read``      1 Sheets call: ``spreadsheets.get`` with ``includeGridData`` and a field mask that
                covers sheet properties, each cell's ``effectiveValue`` and number-format type, the
                conditional formats and protected ranges of each tab, and developer metadata.
                No ``ranges``: a range naming a tab that does not exist fails the whole call, and the
                contract says missing tabs are just absent; tool tabs are small. Values come back
                unformatted (numbers are numbers); date cells are numbers with a DATE format type
                and become ``datetime.date`` (SERIAL_NUMBER semantics, 1899-12-30 epoch).
* ``write``     1 Sheets call: one ``spreadsheets.batchUpdate`` (atomic by Google's contract) that
                resizes, rewrites, restyles every tool tab and merges metadata; 0 calls when the
                outputs are unchanged since the last write (see :meth:`GoogleWorkbook.write`).
                A write without an earlier read in this process costs one extra metadata read.
* ``provision`` 2 Sheets calls (the read above + one batchUpdate; rows given to type in go into the
                same batchUpdate), plus 1 Drive call to create the spreadsheet when it is new, plus
                1 Drive call per share.
* ``archive``   1 Sheets call (the read above when none preceded it, then one batchUpdate): coach
                tabs protected, the title suffixed with the year, metadata merged.
* ``write_own_tab`` 1 Sheets call (a batchUpdate, no read) for a spreadsheet whose only tab tracker-sync
                writes (a teacher's page); ``share``/``unshare`` 1 Drive call each; ``in_folder`` 1 Drive call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tracker_sync.backends.base import Workbook
from tracker_sync.backends.google.drive import DRIVE_FILES, every_item, files_named
from tracker_sync.backends.google.form import form_cursor_metadata
from tracker_sync.backends.google.values import (
    COACH_HEADER,
    INSTRUCTIONS_TITLE,
    cell_data,
    color_scale_rule,
    format_runs,
    grid_range,
    output_hash,
    pixels,
    plain_value,
    row_pixels,
    row_values,
    validation_rule,
)
from tracker_sync.errors import ApiError, ConfigError, TrackerNotFound, TrackerNotShared, WriteRefused
from tracker_sync.schemas import Template
from tracker_sync.tabs import Area, Grid, Snapshot, ToolTab, quoted_tab, trim_grid
from tracker_sync.validate.findings import column_letter

if TYPE_CHECKING:
    from tracker_sync.backends.google.transport import GoogleHTTPClient, RetryPolicy

SHEETS_API = "https://sheets.googleapis.com/v4/spreadsheets"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
METADATA_PREFIX = "tracker_sync."
HASH_KEY = "tracker_sync_internal.output_hash"
PROTECTION_NOTE = "tracker-sync: written by the sync; edits here are overwritten"
ARCHIVE_NOTE = "tracker-sync: last year's tracker, archived by rollover; read only"
READ_FIELDS = (
    "spreadsheetId,properties.title,"
    "developerMetadata(metadataId,metadataKey,metadataValue),"
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount,frozenRowCount)),"
    "conditionalFormats(ranges),protectedRanges(protectedRangeId,description),"
    "data.rowData.values(effectiveValue,effectiveFormat.numberFormat.type))"
)
NEW_TAB_ROWS = 1000
#: 403 PERMISSION_DENIED reasons that sharing would not fix (the API is off in the project, the token lacks a scope).
_NOT_A_SHARING_PROBLEM = frozenset({"SERVICE_DISABLED", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "API_KEY_SERVICE_BLOCKED"})
_URL_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]{20,})")
_BARE_ID = re.compile(r"[A-Za-z0-9_-]{20,}")
_FOLDER_URL_ID = re.compile(r"/folders/([A-Za-z0-9_-]{10,})")
_FOLDER_ID = re.compile(r"[A-Za-z0-9_-]{10,}")


def spreadsheet_id_from(location: str) -> str:
    """The spreadsheet id in a Google Sheets URL, or the id itself; ConfigError otherwise."""
    return _id_in(location, _URL_ID, _BARE_ID, f"'{location}' is neither a Google Sheets URL nor a spreadsheet id "
                                               "(e.g. https://docs.google.com/spreadsheets/d/1AbC.../edit).")


def folder_id_from(location: str) -> str:
    """The id in a Drive folder or shared-drive address (https://drive.google.com/drive/folders/ID), or the id itself."""
    return _id_in(location, _FOLDER_URL_ID, _FOLDER_ID, f"'{location}' is neither a Drive folder address nor a folder id: "
                  "open the shared drive (or folder) in Google Drive and copy the id after /folders/ in its address.")


def _id_in(location: str, in_address: re.Pattern[str], bare: re.Pattern[str], refusal: str) -> str:
    """The id a Google address holds (its pattern's group), or the text itself when it is a bare id; else ``refusal``."""
    text = location.strip()
    if match := in_address.search(text):
        return match[1]
    if bare.fullmatch(text):
        return text
    raise ConfigError(refusal)


def looks_like_google(location: str) -> bool:
    try:
        spreadsheet_id_from(location)
    except ConfigError:
        return False
    return not location.lower().endswith((".xlsx", ".xlsm"))


@dataclass
class _TabInfo:
    """What the last read learned about one tab, so a write needs no extra call."""

    sheet_id: int
    rows: int
    columns: int
    frozen_rows: int = 0
    conditional_formats: int = 0
    protected: bool = False
    archived: bool = False  # protected as last year's by a rollover (ARCHIVE_NOTE)


@dataclass
class _Known:
    title: str = ""
    tabs: dict[str, _TabInfo] = field(default_factory=dict)
    metadata_ids: dict[str, int] = field(default_factory=dict)  # full key -> metadataId
    metadata: dict[str, str] = field(default_factory=dict)  # full key -> value
    grids: dict[str, Grid] = field(default_factory=dict)


def open_google(location: str, *, credentials_file: str | None = None, service_account_info: Mapping[str, Any] | None = None,
                api_base: str | None = None, retry: RetryPolicy | None = None, subject: str | None = None) -> GoogleWorkbook:
    """The Google tracker at a spreadsheet URL or id (no API call yet); ``subject``: act as that district user."""
    return GoogleWorkbook(spreadsheet_id_from(location), google_client(
        credentials_file=credentials_file, service_account_info=service_account_info, api_base=api_base, retry=retry,
        subject=subject))


def google_credentials(*, credentials_file: str | None = None, service_account_info: Mapping[str, Any] | None = None,
                       subject: str | None = None) -> Any:
    """Credentials from a key or token file or dict, TRACKER_SYNC_GOOGLE_CREDENTIALS, a google-login token, or ADC
    (see tracker_sync.backends.google.auth); with ``subject``, acting as that user (domain-wide delegation)."""
    from tracker_sync.backends.google.auth import load_credentials

    return load_credentials(credentials_file, service_account_info, subject=subject)


def google_client(*, credentials_file: str | None = None, service_account_info: Mapping[str, Any] | None = None,
                  api_base: str | None = None, retry: RetryPolicy | None = None, credentials: Any = None,
                  session: Any = None, subject: str | None = None) -> GoogleHTTPClient:
    """Our HTTP client with ``credentials`` (e.g. a district's SharedCredentials), else :func:`google_credentials`
    (acting as ``subject`` when given); over ``session`` when given (one authorized session shared by many clients
    of one account)."""
    from tracker_sync.backends.google.transport import GoogleHTTPClient

    api_base = loopback_api_base(api_base)
    if credentials is None:
        credentials = google_credentials(credentials_file=credentials_file, service_account_info=service_account_info,
                                         subject=subject)
    return GoogleHTTPClient(credentials, session, retry=retry, api_base=api_base)


def loopback_api_base(api_base: str | None = None) -> str | None:
    """Where Google requests go instead of Google: ``api_base`` or $TRACKER_SYNC_GOOGLE_API_BASE, loopback only (the fake)."""
    import os

    api_base = api_base or os.environ.get("TRACKER_SYNC_GOOGLE_API_BASE") or None
    if api_base and urlsplit(api_base).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(f"TRACKER_SYNC_GOOGLE_API_BASE must be a loopback address (the Google fake), not {api_base!r}.")
    return api_base


class GoogleWorkbook(Workbook):
    """A tracker in one Google spreadsheet. See the module docstring for the exact API calls."""

    kind = "google"

    def __init__(self, spreadsheet_id: str, http: GoogleHTTPClient, *, fresh: bool = False) -> None:
        from tracker_sync.backends.google.form import FormSync

        self.spreadsheet_id = spreadsheet_id
        self.http = http
        self.form = FormSync(http)  # the school's observation form, when the tracker has one
        self._known: _Known | None = None
        self._title: str | None = None  # the title as last read or set (a write of tabs never changes it)
        self._fresh = fresh  # created by us in this process: its "Sheet1" may be renamed

    @classmethod
    def create(cls, title: str, http: GoogleHTTPClient, *, folder_id: str | None = None) -> GoogleWorkbook:
        """Create an empty spreadsheet (one Drive call; in ``folder_id`` when given, else in the acting user's
        My Drive). Google's refusals (a service account owns no storage, a folder out of reach) become one line."""
        from tracker_sync.backends.google.access import create_refused

        body: dict[str, Any] = {"name": title, "mimeType": SPREADSHEET_MIME}
        if folder_id:
            body["parents"] = [folder_id]
        try:
            response = http.request("post", DRIVE_FILES, params={"supportsAllDrives": True}, json=body)
        except ApiError as exc:
            raise create_refused(exc, http.auth, folder_id) from exc
        return cls(response.json()["id"], http, fresh=True)

    @classmethod
    def find(cls, title: str, http: GoogleHTTPClient, *, folder_id: str | None = None) -> GoogleWorkbook | None:
        """The spreadsheet named ``title`` that these credentials created (drive.file sees no others), or None.

        One Drive call. More than one match is a ConfigError: the registry must say which one is meant.
        """
        ids = files_named(http, title, SPREADSHEET_MIME, folder_id)
        if len(ids) > 1:
            raise ConfigError(f"{len(ids)} spreadsheets are named {title!r} ({', '.join(ids)}); record the right one in the "
                              "registry.")
        return cls(ids[0], http) if ids else None

    @property
    def location(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"

    # -- read --

    def read(self, tabs: Sequence[str]) -> Snapshot:
        """Every tab and the metadata in one spreadsheets.get; only ``tabs`` are returned.

        A tracker with an observation form costs one more call when ``tabs`` name its Observations tab:
        the form's new responses (forms.responses.list), which come back as rows at the bottom of their
        tabs, where the next write appends them (see tracker_sync.form.intake).
        """
        known = self._fetch()
        wanted = set(tabs)
        metadata = self._own_metadata(known)
        grids = {name: [list(r) for r in grid] for name, grid in known.grids.items() if name in wanted}
        intake = self.form.take_in(metadata, known.grids, wanted)
        for tab, rows in (intake.rows if intake else {}).items():
            grids[tab] = [*grids[tab], *(list(row) for row in rows)]
        return Snapshot(grids=grids, metadata=metadata, tab_ids={name: info.sheet_id for name, info in known.tabs.items()},
                        form=intake.inbox if intake else None)

    @staticmethod
    def _own_metadata(known: _Known) -> dict[str, str]:
        return {k.removeprefix(METADATA_PREFIX): v for k, v in known.metadata.items() if k.startswith(METADATA_PREFIX)}

    def _fetch(self) -> _Known:
        body = self._call(lambda: self.http.fetch_sheet_metadata(
            self.spreadsheet_id, params={"includeGridData": "true", "fields": READ_FIELDS}))
        known = _Known(title=body.get("properties", {}).get("title", ""))
        self._title = known.title
        for meta in body.get("developerMetadata", []):
            known.metadata_ids[meta["metadataKey"]] = meta["metadataId"]
            known.metadata[meta["metadataKey"]] = meta.get("metadataValue", "")
        for sheet in body.get("sheets", []):
            props = sheet["properties"]
            grid = props.get("gridProperties", {})
            known.tabs[props["title"]] = _TabInfo(
                props["sheetId"], grid.get("rowCount", 0), grid.get("columnCount", 0), grid.get("frozenRowCount", 0),
                len(sheet.get("conditionalFormats", [])),
                any(p.get("description") == PROTECTION_NOTE for p in sheet.get("protectedRanges", [])),
                any(p.get("description") == ARCHIVE_NOTE for p in sheet.get("protectedRanges", [])))
            rows = (sheet.get("data") or [{}])[0].get("rowData", [])
            known.grids[props["title"]] = trim_grid([plain_value(c) for c in row.get("values", [])] for row in rows)
        self._known = known
        return known

    def _call(self, call):
        """Run one API call; Google's 404 and 403 become errors that say what to do."""
        try:
            return call()
        except ApiError as exc:
            if exc.code == 404:
                raise TrackerNotFound(f"No spreadsheet {self.spreadsheet_id} is visible to {self._account} "
                                      "(share it with that account, or check the id).") from exc
            if exc.code == 403 and exc.status == "PERMISSION_DENIED" and exc.reason not in _NOT_A_SHARING_PROBLEM:
                raise TrackerNotShared(
                    f"The spreadsheet {self.spreadsheet_id} exists but {self._account} may not open or change it "
                    f"(Google: {exc.message}): share the spreadsheet with {self._account} as an editor.") from exc
            raise

    @property
    def _account(self) -> str:
        """The email Google sees acting (service account, delegated user or person), as people must share with it."""
        from tracker_sync.backends.google.auth import acting_email

        return acting_email(self.http.auth)

    # -- write --

    def write(self, tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str] = {}) -> list[str]:
        """One atomic batchUpdate for every tool tab and the metadata; none when nothing changed.

        "Unchanged" means the non-volatile tool tabs (all but the Sync Log) and ``metadata`` hash to the
        value the previous write stored (developer metadata key ``tracker_sync_internal.output_hash``,
        read by the preceding ``read``). Then no call is made and the method returns no tab. A write of
        volatile tabs only (a failure line in the Sync Log) is always made and keeps the stored hash.
        A write that is made rewrites every tab given, and returns them all.
        """
        known = self._known or self._fetch()
        outputs = any(not tab.volatile for tab in tool_tabs)
        fingerprint = output_hash(tool_tabs, metadata)
        own = self._own_metadata(known)
        intake = self.form.intake if outputs and self.form.changes(own) else None
        teachers = self.form.teachers_due(own, known.grids) if outputs else None
        # The form's Teacher list first: when Google refuses it, nothing new is left to record (the next sync tries again).
        form_metadata = self.form.send_teachers(own, teachers) if teachers is not None else {}
        if outputs and known.metadata.get(HASH_KEY) == fingerprint and intake is None and not form_metadata:
            self.form.written()
            return []
        planner = _Planner(known, self._editors)
        planner.add_missing(tool_tabs)  # first, so a link to a tab written later in this batch has its id
        for tab in tool_tabs:
            planner.tool_tab(tab)
        if intake is not None:
            for tab_name, rows in intake.rows.items():
                planner.append(tab_name, rows)
            form_metadata.update(form_cursor_metadata(intake, own))
        hashed = {HASH_KEY: fingerprint} if outputs else {}
        planner.metadata({**{METADATA_PREFIX + k: v for k, v in {**metadata, **form_metadata}.items()}, **hashed})
        try:
            self._batch(planner, idempotent=intake is None or not intake.rows)
        finally:
            self.form.written()
        return [tab.name for tab in tool_tabs]

    @property
    def _editors(self) -> list[str]:
        """The service account itself: the only editor of protected tabs (the owner always can)."""
        return [self._account] if "@" in self._account else []

    def _batch(self, planner: _Planner, *, idempotent: bool = True) -> None:
        """One batchUpdate. A 400 is Google refusing the content: WriteRefused, and as batchUpdate is
        atomic nothing landed, so what the last read saw still holds for a smaller write after it.
        A batch that appends rows is not ``idempotent``: it is not sent twice (see GoogleHTTPClient.request)."""
        if not planner.requests:
            return
        refused = False
        url = f"{SHEETS_API}/{self.spreadsheet_id}:batchUpdate"
        try:
            self._call(lambda: self.http.request("post", url, json={"requests": planner.requests}, idempotent=idempotent))
        except ApiError as exc:
            if exc.code != 400:
                raise
            refused = True
            raise WriteRefused(exc.code, exc.message, exc.status, error=exc.error) from exc
        finally:
            if not refused:
                self._known = None  # stale whether the batch landed or not; the next read refreshes it

    # -- provision, seed, share --

    def provision(self, template: Template, metadata: Mapping[str, str], rows: Mapping[str, Grid] = {}) -> None:
        """Create missing tabs, headers, dropdowns, frozen rows, widths, protection, Instructions, metadata,
        and type ``rows`` under the headers: all in one batchUpdate, so a tracker never has half of them."""
        known = self._known or self._fetch()
        planner = _Planner(known, self._editors)
        planner.provision(template, fresh=self._fresh)
        for tab, typed in rows.items():
            if typed:
                planner.seed(tab, typed)
        planner.metadata({METADATA_PREFIX + k: v for k, v in metadata.items()})
        self._batch(planner)
        self._fresh = False

    def archive(self, coach_tabs: Sequence[str], label: str, metadata: Mapping[str, str]) -> None:
        """Last year's tracker, read only: every coach tab protected (only tracker-sync's account may
        edit), the title suffixed with ``label``, ``metadata`` merged; one batchUpdate, none if all is done."""
        known = self._known or self._fetch()
        planner = _Planner(known, self._editors)
        for name in coach_tabs:
            info = planner.tabs.get(name)
            if info is not None and not info.archived:
                planner.protect(info, ARCHIVE_NOTE)
        title = known.title if known.title.endswith(label) else f"{known.title} {label}".strip()
        if title != known.title:
            planner.title(title)
        planner.metadata({METADATA_PREFIX + k: v for k, v in metadata.items()})
        self._batch(planner)
        self._title = title

    @property
    def title(self) -> str:
        """The spreadsheet's title as the last read saw it (reads once if nothing was read yet)."""
        return (self._known or self._fetch()).title

    def rename(self, title: str) -> None:
        """Set the spreadsheet's title (its Drive name follows): one batchUpdate (no read first), none
        when the title is known to be that already (the last read saw it, or this object set it)."""
        if title == self._title:
            return
        planner = _Planner(self._known or _Known(), self._editors)
        planner.title(title)
        self._batch(planner)
        self._title = title

    def parents(self) -> list[str]:
        """The Drive folders (or shared drive) holding the spreadsheet: one Drive call."""
        return self._call(lambda: self.http.request("get", f"{DRIVE_FILES}/{self.spreadsheet_id}", params={
            "fields": "parents", "supportsAllDrives": "true"}).json().get("parents", []))

    def permissions(self) -> list[dict]:
        """Who may open the spreadsheet (id, type, role, emailAddress, and whether a shared drive gives it:
        permissionDetails.inherited): one Drive call a page of 100."""
        params = {"fields": "nextPageToken,permissions(id,type,role,emailAddress,permissionDetails(inherited))",
                  "pageSize": 100, "supportsAllDrives": "true"}
        url = f"{DRIVE_FILES}/{self.spreadsheet_id}/permissions"
        return every_item(lambda query: self._call(lambda: self.http.request("get", url, params=query).json()),
                          params, "permissions")

    def change_role(self, permission_id: str, role: str) -> None:
        """Give an existing permission another role ("reader": view only): one Drive call."""
        if role not in ("writer", "reader"):
            raise ConfigError(f"role must be 'writer' or 'reader', not {role!r}")
        self._call(lambda: self.http.request(
            "patch", f"{DRIVE_FILES}/{self.spreadsheet_id}/permissions/{permission_id}",
            params={"supportsAllDrives": "true"}, json={"role": role}))

    def seed_rows(self, grids: Mapping[str, Grid]) -> None:
        """Type rows under the headers (demo and tests): values as typed, text never parsed."""
        known = self._known or self._fetch()
        planner = _Planner(known, self._editors)
        for tab, rows in grids.items():
            planner.seed(tab, rows)
        self._batch(planner)

    def share(self, email: str, role: str, *, notify: bool = True) -> str:
        """Give one person access (role "writer" or "reader"): one Drive call; returns the permission's id
        (what :meth:`unshare` takes). Never link sharing."""
        from tracker_sync.backends.google.access import share_refused

        if role not in ("writer", "reader"):
            raise ConfigError(f"role must be 'writer' or 'reader', not {role!r}")
        try:
            response = self.http.request("post", f"{DRIVE_FILES}/{self.spreadsheet_id}/permissions",
                                         params={"sendNotificationEmail": str(notify).lower(), "supportsAllDrives": "true"},
                                         json={"type": "user", "role": role, "emailAddress": email})
        except ApiError as exc:
            raise share_refused(exc, self.spreadsheet_id, self._account, email) from exc
        return str(response.json()["id"])

    def unshare(self, permission_id: str) -> None:
        """Take one permission away (one Drive call); one already gone (removed by hand) is no error."""
        try:
            self.http.request("delete", f"{DRIVE_FILES}/{self.spreadsheet_id}/permissions/{permission_id}",
                              params={"supportsAllDrives": "true"})
        except ApiError as exc:
            if exc.code != 404:
                raise

    @staticmethod
    def in_folder(http: GoogleHTTPClient, folder_id: str) -> dict[str, str]:
        """The spreadsheets in a Drive folder that these credentials created (drive.file sees no others), id -> name:
        one paged Drive ``files.list`` (1000 a page)."""
        params: dict[str, Any] = {
            "q": f"'{folder_id}' in parents and mimeType = '{SPREADSHEET_MIME}' and trashed = false",
            "fields": "nextPageToken,files(id,name)", "pageSize": 1000,
            "supportsAllDrives": "true", "includeItemsFromAllDrives": "true"}
        files = every_item(lambda query: http.request("get", DRIVE_FILES, params=query).json(), params, "files")
        return {f["id"]: f["name"] for f in files}

    def write_own_tab(self, tab: ToolTab, *, conditional_formats: int = 0, metadata: Mapping[str, str] = {}) -> None:
        """Replace the one tab of a spreadsheet only tracker-sync writes (a teacher's page): one batchUpdate, no read.

        What the spreadsheet holds is known without reading it: one this process just created has Google's
        first tab (sheetId 0, "Sheet1"), which the batch renames to ``tab``; one written before is that tab,
        still sheetId 0, protected, with the ``conditional_formats`` colour rules its last write made. When
        someone changed its tabs since, Google refuses the batch (400, no grid with that id) and it is read
        and written the usual way (:meth:`write`: one more read). ``metadata`` is stored with the first write
        of a new spreadsheet (what it is, for whoever finds it later: :meth:`read` returns it).
        """
        fresh = self._fresh
        info = _TabInfo(0, 0, 0, conditional_formats=0 if fresh else conditional_formats, protected=not fresh)
        planner = _Planner(_Known(tabs={tab.name: info}), self._editors)
        if fresh:
            planner.requests.append({"updateSheetProperties": {
                "properties": {"sheetId": 0, "title": tab.name}, "fields": "title"}})
        planner.tool_tab(tab)
        if fresh:
            planner.metadata({METADATA_PREFIX + k: v for k, v in metadata.items()})
        try:
            self._batch(planner)
        except ApiError as exc:
            if exc.code != 400 or fresh:
                raise
            self.write([tab])
        self._fresh = False


class _Planner:
    """Builds the request list of one batchUpdate from what the last read saw."""

    def __init__(self, known: _Known, editors: Sequence[str] = ()) -> None:
        self.known = known
        self.editors = list(editors)  # who may edit protected tabs besides the owner
        self.requests: list[dict] = []
        self.tabs = dict(known.tabs)
        self._next_id = max((t.sheet_id for t in self.tabs.values()), default=0) + 101
        self._added: set[str] = set()  # tool tabs this batch adds (nothing of theirs to clear)

    @property
    def tab_ids(self) -> dict[str, int]:
        return {name: info.sheet_id for name, info in self.tabs.items()}

    def add_tab(self, name: str, rows: int, columns: int, frozen: int = 0) -> _TabInfo:
        info = _TabInfo(self._next_id, rows, columns, frozen)
        self._next_id += 101
        grid: dict[str, int] = {"rowCount": rows, "columnCount": columns}
        if frozen:
            grid["frozenRowCount"] = frozen
        self.requests.append({"addSheet": {"properties": {"sheetId": info.sheet_id, "title": name, "gridProperties": grid}}})
        self.tabs[name] = info
        return info

    def protect(self, info: _TabInfo, note: str = PROTECTION_NOTE) -> None:
        if info.archived if note == ARCHIVE_NOTE else info.protected:
            return
        self.requests.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": info.sheet_id}, "description": note, "warningOnly": False,
            "editors": {"users": self.editors}}}})
        if note == ARCHIVE_NOTE:
            info.archived = True
        else:
            info.protected = True

    def title(self, title: str) -> None:
        self.requests.append({"updateSpreadsheetProperties": {"properties": {"title": title}, "fields": "title"}})

    def add_missing(self, tool_tabs: Sequence[ToolTab]) -> None:
        """Add the tool tabs the spreadsheet does not have yet, at their size."""
        for tab in tool_tabs:
            if tab.name not in self.tabs:
                self.add_tab(tab.name, *_grid_size(tab), tab.frozen_rows)
                self._added.add(tab.name)

    def tool_tab(self, tab: ToolTab) -> None:
        """Replace one tool tab: size, merges, values, formats, widths, heights, colour scales, filter.
        (Its page breaks stay in the ToolTab: the Sheets API has no print settings; Google prints a
        tab's frozen rows on every page, as the xlsx repeats them.)"""
        rows, width = _grid_size(tab)
        info = self.tabs[tab.name]  # add_missing added it first, or it is the page's own known tab
        if tab.name not in self._added:
            self.requests.append({"updateSheetProperties": {
                "properties": {"sheetId": info.sheet_id, "gridProperties": {
                    "rowCount": rows, "columnCount": width, "frozenRowCount": tab.frozen_rows}},
                "fields": "gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount"}})
            for _ in range(info.conditional_formats):
                self.requests.append({"deleteConditionalFormatRule": {"sheetId": info.sheet_id, "index": 0}})
            self.requests.append({"unmergeCells": {"range": {"sheetId": info.sheet_id}}})
        self.protect(info)
        self.requests.append({"updateCells": {
            "range": {"sheetId": info.sheet_id}, "rows": row_values(tab, self.tab_ids), "fields": "userEnteredValue"}})
        for area, cell_format in format_runs(tab, rows, width):  # each format once per rectangle of equal cells
            self.requests.append({"repeatCell": {"range": grid_range(info.sheet_id, area),
                                                 "cell": {"userEnteredFormat": cell_format} if cell_format else {},
                                                 "fields": "userEnteredFormat"}})
        for area, mergers in _runs(tab.merges):
            self.requests.append({"mergeCells": {"range": grid_range(info.sheet_id, area), "mergeType": mergers}})
        self.widths(info, tab.column_widths)
        heights = [row_pixels(tab.row_heights[r] if r < len(tab.row_heights) else None) for r in range(rows)]
        self.sizes(info, "ROWS", heights)
        for rule in tab.color_scales:
            self.requests.append({"addConditionalFormatRule": {"rule": color_scale_rule(info.sheet_id, rule), "index": 0}})
        if tab.filter is not None:
            self.requests.append({"setBasicFilter": {"filter": {"range": grid_range(info.sheet_id, tab.filter)}}})

    def widths(self, info: _TabInfo, widths: Sequence[float]) -> None:
        self.sizes(info, "COLUMNS", [pixels(width) for width in widths])

    def sizes(self, info: _TabInfo, dimension: str, sizes: Sequence[int]) -> None:
        """Column widths or row heights in pixels, one request per run of equal sizes."""
        start = 0
        for end in range(1, len(sizes) + 1):
            if end == len(sizes) or sizes[end] != sizes[start]:
                self.requests.append({"updateDimensionProperties": {
                    "range": {"sheetId": info.sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end},
                    "properties": {"pixelSize": sizes[start]}, "fields": "pixelSize"}})
                start = end

    def metadata(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            if key in self.known.metadata_ids:
                if self.known.metadata.get(key) != value:
                    self.requests.append({"updateDeveloperMetadata": {
                        "dataFilters": [{"developerMetadataLookup": {"metadataId": self.known.metadata_ids[key]}}],
                        "developerMetadata": {"metadataValue": value}, "fields": "metadataValue"}})
            else:
                self.requests.append({"createDeveloperMetadata": {"developerMetadata": {
                    "metadataKey": key, "metadataValue": value, "location": {"spreadsheet": True}, "visibility": "DOCUMENT"}}})

    def provision(self, template: Template, *, fresh: bool) -> None:
        roster = template.tab_of_kind("roster")
        teacher_column = next(i for i, c in enumerate(roster.columns) if c.key == "teacher")
        letter = column_letter(teacher_column)
        roster_range = f"={quoted_tab(roster.name)}!${letter}$2:${letter}"
        codes = [c.header for t in template.tabs for c in t.columns if c.type == "score"]
        renamable = fresh and "Sheet1" in self.tabs and len(self.tabs) == 1
        for spec in template.tabs:
            headers = [c.header for c in spec.columns]
            info = self.tabs.get(spec.name)
            if info is None and renamable:
                info = self.tabs.pop("Sheet1")
                self.tabs[spec.name] = info
                renamable = False
                info.columns = max(info.columns, len(headers))
                self.requests.append({"updateSheetProperties": {"properties": {
                    "sheetId": info.sheet_id, "title": spec.name,
                    "gridProperties": {"rowCount": info.rows, "columnCount": info.columns, "frozenRowCount": 1}},
                    "fields": "title,gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount"}})
                info.frozen_rows, new = 1, True
            elif info is None:
                info, new = self.add_tab(spec.name, NEW_TAB_ROWS, len(headers), frozen=1), True
            else:
                new = False
                if info.frozen_rows < 1 or info.columns < len(headers):
                    info.columns = max(info.columns, len(headers))
                    self.requests.append({"updateSheetProperties": {"properties": {
                        "sheetId": info.sheet_id, "gridProperties": {"columnCount": info.columns,
                                                                     "frozenRowCount": max(info.frozen_rows, 1)}},
                        "fields": "gridProperties.columnCount,gridProperties.frozenRowCount"}})
            self.headers(spec.name, info, spec.columns, new=new)
            if new:
                self.widths(info, [c.width for c in spec.columns])
            for index, column in enumerate(spec.columns):
                rule = validation_rule(column, roster_range=roster_range, indicator_codes=codes)
                if rule is not None and info.rows > 1:
                    column_below_header = Area(1, index, info.rows - 1, 1)
                    self.requests.append({"setDataValidation": {"range": grid_range(info.sheet_id, column_below_header),
                                                                "rule": rule}})
        for tool_tab in template.tool_tabs:
            self.protect(self.tabs.get(tool_tab.name) or self.add_tab(tool_tab.name, 1, 1))
        self.instructions(template)

    def headers(self, tab: str, info: _TabInfo, columns: Sequence, *, new: bool) -> None:
        """Header cells: text only where the header cell is empty (a coach's renamed header stays)."""
        existing = (self.known.grids.get(tab) or [[]])[0] if not new else []
        cells = []
        for index, column in enumerate(columns):
            typed = existing[index] if index < len(existing) else None
            cell = cell_data(column.header if typed is None else typed, {}, COACH_HEADER)
            if column.help:
                cell["note"] = column.help
            cells.append(cell)
        self.requests.append({"updateCells": {"start": {"sheetId": info.sheet_id, "rowIndex": 0, "columnIndex": 0},
                                              "rows": [{"values": cells}], "fields": "userEnteredValue,userEnteredFormat,note"}})

    def instructions(self, template: Template) -> None:
        lines = template.instructions.text.strip().splitlines()
        info = self.tabs.get(template.instructions.tab)
        if info is None:
            info = self.add_tab(template.instructions.tab, len(lines), 1)
            self.requests.append({"updateDimensionProperties": {
                "range": {"sheetId": info.sheet_id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 900}, "fields": "pixelSize"}})
        elif info.rows < len(lines):
            self.requests.append({"updateSheetProperties": {"properties": {
                "sheetId": info.sheet_id, "gridProperties": {"rowCount": len(lines)}}, "fields": "gridProperties.rowCount"}})
        rows = [{"values": [cell_data(line, {}, INSTRUCTIONS_TITLE if index == 0 else None)]} for index, line in enumerate(lines)]
        self.requests.append({"updateCells": {"range": {"sheetId": info.sheet_id}, "rows": rows,
                                              "fields": "userEnteredValue,userEnteredFormat"}})
        self.protect(info)

    def append(self, tab: str, rows: Sequence[Sequence[Any]]) -> None:
        """Rows added below the last row with data of a coach tab (appendCells): no cell that exists is
        touched, even one a coach typed since the read. Dates keep their date format."""
        info = self.tabs[tab]
        data = [{"values": [cell_data(v, {}) for v in row]} for row in rows]
        self.requests.append({"appendCells": {"sheetId": info.sheet_id, "rows": data,
                                              "fields": "userEnteredValue,userEnteredFormat.numberFormat"}})

    def seed(self, tab: str, rows: Sequence[Sequence[Any]]) -> None:
        info = self.tabs.get(tab)
        if info is None:
            raise ConfigError(f"Cannot seed rows: the tracker has no tab {tab!r}; provision it first.")
        start = len(self.known.grids.get(tab) or [[]]) or 1
        width = max((len(r) for r in rows), default=0)
        needed_rows, needed_columns = start + len(rows), max(info.columns, width)
        if needed_rows > info.rows or needed_columns > info.columns:
            info.rows, info.columns = max(info.rows, needed_rows), needed_columns
            self.requests.append({"updateSheetProperties": {"properties": {
                "sheetId": info.sheet_id, "gridProperties": {"rowCount": info.rows, "columnCount": info.columns}},
                "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
        data = [{"values": [cell_data(v, {}) for v in row]} for row in rows]
        self.requests.append({"updateCells": {"start": {"sheetId": info.sheet_id, "rowIndex": start, "columnIndex": 0},
                                              "rows": data, "fields": "userEnteredValue,userEnteredFormat"}})


def _grid_size(tab: ToolTab) -> tuple[int, int]:
    """(rows, columns) a tool tab's grid needs (a frozen tab keeps a row below its frozen ones)."""
    return max(len(tab.rows), len(tab.styles), 1, tab.frozen_rows + 1), max(tab.width, len(tab.column_widths), 1)


def _runs(merges: Sequence[Area]) -> list[tuple[Area, str]]:
    """Merged cells as few mergeCells requests: one-row merges of the same columns on consecutive rows
    become one MERGE_ROWS request (each row merged on its own), any other merge one MERGE_ALL."""
    runs: list[tuple[Area, str]] = []
    for area in sorted(merges, key=lambda a: (a.col, a.width, a.row)):
        if area.height == 1 and runs and runs[-1][1] == "MERGE_ROWS":
            last = runs[-1][0]
            if (last.col, last.width) == (area.col, area.width) and last.row + last.height == area.row:
                runs[-1] = (Area(last.row, last.col, last.height + 1, last.width), "MERGE_ROWS")
                continue
        runs.append((area, "MERGE_ROWS" if area.height == 1 else "MERGE_ALL"))
    return runs
