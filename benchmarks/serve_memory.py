"""Memory of `serve`'s job machinery over a simulated week of a district: it must stay flat.

A district of ``--schools`` synthetic xlsx schools (tracker_sync/testing/sample_district.py) is synced on a simulated clock
(jobs/simulate.py: the fire times, job functions, coalescing and backoff of ``serve``) from Monday
2026-12-14 00:00 to Sunday 23:59, with one DistrictRunner as ``serve`` holds it: real xlsx writes,
the real run history, the ILT briefs. After each simulated day the process's resident memory is
read (after a garbage collection), so growth from one day to the next shows as it would in a serve
that runs for weeks. Usage:

    python benchmarks/serve_memory.py [--schools 20] [--every 60] [--quick]

The last line: schools=… days=… runs=… failed=… rss_day1_mb=… rss_day7_mb=… growth_after_day1_mb=… peak_mb=…
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import DistrictRunner
from tracker_sync.jobs.simulate import simulate
from tracker_sync.testing.sample_district import build_district

MONDAY = dt.date(2026, 12, 14)
DENVER = ZoneInfo("America/Denver")


def rss_mb() -> float:
    """Resident memory now (not the peak), after collecting garbage."""
    gc.collect()
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--every", type=int, default=60, help="minutes between a school's syncs (serve's default is 15)")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="4 schools, 3 days")
    args = parser.parse_args()
    if args.quick:
        args.schools, args.days = 4, 3
    with tempfile.TemporaryDirectory(prefix="serve-memory-") as folder:
        registry_path = build_district(Path(folder), xlsx=args.schools, google=0, teachers=12,
                                       school={"sync": {"every_minutes": args.every}})
        registry = load_registry(registry_path)
        clock = FakeClock(dt.datetime.combine(MONDAY, dt.time(0, 0), tzinfo=DENVER))
        runner = DistrictRunner(registry, clock=clock)
        day_rss, runs, failed = [], 0, 0
        started = time.perf_counter()
        for offset in range(args.days):
            day = MONDAY + dt.timedelta(days=offset)
            fired = simulate(runner, clock, dt.datetime.combine(day, dt.time(23, 59), tzinfo=DENVER))
            done = [event.run for event in fired if event.run is not None]
            runs += len(done)
            failed += sum(run.outcome != "ok" for run in done)
            day_rss.append(rss_mb())
            print(f"{day:%a %Y-%m-%d}: {len(done):4d} runs, resident {day_rss[-1]:6.1f} MB "
                  f"({time.perf_counter() - started:6.0f} s so far)", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    growth = max(day_rss[1:], default=day_rss[0]) - day_rss[0]
    print(f"schools={args.schools} days={args.days} runs={runs} failed={failed} rss_day1_mb={day_rss[0]:.1f} "
          f"rss_day{args.days}_mb={day_rss[-1]:.1f} growth_after_day1_mb={growth:.1f} peak_mb={peak:.0f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
