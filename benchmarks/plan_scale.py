"""The coaching plan of the 260-teacher school year: its cost in a sync, and whether it keeps its promise.

    python benchmarks/plan_scale.py [--repeat N] [--as-of YYYY-MM-DD]

The year is benchmarks/patterns_scale.py's (the synthetic autumn plus the same rows 21 weeks later
as the spring, about 15,000 rows), in an .xlsx tracker, as of the first Monday of the spring term
(default 2027-01-18, Martin Luther King Jr. Day: a four-day week after the winter break, when every
teacher is overdue). Two measurements in one run:

* **Sync time with and without the plan**, in turn on fresh copies of the tracker (so a busy machine
  slows both alike), best of --repeat (default 3) after a warm-up: a whole ``sync_tracker`` (read,
  validate, patterns, render, one atomic write), and the same sync with the plan left out (no Plan
  computed, rendered or written; the benchmark patches that in, the product has no such switch).
* **Every teacher overdue today is planned within the weeks the capacity allows**: the plan made for
  as many school weeks as the year has left; for each coach, the visits overdue today, the weeks
  their visits a week need for them (weeks_to_clear), and the latest week an overdue visit landed in.
  The check fails (exit 1) if any overdue visit lands later, or not at all.

The last line is machine-readable:

    teachers=... coaches=... overdue_teachers=... weeks_needed=... latest_week=... sync_with_plan_s=...
    sync_without_plan_s=... plan_s=... plan_tab_s=...
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from patterns_scale import SEEDS, TEACHERS, school_year

from tracker_sync import check as check_module
from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.check import Check
from tracker_sync.metadata import to_metadata
from tracker_sync.patterns.plan import VISIT, coaching_plan
from tracker_sync.render.plan_tab import render_plan
from tracker_sync.sheet_templates import load_template
from tracker_sync.sync import check_tracker, sync_tracker

AS_OF = dt.date(2027, 1, 18)


@contextlib.contextmanager
def without_plan() -> Iterator[None]:
    """Syncs inside leave the plan out: Check.plan is never computed and the Plan tab not written."""
    plan, tool_tabs, render = Check.__dict__["plan"], Check.tool_tabs, check_module.render_plan
    Check.plan = property(lambda self: None)  # type: ignore[assignment,method-assign]
    check_module.render_plan = lambda settings, plan, synced_at: None  # type: ignore[assignment]
    Check.tool_tabs = lambda self, *args: [tab for tab in tool_tabs(self, *args) if tab is not None]  # type: ignore[method-assign]
    try:
        yield
    finally:
        Check.plan, Check.tool_tabs, check_module.render_plan = plan, tool_tabs, render  # type: ignore[method-assign]


def build(folder: Path) -> Path:
    grids, settings, _end = school_year(SEEDS[0])
    path = folder / "year.xlsx"
    workbook = XlsxWorkbook(path)
    workbook.provision(load_template().for_rubric(settings.rubric), to_metadata(settings))
    workbook.seed_rows({tab: grid[1:] for tab, grid in grids.items()})
    return path


def timed_sync(source: Path, folder: Path, as_of: dt.date, *, plan: bool) -> tuple[float, list[str]]:
    copy = folder / ("with.xlsx" if plan else "without.xlsx")
    shutil.copyfile(source, copy)
    with contextlib.nullcontext() if plan else without_plan():
        started = time.perf_counter()
        report = sync_tracker(XlsxWorkbook(copy), as_of=as_of)
        return time.perf_counter() - started, report.tabs_written


def promise(source: Path, as_of: dt.date) -> dict[str, int]:
    """Plan the rest of the year; check every visit overdue today lands within its coach's weeks_to_clear."""
    check = check_tracker(XlsxWorkbook(source), as_of=as_of)
    check.patterns  # noqa: B018 (a sync has them before it plans)
    started = time.perf_counter()
    check.plan  # noqa: B018 (what a sync computes: timed)
    plan_s = time.perf_counter() - started
    started = time.perf_counter()
    tab = render_plan(check.settings, check.plan, dt.datetime.now(dt.UTC))
    render_s = time.perf_counter() - started
    whole = coaching_plan(check.result.records, check.settings, as_of, patterns=check.patterns, weeks=60)
    weeks = [w.start for w in whole.weeks]
    items = whole.items
    overdue = items[[kind == VISIT and due < as_of for kind, due in zip(items["kind"], items["due"], strict=True)]]
    latest, late = 0, []
    needed = dict(zip(whole.coaches["coach"], whole.coaches["weeks_to_clear"], strict=True))
    for coach, teacher, week in zip(overdue["coach"], overdue["teacher"], overdue["week"], strict=True):
        landed = weeks.index(week) + 1 if week is not None else None
        if landed is None or needed[coach] is None or landed > needed[coach]:
            late.append(f"{teacher} ({coach}): week {landed}, capacity allows {needed[coach]}")
        latest = max(latest, landed or 0)
    print(f"{len(whole.coaches)} coaches; {len(overdue)} teachers overdue for a visit on {as_of} "
          f"(most for one coach: {int(whole.coaches['overdue_visits'].max())}); visits a week: "
          f"{sorted(set(whole.coaches['visits']))}; the coaches' capacity clears them in "
          f"{int(whole.coaches['weeks_to_clear'].max())} school weeks, and the plan places the last in week {latest}.")
    for line in late:
        print("  LATE:", line)
    return {"coaches": len(whole.coaches), "overdue_teachers": len(overdue), "latest_week": latest, "late": len(late),
            "weeks_needed": int(whole.coaches["weeks_to_clear"].max()), "plan_ms": round(plan_s * 1000),
            "render_ms": round(render_s * 1000), "tab_rows": len(tab.rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = build(folder)
        sync_tracker(XlsxWorkbook(source), as_of=args.as_of - dt.timedelta(days=7))  # the tool tabs exist, as in a running school
        found = promise(source, args.as_of)
        timed_sync(source, folder, args.as_of, plan=True)  # warm-up
        timed_sync(source, folder, args.as_of, plan=False)
        with_plan, without = [], []
        for _ in range(args.repeat):
            seconds, tabs = timed_sync(source, folder, args.as_of, plan=True)
            assert "Plan" in tabs
            with_plan.append(seconds)
            seconds, tabs = timed_sync(source, folder, args.as_of, plan=False)
            assert "Plan" not in tabs
            without.append(seconds)
    print(f"sync of the {TEACHERS}-teacher year as of {args.as_of} (xlsx, best of {args.repeat}): "
          f"{min(with_plan):.2f} s with the plan, {min(without):.2f} s without ({min(with_plan) - min(without):+.2f} s); "
          f"the plan itself {found['plan_ms'] / 1000:.3f} s, its tab ({found['tab_rows']} rows) laid out in "
          f"{found['render_ms'] / 1000:.3f} s")
    print(f"teachers={TEACHERS} coaches={found['coaches']} overdue_teachers={found['overdue_teachers']} "
          f"weeks_needed={found['weeks_needed']} latest_week={found['latest_week']} sync_with_plan_s={min(with_plan):.2f} "
          f"sync_without_plan_s={min(without):.2f} plan_s={found['plan_ms'] / 1000:.3f} "
          f"plan_tab_s={found['render_ms'] / 1000:.3f}")
    if found["late"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
