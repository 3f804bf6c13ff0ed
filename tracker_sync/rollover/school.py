"""One school's rollover: next year's tracker from last year's, and last year's archived.

:func:`roll_over` reads last year's tracker once, makes next year's from the current template (so it
gains any new tab) with the school's rubric, norms and timezone and next year's dates, types in the
rows a year carries (tracker_sync.rollover.carry) in the same operation, shares it (Google), then
archives last year's in one operation (tracker_sync.backends.base: ``archive``) and links the two
years in their metadata (tracker_sync.rollover.links).

Safe by its order: nothing is written to last year's tracker until next year's is complete, and that
write changes no coach cell. A run that stops half way raises :class:`RolloverIncomplete` naming what
it made; the same command again finds what it made (through last year's link, the file name or the
title) and finishes it instead of making another tracker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from tracker_sync.backends.base import Workbook
from tracker_sync.errors import ConfigError, RolloverIncomplete, TrackerSyncError
from tracker_sync.metadata import DEMO_AS_OF, from_metadata, to_metadata
from tracker_sync.rollover.carry import carry_rows
from tracker_sync.rollover.links import NEXT_YEAR, PREVIOUS_YEAR, link_to, open_linked
from tracker_sync.rollover.places import NextYearPlace
from tracker_sync.rollover.years import SchoolYear, next_year_dates, year_of
from tracker_sync.schemas import SchoolSettings
from tracker_sync.wording import plural


@dataclass(frozen=True)
class RolloverOptions:
    """What the new year is: its label, and its first and last day and holidays when known."""

    year: SchoolYear
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    holidays: frozenset[dt.date] | None = None  # None: not given (next year's tracker starts with none)
    editors_as_viewers: bool = False  # Google: last year's editors keep it as viewers only


@dataclass
class RolloverResult:
    """What a rollover did; ``--json`` prints ``to_dict()``."""

    school: str
    year: str
    previous_year: str
    tracker: str
    previous_tracker: str
    outcome: str  # "rolled over", or "finished" (a rerun that completed or checked an earlier run)
    first_day: str
    last_day: str
    holidays: int
    carried: dict[str, dict[str, int]]
    shared: dict[str, str] = field(default_factory=dict)
    viewers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    api_calls: int | None = None
    registry: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def next_settings(settings: SchoolSettings, options: RolloverOptions) -> tuple[SchoolSettings, list[str]]:
    """Next year's settings (last year's rubric, norms, timezone; the new dates) and what to warn about."""
    year, warnings = options.year, []
    guessed_first, guessed_last = next_year_dates(settings, year)
    first, last = options.first_day or guessed_first, options.last_day or guessed_last
    if options.first_day is None or options.last_day is None:
        warnings.append(f"The {year} school year runs {first} to {last} (last year's dates a year on): if its first or last "
                        f"day differs, run this again with --first-day and --last-day, or set them under "
                        f"[district.years.\"{year}\"] in the registry.")
    if last <= first:
        raise ConfigError(f"The last day {last} is not after the first day {first}: give --first-day and --last-day of {year}.")
    new = settings.model_copy(update={"school_year_start": first, "school_year_end": last,
                                      "holidays": options.holidays or frozenset()})
    if year_of(new) != year:
        raise ConfigError(f"The first day {first} is not in the {year} school year (July {year.start_year} to June "
                          f"{year.start_year + 1}): give --first-day of {year}.")
    outside = sorted(d for d in new.holidays if not first <= d <= last)
    if outside:
        raise ConfigError(f"The holiday {outside[0]} is outside the {year} school year ({first} to {last}): check --holidays.")
    if options.holidays is None:
        warnings.append(f"Next year's tracker has no holidays (last year's {plural(len(settings.holidays), 'date')} stay with "
                        f"last year), so feedback and cycle lengths count every weekday: run this again with --holidays "
                        f"(e.g. --holidays {first.year}-11-22..{first.year}-11-26,{first.year}-12-20..{last.year}-01-03), "
                        f"or list them under [district.years.\"{year}\"] holidays in the registry.")
    return new, warnings


def _check_next_year(present: dict[str, str], new: Workbook, old: Workbook, year: SchoolYear) -> None:
    """Refuse to finish a tracker that is not this school's next year (found by file name or title)."""
    if "school" not in present:
        return  # made by an earlier run that stopped before filling it: filled now
    if present.get(PREVIOUS_YEAR) != link_to(old, new):
        raise ConfigError(f"{new.location} already holds a tracker that was not rolled over from {old.location}: "
                          "move it away (or give --out another file), then run this again.")
    settings, _template = from_metadata(present)
    if year_of(settings) != year:
        raise ConfigError(f"{old.location} was already rolled over to {year_of(settings)} ({new.location}); "
                          f"to start {year}, roll that tracker over.")


def _known_dates(options: RolloverOptions, present: dict[str, str]) -> RolloverOptions:
    """A rerun that does not give the dates or holidays keeps those next year's tracker already has."""
    if "school" not in present:
        return options
    settings, _template = from_metadata(present)
    return dataclasses.replace(options, first_day=options.first_day or settings.school_year_start,
                               last_day=options.last_day or settings.school_year_end,
                               holidays=settings.holidays if options.holidays is None else options.holidays)


def _finishing_metadata(present: dict[str, str], full: dict[str, str], options: RolloverOptions) -> dict[str, str]:
    """What a rerun writes to next year's tracker: keys it lacks, and the dates and holidays given again."""
    given = {"school_year_start": options.first_day, "school_year_end": options.last_day, "holidays": options.holidays}
    return {key: value for key, value in full.items()
            if key not in present or (given.get(key) is not None and present[key] != value)}


def roll_over(old: Workbook, options: RolloverOptions, place_for: Callable[[Workbook], NextYearPlace]) -> RolloverResult:
    """Make (or finish) next year's tracker from ``old`` and archive ``old``; see the module docstring.

    ``place_for(old)`` says where next year's tracker goes. Given next year's tracker itself (a
    registry updated by an earlier run names it), the rollover from its previous year is finished.
    """
    from tracker_sync.check import tabs_to_read
    from tracker_sync.sheet_templates import load_template

    http = getattr(old, "http", None)
    calls0 = http.calls if http is not None else None
    snapshot = old.read(tabs_to_read())
    settings, old_template = from_metadata(snapshot.metadata)
    if year_of(settings) == options.year and snapshot.metadata.get(PREVIOUS_YEAR):
        old = open_linked(old, snapshot.metadata[PREVIOUS_YEAR])
        snapshot = old.read(tabs_to_read())
        settings, old_template = from_metadata(snapshot.metadata)
    place = place_for(old)
    this_year = year_of(settings)
    if options.year <= this_year:
        raise ConfigError(f"{old.location} is the {this_year} tracker of {settings.school}: --year {options.year} is not after "
                          f"it. Give a later year, e.g. --year {SchoolYear(this_year.start_year + 1)}.")
    following = snapshot.metadata.get(NEXT_YEAR)
    new = open_linked(old, following) if following else place.existing()
    present = new.read([]).metadata if new is not None else {}
    if new is not None:
        _check_next_year(present, new, old, options.year)
        options = _known_dates(options, present)
    settings_next, warnings = next_settings(settings, options)
    template = load_template().for_rubric(settings.rubric)
    carried = carry_rows(snapshot.grids, old_template, template, settings)
    created = new is None
    new = new if new is not None else place.create()
    archived = bool(following)
    try:
        metadata = {**to_metadata(settings_next), PREVIOUS_YEAR: link_to(old, new)}
        if DEMO_AS_OF in snapshot.metadata:  # a demo stays a demo: next year's opens on its first day
            metadata[DEMO_AS_OF] = settings_next.school_year_start.isoformat()
        if "school" not in present:
            new.provision(template, metadata, rows=carried.rows)
        else:
            new.provision(template, _finishing_metadata(present, metadata, options))
        shared = place.share(old, new, created=created, left=carried.left_emails)
        old.archive([t.name for t in old_template.tabs if t.name in snapshot.tab_ids], this_year.label,
                    {NEXT_YEAR: link_to(new, old)})
        archived = True
        viewers = place.finish(old, new, editors_as_viewers=options.editors_as_viewers)
    except TrackerSyncError as exc:
        path = getattr(new, "path", None)
        if created and path is not None and not path.exists():
            raise  # the file was never made (a missing folder, a full disk): nothing to finish, nothing changed
        state = ("last year's tracker is archived" if archived else f"last year's tracker {old.location} was not changed")
        cause = str(exc).split(" Nothing was changed")[0]  # a failed call's own advice is about that one call
        raise RolloverIncomplete(f"{cause} Next year's tracker is at {new.location}; {state}. Run the same command again "
                                 "to finish (it carries nothing twice).", new.location) from exc
    return RolloverResult(
        settings.school, options.year.label, this_year.label, new.location, old.location,
        "rolled over" if "school" not in present else "finished",
        settings_next.school_year_start.isoformat(), settings_next.school_year_end.isoformat(), len(settings_next.holidays),
        carried.counts(), shared, viewers, warnings, None if http is None else http.calls - calls0)

