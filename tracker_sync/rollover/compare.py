"""Last year beside this year: the same figures of both years at the same week of the school year.

For a tracker that a rollover made (its metadata names last year's), :func:`last_year_beside` puts
this year's aggregate figures (tracker_sync.district.figures: indicator means, coverage, feedback
timeliness) beside last year's as far into last year as today is into this one. Last year's come
from the district's run history when it holds them for that week (the district runner's briefs),
else from reading last year's tracker once, as of that day. Both sides are computed by the same
function with the same norms, so the difference is the year's, not the method's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker_sync.rollover.links import PREVIOUS_YEAR, open_linked
from tracker_sync.rollover.years import same_week_last_year, year_of, year_starting

if TYPE_CHECKING:
    from tracker_sync.backends.base import Workbook
    from tracker_sync.check import Check
    from tracker_sync.district.history import History

#: History figures further than this from the matching day are not "the same week".
SAME_WEEK = dt.timedelta(days=6)


@dataclass(frozen=True)
class YearSide:
    """One year's figures (tracker_sync.district.figures.school_figures) as of one day."""

    label: str
    as_of: dt.date
    figures: dict[str, Any]


@dataclass(frozen=True)
class LastYearBeside:
    this: YearSide
    last: YearSide | None  # None: last year holds no figures for that week
    source: str  # "history" or "tracker" (read once), or "" when there is no last year


def history_figures(history: History, school_id: str, first_day: dt.date, as_of: dt.date) -> YearSide | None:
    """The school's figures of last year, at the week of last year that matches ``as_of`` in the year
    starting ``first_day``, from the run history; None when it holds none for that week. Last year's
    own first day comes from its figures (runs from before they stored it are not compared)."""
    key = "district"  # tracker_sync.district.report.KEY: where a sync stores its figures
    latest_last_year = history.latest_extra(school_id, key, (first_day - dt.timedelta(days=1)).isoformat())
    if latest_last_year is None or "school_year" not in latest_last_year.extra[key]:
        return None
    last_first, last_last = (dt.date.fromisoformat(d) for d in latest_last_year.extra[key]["school_year"])
    day = same_week_last_year(as_of, first_day, last_first, last_last)
    run = history.latest_extra(school_id, key, day.isoformat())
    if run is None or dt.date.fromisoformat(run.extra[key]["as_of"]) < max(day - SAME_WEEK, last_first):
        return None
    figures = run.extra[key]
    return YearSide(str(year_starting(last_first)), dt.date.fromisoformat(figures["as_of"]), figures)


def _from_tracker(workbook: Workbook, location: str, check: Check, norm_overrides: Mapping[str, object] | None,
                  min_cell: int) -> YearSide:
    """Last year's tracker read once, checked as of the matching day."""
    from tracker_sync.check import check_snapshot, tabs_to_read
    from tracker_sync.district.figures import school_figures
    from tracker_sync.metadata import from_metadata

    snapshot = open_linked(workbook, location).read(tabs_to_read())
    settings, _template = from_metadata(snapshot.metadata)
    day = same_week_last_year(check.as_of, check.settings.school_year_start, settings.school_year_start, settings.school_year_end)
    last = check_snapshot(snapshot, as_of=day, norm_overrides=norm_overrides)
    return YearSide(str(year_of(last.settings)), day, school_figures(last, min_cell=min_cell))


def last_year_beside(check: Check, workbook: Workbook, *, history: History | None = None, school_id: str | None = None,
                     norm_overrides: Mapping[str, object] | None = None, min_cell: int = 5) -> LastYearBeside | None:
    """This year's figures and last year's at the same week; None for a tracker with no last year."""
    from tracker_sync.district.figures import school_figures

    location = check.snapshot.metadata.get(PREVIOUS_YEAR)
    if not location:
        return None
    this = YearSide(str(year_of(check.settings)), check.as_of, school_figures(check, min_cell=min_cell))
    if history is not None and school_id is not None and (
            last := history_figures(history, school_id, check.settings.school_year_start, check.as_of)) is not None:
        return LastYearBeside(this, last, "history")
    return LastYearBeside(this, _from_tracker(workbook, location, check, norm_overrides, min_cell), "tracker")
