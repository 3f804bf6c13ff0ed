"""`tracker-sync serve`: one APScheduler 3 BackgroundScheduler running every school's jobs.

* Jobs live in APScheduler's in-memory job store only and are rebuilt from the registry on every
  start (and on every registry change): nothing about jobs is stored between runs, so there is no
  job store to share. APScheduler 3 must never share a job store between processes, so one process
  serves a registry: :class:`ServeLock` (a file lock next to the registry) makes a second ``serve``
  refuse to start.
* Per school: ``sync:<id>`` (the registry's sync window) and ``brief:<id>`` (before the ILT meeting),
  each with ``coalesce=True``, ``max_instances=1`` and the district's ``misfire_grace_s``; for the
  district, ``report:district`` (weekly, ``[district.report]`` day and time; jobs.report).
* ``registry-watch`` re-reads the registry every ``reload_every_s`` seconds when the file changed; a
  valid new registry replaces the jobs, an invalid one is reported and the old jobs run on.
* SIGTERM/SIGINT: no new runs start, running syncs get ``STOP_GRACE_S`` seconds to finish (their
  writes are atomic, so one left unfinished leaves its tracker whole), the lock and pid file go, exit 0.

This module imports APScheduler at the top; only the ``serve`` command imports it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker_sync.district.history import Run
from tracker_sync.district.registry import (
    DistrictReportSettings,
    Registry,
    School,
    load_registry,
)
from tracker_sync.errors import ConfigError, MissingExtra
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.jobs.report import JOB_ID as REPORT_JOB
from tracker_sync.jobs.report import next_report, report_district
from tracker_sync.jobs.schedule import job_zone, next_brief, next_sync
from tracker_sync.wording import plural

try:  # the serve extra: an install without it runs everything but serve
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.base import BaseTrigger
    from apscheduler.triggers.interval import IntervalTrigger
except ImportError as exc:
    raise MissingExtra("serve", "tracker-sync serve", exc.name) from exc

log = logging.getLogger("tracker_sync.serve")

#: How long a stopping ``serve`` waits for running syncs before it leaves them (their writes are atomic).
STOP_GRACE_S = 10.0
MIN_RELOAD_EVERY_S, MAX_RELOAD_EVERY_S = 1.0, 86_400.0


class ScheduleTrigger(BaseTrigger):
    """An APScheduler trigger over one of jobs.schedule's pure functions (``after -> next time``)."""

    def __init__(self, next_after: Callable[[dt.datetime], dt.datetime], description: str) -> None:
        self.next_after = next_after
        self.description = description

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        # After the previous fire time (so misfires are seen and coalesced), else from now on.
        after = previous_fire_time if previous_fire_time is not None else now - dt.timedelta(microseconds=1)
        return self.next_after(after)

    def __str__(self) -> str:
        return self.description


def sync_trigger(school: School) -> ScheduleTrigger:
    s = school.sync
    return ScheduleTrigger(lambda after: next_sync(s, school.zone, after),
                           f"every {s.every_minutes} min {s.start}-{s.end} {','.join(s.days)} {school.timezone}")


def report_trigger(settings: DistrictReportSettings) -> ScheduleTrigger:
    return ScheduleTrigger(lambda after: next_report(settings, after),
                           f"weekly {settings.day} {settings.time} {settings.timezone}")


def brief_trigger(school: School) -> ScheduleTrigger:
    m = school.ilt
    assert m is not None
    return ScheduleTrigger(lambda after: next_brief(m, school.zone, after),
                           f"{m.brief_minutes_before} min before ILT {m.day} {m.time} {school.timezone}")


class ServeLock:
    """One ``serve`` per registry: an exclusive, non-blocking file lock, released when the process ends."""

    def __init__(self, registry_path: Path) -> None:
        from filelock import FileLock

        self.path = Path(str(registry_path) + ".serve.lock")
        self.pid_file = Path(str(registry_path) + ".serve.pid")
        self._lock = FileLock(str(self.path), timeout=0)

    def acquire(self) -> None:
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout:
            holder = self.pid_file.read_text().strip() if self.pid_file.exists() else "unknown"
            raise ConfigError(f"Another `tracker-sync serve` is already running for this registry (pid {holder}, "
                              f"lock {self.path}). Only one scheduler may run per district: stop it first.") from None
        self.pid_file.write_text(str(os.getpid()))

    def release(self) -> None:
        self.pid_file.unlink(missing_ok=True)
        self._lock.release()


class DistrictService:
    """The scheduler, its jobs (rebuilt from the registry) and the registry watch.

    Every job runs through :meth:`_job`, which counts the runs in progress (so :meth:`stop` can wait
    for them, and only for a bounded time) and refuses to start once stopping has begun.
    """

    def __init__(self, registry_path: Path, *, google: GoogleAccess | None = None, reload_every_s: float = 30.0,
                 on_run: Callable[[str, Run], None] | None = None) -> None:
        if not MIN_RELOAD_EVERY_S <= reload_every_s <= MAX_RELOAD_EVERY_S:
            raise ConfigError(f"The registry check interval must be {MIN_RELOAD_EVERY_S:g} to {MAX_RELOAD_EVERY_S:g} seconds, "
                              f"not {reload_every_s:g}.")
        self.registry_path = registry_path
        self.lock = ServeLock(registry_path)
        self.runner = DistrictRunner(load_registry(registry_path), google=google)
        self.reload_every_s = reload_every_s
        self.on_run = on_run
        self._seen = self._stamp()
        self._shapes: dict[str, str] = {}
        self._running = 0
        self._stopping = False
        self._idle = threading.Condition()
        self.scheduler: Any = None

    def _stamp(self) -> tuple[int, int]:
        stat = self.registry_path.stat()
        return stat.st_mtime_ns, stat.st_size

    def start(self, *, paused: bool = False) -> None:
        """Take the lock, build the scheduler and one job set per school, and start."""
        self.lock.acquire()
        try:
            district = self.runner.registry.district
            self.scheduler = BackgroundScheduler(
                timezone=dt.UTC,
                executors={"default": ThreadPoolExecutor(district.workers)},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": district.misfire_grace_s},
            )
            self.scheduler.start(paused=True)
            self.apply(self.runner.registry)
            self.scheduler.add_job(self.reload, IntervalTrigger(seconds=self.reload_every_s), id="registry-watch",
                                   name="re-read the registry when it changes")
            if not paused:
                self.scheduler.resume()
        except BaseException:
            self.lock.release()
            raise

    def _job(self, job_id: str) -> Run | None:
        """Run one job (``sync:<id>``, ``brief:<id>`` or ``report:district``), unless the service is stopping."""
        kind, target = job_id.split(":", 1)
        jobs = {"sync": self.runner.scheduled_sync, "brief": self.runner.brief_school, "report": self._report}
        with self._idle:
            if self._stopping:
                return None
            self._running += 1
        try:
            run = jobs[kind](target)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()
        if run is not None and self.on_run is not None:
            self.on_run(job_id, run)
        return run

    def apply(self, registry: Registry) -> None:
        """Make the scheduler's jobs match ``registry``: add new schools, replace changed ones, drop removed ones."""
        self.runner.registry = registry
        wanted: dict[str, tuple[ScheduleTrigger, str]] = {}
        for school in registry.schools.values():
            wanted[f"sync:{school.id}"] = (sync_trigger(school), school.model_dump_json())
            if school.ilt is not None:
                wanted[f"brief:{school.id}"] = (brief_trigger(school), school.model_dump_json())
        if registry.district.report.schedule:
            wanted[REPORT_JOB] = (report_trigger(registry.district.report), registry.district.report.model_dump_json())
        for job in self.scheduler.get_jobs():
            if job.id != "registry-watch" and job.id not in wanted:
                job.remove()
                self._shapes.pop(job.id, None)
        for job_id, (trigger, shape) in wanted.items():
            if self._shapes.get(job_id) != shape:
                self.scheduler.add_job(self._job, trigger, args=[job_id], id=job_id, name=job_id, replace_existing=True)
                self._shapes[job_id] = shape

    def _report(self, _district: str) -> Run:
        return report_district(self.runner)

    def reload(self) -> bool:
        """Pick up a changed registry file; True when the jobs were rebuilt."""
        try:
            stamp = self._stamp()
        except OSError as exc:
            log.error("registry %s cannot be read (%s); keeping the current jobs", self.registry_path, exc)
            return False
        if stamp == self._seen:
            return False
        self._seen = stamp
        try:
            registry = load_registry(self.registry_path)
        except ConfigError as exc:
            log.error("registry changed but is not valid; keeping the current jobs.\n%s", exc)
            return False
        self.apply(registry)
        log.info("registry reloaded: %d schools", len(registry.schools))
        return True

    def next_runs(self) -> dict[str, dt.datetime | None]:
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}

    def stop(self, grace_s: float = STOP_GRACE_S) -> int:
        """Start nothing new, give running jobs up to ``grace_s`` to finish, release the lock.

        Returns how many jobs were still running (0 normally). Leaving one is safe: every write is
        atomic (the xlsx temp file and ``os.replace``, Google's all-or-nothing batchUpdate), so its
        tracker keeps its old tool tabs whole.
        """
        with self._idle:
            self._stopping = True
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        with self._idle:
            self._idle.wait_for(lambda: self._running == 0, timeout=grace_s)
            left = self._running
        self.lock.release()
        return left


def serve(registry_path: Path, *, google: GoogleAccess | None = None, reload_every_s: float = 30.0,
          on_event: Callable[[dict], None] = print, calendar_port: int | None = None) -> None:
    """Run until SIGTERM or SIGINT; then stop within ``STOP_GRACE_S`` seconds (see DistrictService.stop).

    ``on_event`` gets one dict per event: ``serving`` (with the next run of every job), ``run`` (each
    finished job, with its Run), ``stopping`` and ``stopped``; each has a ``text`` line for people.
    ``calendar_port``: also serve each school's calendar feeds (registry ``calendars``) on 127.0.0.1
    at ``/<school id>/<feed>.ics`` (tracker_sync.calendars.CalendarServer).
    """
    def finished(job_id: str, run: Run) -> None:
        at = run.started_at.astimezone(job_zone(service.runner.registry, job_id))
        on_event({"event": "run", "job": job_id, "at": f"{at:%Y-%m-%d %H:%M}", "run": run})

    service = DistrictService(registry_path, google=google, reload_every_s=reload_every_s, on_run=finished)
    feeds = None
    if calendar_port is not None:
        from tracker_sync.calendars import CalendarServer

        def folders() -> dict[str, Path]:
            registry = service.runner.registry  # the current one: a reloaded registry's schools are served at once
            return {s.id: registry.resolve(s.calendars) for s in registry.schools.values() if s.calendars}

        feeds = CalendarServer(folders, calendar_port)
    service.start()
    if feeds is not None:
        feeds.start()
    stop = threading.Event()
    for each in (signal.SIGTERM, signal.SIGINT):
        signal.signal(each, lambda signum, frame: stop.set())
    registry = service.runner.registry
    upcoming = {job_id: when for job_id, when in sorted(service.next_runs().items())
                if job_id != "registry-watch" and when is not None}
    lines = [f"Serving {plural(len(registry.schools), 'school')} from {registry_path} "
             f"(pid {os.getpid()}); history: {registry.history_path}"]
    if feeds is not None:
        lines.append(f"Calendar feeds: {feeds.url}/<school id>/<coach>.ics and /<school id>/ilt.ics (this machine only)")
    for job_id, when in upcoming.items():
        lines.append(f"  {job_id:<28} next {when.astimezone(job_zone(registry, job_id)):%a %Y-%m-%d %H:%M %Z}")
    on_event({"event": "serving", "pid": os.getpid(), "schools": len(registry.schools), "history": str(registry.history_path),
              "calendars": feeds.url if feeds is not None else None,
              "next": {job_id: when.isoformat() for job_id, when in upcoming.items()}, "text": "\n".join(lines)})
    try:
        while not stop.wait(1.0):
            pass
    finally:
        on_event({"event": "stopping", "text": f"Stopping: running syncs get up to {STOP_GRACE_S:g} s to finish..."})
        left = service.stop()
        if feeds is not None:
            feeds.stop()
        on_event({"event": "stopped", "left_running": left,
                  "text": "Stopped." if not left else (f"Stopped, leaving {plural(left, 'run')} unfinished: "
                                                       "their trackers keep the old tool tabs.")})
    if left:
        sys.stdout.flush()
        os._exit(0)  # the unfinished runs' threads would otherwise hold the process open until they end
