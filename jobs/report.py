"""The district report as a scheduled job: when it runs, and the run itself (recorded in the history).

``serve`` fires :func:`report_district` weekly at ``[district.report] day`` and ``time`` (in its
``timezone``), ``--simulate-day`` does the same on a simulated clock; ``district-report`` records its
runs the same way, and ``status`` shows the last one (:func:`report_status`). The report reads the
history only, so it costs no API call for the
schools; a Google District workbook costs its own write.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from tracker_sync.district.history import History, Run
from tracker_sync.district.registry import (
    WEEKDAYS,
    DistrictReportSettings,
    Registry,
    as_time,
)

if TYPE_CHECKING:
    from tracker_sync.district.publish import Published
    from tracker_sync.district.report import DistrictReport
    from tracker_sync.jobs.district import DistrictRunner

JOB_ID = "report:district"
#: The history's "school" for the district report's runs (school ids start with a letter or digit).
HISTORY_ID = "_district"


def next_report(settings: DistrictReportSettings, after: dt.datetime) -> dt.datetime:
    """The first report time strictly after ``after``: weekly, on ``day`` at ``time``, local time."""
    local = after.astimezone(settings.zone).date()
    for offset in range(8):
        day = local + dt.timedelta(days=offset)
        moment = dt.datetime.combine(day, as_time(settings.time), tzinfo=settings.zone)
        if WEEKDAYS[day.weekday()] == settings.day and moment > after:
            return moment
    raise AssertionError("a weekly report recurs within 8 days")


def report_district(runner: DistrictRunner, *, as_of: dt.date | None = None) -> Run:
    """Write the district report now; record the run; never raises for the report's own trouble."""
    from tracker_sync.district.publish import publish
    from tracker_sync.district.report import report_day
    from tracker_sync.errors import failure_detail

    settings = runner.registry.district.report
    started, t0 = runner.clock.now(), time.perf_counter()
    http = None
    try:
        if settings.backend == "google":
            from tracker_sync.backends.google.quota import CredentialLimiter
            from tracker_sync.backends.google.workbook import google_client

            access = runner.google
            from tracker_sync.backends.google.auth import acting_email

            http = google_client(credentials_file=access.credentials_file, service_account_info=access.service_account_info,
                                 api_base=access.api_base, subject=runner.registry.district.act_as or None)
            http.limiter = CredentialLimiter(runner.quota, acting_email(http.auth))
        day = as_of or report_day(runner.registry, runner.history, started)
        report, published = publish(runner.registry, runner.history, as_of=day, now=started, http=http)
    except Exception as exc:
        run = Run(HISTORY_ID, "report", started, round(time.perf_counter() - t0, 3), "failed",
                  api_calls=http.calls if http is not None else 0, detail=failure_detail(exc)[:500])
    else:
        run = report_run(started, report, published)
    runner.history.record(run)
    return run


def report_run(started: dt.datetime, report: DistrictReport, published: Published) -> Run:
    """The history's record of a district report that was written (by serve or by the command)."""
    return Run(HISTORY_ID, "report", started, published.wall_s, "ok", api_calls=published.api_calls, detail=published.workbook,
               extra={"as_of": report.as_of.isoformat(), "brief": published.brief, "counts": report.counts()})


def report_status(registry: Registry, history: History, now: dt.datetime) -> dict:
    """When the district report last ran (and how), and when it runs next; from the history only."""
    settings = registry.district.report
    last = history.last(HISTORY_ID, "report")
    return {
        "last_run": last.started_at.astimezone(settings.zone).isoformat(timespec="minutes") if last else None,
        "outcome": last.outcome if last else None,
        "detail": last.detail if last else "",
        "counts": last.extra.get("counts") if last else None,
        "next_run": next_report(settings, now).isoformat(timespec="minutes") if settings.schedule else None,
    }
