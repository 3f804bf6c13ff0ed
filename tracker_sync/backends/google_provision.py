"""One-command provisioning of a school's Google tracker, recorded in the district registry.

Re-running for a school already in the registry (tracker_sync.registry) repairs that spreadsheet
(missing tabs, headers, dropdowns, protection); a school missing from the registry is first looked
up in Drive by its title (the drive.file scope sees only files tracker-sync created), so no second
spreadsheet is ever made. Calls: new school = 1 Drive search + 1 Drive create + 2 Sheets calls;
repair = 2 Sheets calls (+1 Drive search without a registry entry); plus 1 Drive call per share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tracker_sync.backends.google import GoogleWorkbook, google_client, spreadsheet_id_from
from tracker_sync.errors import ConfigError


@dataclass
class ProvisionResult:
    school: str
    tracker: str  # the spreadsheet's URL, named as in every other command's --json
    created: bool
    rubric: str
    shared: dict[str, str] = field(default_factory=dict)  # email -> role

    def to_dict(self) -> dict:
        return asdict(self)


def provision_google_school(
    school: str, *, rubric: str | None = None, folder: str | None = None, leaders: Sequence[str] = (),
    coaches: Sequence[str] = (), viewers: Sequence[str] = (), registry: Path | None = None, notify: bool = True,
    http=None, today: dt.date | None = None,
) -> ProvisionResult:
    """Create (or repair) the school's spreadsheet, share it with named people only, record it."""
    from tracker_sync.registry import load_registry, upsert_school
    from tracker_sync.settings import settings_for_provision
    from tracker_sync.sheet_templates import load_template, rubric_ids

    if rubric is not None and rubric not in rubric_ids():  # before any API call
        raise ConfigError(f"unknown rubric {rubric!r}; available: {', '.join(rubric_ids())}")
    http = http or google_client()
    entry = load_registry(registry).schools.get(school) if registry and registry.exists() else None
    title = f"{school} – coaching tracker"
    if entry is not None and entry.backend != "google":
        raise ConfigError(f"{school!r} is in the registry with its tracker at {entry.location} ({entry.backend}); "
                          "remove that entry first to move the school to Google.")
    if entry is not None:
        workbook: GoogleWorkbook | None = GoogleWorkbook(spreadsheet_id_from(entry.location), http)
    else:  # not in the registry: made by us before? (drive.file sees only our own files)
        workbook = GoogleWorkbook.find(title, http, folder_id=folder)
    created = workbook is None
    if workbook is None:
        workbook = GoogleWorkbook.create(title, http, folder_id=folder)
    present = {} if created else workbook.read([]).metadata
    settings, metadata = settings_for_provision(school, rubric, present, today=today)  # an existing tracker keeps its setup
    template = load_template().for_rubric(settings.rubric)
    if registry and entry is None:  # recorded before the tabs are built: a rerun after a crash repairs, never duplicates
        upsert_school(registry, school, backend="google", location=workbook.location, rubric=settings.rubric.id)
    workbook.provision(template, metadata)
    shared: dict[str, str] = {}
    for emails, role in ((leaders, "writer"), (coaches, "writer"), (viewers, "reader")):
        for email in emails:
            workbook.share(email, role, notify=notify)
            shared[email] = role
    return ProvisionResult(school, workbook.location, created, settings.rubric.id, shared)
