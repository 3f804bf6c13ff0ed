"""Run a district's scheduled jobs through a stretch of time on a fake clock (no real waiting).

The same fire times as ``serve`` (both use jobs.schedule), the same job functions, the same
coalescing: when a run ends after the job's next fire time, the missed times collapse into one run.
Used by the tests and by ``tracker-sync serve --simulate-day``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from tracker_sync.history import Run
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import DistrictRunner
from tracker_sync.jobs.report import JOB_ID as REPORT_JOB, next_report, report_district
from tracker_sync.jobs.schedule import next_brief, next_sync


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
        sync_after = (lambda s: lambda after: next_sync(s.sync, s.zone, after))(school)
        due[f"sync:{school.id}"] = (sync_after(start), sync_after, runner.scheduled_sync)
        if school.ilt is not None:
            brief_after = (lambda s: lambda after: next_brief(s.ilt, s.zone, after))(school)
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
        event = Fired(when.astimezone(dt.timezone.utc), job, func(job.split(":", 1)[1]))
        fired.append(event)
        if on_fire is not None:
            on_fire(event)
        following = next_after(when)
        if following < clock.now():  # coalesce: the missed fire times become one run, now
            following = clock.now()
        due[job] = (following, next_after, func)
