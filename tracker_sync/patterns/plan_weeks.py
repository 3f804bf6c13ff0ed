"""The coaching plan's calendar rules: which school weeks come next, and fitting what is due into each
coach's capacity, week by week, so the plan never asks more than a coach can do.

Pure functions of dates, settings and plain data; tests/test_plan.py checks them on hand-computed cases.

* **The coming school week** is the Monday-to-Sunday week of the first school day on or after the
  as-of date (a weekend or a break looks ahead to the next week with school days). Its school days
  are those from the as-of date on; later weeks count all of theirs. No week after the school year.
* **Capacity is per school day**: a coach's visits (and meetings) a week are for five school days, so
  a week with fewer (a holiday, or a plan made on Wednesday) has that share of them, rounded half up.
* **Fitting**: a coach's items, in need order, go into the first week whose end is on or after their
  due date and which still has room; what does not fit is carried to the next week. Visits and
  meetings have separate capacities, and meetings with the same teacher in one week are one meeting
  (seed 004: a 1:1 can debrief a visit, check a goal or close a cycle), so they take one slot.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from tracker_sync.schemas import SchoolSettings

FULL_WEEK_DAYS = 5
VISIT = "observe"  # the one kind of item that is a classroom visit; the others are meetings


@dataclass(frozen=True)
class SchoolWeek:
    """One week of the plan: its Monday and the school days it has (the first week: from the as-of date)."""

    start: dt.date
    days: tuple[dt.date, ...]

    @property
    def end(self) -> dt.date:
        """The Sunday closing the week: an item due by then is due this week."""
        return self.start + dt.timedelta(days=6)

    def capacity(self, per_week: int) -> int:
        """``per_week`` scaled to this week's school days, rounded half up (6 a week, 3 days: 4)."""
        return math.floor(per_week * len(self.days) / FULL_WEEK_DAYS + 0.5)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def is_school_day(settings: SchoolSettings, day: dt.date) -> bool:
    return day.weekday() < 5 and day not in settings.holidays


def school_weeks(settings: SchoolSettings, as_of: dt.date, count: int) -> list[SchoolWeek]:
    """The coming school week and the next ones with school days, at most ``count``, none past the
    school year's last day (an empty list once the school year is over)."""
    weeks: list[SchoolWeek] = []
    day = as_of
    while len(weeks) < count and day <= settings.school_year_end:
        start = monday_of(day)
        days = tuple(d for d in _days(max(day, start), start + dt.timedelta(days=4))
                     if is_school_day(settings, d) and settings.school_year_start <= d <= settings.school_year_end)
        if days:
            weeks.append(SchoolWeek(start, days))
        day = start + dt.timedelta(days=7)
    return weeks


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    for n in range((last - first).days + 1):
        yield first + dt.timedelta(days=n)


def add_school_days(settings: SchoolSettings, day: dt.date, count: int) -> dt.date:
    """The school day ``count`` school days after ``day`` (weekends and holidays skipped), as the
    feedback norm counts: a Friday visit with a 3-day norm is due on Wednesday."""
    while count > 0:
        day += dt.timedelta(days=1)
        if is_school_day(settings, day):
            count -= 1
    return day


@dataclass(frozen=True)
class Capacity:
    """What one coach can do in a full school week."""

    visits: int
    meetings: int


@dataclass(frozen=True)
class Placement:
    """Where one item landed: its week's Monday and the school day it is planned on (both None when
    it did not fit in any week of the plan)."""

    week: dt.date | None
    day: dt.date | None


def fit_to_capacity(items: Sequence[tuple[str, str, str, dt.date]], capacity: Mapping[str, Capacity],
                    weeks: Sequence[SchoolWeek]) -> list[Placement]:
    """Place each item (coach, teacher, kind, due), given in need order, into the weeks (see the module
    docstring). Within a week a coach's visits are spread evenly over its school days in need order,
    and so are their meetings (a teacher's later meetings that week share the first one's day)."""
    placed: list[Placement] = [Placement(None, None)] * len(items)
    by_coach: dict[str, list[int]] = {}
    for index, (coach, *_rest) in enumerate(items):
        by_coach.setdefault(coach, []).append(index)
    for coach, waiting in by_coach.items():
        room = capacity[coach]
        for week in weeks:
            visits: list[int] = []
            meetings: dict[str, list[int]] = {}  # teacher -> their meeting items this week
            left: list[int] = []
            for index in waiting:
                _coach, teacher, kind, due = items[index]
                if due > week.end:
                    left.append(index)
                elif kind == VISIT:
                    (visits if len(visits) < week.capacity(room.visits) else left).append(index)
                elif teacher in meetings or len(meetings) < week.capacity(room.meetings):
                    meetings.setdefault(teacher, []).append(index)
                else:
                    left.append(index)
            for index, day in zip(visits, _spread(week, len(visits)), strict=True):
                placed[index] = Placement(week.start, day)
            for group, day in zip(meetings.values(), _spread(week, len(meetings)), strict=True):
                for index in group:
                    placed[index] = Placement(week.start, day)
            waiting = left
            if not waiting:
                break
    return placed


def _spread(week: SchoolWeek, count: int) -> list[dt.date]:
    """``count`` items over the week's school days, evenly and in order (6 over 5 days: Mon, Mon, Tue...)."""
    return [week.days[n * len(week.days) // count] for n in range(count)] if count else []
