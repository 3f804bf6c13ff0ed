"""Validate + patterns at the size of one school-year and of a 200-school district.

    python benchmarks/patterns_scale.py [--quick] [--schools N] [--workers W] [--year 2027-28]

One school-year: the synthetic school (tracker_sync.synthetic.school) with 260 teachers, its autumn
semester plus the same rows 21 weeks later as the spring (same weekdays), about 15,000 sheet rows
(every coach tab, 1-on-1 Meetings and Goals included), as of the last day of school. The timed step
is what a sync does between read and write: validate(grids) then compute_patterns(records), best of
5. Inside it, the trends (headline and team figures and every heat-map cell at 8 weekly points and
the last ILT meeting, recomputed from the records) are also timed on their own: trend_s, part of
school_s.

District: 200 such schools (four distinct seeds, reused in turn: each worker builds a seed's grids
once, inside the timed span, then validates and patterns them afresh for every school that uses the
seed, as the scheduler would), plus the district roll-up (per school, per indicator means: aggregates
only). Schools are spread over W worker processes (default: the CPUs available, at most 2); the peak
memory is the largest resident set of this process and its workers. --quick: 20 schools. --year: the
same school-years in a later school year (every date 52 weeks on per year, tracker_sync.synthetic.years).

Goals: school under 0.3 s, district under 30 s and 3 GB. The last line is machine-readable:

    school_rows=... school_s=... trend_s=... district_schools=... district_rows=... district_s=... district_peak_mb=...
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from tracker_sync.patterns import (
    compute_patterns,
    coverage,
    headline_trends,
    heatmap_trend,
    to_frames,
    trend_dates,
)
from tracker_sync.rollover.years import parse_year
from tracker_sync.sheet_templates import load_template
from tracker_sync.synthetic.year import school_year as synthetic_year
from tracker_sync.validate import validate

TEACHERS = 260
SEEDS = (7, 8, 9, 10)


def school_year(seed: int, year: int | None = None):
    """(grids, settings, as_of) for one school-year: the synthetic autumn plus a shifted spring."""
    school = synthetic_year(seed, teachers=TEACHERS, year=year)
    return school.grids, school.settings, school.as_of


def rows_of(grids) -> int:
    return sum(len(g) - 1 for g in grids.values())


def validate_and_patterns(grids, settings, as_of):
    template = load_template().for_rubric(settings.rubric)
    result = validate(grids, template, settings, as_of)
    return compute_patterns(result.records, settings, as_of)


def trend_seconds(grids, settings, as_of) -> float:
    """What the trends cost inside compute_patterns: headline_trends + heatmap_trend, best of 5."""
    records = validate(grids, load_template().for_rubric(settings.rubric), settings, as_of).records
    frames = to_frames(records).state_on(as_of)
    teachers, dates = coverage(frames, settings, pd.Timestamp(as_of)), trend_dates(settings, as_of)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        headline_trends(frames, settings, teachers, dates)
        heatmap_trend(frames, settings, dates)
        times.append(time.perf_counter() - started)
    return min(times)


def _one_school(args: tuple[int, int, int | None]) -> tuple[pd.DataFrame, int, int]:
    """Worker: validate + patterns for school `index` (built from a cached seed); its roll-up rows."""
    index, seed, year = args
    grids, settings, as_of = _cached(seed, year)
    patterns = validate_and_patterns(grids, settings, as_of)
    rollup = patterns.school_indicators.assign(school=f"School {index + 1}")
    return rollup, rows_of(grids), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


_CACHE: dict[tuple[int, int | None], tuple] = {}


def _cached(seed: int, year: int | None = None):
    if (seed, year) not in _CACHE:
        _CACHE[seed, year] = school_year(seed, year)
    return _CACHE[seed, year]


def district(schools: int, workers: int, year: int | None = None) -> tuple[int, float, float]:
    started = time.perf_counter()
    jobs = [(i, SEEDS[i % len(SEEDS)], year) for i in range(schools)]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_one_school, jobs, chunksize=max(1, schools // (workers * 4))))
    else:
        results = [_one_school(job) for job in jobs]
    rollup = pd.concat([r[0] for r in results], ignore_index=True)
    by_indicator = rollup.assign(total=rollup["mean"] * rollup["n"]).groupby("indicator")[["total", "n"]].sum()
    assert (by_indicator["n"] > 0).all()
    seconds = time.perf_counter() - started
    peak_kb = max([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, *[r[2] for r in results]])
    return sum(r[1] for r in results), seconds, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 schools instead of 200")
    parser.add_argument("--schools", type=int, default=None)
    parser.add_argument("--workers", type=int, default=min(2, len(os.sched_getaffinity(0))))
    parser.add_argument("--year", default=None, help="a later school year, e.g. 2027-28 (default: the generator's 2026-27)")
    args = parser.parse_args()
    schools = args.schools or (20 if args.quick else 200)

    year = parse_year(args.year).start_year if args.year else None
    grids, settings, as_of = _cached(SEEDS[0], year)
    validate_and_patterns(grids, settings, as_of)  # warm caches (templates, rubric lookups)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        validate_and_patterns(grids, settings, as_of)
        times.append(time.perf_counter() - started)
    school_s = min(times)
    trend_s = trend_seconds(grids, settings, as_of)
    print(f"one school-year: {rows_of(grids)} rows, validate + patterns best of 5: {school_s:.3f} s (goal < 0.3 s), "
          f"of which trends ({settings.norms.trend_weeks} weekly points and the last ILT meeting): {trend_s:.3f} s")

    district_rows, district_s, peak_mb = district(schools, args.workers, year)
    print(f"district: {schools} schools built from {min(schools, len(SEEDS))} synthetic school-years (seeds "
          f"{', '.join(map(str, SEEDS[:schools]))}, reused in turn; every school validated and patterned "
          f"from its grids), {district_rows} rows, {args.workers} worker(s): {district_s:.1f} s, "
          f"peak {peak_mb:.0f} MB (goals < 30 s, < 3 GB)")
    print(f"school_rows={rows_of(grids)} school_s={school_s:.3f} trend_s={trend_s:.3f} "
          f"district_schools={schools} district_rows={district_rows} "
          f"district_s={district_s:.1f} district_peak_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
