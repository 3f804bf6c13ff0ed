"""A whole school year of a synthetic school: its autumn semester plus the same rows 21 weeks later as
the spring (same weekdays), as of the last day of school. The size a school's tracker reaches by June
(about 15,000 rows at 260 teachers), for the benchmarks and the tests that check figures at scale."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tracker_sync.synthetic.school import SyntheticSchool, synthetic_school
from tracker_sync.synthetic.years import in_year
from tracker_sync.tabs import CellValue, Grid

SPRING_SHIFT = dt.timedelta(weeks=21)


def _shift(value: CellValue) -> CellValue:
    return value + SPRING_SHIFT if isinstance(value, dt.date) else value


def school_year(seed: int = 7, *, teachers: int = 260, rubric: str = "leap", year: int | None = None) -> SyntheticSchool:
    """The school of ``seed`` (no typos) with a spring copied from its autumn; ``as_of`` is the year's last day.
    ``year``: the school year starting then instead of 2026-27 (tracker_sync.synthetic.years)."""
    school = synthetic_school(seed, teachers=teachers, rubric=rubric, typos=False)
    if year is not None:
        school = in_year(school, year)
    grids: dict[str, Grid] = {}
    for tab, grid in school.grids.items():
        rows = grid[1:]
        spring = [] if tab == "Roster" else [[_shift(v) for v in row] for row in rows]
        if tab == "Learning Cycles":  # a cycle's name is unique per teacher
            spring = [[f"{v} (spring)" if i == 1 else v for i, v in enumerate(row)] for row in spring]
        grids[tab] = [grid[0], *rows, *spring]
    return dataclasses.replace(school, grids=grids, as_of=school.settings.school_year_end, planted=[])
