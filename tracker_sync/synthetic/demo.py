"""The demo: provision a tracker for a synthetic school, fill it, sync it. Runs fully offline.

The demo's data is the fall semester 2026 (it ends 2026-12-18); with a later ``year`` the demo rolls
over into that year and types in its fall semester too (see :func:`run_demo`). The demo tracker stores that date
in its metadata (``demo_as_of``), so a later sync, validate or brief without ``--as-of`` reads it
as of the end of its semester, whatever today is: no visit is ever "in the future", and the
README's demo output is the same on any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from tracker_sync.backends.base import Workbook
from tracker_sync.district.registry import slug
from tracker_sync.errors import ConfigError
from tracker_sync.metadata import DEMO_AS_OF, rubric_named, to_metadata
from tracker_sync.render.plan_tab import render_plan
from tracker_sync.schemas import Template
from tracker_sync.sheet_templates import load_template
from tracker_sync.sync import SyncReport, check_tracker, sync_tracker
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


def fill_next_year(workbook: Workbook, school: SyntheticSchool) -> None:
    """Type a rolled-over tracker's new semester in: ``school`` (the same school a year on) minus its
    Roster, which the rollover carried; rows of people not on that Roster are left out, as are the
    rows whose teacher is a planted typo. The tracker's demo as-of date becomes the semester's end."""
    template = load_template().for_rubric(school.settings.rubric)
    roster_tab = template.tab_of_kind("roster")
    name_at, team_at = (roster_tab.columns.index(roster_tab.column(key)) for key in ("teacher", "team"))
    carried = workbook.read([roster_tab.name]).grids.get(roster_tab.name, [])[1:]
    owners = {row[name_at] for row in carried if row} | {row[team_at] for row in carried if len(row) > team_at}
    rows = {}
    for tab in template.tabs:
        if tab.kind == "roster":
            continue
        at = school.grids[tab.name][0].index(tab.column("teacher_or_team" if tab.kind == "goal" else "teacher").header)
        rows[tab.name] = [row for row in school.grids[tab.name][1:] if row[at] in owners]
    workbook.seed_rows(rows)  # type: ignore[attr-defined]
    workbook.write([], {DEMO_AS_OF: school.as_of.isoformat()})


def run_demo(out_dir: Path, seed: int = 7, rubric: str = "leap", year: int | None = None) -> tuple[Path, SyncReport]:
    """Build the demo tracker in out_dir (replacing an earlier demo file) and sync it (sync_demo: on the
    semester's last two Mondays first, so its Plan tab holds last week's plan against what was done).

    ``year`` (the first calendar year of a later school year, e.g. 2027): the 2026-27 demo is made,
    rolled over year by year (tracker_sync.rollover) and each new year gets its fall semester, so the
    tracker returned is ``year``'s, linked to last year's (its brief shows last year beside this year).
    """
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.rollover.places import place_for
    from tracker_sync.rollover.school import RolloverOptions, roll_over
    from tracker_sync.rollover.years import SchoolYear
    from tracker_sync.synthetic.years import BASE_YEAR, after_a_year_of_work, in_year

    if year is not None and year < BASE_YEAR:
        raise ConfigError(f"--year must be {SchoolYear(BASE_YEAR)} or later: the demo school starts in {SchoolYear(BASE_YEAR)}.")
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
    years = range(BASE_YEAR + 1, (year or BASE_YEAR) + 1)
    for earlier in [path, *(out_dir / f"{slug(school.name)}-{SchoolYear(y)}.xlsx" for y in years)]:
        try:
            earlier.unlink(missing_ok=True)
        except OSError as exc:
            raise ConfigError(f"Cannot replace the earlier demo file {earlier}: {exc.strerror or exc}. "
                              "Give another --out folder.") from exc
    workbook = XlsxWorkbook(path)
    provision_school(workbook, school, frozen_at=school.as_of)
    report = sync_demo(workbook)
    for start in years:
        following = after_a_year_of_work(in_year(synthetic_school(seed, rubric=rubric), start), start - BASE_YEAR)
        options = RolloverOptions(SchoolYear(start), following.settings.school_year_start, following.settings.school_year_end,
                                  following.settings.holidays)
        result = roll_over(workbook, options, place_for(options.year))
        workbook = XlsxWorkbook(Path(result.tracker))
        fill_next_year(workbook, following)
        path, report = workbook.path, sync_tracker(workbook)
    return path, report


def sync_demo(workbook: Workbook) -> SyncReport:
    """Sync a demo tracker as of its own day, after planning its PLAN_MONDAYS; the sync's report.

    On those Mondays only the Plan tab is written (what the plan remembers of its weeks): the demo's
    rows run to its own day, so a whole sync on a Monday would flag the later ones as in the future."""
    for monday in PLAN_MONDAYS:
        check = check_tracker(workbook, as_of=monday)
        planned_at = dt.datetime.combine(monday, dt.time(6), tzinfo=ZoneInfo(check.settings.timezone))
        workbook.write([render_plan(check.settings, check.plan, planned_at)], {})
    return sync_tracker(workbook)
