"""A sample district of synthetic schools (xlsx files and Google fake spreadsheets) and its registry.

For the tests, the benchmark and the README's examples: every school is a seeded synthetic school
provisioned and filled the way the demo does it. Google schools beyond the first ``distinct`` are
Drive copies of those (one API call each), so a 2,000-school district builds in a minute. They live
in one shared drive every account manages (a service account owns no Drive storage).

With ``accounts`` (service-account JSONs from the fake), their key files go to ``folder/keys/`` and
into ``[district] credentials``; each school's spreadsheet is made by the account the district will
use for it, copying an original that account made (drive.file reaches only an app's own files), so
each account makes at least one original.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tracker_sync.district.registry import Registry, School, save_registry, slug


def build_district(folder: Path, *, xlsx: int = 2, google: int = 2, fake: Any = None, seed: int = 11,
                   teachers: int = 12, distinct: int = 4, district: dict | None = None,
                   school: dict | None = None, rubrics: tuple[str, ...] = ("leap",),
                   accounts: list[dict] | None = None) -> Path:
    """Write trackers and ``folder/district.toml``; returns the registry path.

    ``fake``: a running GoogleFake (needed when ``google`` > 0). ``district`` and ``school`` are extra
    registry fields for the district table and for every school. xlsx schools take their rubric from
    ``rubrics`` in turn (("leap", "danielson"): every other school on Danielson).
    """
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.synthetic.demo import provision_school
    from tracker_sync.synthetic.school import synthetic_school

    folder.mkdir(parents=True, exist_ok=True)
    entries: dict[str, School] = {}
    for index in range(xlsx):
        name = f"Xlsx School {index + 1:03d}"
        path = folder / f"{slug(name)}.xlsx"
        path.unlink(missing_ok=True)
        rubric = rubrics[index % len(rubrics)]
        provision_school(XlsxWorkbook(path), synthetic_school(seed + index, teachers=teachers, name=name, rubric=rubric))
        entries[name] = School(name=name, backend="xlsx", location=path.name, rubric=rubric, **(school or {}))
    credentials = _write_keys(folder, accounts or [])
    if google:
        for name, location in _google_schools(fake, google, seed, teachers, distinct, credentials).items():
            entries[name] = School(name=name, backend="google", location=location, **(school or {}))
    registry_path = folder / "district.toml"
    table = {**({"credentials": list(credentials)} if credentials else {}), **(district or {})}
    registry = Registry.model_validate({"district": table, "schools": entries, "path": registry_path})
    save_registry(registry, registry_path)
    return registry_path


def _write_keys(folder: Path, accounts: list[dict]) -> dict[str, dict]:
    """Each account's key file under folder/keys/, by its path relative to the registry."""
    written = {}
    for number, info in enumerate(accounts, 1):
        path = folder / "keys" / f"sync-{number}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(info), encoding="utf-8")
        written[f"keys/sync-{number}.json"] = info
    return written


def _google_schools(fake: Any, count: int, seed: int, teachers: int, distinct: int,
                    credentials: dict[str, dict]) -> dict[str, str]:
    from tracker_sync.backends.google.workbook import (
        DRIVE_FILES,
        GoogleWorkbook,
        google_client,
    )
    from tracker_sync.jobs.district import DEFAULT_ACCOUNT, spread_credential
    from tracker_sync.synthetic.demo import provision_school
    from tracker_sync.synthetic.school import synthetic_school

    if fake is None:
        raise ValueError("Google schools need a running GoogleFake (fake=...)")
    accounts = credentials or {DEFAULT_ACCOUNT: fake.service_account_info()}
    http = {name: google_client(service_account_info=info, api_base=fake.base_url) for name, info in accounts.items()}
    # Service accounts own no Drive storage: the district's trackers live in a shared drive they all manage.
    drive = fake.add_shared_drive("District trackers", {info["client_email"]: "fileOrganizer" for info in accounts.values()})
    locations: dict[str, str] = {}
    originals: dict[str, list[str]] = {}  # by maker: drive.file lets an account copy only what it created
    for index in range(count):
        name = f"Google School {index + 1:03d}"
        maker = spread_credential(slug(name), tuple(credentials))
        if index < distinct or maker not in originals:
            workbook = GoogleWorkbook.create(f"{name} – coaching tracker", http[maker], folder_id=drive)
            provision_school(workbook, synthetic_school(seed + 100 + index, teachers=teachers, name=name))
            originals.setdefault(maker, []).append(workbook.spreadsheet_id)
            locations[name] = workbook.location
        else:
            source = originals[maker][index % len(originals[maker])]
            copied = http[maker].request("post", f"{DRIVE_FILES}/{source}/copy", params={"supportsAllDrives": "true"},
                                         json={"name": f"{name} – coaching tracker", "parents": [drive]}).json()
            locations[name] = GoogleWorkbook(copied["id"], http[maker]).location
    return locations


def sync_history(registry_path: Path, days: Sequence[dt.date], *, stale: int | None = None,
                 never: int | None = None, workers: int | None = None, google: Any = None) -> None:
    """Sync every school of the registry as of each of ``days`` in turn (one pass a day), so the
    history holds the figures the district report and its trends read. The school at index
    ``stale`` syncs on the first day only; the one at ``never`` never syncs. ``google``: a
    jobs.district.GoogleAccess (the fake's) for Google schools."""
    from tracker_sync.district.registry import load_registry
    from tracker_sync.jobs.district import DistrictRunner

    runner = DistrictRunner(load_registry(registry_path), google=google)
    ids = [school.id for school in runner.registry.schools.values()]
    for nth, day in enumerate(days):
        wanted = [school for k, school in enumerate(ids) if k != never and (k != stale or nth == 0)]
        runner.run_pass(wanted, as_of=day, workers=workers)
