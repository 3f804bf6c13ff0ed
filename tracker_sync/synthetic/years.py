"""The synthetic school in another school year: every date moved by whole years of 52 weeks.

52 weeks keep each date on its weekday, so school days stay school days, Labor Day stays the first
Monday of September and Thanksgiving week stays Thanksgiving week (the calendar drifts a day a
year, which the generator's story never notices). The demo uses it for next year's semester, the
benchmarks for a tracker one year ahead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from tracker_sync.synthetic.school import SCHOOL_YEAR_START, SyntheticSchool
from tracker_sync.tabs import CellValue

#: The school year the generator writes: 2026-27.
BASE_YEAR = SCHOOL_YEAR_START.year
YEAR_WEEKS = 52


def _moved(value: CellValue, by: dt.timedelta) -> CellValue:
    return value + by if isinstance(value, dt.date) else value


def in_year(school: SyntheticSchool, start_year: int) -> SyntheticSchool:
    """``school`` (made for 2026-27) with every date moved into the school year starting in ``start_year``."""
    by = dt.timedelta(weeks=YEAR_WEEKS * (start_year - BASE_YEAR))
    if not by:
        return school
    settings = school.settings.model_copy(update={
        "school_year_start": school.settings.school_year_start + by, "school_year_end": school.settings.school_year_end + by,
        "holidays": frozenset(day + by for day in school.settings.holidays)})
    grids = {tab: [list(grid[0]), *([_moved(v, by) for v in row] for row in grid[1:])] for tab, grid in school.grids.items()}
    planted = [dataclasses.replace(p, value=_moved(p.value, by), original=_moved(p.original, by)) for p in school.planted]
    return dataclasses.replace(school, settings=settings, as_of=school.as_of + by, grids=grids, planted=planted)


def after_a_year_of_work(school: SyntheticSchool, years: int) -> SyntheticSchool:
    """The demo's story for a later year: the school worked on its two lowest indicators, so every
    other score on them is ``years`` points higher (within the scale; a planted out-of-range typo stays)."""
    rubric = school.settings.rubric
    scores = [list(row) for row in school.grids[rubric.scores_tab]]
    columns = [scores[0].index(code) for code in school.lowest_indicators]
    for row in scores[1::2]:
        for at in columns:
            value = row[at] if at < len(row) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= rubric.scale_max:
                row[at] = type(value)(min(value + years, rubric.scale_max))
    return dataclasses.replace(school, grids={**school.grids, rubric.scores_tab: scores})
