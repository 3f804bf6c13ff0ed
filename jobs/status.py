"""What `tracker-sync status` shows: per school the last sync, its outcome and findings, and the next run.

Read from the registry and the run history only: no tracker is opened and no API call is made, so
``status`` is safe to run while ``serve`` is working.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from tracker_sync.district.history import History
from tracker_sync.district.registry import Registry
from tracker_sync.jobs.schedule import next_brief, next_sync, rest_end


@dataclass
class SchoolStatus:
    id: str
    school: str
    backend: str
    last_sync: str | None  # local time, ISO
    outcome: str | None
    errors: int | None
    warnings: int | None
    api_calls: int | None
    failure_streak: int
    failures: int
    detail: str
    next_sync: str  # local time, ISO; after the school's backoff when it is failing
    next_brief: str | None
    last_brief: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def district_status(registry: Registry, history: History, now: dt.datetime) -> list[SchoolStatus]:
    rows = []
    for school in registry.schools.values():
        zone = school.zone
        last = history.last(school.id, "sync")
        good = last if last is None or last.outcome == "ok" else history.last(school.id, "sync", ok=True)
        streak = history.failure_streak(school.id)
        after = max(now, rest_end(last, streak) or now)
        brief = history.last(school.id, "brief")
        rows.append(SchoolStatus(
            id=school.id, school=school.name, backend=school.backend,
            last_sync=last.started_at.astimezone(zone).isoformat(timespec="seconds") if last else None,
            outcome=last.outcome if last else None,
            errors=good.errors if good and last and last.outcome != "failed" else None,  # a skipped run stands on the last ok one
            warnings=good.warnings if good and last and last.outcome != "failed" else None,
            api_calls=last.api_calls if last else None,
            failure_streak=streak, failures=history.failures(school.id),
            detail=last.detail if last and last.outcome != "ok" else "",
            next_sync=next_sync(school.sync, zone, after).isoformat(timespec="minutes"),
            next_brief=next_brief(school.ilt, zone, now).isoformat(timespec="minutes") if school.ilt else None,
            last_brief=brief.detail if brief and brief.outcome == "ok" else None,
        ))
    return rows
