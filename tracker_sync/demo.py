"""The demo: provision a tracker for a synthetic school, fill it, sync it. Runs fully offline."""

from __future__ import annotations

from pathlib import Path

from tracker_sync.backends.base import Workbook
from tracker_sync.registry import slug
from tracker_sync.settings import to_metadata
from tracker_sync.sheet_templates import load_template
from tracker_sync.sync import SyncReport, sync_tracker
from tracker_sync.synthetic import SyntheticSchool, synthetic_school


def provision_school(workbook: Workbook, school: SyntheticSchool) -> None:
    """Provision a tracker for the school and type its rows in, as coaches would have."""
    template = load_template().for_rubric(school.settings.rubric)
    workbook.provision(template, to_metadata(school.settings))
    workbook.seed_rows({name: grid[1:] for name, grid in school.grids.items()})


def run_demo(out_dir: Path, seed: int = 7, rubric: str = "leap") -> tuple[Path, SyncReport]:
    """Build the demo tracker in out_dir (replacing an earlier demo file) and sync it."""
    from tracker_sync.backends.xlsx import XlsxWorkbook

    school = synthetic_school(seed, rubric=rubric)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{slug(school.name)}.xlsx"
    path.unlink(missing_ok=True)
    workbook = XlsxWorkbook(path)
    provision_school(workbook, school)
    return path, sync_tracker(workbook, as_of=school.as_of)
