"""Every school of a district into the new year: one rollover per registry entry, one line each.

Schools roll a few at a time (the registry's ``workers``) through the district runner's own connections
(each Google school with its service account and the district's quota), and each entry's ``location`` is pointed at
next year's tracker as soon as that school is done, so a ``sync-all`` or ``serve`` in between syncs
the right one. A school that fails does not stop the others; running the same command again
finishes it (and leaves the finished ones as they are: their entry names next year's tracker,
which leads back to last year's). Each entry keeps its id, so its run history, and with it the
district view's last-year figures, goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_sync.errors import ConfigError, TrackerSyncError, failure_detail
from tracker_sync.rollover.school import RolloverOptions, RolloverResult, roll_over

if TYPE_CHECKING:
    from tracker_sync.district.registry import Registry, School
    from tracker_sync.jobs.district import DistrictRunner, GoogleAccess


@dataclass
class SchoolLine:
    """One school's line of a district rollover."""

    school: str
    backend: str
    outcome: str  # "rolled over" | "finished" | "failed"
    tracker: str  # next year's as the registry names it now (when it failed: the entry as it was)
    detail: str = ""
    api_calls: int = 0
    seconds: float = 0.0
    result: RolloverResult | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["result"] = self.result.to_dict() if self.result else None
        return data


def year_options(options: RolloverOptions, registry: Registry) -> RolloverOptions:
    """The options with the registry's ``[district.years."<year>"]`` filling what the command line left out."""
    dates = registry.district.years.get(options.year.label)
    if dates is None:
        return options
    return RolloverOptions(options.year, options.first_day or dates.first_day, options.last_day or dates.last_day,
                           options.holidays if options.holidays is not None else frozenset(dates.holidays),
                           options.editors_as_viewers)


def roll_district(registry_path: Path, options: RolloverOptions, *, notify: bool = True, google: GoogleAccess | None = None,
                  workers: int | None = None, on_done: Callable[[SchoolLine], None] | None = None) -> list[SchoolLine]:
    """Roll every school of the registry over to ``options.year`` (``workers`` at a time, default the
    registry's), update each entry's location; one line per school, in registry order (so a log reads
    the same on every run)."""
    from concurrent.futures import ThreadPoolExecutor

    from tracker_sync.district.registry import load_registry
    from tracker_sync.jobs.district import DistrictRunner

    registry = load_registry(registry_path)
    if not registry.schools:
        raise ConfigError(f"The registry {registry_path} lists no schools: add one with "
                          f"`tracker-sync provision --school NAME --out FILE.xlsx --registry {registry_path}`.")
    runner = DistrictRunner(registry, google=google)
    options = year_options(options, registry)
    with ThreadPoolExecutor(max_workers=workers or registry.district.workers, thread_name_prefix="rollover") as pool:
        futures = [pool.submit(_roll_school, runner, registry_path, school, options, notify)
                   for school in registry.schools.values()]
        lines = []
        for future in futures:  # in registry order, each as soon as it and those before it are done
            lines.append(line := future.result())
            if on_done is not None:
                on_done(line)
    return lines


def _roll_school(runner: DistrictRunner, registry_path: Path, school: School, options: RolloverOptions,
                 notify: bool) -> SchoolLine:
    """One school's rollover and its registry entry; never raises for the school's own trouble."""
    from tracker_sync.district.registry import upsert_school
    from tracker_sync.provision import _relative_to
    from tracker_sync.rollover.places import place_for

    started = time.perf_counter()
    workbook = None
    try:
        workbook = runner.workbook(school)
        result = roll_over(workbook, options, place_for(options.year, notify=notify))
        location = _relative_to(Path(result.tracker), registry_path.parent) if school.backend == "xlsx" else result.tracker
        if location != school.location:
            upsert_school(registry_path, school.name, location=location)
        result.registry = str(registry_path)
        line = SchoolLine(school.name, school.backend, result.outcome, location, api_calls=result.api_calls or 0, result=result)
    except TrackerSyncError as exc:
        line = SchoolLine(school.name, school.backend, "failed", school.location, failure_detail(exc),
                          getattr(getattr(workbook, "http", None), "calls", 0))
    except Exception:  # a bug: this school fails, the others still roll over
        line = SchoolLine(school.name, school.backend, "failed", school.location, failure_detail(RuntimeError()))
    line.seconds = round(time.perf_counter() - started, 3)
    return line
