"""School years by their label ("2027-28"): parsing, a tracker's own year, next year's dates, and
the day last year that matches a day of this year (for last year beside this year)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tracker_sync.errors import ConfigError
from tracker_sync.metadata import school_year_of
from tracker_sync.schemas import SchoolSettings

_LABEL = re.compile(r"(\d{4})[-/–](\d{2}|\d{4})")


@dataclass(frozen=True, order=True)
class SchoolYear:
    """A school year named by the calendar year it starts in: SchoolYear(2027) is "2027-28"."""

    start_year: int

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label


def parse_year(text: str, option: str = "--year") -> SchoolYear:
    """'2027-28' (or '2027-2028') -> SchoolYear(2027); a ConfigError naming the form otherwise."""
    match = _LABEL.fullmatch(text.strip())
    if match is None:
        raise ConfigError(f"{option} must be a school year like 2027-28, not '{text}'.")
    start, end = int(match[1]), match[2]
    if int(end) not in ((start + 1) % 100, start + 1):
        raise ConfigError(f"{option} {text} is not one school year: the second year follows the first, e.g. {SchoolYear(start)}.")
    return SchoolYear(start)


def year_starting(first_day: dt.date) -> SchoolYear:
    """The school year (July to June, metadata.school_year_of) a first day falls in."""
    return SchoolYear(school_year_of(first_day)[0].year)


def year_of(settings: SchoolSettings) -> SchoolYear:
    """The school year a tracker keeps: the one its first day falls in."""
    return year_starting(settings.school_year_start)


def same_day_years_on(day: dt.date, years: int) -> dt.date:
    """The same month and day ``years`` later (February 29 becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_year_dates(settings: SchoolSettings, year: SchoolYear) -> tuple[dt.date, dt.date]:
    """Next year's first and last day when none are given: this year's, the same dates ``year`` on."""
    gap = year.start_year - year_of(settings).start_year
    return same_day_years_on(settings.school_year_start, gap), same_day_years_on(settings.school_year_end, gap)


def same_week_last_year(day: dt.date, first_day: dt.date, last_first_day: dt.date, last_last_day: dt.date) -> dt.date:
    """The day of last year as far into its school year as ``day`` is into this one (from each year's
    first day), so both years are compared at the same week of the school year; kept inside last year."""
    return min(max(last_first_day + (day - first_day), last_first_day), last_last_day)


def parse_holidays(text: str, option: str = "--holidays") -> frozenset[dt.date]:
    """'2027-09-06,2027-11-22..2027-11-26' -> those days (a range includes both ends); '' -> none."""
    days: set[dt.date] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("..")
        try:
            start = dt.date.fromisoformat(first.strip())
            end = dt.date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise ConfigError(f"{option}: '{part}' is not a date like 2027-09-06 "
                              "or a range like 2027-11-22..2027-11-26.") from None
        if end < start:
            raise ConfigError(f"{option}: the range '{part}' ends before it starts.")
        days.update(start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return frozenset(days)
