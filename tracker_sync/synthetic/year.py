"""A whole school year of a synthetic school: its autumn semester, and the same rows 21 weeks later (the
same weekdays) as its spring. The benchmarks' large school and the tests that print a 260-teacher year."""

from __future__ import annotations

import datetime as dt

from tracker_sync.schemas import SchoolSettings
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.tabs import CellValue, Grid

SPRING_SHIFT = dt.timedelta(weeks=21)


def _shifted(value: CellValue) -> CellValue:
    return value + SPRING_SHIFT if isinstance(value, dt.date) else value


def school_year(seed: int = 7, teachers: int = 260) -> tuple[dict[str, Grid], SchoolSettings]:
    """(grids with a header row, settings) for one school year, read as of ``settings.school_year_end``;
    a spring learning cycle is named "<name> (spring)"."""
    school = synthetic_school(seed, teachers=teachers, typos=False)
    grids = {}
    for tab, grid in school.grids.items():
        rows = grid[1:]
        spring = [] if tab == "Roster" else [[_shifted(v) for v in row] for row in rows]
        if tab == "Learning Cycles":
            spring = [[f"{v} (spring)" if i == 1 else v for i, v in enumerate(row)] for row in spring]
        grids[tab] = [grid[0], *rows, *spring]
    return grids, school.settings
