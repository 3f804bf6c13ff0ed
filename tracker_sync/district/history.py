"""The local run history of a district (SQLite): every sync and brief, and each school's failure streak.

One row per run: school id, kind (sync or brief), start time (UTC), duration, rows read, findings,
API calls, outcome and, for a failure, the error's class and message (never cell values: errors
carry none). ``status`` and the scheduler's per-school backoff read it, so both survive a restart.

Each call opens its own short connection (WAL mode), so scheduler threads and a ``status`` command
in another process can use the file at the same time.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    school TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    duration_s REAL NOT NULL,
    outcome TEXT NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    api_calls INTEGER NOT NULL DEFAULT 0,
    http_requests INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS runs_by_school ON runs (school, kind, id);
"""


@dataclass
class Run:
    """One run of one job for one school."""

    school: str
    kind: str  # "sync" | "brief"
    started_at: dt.datetime  # aware, UTC
    duration_s: float
    outcome: str  # "ok" | "skipped" (a sync that found nothing changed and read nothing) | "failed"
    rows_read: int = 0
    errors: int = 0
    warnings: int = 0
    api_calls: int = 0
    http_requests: int = 0  # attempts, retries included
    detail: str = ""  # failure: "ApiError: [503] ..."; brief: the file written
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {**asdict(self), "started_at": self.started_at.isoformat()}


class History:
    """The run history in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        return db

    def record(self, run: Run) -> None:
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO runs (school, kind, started_at, duration_s, outcome, rows_read, errors, warnings, api_calls,"
                " http_requests, detail, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (run.school, run.kind, run.started_at.astimezone(dt.UTC).isoformat(), run.duration_s, run.outcome,
                 run.rows_read, run.errors, run.warnings, run.api_calls, run.http_requests, run.detail, json.dumps(run.extra)))

    def runs(self, school: str | None = None, kind: str | None = None) -> list[Run]:
        """Runs in the order they were recorded."""
        where, args = [], []
        if school is not None:
            where.append("school = ?")
            args.append(school)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = "SELECT * FROM runs" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        with closing(self._connect()) as db:
            return [_run(row) for row in db.execute(sql, args)]

    def last(self, school: str, kind: str = "sync", *, ok: bool = False) -> Run | None:
        """The school's newest run of ``kind`` (with ``ok``: its newest successful one)."""
        only_ok = " AND outcome = 'ok'" if ok else ""
        with closing(self._connect()) as db:
            row = db.execute(f"SELECT * FROM runs WHERE school = ? AND kind = ?{only_ok} ORDER BY id DESC LIMIT 1",
                             (school, kind)).fetchone()
        return _run(row) if row else None

    def last_ok_until(self, school: str, until_day: str, kind: str = "sync") -> Run | None:
        """The school's newest successful run for a day (its ``extra["as_of"]``) on or before ``until_day``."""
        with closing(self._connect()) as db:
            row = db.execute(f"SELECT * FROM runs WHERE school = ? AND kind = ? AND outcome = 'ok' AND {_RUN_DAY} <= ? "
                             "ORDER BY id DESC LIMIT 1", (school, kind, until_day)).fetchone()
        return _run(row) if row else None

    def newest_day(self, key: str, kind: str = "sync") -> str | None:
        """The latest ``as_of`` day (ISO) any school's successful run stored ``extra[key]`` for."""
        with closing(self._connect()) as db:
            row = db.execute(f"SELECT MAX({_AS_OF}) FROM runs WHERE kind = ? AND outcome = 'ok'", (key, kind)).fetchone()
        return row[0] if row else None

    def latest_extra(self, school: str, key: str, until_day: str, kind: str = "sync") -> Run | None:
        """The newest ok run that stored ``extra[key]`` with an ``as_of`` (ISO day) on or before ``until_day``."""
        with closing(self._connect()) as db:
            row = db.execute(
                f"SELECT * FROM runs WHERE school = ? AND kind = ? AND outcome = 'ok' AND {_AS_OF} <= ? "
                f"ORDER BY {_AS_OF} DESC, id DESC LIMIT 1", (school, kind, key, until_day, key)).fetchone()
        return _run(row) if row else None

    def extra_by_day(self, school: str, key: str, first_day: str, last_day: str, kind: str = "sync") -> dict[str, Run]:
        """Per ``as_of`` day from ``first_day`` to ``last_day`` (ISO, both included), the newest ok run
        that stored ``extra[key]`` for that day."""
        with closing(self._connect()) as db:
            rows = db.execute(
                f"SELECT * FROM runs WHERE id IN (SELECT MAX(id) FROM runs WHERE school = ? AND kind = ? "
                f"AND outcome = 'ok' AND {_AS_OF} BETWEEN ? AND ? GROUP BY {_AS_OF})",
                (school, kind, key, first_day, last_day, key)).fetchall()
        return {run.extra[key]["as_of"]: run for run in map(_run, rows)}

    def failure_streak(self, school: str, kind: str = "sync") -> int:
        """Failed runs since the school's last good one, ok or skipped (0 when the last run was not a failure)."""
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT COUNT(*) FROM runs WHERE school = ? AND kind = ? AND outcome = 'failed' AND id > "
                "COALESCE((SELECT MAX(id) FROM runs WHERE school = ? AND kind = ? AND outcome != 'failed'), 0)",
                (school, kind, school, kind)).fetchone()
        return int(row[0])

    def failures(self, school: str, kind: str = "sync") -> int:
        """Every failed run of the school, ever (its error count)."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT COUNT(*) FROM runs WHERE school = ? AND kind = ? AND outcome = 'failed'",
                             (school, kind)).fetchone()
        return int(row[0])


#: The ``as_of`` day inside ``extra[key]`` (the key is the first bound parameter of each use).
_AS_OF = "json_extract(extra, '$.' || ? || '.as_of')"
#: The day a run was for: a sync's ``extra["as_of"]``, else its figures' (none known: counted on any day).
_RUN_DAY = "COALESCE(json_extract(extra, '$.as_of'), json_extract(extra, '$.district.as_of'), '')"


def _run(row: sqlite3.Row) -> Run:
    values = dict(row)
    values.pop("id")
    values["started_at"] = dt.datetime.fromisoformat(values["started_at"])
    values["extra"] = json.loads(values["extra"])
    return Run(**values)
