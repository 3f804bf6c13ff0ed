"""The demo: provision a tracker for a synthetic school, fill it, sync it. Runs fully offline.

The demo's data is the fall semester 2026 (it ends 2026-12-18). The demo tracker stores that date
in its metadata (``demo_as_of``), so a later sync, validate or brief without ``--as-of`` reads it
as of the end of its semester, whatever today is: no visit is ever "in the future", and the
README's demo output is the same on any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from tracker_sync.backends.base import Workbook
from tracker_sync.district.registry import slug
from tracker_sync.errors import ConfigError
from tracker_sync.metadata import DEMO_AS_OF, rubric_named, to_metadata
from tracker_sync.schemas import Template
from tracker_sync.sheet_templates import load_template
from tracker_sync.sync import SyncReport, sync_tracker
from tracker_sync.synthetic.school import SyntheticSchool, synthetic_school
from tracker_sync.tabs import Grid

#: The Mondays the demo is synced on before its own day (see run_demo).
PLAN_MONDAYS = (dt.date(2026, 12, 7), dt.date(2026, 12, 14))


class SeedableWorkbook(Protocol):
    """A tracker the demo can type rows into: every backend has seed_rows, which is not on the Workbook
    interface (only the demo and the tests type rows in)."""

    def provision(self, template: Template, metadata: Mapping[str, str]) -> None: ...

    def seed_rows(self, grids: Mapping[str, Grid], /) -> None: ...


def provision_school(workbook: SeedableWorkbook, school: SyntheticSchool, *, frozen_at: dt.date | None = None) -> None:
    """Provision a tracker for the school and type its rows in, as coaches would have.

    ``frozen_at``: store this as the tracker's default as-of date (the demo's; see the module docstring).
    """
    template = load_template().for_rubric(school.settings.rubric)
    metadata = to_metadata(school.settings)
    if frozen_at is not None:
        metadata[DEMO_AS_OF] = frozen_at.isoformat()
    workbook.provision(template, metadata)
    workbook.seed_rows({name: grid[1:] for name, grid in school.grids.items()})


def run_demo(out_dir: Path, seed: int = 7, rubric: str = "leap") -> tuple[Path, SyncReport]:
    """Build the demo tracker in out_dir (replacing an earlier demo file) and sync it (sync_demo).

    It is synced as it would have been on the semester's last two Mondays first (PLAN_MONDAYS), so its
    Plan tab holds the last week's plan, kept from Monday, and the week before's against what was done.
    """
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

    rubric_named(rubric)
    if seed < 0:
        raise ConfigError(f"--seed must be 0 or more, not {seed}.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ConfigError(f"--out {out_dir} is a file, not a folder: give a folder for the demo tracker.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot create the folder {out_dir}: {exc.strerror or exc}. Give another --out folder.") from exc
    school = synthetic_school(seed, rubric=rubric)
    path = out_dir / f"{slug(school.name)}.xlsx"
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"Cannot replace the earlier demo file {path}: {exc.strerror or exc}. Give another --out folder.") from exc
    workbook = XlsxWorkbook(path)
    provision_school(workbook, school, frozen_at=school.as_of)
    return path, sync_demo(workbook)


def sync_demo(workbook: Workbook) -> SyncReport:
    """Sync a demo tracker on PLAN_MONDAYS, then as of its own day; the last sync's report."""
    for monday in PLAN_MONDAYS:
        sync_tracker(workbook, as_of=monday)
    return sync_tracker(workbook)
