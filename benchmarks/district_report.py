"""The district report of a synthetic district: its wall time and API calls, beside reading every tracker.

Builds ``--schools`` schools (LEAP and Danielson in turn; ``--google`` of them on the Google fake, the
rest xlsx files), syncs them once a week for ``--weeks`` weeks (so the history holds trends), with
the third school synced only the first week (stale) and the sixth never (never synced). Then, in one
run: the district report (District workbook as xlsx + the brief, from the history), and the peer, a
report that would read every tracker instead (one check of each school, as of the same day). Usage:

    python benchmarks/district_report.py [--schools 22] [--google 6] [--weeks 8] [--out DIR] [--quick]

``--out DIR`` keeps the district (registry, trackers, history, District workbook, brief) in DIR.
The last line: schools=… google_schools=… report_s=… report_api_calls=… read_all_s=… read_all_api_calls=… ratio=…
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from tracker_sync.district.history import History
from tracker_sync.district.publish import publish
from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.synthetic.school import AS_OF
from tracker_sync.testing.google_fake import GoogleFake
from tracker_sync.testing.sample_district import build_district, sync_history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=22)
    parser.add_argument("--google", type=int, default=6)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--teachers", type=int, default=12)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="2 weeks of history instead of --weeks")
    args = parser.parse_args()
    weeks = 2 if args.quick else args.weeks
    folder = args.out or Path(tempfile.mkdtemp(prefix="district-report-"))
    with GoogleFake() as fake:
        access = GoogleAccess(service_account_info=fake.service_account_info(), api_base=fake.base_url)
        started = time.perf_counter()
        registry_path = build_district(folder, xlsx=args.schools - args.google, google=args.google, fake=fake,
                                       teachers=args.teachers, distinct=min(args.google, 4), rubrics=("leap", "danielson"),
                                       district={"name": "Front Range Schools"})
        days = [AS_OF - dt.timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]
        sync_history(registry_path, days, stale=2, never=5, google=access)
        print(f"built and synced {args.schools} schools x {weeks} weeks in {time.perf_counter() - started:.0f} s: {folder}")
        registry = load_registry(registry_path)

        fake.clear_log()
        t0 = time.perf_counter()
        report, published = publish(registry, History(registry.history_path), as_of=AS_OF,
                                    now=dt.datetime.now(dt.UTC))
        report_s, report_calls = time.perf_counter() - t0, fake.count() + fake.count("oauth")
        counts = report.counts()
        print(f"district report: {published.workbook} and {published.brief} in {report_s:.2f} s, "
              f"{report_calls} requests to Google; {counts}")

        fake.clear_log()
        runner = DistrictRunner(registry, google=access)
        t0 = time.perf_counter()
        from tracker_sync.district.figures import school_figures
        from tracker_sync.sync import check_tracker

        for school in registry.schools.values():  # what the report would cost if it read the trackers: their figures
            school_figures(check_tracker(runner.workbook(school), as_of=AS_OF, norm_overrides=school.norms))
        read_s, read_calls = time.perf_counter() - t0, len(fake.calls())
        print(f"peer (read every tracker): {read_s:.2f} s, {read_calls} API calls")
    print(f"schools={args.schools} google_schools={args.google} report_s={report_s:.2f} report_api_calls={report_calls} "
          f"read_all_s={read_s:.2f} read_all_api_calls={read_calls} ratio={report_s / read_s:.2f}")


if __name__ == "__main__":
    main()
