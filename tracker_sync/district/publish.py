"""Write the district report: the District workbook (xlsx or Google, through ``Workbook.write``) and the brief.

The workbook is not a tracker: it holds tool tabs only. It is created once, as a small workbook
with empty tabs (openpyxl for xlsx, as provisioning does; one Drive create for Google), then every
report replaces its tabs with one ``Workbook.write``. A Google District workbook is recorded in the
registry (``[district.report] spreadsheet``) and shared, view only, with the named ``staff`` and no
one else; staff added to the registry later are shared with on the next report.

Nothing here opens a school's tracker: the report comes from the history (report.build_report).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tracker_sync.backends.base import Workbook
from tracker_sync.district.history import History
from tracker_sync.district.registry import Registry, record_district_report
from tracker_sync.district.report import DistrictReport, build_report
from tracker_sync.errors import BackendError, ConfigError
from tracker_sync.tabs import ToolTab

METADATA = {"kind": "district-report"}


@dataclass
class Published:
    """What one district report wrote; ``--json`` prints ``to_dict()`` beside the report itself."""

    workbook: str
    backend: str
    brief: str
    tabs: list[str]
    api_calls: int  # every Google call the command made (the District workbook's own; 0 on xlsx)
    wall_s: float
    shared: list[str] = field(default_factory=list)  # staff shared with by this run
    created: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def ensure_xlsx(path: Path, tab_names: Sequence[str]) -> bool:
    """Create the District workbook with empty tabs, or add the tabs it lacks; True when created.

    Under the same lock file as XlsxWorkbook's writes, saved to a temp file and renamed over.
    """
    from filelock import FileLock
    from openpyxl import Workbook as NewBook
    from openpyxl import load_workbook

    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

    if not path.parent.is_dir():
        raise ConfigError(f"Cannot write the District workbook {path}: the folder {path.parent} does not exist.")
    with FileLock(str(XlsxWorkbook(path).lock_path), timeout=30):
        created = not path.exists()
        try:
            book = NewBook() if created else load_workbook(path)
        except Exception as exc:  # openpyxl raises many types (zip, XML, KeyError) on a file that is not an .xlsx
            raise BackendError(f"Cannot open the District workbook {path}: it is not a readable .xlsx file. "
                               "Move it away, or give another --out.") from exc
        if created:
            book.remove(book.active)
        missing = [name for name in tab_names if name not in book.sheetnames]
        if not missing:
            return False
        for name in missing:
            book.create_sheet(name)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        try:
            book.save(temp)
            os.replace(temp, path)
        finally:
            Path(temp).unlink(missing_ok=True)
    return created


def google_workbook(registry: Registry, http: Any, first_tab: str, folder: str | None = None) -> tuple[Workbook, bool, list[str]]:
    """The district's Google workbook: the recorded one, or a new one in ``folder`` (else the registry's
    ``[district] folder``; recorded in the registry before anything else, its first tab renamed
    ``first_tab``); then shared, view only, with each listed staff member not shared with yet."""
    from tracker_sync.backends.google.workbook import (
        GoogleWorkbook,
        folder_id_from,
        spreadsheet_id_from,
    )

    if registry.path is None:
        raise ConfigError("A Google District workbook is recorded in the registry: load the registry from a file.")
    created = not registry.district.report.spreadsheet
    if created:
        where = folder or registry.district.folder
        new = GoogleWorkbook.create(f"{registry.district.name} – district report", http,
                                    folder_id=folder_id_from(where) if where else None)
        registry = record_district_report(registry.path, spreadsheet=new.location)  # a rerun never makes a second one
        sheet_id = next(iter(new.read([]).tab_ids.values()))
        http.batch_update(new.spreadsheet_id, {"requests": [{"updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "title": first_tab}, "fields": "title"}}]})
    settings = registry.district.report
    workbook = GoogleWorkbook(spreadsheet_id_from(settings.spreadsheet), http)
    new_staff = [email for email in settings.staff if email not in settings.shared]
    for email in new_staff:
        workbook.share(email, "reader", notify=True)
    if new_staff:
        record_district_report(registry.path, shared=sorted({*settings.shared, *new_staff}))
    return workbook, created, new_staff


def brief_path(registry: Registry, as_of: dt.date) -> Path:
    return registry.resolve(registry.district.report.briefs) / f"district-brief-{as_of.isoformat()}.html"


def publish(registry: Registry, history: History, *, as_of: dt.date, now: dt.datetime, out: Path | None = None,
            backend: str | None = None, brief: Path | None = None, http: Any = None, folder: str | None = None,
            act_as: str | None = None) -> tuple[DistrictReport, Published]:
    """Build the report from the history, write the District workbook and the brief; a new Google workbook goes in
    ``folder`` (else the registry's), written as ``act_as`` (else the registry's ``[district] act_as``)."""
    from tracker_sync.district.brief import render_district_brief
    from tracker_sync.district.tabs import district_tabs

    started = time.perf_counter()
    if backend is None:
        backend = "xlsx" if out is not None else registry.district.report.backend
    if backend not in ("xlsx", "google"):
        raise ConfigError(f"--backend must be xlsx or google, not '{backend}'.")
    if backend == "xlsx" and (folder or act_as):
        raise ConfigError("--folder and --as are for a Google District workbook: leave them out, or give --backend google.")
    report = build_report(registry, history, as_of=as_of, now=now)
    tabs: list[ToolTab] = district_tabs(report)
    metadata = {**METADATA, "district": report.district, "as_of": as_of.isoformat()}
    shared: list[str] = []
    calls = 0
    if backend == "xlsx":
        from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

        path = out or registry.report_workbook_path
        created = ensure_xlsx(path, [t.name for t in tabs])
        workbook: Workbook = XlsxWorkbook(path)
        workbook.write(tabs, metadata)
    else:
        from tracker_sync.backends.google.workbook import google_client

        http = http or google_client(subject=act_as or registry.district.act_as or None)
        calls0 = http.calls
        workbook, created, shared = google_workbook(registry, http, tabs[0].name, folder)
        workbook.write(tabs, metadata)
        calls = http.calls - calls0
    html = render_district_brief(report)
    target = brief or brief_path(registry, as_of)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot write the district brief to '{target}': {exc.strerror}. Choose another --brief path.") from exc
    return report, Published(workbook.location, backend, str(target), [t.name for t in tabs], calls,
                             round(time.perf_counter() - started, 3), shared, created)
