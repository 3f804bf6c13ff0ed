"""The district's job functions: sync one school, render one school's ILT brief, one pass over all.

:class:`DistrictRunner` holds what every job shares: the registry, the run history (SQLite), the one
token bucket every Google request asks first, and the clock. Its job functions never raise for a
school's trouble: a failure becomes a ``failed`` :class:`~tracker_sync.history.Run` (recorded, with
the error class and message) and the school's own failure streak and backoff; other schools run on.

Every run is recorded in the history. A successful sync also writes its line to the school's Sync
Log tab (inside the sync's one atomic write); a failed one writes a ``failed`` line there too when the
tracker can still be written (not when Google or the file is unreachable: then the history has it).
A successful sync stores the school's aggregate figures for the district report
(tracker_sync.district.figures, never records) in its run, when they changed since the last one.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from tracker_sync.jobs.clock import SystemClock
from tracker_sync.jobs.schedule import rest_end
from tracker_sync.backends.base import Workbook
from tracker_sync.errors import ApiError, TrackerInUse, TrackerLocked, TrackerNotFound, TrackerSyncError
from tracker_sync.history import History, Run
from tracker_sync.quota import TokenBucket
from tracker_sync.registry import Registry, School

#: Google answers worth another try later in the same pass (0: Google could not be reached).
RETRYABLE_CODES = frozenset({0, 408, 429, 500, 502, 503, 504})
#: A district pass tries a school this many times when it fails for a passing reason.
PASS_ATTEMPTS = 3
PASS_RETRY_WAIT_S = 30.0


@dataclass(frozen=True)
class GoogleAccess:
    """How to reach Google: a service-account file or dict (else TRACKER_SYNC_GOOGLE_CREDENTIALS / ADC),
    and a loopback ``api_base`` for the Google fake (else TRACKER_SYNC_GOOGLE_API_BASE)."""

    credentials_file: str | None = None
    service_account_info: dict | None = None
    api_base: str | None = None
    max_attempts: int = 5
    max_elapsed: float = 120.0


def is_passing(error: BaseException) -> bool:
    """A failure that may go away by itself (throttling, an outage, a file open elsewhere)."""
    return isinstance(error, (TrackerLocked, TrackerInUse)) or (isinstance(error, ApiError) and error.code in RETRYABLE_CODES)


class DistrictRunner:
    """Runs the jobs of every school of one registry. Thread-safe; one instance per process."""

    def __init__(self, registry: Registry, *, history: History | None = None, limiter: TokenBucket | None = None,
                 clock: Any = None, google: GoogleAccess | None = None) -> None:
        self.registry = registry
        self.clock = clock or SystemClock()
        self.history = history or History(registry.history_path)
        self.limiter = limiter or TokenBucket(registry.district.quota_per_minute, clock=self.clock.monotonic, sleep=self.clock.sleep)
        self.google = google or GoogleAccess()
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._credentials: Any = None
        self._lock = threading.Lock()

    # -- opening trackers --

    def _http(self, school: School, kind: str) -> Any:
        """One Google HTTP client per school and job kind (its own call counts), kept for the process.

        Every client shares the district's one service account: its key is parsed once and one access
        token serves every school (refreshed under a lock), as a district uses one service account.
        """
        key = (school.id, kind, school.location)
        with self._lock:
            if key not in self._clients:
                from tracker_sync.backends.google import google_client, google_credentials
                from tracker_sync.backends.google_http import RetryPolicy, SharedCredentials

                if self._credentials is None:
                    self._credentials = SharedCredentials(google_credentials(
                        credentials_file=self.google.credentials_file, service_account_info=self.google.service_account_info))
                retry = RetryPolicy(max_attempts=self.google.max_attempts, max_elapsed=self.google.max_elapsed,
                                    sleep=self.clock.sleep, clock=self.clock.monotonic)
                client = google_client(credentials=self._credentials, api_base=self.google.api_base, retry=retry)
                client.limiter = self.limiter
                self._clients[key] = client
            return self._clients[key]

    def workbook(self, school: School, kind: str = "sync") -> Workbook:
        if school.backend == "xlsx":
            from tracker_sync.backends.xlsx import XlsxWorkbook

            path = self.registry.resolve(school.location)
            if not path.exists():
                raise TrackerNotFound(f"No tracker file at {path} (school {school.name!r} in the registry).")
            return XlsxWorkbook(path)
        from tracker_sync.backends.google import GoogleWorkbook, spreadsheet_id_from

        return GoogleWorkbook(spreadsheet_id_from(school.location), self._http(school, kind))

    def _counts(self, workbook: Workbook) -> tuple[int, int]:
        http = getattr(workbook, "http", None)
        return (http.calls, http.attempts) if http is not None else (0, 0)

    def _spent(self, workbook: Workbook | None, calls0: tuple[int, int]) -> tuple[int, int]:
        """API calls and HTTP requests (retries included) made on `workbook` since `calls0` was taken."""
        if workbook is None:
            return (0, 0)
        calls, attempts = self._counts(workbook)
        return calls - calls0[0], attempts - calls0[1]

    # -- jobs --

    def sync_school(self, school_id: str, *, as_of: dt.date | None = None) -> Run:
        """Sync one school now; record the run; never raises for the school's own trouble."""
        school = self.registry.by_id(school_id)
        started, t0 = self.clock.now(), time.perf_counter()
        workbook: Workbook | None = None
        calls0 = (0, 0)
        try:
            workbook = self.workbook(school)
            calls0 = self._counts(workbook)
            report, figures = self._sync(workbook, school, as_of, started)
        except Exception as exc:  # noqa: BLE001 - one school's failure must never stop the others
            run = self._failed(school, "sync", started, t0, exc, workbook, calls0)
            if workbook is not None and not is_passing(exc) and not isinstance(exc, TrackerNotFound):
                run.extra["sync_log"] = _note_failure(workbook, school, started, as_of or started.astimezone(school.zone).date(), run)
        else:
            calls, attempts = self._spent(workbook, calls0)
            run = Run(school.id, "sync", started, round(time.perf_counter() - t0, 3), "ok",
                      rows_read=sum(report.rows_read.values()), errors=report.findings["error"],
                      warnings=report.findings["warning"], api_calls=calls, http_requests=attempts,
                      extra={"as_of": report.as_of, "headline": report.headline,
                             "written": bool(report.tabs_written), **self._new_figures(school, figures)})
        self.history.record(run)
        return run

    def _sync(self, workbook: Workbook, school: School, as_of: dt.date | None, now: dt.datetime):
        """Sync, and the school's aggregate figures for the district report from the same read."""
        from tracker_sync.district.figures import school_figures
        from tracker_sync.sync import check_tracker, write_check

        started = time.perf_counter()
        check = check_tracker(workbook, as_of=as_of, now=now, norm_overrides=school.norms,
                              ilt_weekday=school.ilt.day if school.ilt else None)
        report = write_check(workbook, check, now=now, started=started)
        return report, school_figures(check, min_cell=self.registry.district.report.min_cell)

    def _new_figures(self, school: School, figures: dict) -> dict:
        """``{"district": figures}`` for the run, or nothing when the history already holds these
        figures for that day (most syncs of a day change nothing, so the history stays small)."""
        from tracker_sync.district.report import KEY

        previous = self.history.latest_extra(school.id, KEY, figures["as_of"])
        return {} if previous is not None and previous.extra[KEY] == figures else {KEY: figures}

    def brief_school(self, school_id: str, *, as_of: dt.date | None = None) -> Run:
        """Render the school's ILT brief into its briefs folder; record the run."""
        from tracker_sync.brief import build_brief

        school = self.registry.by_id(school_id)
        started, t0 = self.clock.now(), time.perf_counter()
        workbook: Workbook | None = None
        calls0 = (0, 0)
        try:
            workbook = self.workbook(school, "brief")
            calls0 = self._counts(workbook)
            day = as_of or started.astimezone(school.zone).date()
            html = build_brief(workbook, as_of=day, include_names=bool(school.ilt and school.ilt.include_names),
                               norm_overrides=school.norms, ilt_weekday=school.ilt.day if school.ilt else None)
            folder = self.registry.resolve(school.briefs)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"ilt-brief-{day.isoformat()}.html"
            path.write_text(html, encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - as in sync_school
            run = self._failed(school, "brief", started, t0, exc, workbook, calls0)
        else:
            calls, attempts = self._spent(workbook, calls0)
            run = Run(school.id, "brief", started, round(time.perf_counter() - t0, 3), "ok",
                      api_calls=calls, http_requests=attempts, detail=str(path))
        self.history.record(run)
        return run

    def _failed(self, school: School, kind: str, started: dt.datetime, t0: float, exc: Exception,
                workbook: Workbook | None, calls0: tuple[int, int]) -> Run:
        calls, attempts = self._spent(workbook, calls0)
        known = isinstance(exc, TrackerSyncError)
        detail = f"{type(exc).__name__}: {exc}" if known else f"{type(exc).__name__} (unexpected; see the service log)"
        return Run(school.id, kind, started, round(time.perf_counter() - t0, 3), "failed", api_calls=calls,
                   http_requests=attempts, detail=detail[:500], extra={"passing": is_passing(exc)})

    # -- backoff --

    def resting_until(self, school_id: str) -> dt.datetime | None:
        """When a failing school may sync again (its own backoff), or None if it may sync now."""
        streak = self.history.failure_streak(school_id)
        until = rest_end(self.history.last(school_id) if streak else None, streak)
        return until if until is not None and until > self.clock.now() else None

    def scheduled_sync(self, school_id: str) -> Run | None:
        """What the scheduler fires: a sync, unless the school is resting after failures."""
        if self.resting_until(school_id) is not None:
            return None
        return self.sync_school(school_id)

    # -- a pass over the district --

    def run_pass(self, school_ids: Iterable[str] | None = None, *, workers: int | None = None,
                 as_of: dt.date | None = None, on_done: Callable[[Run], None] | None = None) -> list[Run]:
        """Sync every school once, ``workers`` at a time, sharing the limiter.

        A school that fails for a passing reason (429s or 5xx beyond the client's retries, a locked
        file) is tried again later in the pass, up to PASS_ATTEMPTS times: throttled work is retried,
        never dropped. Returns each school's last run, in registry order.
        """
        ids = list(school_ids) if school_ids is not None else [s.id for s in self.registry.schools.values()]

        def one(school_id: str) -> Run:
            for attempt in range(1, PASS_ATTEMPTS + 1):
                run = self.sync_school(school_id, as_of=as_of)
                if run.outcome == "ok" or not run.extra.get("passing") or attempt == PASS_ATTEMPTS:
                    return run
                self.clock.sleep(PASS_RETRY_WAIT_S * attempt)
            raise AssertionError("unreachable")

        results: dict[str, Run] = {}
        with ThreadPoolExecutor(max_workers=workers or self.registry.district.workers, thread_name_prefix="sync") as pool:
            futures = {pool.submit(one, school_id): school_id for school_id in ids}
            for future in as_completed(futures):
                run = future.result()
                results[futures[future]] = run
                if on_done is not None:
                    on_done(run)
        return [results[i] for i in ids]


def _note_failure(workbook: Workbook, school: School, now: dt.datetime, as_of: dt.date, run: Run) -> bool:
    """Add a 'failed' line to the Sync Log (one read, one write of that tab only); False if it cannot."""
    from tracker_sync.render import SyncLogLine, render_sync_log
    from tracker_sync.sync import SYNC_LOG

    try:
        previous = workbook.read([SYNC_LOG]).grids.get(SYNC_LOG)
        line = SyncLogLine(now, as_of, {}, 0, 0, run.duration_s, "failed: " + run.detail.split(":", 1)[0],
                           timezone=school.timezone)
        workbook.write([render_sync_log(line, previous, 200)])
    except Exception:  # noqa: BLE001 - the failure itself is already in the history
        return False
    return True
