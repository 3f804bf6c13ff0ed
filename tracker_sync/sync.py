"""The pipeline: backend.read -> validate -> patterns -> render -> backend.write.

`check_tracker` is the read-only half (used by `validate`: one read, checked by tracker_sync.check);
`sync_tracker` adds the write; `build_brief` renders the ILT brief from the same read instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from tracker_sync.backends.base import Workbook
from tracker_sync.check import Check, check_snapshot, tabs_to_read
from tracker_sync.district.history import History
from tracker_sync.errors import TrackerSyncError, WriteRefused
from tracker_sync.render import SyncLogLine, render_write_refused
from tracker_sync.render.ilt_brief import render_brief
from tracker_sync.rollover.links import archived_note
from tracker_sync.validate.findings import Finding, count_by_severity

if TYPE_CHECKING:
    from tracker_sync.pages.run import PagesOutcome

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What a sync or validate run did; `--json` prints `to_dict()`."""

    tracker: str
    school: str
    as_of: str
    rows_read: dict[str, int]
    findings: dict[str, int]
    tabs_written: list[str] = field(default_factory=list)  # the tabs the backend rewrote, as it says
    duration_s: float = 0.0  # read, check and render: the one measurement, also on the Sync Log's line
    write_s: float = 0.0  # the write itself, after that line was made
    outcome: str = "ok"  # "unchanged": no tab but the Sync Log needed writing; "archived": last year's, never written
    headline: dict = field(default_factory=dict)
    note: str = ""  # why nothing was written, for "archived"
    #: The observation form (Google trackers with one): its link, form responses taken in per tab
    #: ("added" once written, else "to_add"), edited responses flagged, responses waiting.
    form: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def check_tracker(workbook: Workbook, *, as_of: dt.date | None = None, now: dt.datetime | None = None,
                  norm_overrides: Mapping[str, object] | None = None, ilt_weekday: str | None = None) -> Check:
    """Read once and validate; the patterns follow on first use (Check.patterns). Writes nothing.

    ``norm_overrides`` (from the district registry) win over the norms stored in the tracker;
    ``ilt_weekday`` (the registry's ``ilt.day``) makes trends compare with the last ILT meeting.
    """
    return check_snapshot(workbook.read(tabs_to_read()), as_of=as_of, now=now, norm_overrides=norm_overrides,
                          ilt_weekday=ilt_weekday)


def _report(workbook: Workbook, check: Check, started: float) -> SyncReport:
    inbox = check.snapshot.form
    edited = {} if inbox is None else {e.response for e in inbox.edits}  # a scored response is edited in two tabs: one
    form = {} if inbox is None else {"link": inbox.link, "to_add": dict(inbox.appended), "edited": len(edited),
                                     "waiting": inbox.waiting, "id": inbox.form_id, "cursor": inbox.cursor}
    return SyncReport(
        tracker=workbook.location, school=check.settings.school, as_of=check.as_of.isoformat(),
        rows_read=check.result.rows_read, findings=count_by_severity(check.result.findings),
        duration_s=round(time.perf_counter() - started, 3), headline=asdict(check.patterns.headline), form=form,
    )


def validate_tracker(workbook: Workbook, *, as_of: dt.date | None = None) -> tuple[SyncReport, list[Finding]]:
    started = time.perf_counter()
    check = check_tracker(workbook, as_of=as_of)
    return _report(workbook, check, started), check.result.findings


def sync_tracker(workbook: Workbook, *, as_of: dt.date | None = None, now: dt.datetime | None = None,
                 norm_overrides: Mapping[str, object] | None = None, ilt_weekday: str | None = None) -> SyncReport:
    """One sync: read, check, and write the tool tabs (Summary, Patterns, Flags, Plan, Sync Log) in one atomic write."""
    started = time.perf_counter()
    now = now or dt.datetime.now(dt.UTC)
    check = check_tracker(workbook, as_of=as_of, now=now, norm_overrides=norm_overrides, ilt_weekday=ilt_weekday)
    return write_check(workbook, check, now=now, started=started)


def write_check(workbook: Workbook, check: Check, *, now: dt.datetime, started: float,
                pages: PagesOutcome | None = None) -> SyncReport:
    """The write half of a sync: render the tool tabs of ``check`` and write them in one atomic write.

    Apart from sync_tracker so a caller that keeps the check (the district runner stores its
    aggregate figures) reads the tracker only once. The duration is measured once, when everything
    but the Sync Log line is ready: the line, the report and the CLI all show that one number.
    ``tabs_written`` is what the backend says it rewrote (an xlsx file keeps a tab it already holds).
    ``pages``: the teachers' pages made from the same check; their Flags lines go in the Flags tab and
    their records in the same write's metadata.
    """
    if note := archived_note(check.snapshot.metadata, workbook.location):  # last year's: nothing rendered or written
        report = _report(workbook, check, started)
        report.outcome, report.note = "archived", note
        return report
    outputs = check.tool_tabs(now, pages.flags if pages is not None else None)
    report = _report(workbook, check, started)
    log_line = SyncLogLine(now, check.as_of, report.rows_read, report.findings["error"], report.findings["warning"],
                           report.duration_s, "ok", accounting=check.result.accounting, timezone=check.settings.timezone)
    tool_tabs = [*outputs, check.sync_log(log_line)]
    writing = time.perf_counter()
    try:
        report.tabs_written = workbook.write(tool_tabs, pages.metadata if pages is not None else {})
    except WriteRefused as exc:
        if _say_write_refused(workbook, check, log_line, exc):
            raise WriteRefused(exc.code, f"{exc.message} (The tracker's Flags tab and Sync Log say so; its other tabs "
                                         "keep the last sync that was written.)", exc.status, error=exc.error) from exc
        raise
    report.write_s = round(time.perf_counter() - writing, 3)
    if report.form:  # the rows went in with the tabs, in the one atomic write
        report.form["added"] = report.form.pop("to_add")
    volatile = {tab.name for tab in tool_tabs if tab.volatile}
    if not set(report.tabs_written) - volatile:
        report.outcome = "unchanged"  # nothing new since the last write: at most the Sync Log's line was added
    return report


def _say_write_refused(workbook: Workbook, check: Check, log_line: SyncLogLine, refused: WriteRefused) -> bool:
    """After Google refused a sync's write (one bad request refuses all of it, and would again next
    time): a second, small write of the Flags tab and the Sync Log saying why, so the school sees it.
    True when that write went through."""
    line = dataclasses.replace(log_line, outcome="write refused: see Flags")
    tabs = [render_write_refused(refused.message, line.when()), check.sync_log(line)]
    try:
        workbook.write(tabs)
    except TrackerSyncError as exc:
        log.warning("Google refused the write, and the Flags tab could not say so either (%s).", exc.label)
        return False
    return True


def build_brief(workbook: Workbook, *, as_of: dt.date | None = None, include_names: bool = False,
                norm_overrides: Mapping[str, object] | None = None, ilt_weekday: str | None = None,
                history: History | None = None, school_id: str | None = None) -> str:
    """Read the tracker once (writing nothing), compute its patterns, and render the brief.

    A tracker made by a rollover also gets last year beside this year: from ``history`` (the district's,
    for ``school_id``) when it holds that week, else from last year's tracker, read once.
    """
    from tracker_sync.rollover.compare import last_year_beside

    check = check_tracker(workbook, as_of=as_of, norm_overrides=norm_overrides, ilt_weekday=ilt_weekday)
    beside = last_year_beside(check, workbook, history=history, school_id=school_id, norm_overrides=norm_overrides,
                              min_cell=check.settings.norms.heatmap_min_n)
    return render_brief(check.settings, check.patterns, check.practice_flags(), include_names=include_names, plan=check.plan,
                        last_year=beside)
