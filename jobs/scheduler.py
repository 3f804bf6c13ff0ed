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
* SIGTERM/SIGINT: no new runs start, running syncs finish, then the process exits 0.

This module imports APScheduler at the top; only the ``serve`` command imports it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker_sync.errors import ConfigError
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.history import Run
from tracker_sync.jobs.report import JOB_ID as REPORT_JOB, next_report, report_district
from tracker_sync.jobs.schedule import next_brief, next_sync
from tracker_sync.registry import DistrictReportSettings, Registry, School, load_registry

log = logging.getLogger("tracker_sync.serve")


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
    return ScheduleTrigger(lambda after: next_report(settings, after), f"weekly {settings.day} {settings.time} {settings.timezone}")


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
    """The scheduler, its jobs (rebuilt from the registry) and the registry watch."""

    def __init__(self, registry_path: Path, *, google: GoogleAccess | None = None, reload_every_s: float = 30.0) -> None:
        self.registry_path = registry_path
        self.lock = ServeLock(registry_path)
        self.runner = DistrictRunner(load_registry(registry_path), google=google)
        self.reload_every_s = reload_every_s
        self._seen = self._stamp()
        self._shapes: dict[str, str] = {}
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
                timezone=dt.timezone.utc,
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

    def apply(self, registry: Registry) -> None:
        """Make the scheduler's jobs match ``registry``: add new schools, replace changed ones, drop removed ones."""
        self.runner.registry = registry
        wanted: dict[str, tuple[Callable, ScheduleTrigger, str]] = {}
        for school in registry.schools.values():
            wanted[f"sync:{school.id}"] = (self.runner.scheduled_sync, sync_trigger(school), school.model_dump_json())
            if school.ilt is not None:
                wanted[f"brief:{school.id}"] = (self.runner.brief_school, brief_trigger(school), school.model_dump_json())
        if registry.district.report.schedule:
            wanted[REPORT_JOB] = (self._report, report_trigger(registry.district.report), registry.district.report.model_dump_json())
        for job in self.scheduler.get_jobs():
            if job.id != "registry-watch" and job.id not in wanted:
                job.remove()
                self._shapes.pop(job.id, None)
        for job_id, (func, trigger, shape) in wanted.items():
            if self._shapes.get(job_id) != shape:
                school_id = job_id.split(":", 1)[1]
                self.scheduler.add_job(func, trigger, args=[school_id], id=job_id, name=job_id, replace_existing=True)
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

    def stop(self) -> None:
        """Start nothing new, wait for running jobs to finish, release the lock."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.lock.release()


def serve(registry_path: Path, *, google: GoogleAccess | None = None, reload_every_s: float = 30.0,
          echo: Callable[[str], None] = print) -> None:
    """Run until SIGTERM or SIGINT; then let running syncs finish and return."""
    service = DistrictService(registry_path, google=google, reload_every_s=reload_every_s)
    service.start()
    stop = threading.Event()
    for each in (signal.SIGTERM, signal.SIGINT):
        signal.signal(each, lambda signum, frame: stop.set())
    schools = service.runner.registry.schools
    echo(f"Serving {len(schools)} schools from {registry_path} (pid {os.getpid()}); history: {service.runner.registry.history_path}")
    for job_id, when in sorted(service.next_runs().items()):
        if job_id != "registry-watch" and when is not None:
            zone = (service.runner.registry.district.report.zone if job_id == REPORT_JOB
                    else service.runner.registry.by_id(job_id.split(":", 1)[1]).zone)
            echo(f"  {job_id:<28} next {when.astimezone(zone):%a %Y-%m-%d %H:%M %Z}")
    try:
        while not stop.wait(1.0):
            pass
    finally:
        echo("Stopping: waiting for running syncs to finish...")
        service.stop()
        echo("Stopped.")
