"""Run a district's scheduled jobs through a stretch of time on a fake clock (no real waiting).

The same fire times as ``serve`` (both use jobs.schedule), the same job functions, the same
coalescing: when a run ends after the job's next fire time, the missed times collapse into one run.
Used by the tests and, through :class:`DryRunner` (copies in memory, nothing real written), by
``tracker-sync serve --simulate-day``.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tracker_sync.backends.base import Workbook
from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.district.history import History, Run
from tracker_sync.district.registry import Registry, School
from tracker_sync.errors import TrackerSyncError
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.jobs.report import JOB_ID as REPORT_JOB
from tracker_sync.jobs.report import next_report, report_district
from tracker_sync.jobs.schedule import next_brief, next_sync

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fired:
    at: dt.datetime  # when the job was due (UTC)
    job: str  # "sync:<id>" | "brief:<id>" | "report:district"
    run: Run | None  # None: the school was resting after failures


def simulate(runner: DistrictRunner, clock: FakeClock, until: dt.datetime,
             on_fire: Callable[[Fired], None] | None = None) -> list[Fired]:
    """Fire every job due between the clock's time and ``until``, in time order."""
    due: dict[str, tuple[dt.datetime, Callable[[dt.datetime], dt.datetime], Callable[[str], Run | None]]] = {}
    start = clock.now()
    for school in runner.registry.schools.values():
        sync_after = partial(next_sync, school.sync, school.zone)
        due[f"sync:{school.id}"] = (sync_after(start), sync_after, runner.scheduled_sync)
        if school.ilt is not None:
            brief_after = partial(next_brief, school.ilt, school.zone)
            due[f"brief:{school.id}"] = (brief_after(start), brief_after, runner.brief_school)
    report = runner.registry.district.report
    if report.schedule:
        due[REPORT_JOB] = (next_report(report, start), lambda after: next_report(report, after),
                           lambda _district: report_district(runner))
    fired: list[Fired] = []
    while True:
        job, (when, next_after, func) = min(due.items(), key=lambda item: (item[1][0], item[0]))
        if when > until:
            return fired
        clock.advance_to(when)
        event = Fired(when.astimezone(dt.UTC), job, func(job.split(":", 1)[1]))
        fired.append(event)
        if on_fire is not None:
            on_fire(event)
        following = next_after(when)
        if following < clock.now():  # coalesce: the missed fire times become one run, now
            following = clock.now()
        due[job] = (following, next_after, func)


class DryRunner(DistrictRunner):
    """The district's job functions on copies: nothing real is written.

    Each tracker is read once, on its school's first job, into an in-memory workbook, and every
    simulated sync and brief runs on that copy. The history, the ILT briefs and the district report
    (always an .xlsx here, never the district's Google spreadsheet) go to ``scratch``, a temporary
    folder the caller deletes. The history there starts as a copy of the real one (read only), so
    backoff and the report start where the district is; a simulated failure never puts a real
    school into backoff and ``status`` never shows a simulated run. A tracker that cannot be read
    fails every job of its school, as it would for real.
    """

    def __init__(self, registry: Registry, scratch: Path, *, clock: FakeClock, google: GoogleAccess | None = None) -> None:
        schools = {name: school.model_copy(update={"briefs": str(scratch / "briefs" / school.id)})
                   for name, school in registry.schools.items()}
        report = registry.district.report.model_copy(update={
            "backend": "xlsx", "location": str(scratch / "district-report.xlsx"), "briefs": str(scratch / "briefs" / "district")})
        district = registry.district.model_copy(update={"report": report})
        super().__init__(registry.model_copy(update={"schools": schools, "district": district}),
                         history=history_copy(registry.history_path, scratch / "history.sqlite"), clock=clock, google=google)
        self._copies: dict[str, MemoryWorkbook | TrackerSyncError] = {}

    def workbook(self, school: School, kind: str = "sync") -> Workbook:
        if school.id not in self._copies:
            try:
                self._copies[school.id] = in_memory(super().workbook(school, kind))
            except TrackerSyncError as exc:
                self._copies[school.id] = exc
        copy = self._copies[school.id]
        if isinstance(copy, TrackerSyncError):
            raise copy
        return copy


def history_copy(real: Path, scratch: Path) -> History:
    """A history at ``scratch`` that starts as a copy of ``real``.

    The real file is opened ``immutable``: SQLite then reads it without locks, a WAL or a shared-memory
    file, so not a byte appears beside it. (Each History call closes its connection, and the last one
    to close checkpoints the WAL into the file; a run being recorded at that very moment may be missed.)
    """
    if real.exists():
        try:
            with closing(sqlite3.connect(real.resolve().as_uri() + "?immutable=1", uri=True)) as source, \
                    closing(sqlite3.connect(scratch)) as target:
                source.backup(target)
        except sqlite3.Error as exc:
            log.warning("the dry run starts from an empty history: %s cannot be read (%s)", real, exc)
    return History(scratch)


def in_memory(workbook: Workbook) -> MemoryWorkbook:
    """One read of ``workbook`` (every tab a sync or a brief reads) into an in-memory copy with the same tab ids."""
    from tracker_sync.check import tabs_to_read

    snapshot = workbook.read(tabs_to_read())
    copy = MemoryWorkbook(snapshot.grids, snapshot.metadata, name=workbook.location)
    copy.tab_ids.update(snapshot.tab_ids)
    return copy


def dry_run_day(registry: Registry, day: dt.date, *, google: GoogleAccess | None = None,
                on_fire: Callable[[Fired], None] | None = None) -> list[Fired]:
    """Every job of ``day`` (midnight to 23:59 in the first school's timezone) through a :class:`DryRunner`."""
    from zoneinfo import ZoneInfo

    zone = next((school.zone for school in registry.schools.values()), ZoneInfo("UTC"))
    clock = FakeClock(dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone))
    with tempfile.TemporaryDirectory(prefix="tracker-sync-dry-run-") as scratch:
        runner = DryRunner(registry, Path(scratch), clock=clock, google=google)
        return simulate(runner, clock, dt.datetime.combine(day, dt.time(23, 59), tzinfo=zone), on_fire=on_fire)
