"""When each school's jobs run, as pure functions of the registry and a moment (no APScheduler).

The scheduler's triggers, ``status`` ("next run") and the simulated-day tests all use these, so
the times they show are the times that fire. Times are local to the school (its registry
timezone); results are aware datetimes in that zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tracker_sync.district.history import Run
from tracker_sync.district.registry import (
    WEEKDAYS,
    IltMeeting,
    Registry,
    SyncSchedule,
    as_time,
)
from tracker_sync.jobs.report import JOB_ID as REPORT_JOB

#: Backoff after a failed sync: 5 min, 10, 20 ... at most 2 hours, per school.
BACKOFF_BASE = dt.timedelta(minutes=5)
BACKOFF_MAX = dt.timedelta(hours=2)


def sync_times(schedule: SyncSchedule, day: dt.date, zone: ZoneInfo) -> list[dt.datetime]:
    """Every sync of one local day: start, start + every, ... up to end (included)."""
    if WEEKDAYS[day.weekday()] not in schedule.days:
        return []
    moment = dt.datetime.combine(day, as_time(schedule.start), tzinfo=zone)
    end = dt.datetime.combine(day, as_time(schedule.end), tzinfo=zone)
    times = []
    while moment <= end:
        times.append(moment)
        moment += dt.timedelta(minutes=schedule.every_minutes)
    return times


def next_sync(schedule: SyncSchedule, zone: ZoneInfo, after: dt.datetime) -> dt.datetime:
    """The first sync strictly after ``after``."""
    local = after.astimezone(zone)
    for offset in range(8):
        for moment in sync_times(schedule, local.date() + dt.timedelta(days=offset), zone):
            if moment > after:
                return moment
    raise AssertionError("a sync schedule has at least one weekday")  # guaranteed by SyncSchedule


def brief_time(meeting: IltMeeting, meeting_day: dt.date, zone: ZoneInfo) -> dt.datetime:
    start = dt.datetime.combine(meeting_day, as_time(meeting.time), tzinfo=zone)
    return start - dt.timedelta(minutes=meeting.brief_minutes_before)


def next_brief(meeting: IltMeeting, zone: ZoneInfo, after: dt.datetime) -> dt.datetime:
    """When the next brief is rendered: ``brief_minutes_before`` the next ILT meeting."""
    local = after.astimezone(zone).date()
    for offset in range(-1, 9):
        day = local + dt.timedelta(days=offset)
        if WEEKDAYS[day.weekday()] == meeting.day and (moment := brief_time(meeting, day, zone)) > after:
            return moment
    raise AssertionError("a weekly meeting recurs within 9 days")


def backoff(failure_streak: int) -> dt.timedelta:
    """How long a school rests after ``failure_streak`` failures in a row."""
    if failure_streak <= 0:
        return dt.timedelta(0)
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (failure_streak - 1))


def rest_end(last: Run | None, failure_streak: int) -> dt.datetime | None:
    """When a failing school's backoff ends (its last sync's start + backoff), None when it is not failing."""
    return last.started_at + backoff(failure_streak) if failure_streak and last is not None else None


def job_zone(registry: Registry, job_id: str) -> ZoneInfo:
    """The timezone a job's times are shown in: its school's (``sync:<id>``, ``brief:<id>``), or the district report's."""
    return registry.district.report.zone if job_id == REPORT_JOB else registry.by_id(job_id.split(":", 1)[1]).zone
