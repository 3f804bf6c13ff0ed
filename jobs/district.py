"""The district's job functions: sync one school, render one school's ILT brief, one pass over all.

:class:`DistrictRunner` holds what every job shares: the registry, the run history (SQLite), the
district's Google quota (:class:`~tracker_sync.backends.google.quota.DistrictQuota`), its service accounts and the
clock. Its job functions never raise for a school's trouble: a failure becomes a ``failed``
:class:`~tracker_sync.district.history.Run` (recorded, with the error class and message) and the school's
own failure streak and backoff; other schools run on.

**Service accounts.** ``[district] credentials`` may list several key files. Each Google school uses
one: the one it names, else one chosen stably by rendezvous hashing (:func:`credential_for`), so a
school keeps its account from run to run and adding an account moves only about 1/n of the schools.
Each account has one HTTP session (one connection pool, one access token) shared by all its schools,
and every request of a school takes quota from its account's buckets and the project's.

**Skipping what did not change.** A pass first lists each account's spreadsheets on Drive (one
paged ``files.list`` per account; Drive's quota is separate): ``modifiedTime`` and
``lastModifyingUser``. A school is then not read at all when (see :meth:`DistrictRunner.unchanged`)
its spreadsheet was last modified by the listing account itself (``me``), at or before its last
successful sync's own write (or, when that sync wrote nothing, at or before the modifiedTime the
listing showed just before it read), that sync was for the same as-of day, location and norms, and no
sync failed since. The first sync of a day always runs; a spreadsheet missing from the listing is
always read. Times are compared on Google's clock only (Drive's modifiedTime against the Date header
of the write's answer), never against ours.

A school with ``calendars`` in the registry gets its coaching plan's calendar feeds rewritten there
after each sync that read it (tracker_sync.calendars); a feed that cannot be written fails the run.

Every run is recorded in the history: ``ok``, ``skipped`` (with the reason) or ``failed``. A
successful sync also writes its line to the school's Sync Log tab (inside the sync's one atomic
write); a failed one writes a ``failed`` line there too when the tracker can still be written (not
when Google or the file is unreachable: then the history has it).
A successful sync stores the school's aggregate figures for the district report
(tracker_sync.district.figures, never records) in its run, when they changed since the last one.

**Teachers' pages.** A school whose registry entry has ``teacher_pages`` gets each teacher's own page
made from the sync's one read (tracker_sync.pages): HTML files, and Google spreadsheets written by the
school's own account (the same quota buckets as its tracker), at most ``page_writes_per_pass`` page
writes per sync. Pages over that budget, or stopped by Google's trouble, are ``pages_pending`` in the
run: the school is then never skipped, and its next sync finishes them. Their records go into the
tracker's one write; the run keeps their counts only (``pages``), never a name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from tracker_sync.backends.base import Workbook
from tracker_sync.backends.google.quota import CredentialLimiter, DistrictQuota
from tracker_sync.district.history import History, Run
from tracker_sync.district.registry import Registry, School
from tracker_sync.errors import (
    ApiError,
    TrackerInUse,
    TrackerLocked,
    TrackerNotFound,
    TrackerNotShared,
    TrackerSyncError,
    failure_detail,
)
from tracker_sync.jobs.clock import SystemClock
from tracker_sync.jobs.schedule import rest_end
from tracker_sync.rollover.links import archived_note

#: Google answers worth another try later in the same pass (0: Google could not be reached).
RETRYABLE_CODES = frozenset({0, 408, 429, 500, 502, 503, 504})
#: A district pass tries a school this many times when it fails for a passing reason.
PASS_ATTEMPTS = 3
PASS_RETRY_WAIT_S = 30.0
#: The account used when the registry lists no credentials (TRACKER_SYNC_GOOGLE_CREDENTIALS or ADC).
DEFAULT_ACCOUNT = "default"
#: How old a Drive listing a scheduled (serve) sync may reuse: jobs that fire together share one.
LISTING_MAX_AGE_S = 60.0
DRIVE_LIST_FIELDS = "nextPageToken,files(id,modifiedTime,lastModifyingUser(me,emailAddress,displayName))"
#: Drive's modifiedTime has milliseconds, the Date header of the write's answer whole seconds.
_DATE_HEADER_SLACK = dt.timedelta(seconds=1)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GoogleAccess:
    """How to reach Google: a service-account file or dict for a registry that lists no credentials
    (else TRACKER_SYNC_GOOGLE_CREDENTIALS / ADC), and a loopback ``api_base`` for the Google fake
    (else TRACKER_SYNC_GOOGLE_API_BASE)."""

    credentials_file: str | None = None
    service_account_info: dict | None = None
    api_base: str | None = None
    max_attempts: int = 5
    max_elapsed: float = 120.0


@dataclass(frozen=True)
class DriveEntry:
    """One spreadsheet as the account's Drive listing shows it."""

    modified: dt.datetime
    by_us: bool  # lastModifyingUser.me: the listing account made the last change


def is_passing(error: BaseException) -> bool:
    """A failure that may go away by itself (throttling, an outage, a file open elsewhere)."""
    return isinstance(error, (TrackerLocked, TrackerInUse)) or (isinstance(error, ApiError) and error.code in RETRYABLE_CODES)


def credential_for(school: School, credentials: Iterable[str]) -> str:
    """The credential a school uses: the one it names, else :func:`spread_credential`'s pick."""
    return school.credential or spread_credential(school.id, tuple(credentials))


def spread_credential(school_id: str, credentials: tuple[str, ...]) -> str:
    """Rendezvous hashing: stable from run to run, balanced on average, and adding or removing one
    credential moves only the schools that were or become its."""
    if not credentials:
        return DEFAULT_ACCOUNT
    return max(credentials, key=lambda c: hashlib.sha256(f"{school_id}\0{c}".encode()).digest())


def _norms_key(school: School) -> str:
    return json.dumps(school.norms, sort_keys=True, default=str)


def _pages_key(school: School) -> str | None:
    """Where the school's teachers' pages go: a change makes the next sync read the tracker."""
    return school.teacher_pages.model_dump_json() if school.teacher_pages else None


class _Account:
    """One service account: its key parsed once, one access token and one HTTP session for all its schools."""

    def __init__(self, name: str, credentials: Any, api_base: str | None) -> None:
        from tracker_sync.backends.google.auth import describe
        from tracker_sync.backends.google.transport import (
            SharedCredentials,
            authorized_session,
        )

        self.name = name
        self.credentials = SharedCredentials(credentials)
        self.session = authorized_session(self.credentials, api_base)
        email = describe(credentials).account
        self.email = email if "@" in email else name  # Google counts quota per user: the delegated user, when one
        self.listing_lock = threading.Lock()
        self.listing: tuple[float, dict[str, DriveEntry] | None] | None = None  # (when, entries)


class DistrictRunner:
    """Runs the jobs of every school of one registry. Thread-safe; one instance per process."""

    def __init__(self, registry: Registry, *, history: History | None = None, quota: DistrictQuota | None = None,
                 clock: Any = None, google: GoogleAccess | None = None) -> None:
        self.registry = registry
        self.clock = clock or SystemClock()
        self.history = history or History(registry.history_path)
        self.quota = quota or DistrictQuota(registry.district.quota, clock=self.clock.monotonic, sleep=self.clock.sleep)
        self.google = google or GoogleAccess()
        self.drive_listings = 0  # files.list requests made (pages included)
        self._accounts: dict[str, _Account] = {}
        self._lock = threading.Lock()

    # -- opening trackers --

    def account(self, school: School) -> _Account:
        """The service account a Google school uses, opened once per process."""
        name = credential_for(school, self.registry.district.credentials)
        with self._lock:
            if name not in self._accounts:
                from tracker_sync.backends.google.workbook import google_credentials

                subject = self.registry.district.act_as or None
                if name == DEFAULT_ACCOUNT:
                    loaded = google_credentials(credentials_file=self.google.credentials_file,
                                                service_account_info=self.google.service_account_info, subject=subject)
                else:
                    loaded = google_credentials(credentials_file=str(self.registry.resolve(name)), subject=subject)
                self._accounts[name] = _Account(name, loaded, self._api_base())
            return self._accounts[name]

    def _api_base(self) -> str | None:
        import os

        return self.google.api_base or os.environ.get("TRACKER_SYNC_GOOGLE_API_BASE") or None

    def _http(self, account: _Account) -> Any:
        """A Google HTTP client for one job (its own call counts) over the account's one session."""
        from tracker_sync.backends.google.transport import RetryPolicy
        from tracker_sync.backends.google.workbook import google_client

        retry = RetryPolicy(max_attempts=self.google.max_attempts, max_elapsed=self.google.max_elapsed,
                            sleep=self.clock.sleep, clock=self.clock.monotonic)
        client = google_client(credentials=account.credentials, session=account.session, api_base=self._api_base(), retry=retry)
        client.limiter = CredentialLimiter(self.quota, account.email)
        return client

    def workbook(self, school: School, kind: str = "sync") -> Workbook:
        if school.backend == "xlsx":
            from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

            path = self.registry.resolve(school.location)
            if not path.exists():
                raise TrackerNotFound(f"No tracker file at {path} (school {school.name!r} in the registry).")
            return XlsxWorkbook(path)
        from tracker_sync.backends.google.workbook import (
            GoogleWorkbook,
            spreadsheet_id_from,
        )

        return GoogleWorkbook(spreadsheet_id_from(school.location), self._http(self.account(school)))

    def _counts(self, workbook: Workbook) -> tuple[int, int]:
        http = getattr(workbook, "http", None)
        return (http.calls, http.attempts) if http is not None else (0, 0)

    def _spent(self, workbook: Workbook | None, calls0: tuple[int, int]) -> tuple[int, int]:
        """API calls and HTTP requests (retries included) made on `workbook` since `calls0` was taken."""
        if workbook is None:
            return (0, 0)
        calls, attempts = self._counts(workbook)
        return calls - calls0[0], attempts - calls0[1]

    # -- what changed: the Drive listing --

    def drive_listing(self, school: School, *, max_age_s: float = 0.0) -> dict[str, DriveEntry] | None:
        """The school's account's Drive listing (spreadsheet id -> entry), at most ``max_age_s`` old.

        One paged files.list per account, shared by every school of it; None when Google refused
        it (then nothing is skipped). drive.file lets an account list only the files it created.
        """
        account = self.account(school)
        with account.listing_lock:
            now = self.clock.monotonic()
            if account.listing is None or now - account.listing[0] >= max_age_s:
                account.listing = (now, self._list_drive(account))
            return account.listing[1]

    def _list_drive(self, account: _Account) -> dict[str, DriveEntry] | None:
        from tracker_sync.backends.google.drive import every_item
        from tracker_sync.backends.google.workbook import DRIVE_FILES, SPREADSHEET_MIME

        http = self._http(account)
        params = {"q": f"mimeType = '{SPREADSHEET_MIME}' and trashed = false", "fields": DRIVE_LIST_FIELDS,
                  "pageSize": 1000, "supportsAllDrives": "true", "includeItemsFromAllDrives": "true"}
        try:
            files = every_item(lambda query: http.request("get", DRIVE_FILES, params=query).json(), params, "files")
            return {file["id"]: DriveEntry(dt.datetime.fromisoformat(file["modifiedTime"]),
                                           bool(file.get("lastModifyingUser", {}).get("me"))) for file in files}
        except (TrackerSyncError, KeyError, ValueError):
            return None
        finally:
            with self._lock:
                self.drive_listings += http.calls

    def unchanged(self, school: School, day: dt.date, listing: dict[str, DriveEntry] | None,
                  workbook: Workbook | None = None) -> str | None:
        """Why the school need not be read now, or None when it must be (see the module docstring).

        A school with an observation form is read when its form has a response after the cursor its
        last sync kept (one responses.list, which the sync then reuses: ``workbook``'s form keeps it)."""
        from tracker_sync.backends.google.workbook import spreadsheet_id_from

        entry = (listing or {}).get(spreadsheet_id_from(school.location))
        if school.backend != "google" or entry is None or not entry.by_us:
            return None
        last = self.history.last(school.id, "sync")
        good = last if last is not None and last.outcome == "ok" else self.history.last(school.id, "sync", ok=True)
        if last is None or last.outcome == "failed" or good is None or good.extra.get("pages_pending"):
            return None  # ... and teachers' pages waiting for a sync are written by this one
        facts = good.extra
        if (facts.get("as_of"), facts.get("location"), facts.get("norms"), facts.get("pages_setup")) != (
                day.isoformat(), school.location, _norms_key(school), _pages_key(school)):
            return None
        if facts.get("written"):
            reference = facts.get("wrote_at") and dt.datetime.fromisoformat(facts["wrote_at"]) + _DATE_HEADER_SLACK
        else:
            reference = facts.get("drive_seen") and dt.datetime.fromisoformat(facts["drive_seen"])
        if not reference or entry.modified > reference:
            return None
        form = facts.get("form")
        inbox = getattr(workbook, "form", None)  # a Google tracker's FormSync
        if form and inbox is not None and inbox.responses(form["id"], form["cursor"]):
            return None
        return (f"unchanged since its sync at {good.started_at.astimezone(school.zone):%Y-%m-%d %H:%M} "
                "(Drive: last modified by tracker-sync)")

    # -- jobs --

    def sync_school(self, school_id: str, *, as_of: dt.date | None = None, listing_max_age_s: float | None = None) -> Run:
        """Sync one school now; record the run; never raises for the school's own trouble.

        With ``listing_max_age_s``, a Google school that did not change (:meth:`unchanged`, judged on
        its account's Drive listing at most that old) is not read: the run is ``skipped``.
        """
        school = self.registry.by_id(school_id)
        started, t0 = self.clock.now(), time.perf_counter()
        day = as_of or started.astimezone(school.zone).date()
        workbook: Workbook | None = None
        calls0 = (0, 0)
        quota0: Counter[str] = Counter()
        seen: DriveEntry | None = None
        try:
            if school.backend == "google":  # opened before the skip check (no call yet): its form may have news
                workbook = self.workbook(school)
                calls0, quota0 = self._counts(workbook), _quota_used(workbook)
            if listing_max_age_s is not None and school.backend == "google":
                from tracker_sync.backends.google.workbook import spreadsheet_id_from

                listing = self.drive_listing(school, max_age_s=listing_max_age_s)
                if reason := self.unchanged(school, day, listing, workbook):
                    calls, attempts = self._spent(workbook, calls0)
                    run = Run(school.id, "sync", started, round(time.perf_counter() - t0, 3), "skipped", detail=reason,
                              api_calls=calls, http_requests=attempts,
                              extra={"as_of": day.isoformat(), **_quota_spent(workbook, quota0)})
                    self.history.record(run)
                    return run
                seen = (listing or {}).get(spreadsheet_id_from(school.location))
            if workbook is None:
                workbook = self.workbook(school)
                calls0 = self._counts(workbook)
            report, figures, pages = self._sync(workbook, school, as_of, started)
            if report.outcome == "archived":  # last year's tracker: never written, its figures are not this year's
                calls, attempts = self._spent(workbook, calls0)
                run = Run(school.id, "sync", started, round(time.perf_counter() - t0, 3), "skipped", api_calls=calls,
                          http_requests=attempts, detail=report.note, extra={"as_of": report.as_of})
                self.history.record(run)
                return run
        except Exception as exc:
            run = self._failed(school, "sync", started, t0, exc, workbook, calls0)
            if workbook is not None and not is_passing(exc) and not isinstance(exc, (TrackerNotFound, TrackerNotShared)):
                run.extra["sync_log"] = _note_failure(workbook, school, started, day, run)
        else:
            calls, attempts = self._spent(workbook, calls0)
            wrote_at = getattr(getattr(workbook, "http", None), "wrote_at", None)
            facts = {"location": school.location, "norms": _norms_key(school), "pages_setup": _pages_key(school),
                     **({"wrote_at": wrote_at.isoformat()} if report.tabs_written and wrote_at else {}),
                     **({"drive_seen": seen.modified.isoformat()} if seen else {}),
                     **({"form": {"id": report.form["id"], "cursor": report.form["cursor"]}} if report.form else {}),
                     **_quota_spent(workbook, quota0), **pages}
            page_calls = pages.get("pages", {}).get("google_api_calls", 0)
            run = Run(school.id, "sync", started, round(time.perf_counter() - t0, 3), "ok",
                      rows_read=sum(report.rows_read.values()), errors=report.findings["error"],
                      warnings=report.findings["warning"], api_calls=calls + page_calls, http_requests=attempts,
                      extra={"as_of": report.as_of, "headline": report.headline,
                             "written": bool(report.tabs_written), **facts, **self._new_figures(school, figures)})
        self.history.record(run)
        return run

    def _sync(self, workbook: Workbook, school: School, as_of: dt.date | None, now: dt.datetime):
        """Sync, the school's aggregate figures for the district report from the same read, and the facts of its
        teachers' pages (made from that read too, written before the tracker so its one write records them)."""
        from tracker_sync.district.figures import school_figures
        from tracker_sync.sync import check_tracker, write_check

        started = time.perf_counter()
        check = check_tracker(workbook, as_of=as_of, now=now, norm_overrides=school.norms,
                              ilt_weekday=school.ilt.day if school.ilt else None)
        if mismatch := school.name_mismatch(check.settings.school, workbook.location):
            log.warning(mismatch)
        archived = archived_note(check.snapshot.metadata, workbook.location)  # last year's: no pages either
        pages, facts = (None, {}) if archived else self._pages(school, check, now)
        report = write_check(workbook, check, now=now, started=started, pages=pages)
        if archived:
            return report, {}, facts
        if school.calendars:
            from tracker_sync.calendars import write_calendars

            write_calendars(self.registry.resolve(school.calendars), check.settings, check.plan, now=now)
        return report, school_figures(check, min_cell=self.registry.district.report.min_cell), facts

    def _pages(self, school: School, check: Any, now: dt.datetime) -> tuple[Any, dict]:
        """The school's teachers' pages (when the registry asks for them) and the run's facts about them: counts
        only (no names), and ``pages_pending`` when some wait for the next sync (over the pass's page budget, or
        Google's trouble). Their trouble never fails the tracker's sync: it is kept in the facts instead."""
        setup = school.teacher_pages
        if setup is None:
            return None, {}
        from tracker_sync.pages.run import make_pages

        http = self._http(self.account(school)) if setup.folder else None  # the school's account: its quota
        try:
            from tracker_sync.backends.google.workbook import spreadsheet_id_from

            outcome = make_pages(check, html=self.registry.resolve(setup.html) if setup.html else None, http=http,
                                 folder_id=setup.folder or None, now=now, budget=self.registry.district.page_writes_per_pass,
                                 tracker_id=spreadsheet_id_from(school.location) if setup.folder else "")
        except TrackerSyncError as exc:
            spent = {"google_api_calls": http.calls} if http is not None else {}
            return None, {"pages": spent, "pages_error": failure_detail(exc)[:300], "pages_pending": 1}
        pending = outcome.google.pending if outcome.google else 0
        return outcome, {"pages": outcome.counts(), **({"pages_pending": pending} if pending else {})}

    def _new_figures(self, school: School, figures: dict) -> dict:
        """``{"district": figures}`` for the run, or nothing when the history already holds these
        figures for that day (most syncs of a day change nothing, so the history stays small)."""
        from tracker_sync.district.report import KEY

        previous = self.history.latest_extra(school.id, KEY, figures["as_of"])
        return {} if previous is not None and previous.extra[KEY] == figures else {KEY: figures}

    def brief_school(self, school_id: str, *, as_of: dt.date | None = None) -> Run:
        """Render the school's ILT brief into its briefs folder; record the run."""
        from tracker_sync.sync import build_brief

        school = self.registry.by_id(school_id)
        started, t0 = self.clock.now(), time.perf_counter()
        workbook: Workbook | None = None
        calls0 = (0, 0)
        try:
            workbook = self.workbook(school, "brief")
            calls0 = self._counts(workbook)
            day = as_of or started.astimezone(school.zone).date()
            html = build_brief(workbook, as_of=day, include_names=bool(school.ilt and school.ilt.include_names),
                               norm_overrides=school.norms, ilt_weekday=school.ilt.day if school.ilt else None,
                               history=self.history, school_id=school.id)
            folder = self.registry.resolve(school.briefs)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"ilt-brief-{day.isoformat()}.html"
            path.write_text(html, encoding="utf-8")
        except Exception as exc:
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
        return Run(school.id, kind, started, round(time.perf_counter() - t0, 3), "failed", api_calls=calls,
                   http_requests=attempts, detail=failure_detail(exc)[:500],
                   extra={"passing": is_passing(exc), "error": type(exc).__name__})

    # -- backoff --

    def resting_until(self, school_id: str) -> dt.datetime | None:
        """When a failing school may sync again (its own backoff), or None if it may sync now."""
        streak = self.history.failure_streak(school_id)
        until = rest_end(self.history.last(school_id) if streak else None, streak)
        return until if until is not None and until > self.clock.now() else None

    def scheduled_sync(self, school_id: str) -> Run | None:
        """What the scheduler fires: a sync (skipped when unchanged), unless the school is resting after failures."""
        if self.resting_until(school_id) is not None:
            return None
        return self.sync_school(school_id, listing_max_age_s=LISTING_MAX_AGE_S)

    # -- a pass over the district --

    def run_pass(self, school_ids: Iterable[str] | None = None, *, workers: int | None = None,
                 as_of: dt.date | None = None, on_done: Callable[[Run], None] | None = None) -> list[Run]:
        """Sync every school once, skipping those that did not change, sharing the district's quota.

        First one Drive listing per service account; then the schools of each account run in their
        own lane of threads (``workers`` split over the lanes, at least one each), so an account that
        has used up its minute holds up only its own schools. A school that fails for a passing
        reason (429s or 5xx beyond the client's retries, a locked file) is tried again later in the
        pass, up to PASS_ATTEMPTS times: throttled work is retried, never dropped. Returns each
        school's last run, in registry order.
        """
        ids = list(school_ids) if school_ids is not None else [s.id for s in self.registry.schools.values()]
        lanes: dict[str, list[str]] = {}
        for school_id in ids:
            school = self.registry.by_id(school_id)
            lane = credential_for(school, self.registry.district.credentials) if school.backend == "google" else ""
            if lane and lane not in lanes:
                self._refresh_listing(school)
            lanes.setdefault(lane, []).append(school_id)

        def one(school_id: str) -> Run:
            for attempt in range(1, PASS_ATTEMPTS + 1):
                run = self.sync_school(school_id, as_of=as_of, listing_max_age_s=math.inf)
                if run.outcome != "failed" or not run.extra.get("passing") or attempt == PASS_ATTEMPTS:
                    return run
                self.clock.sleep(PASS_RETRY_WAIT_S * attempt)
            raise AssertionError("unreachable")

        per_lane = max(1, -(-(workers or self.registry.district.workers) // max(1, len(lanes))))
        pools = [ThreadPoolExecutor(max_workers=per_lane, thread_name_prefix=f"sync-{n}") for n in range(len(lanes))]
        results: dict[str, Run] = {}
        try:
            futures = {pool.submit(one, school_id): school_id
                       for pool, members in zip(pools, lanes.values(), strict=True) for school_id in members}
            for future in as_completed(futures):
                run = future.result()
                results[futures[future]] = run
                if on_done is not None:
                    on_done(run)
        finally:
            for pool in pools:
                pool.shutdown()
        return [results[i] for i in ids]

    def _refresh_listing(self, school: School) -> None:
        """A fresh Drive listing for the school's account, for this pass (a failure here fails its schools' syncs)."""
        try:
            self.drive_listing(school, max_age_s=0.0)
        except TrackerSyncError:
            pass


def _quota_spent(workbook: Workbook | None, before: Counter[str]) -> dict:
    """``{"quota": {kind: calls}}``: what a job cost against each of Google's per-minute quotas (Sheets reads
    and writes, Forms reads, responses.list and writes; "drive" for Drive), for the history and its tests."""
    spent = _quota_used(workbook) - before
    return {"quota": dict(sorted(spent.items()))} if spent else {}


def _quota_used(workbook: Workbook | None) -> Counter[str]:
    """Calls so far against each of Google's per-minute quotas (none for a tracker not on Google)."""
    http = getattr(workbook, "http", None)
    return Counter(http.by_quota) if http is not None else Counter()


def _note_failure(workbook: Workbook, school: School, now: dt.datetime, as_of: dt.date, run: Run) -> bool:
    """Add a 'failed' line to the Sync Log (one read, one write of that tab only); False if it cannot."""
    from tracker_sync.check import SYNC_LOG
    from tracker_sync.render import SyncLogLine, render_sync_log

    try:
        previous = workbook.read([SYNC_LOG]).grids.get(SYNC_LOG)
        line = SyncLogLine(now, as_of, {}, 0, 0, run.duration_s, "failed: " + run.detail.split(":", 1)[0],
                           timezone=school.timezone)
        workbook.write([render_sync_log(line, previous, 200)])
    except Exception:
        return False
    return True
