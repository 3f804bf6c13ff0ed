"""One-command provisioning of a school's Google tracker, recorded in the district registry.

Re-running for a school already in the registry (tracker_sync.district.registry) repairs that spreadsheet
(missing tabs, headers, dropdowns, protection); a school missing from the registry is first looked
up in Drive by its title (the drive.file scope sees only files tracker-sync created), so no second
spreadsheet is ever made. Calls: new school = 1 Drive search + 1 Drive create + 2 Sheets calls;
repair = 2 Sheets calls (+1 Drive search without a registry entry); plus 1 Drive call per share.

Where the spreadsheet goes and who makes it (tracker_sync.backends.google.auth): ``folder`` (else the
registry's ``[district] folder``), as ``act_as`` (else the registry's ``[district] act_as``) when the
credentials are a service account's, else as the credentials' own account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from tracker_sync.backends.google.workbook import (
    GoogleWorkbook,
    folder_id_from,
    google_client,
    spreadsheet_id_from,
)
from tracker_sync.provision import (
    ProvisionResult,
    check_emails,
    existing_registry,
    registry_entry,
)


def provision_google_school(
    school: str, *, rubric: str | None = None, folder: str | None = None, leaders: Sequence[str] = (),
    coaches: Sequence[str] = (), viewers: Sequence[str] = (), registry: Path | None = None, notify: bool = True,
    act_as: str | None = None, http=None, today: dt.date | None = None,
) -> ProvisionResult:
    """Create (or repair) the school's spreadsheet, share it with named people only, record it.

    An existing spreadsheet keeps its own settings (see tracker_sync.metadata.provision_settings):
    ``rubric`` only chooses the rubric of a new one, and a different rubric is refused before any write.
    """
    from tracker_sync.district.registry import upsert_school
    from tracker_sync.metadata import provision_settings, rubric_named
    from tracker_sync.sheet_templates import load_template

    users = [act_as] if act_as else []
    for emails, option in ((leaders, "--leader"), (coaches, "--coach"), (viewers, "--viewer"), (users, "--as")):
        check_emails(emails, option)
    if rubric is not None:
        rubric_named(rubric)  # an unknown rubric is refused before any call
    loaded = existing_registry(registry)
    entry = registry_entry(loaded, school, "google")
    if loaded is not None:
        folder, act_as = folder or loaded.district.folder or None, act_as or loaded.district.act_as or None
    folder = folder_id_from(folder) if folder else None
    http = http or google_client(subject=act_as)
    title = f"{school} – coaching tracker"
    if entry is not None:
        workbook: GoogleWorkbook | None = GoogleWorkbook(spreadsheet_id_from(entry.location), http)
    else:  # not in the registry: made by us before? (drive.file sees only our own files)
        workbook = GoogleWorkbook.find(title, http, folder_id=folder)
    created = workbook is None
    present = {} if workbook is None else workbook.read([]).metadata
    settings, metadata = provision_settings(present, school=school, rubric=rubric, rename=None, today=today,
                                            tracker=f"The spreadsheet '{title}'")
    if workbook is None:
        workbook = GoogleWorkbook.create(title, http, folder_id=folder)
    if registry and entry is None:  # recorded before the tabs are built: a rerun after a crash repairs, never duplicates
        upsert_school(registry, school, backend="google", location=workbook.location, rubric=settings.rubric.id)
    template = load_template().for_rubric(settings.rubric)
    workbook.provision(template, metadata)
    shared: dict[str, str] = {}
    for emails, role in ((leaders, "writer"), (coaches, "writer"), (viewers, "reader")):
        for email in emails:
            workbook.share(email, role, notify=notify)
            shared[email] = role
    return ProvisionResult(school, workbook.location, created, settings.rubric.id, template.coach_tab_names, shared,
                           registry=str(registry) if registry else None)
