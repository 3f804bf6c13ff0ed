"""A district into the new school year in one command: `tracker-sync rollover --registry ... --year 2027-28`.

Builds ``--schools`` synthetic schools of ``--teachers`` teachers (``--google`` of them on the Google
fake, the rest xlsx files; the district registry gives the 2027-28 dates and holidays), syncs them as
of 2026-12-18, then times the one command through the real CLI, in this process, and counts every
request the fake received (the command's own count, from its --json, must agree). Then times the same
command again (a rerun: every school finished, nothing made). Usage:

    python benchmarks/rollover.py [--schools 20] [--google 20] [--teachers 30] [--out DIR]

The last line: schools=… google_schools=… wall_s=… per_school_s=… api_calls=… calls_per_school=… rerun_s=…
rerun_api_calls=… failed=…
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

from tracker_sync.cli import app
from tracker_sync.jobs.district import GoogleAccess
from tracker_sync.synthetic.school import AS_OF
from tracker_sync.testing.google_fake import GoogleFake
from tracker_sync.testing.sample_district import build_district, sync_history

YEARS = {"2027-28": {"first_day": dt.date(2027, 8, 16), "last_day": dt.date(2028, 5, 26),
                     "holidays": [dt.date(2027, 9, 6), dt.date(2027, 11, 25), dt.date(2027, 11, 26)]}}


def roll(registry: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["rollover", "--registry", str(registry), "--year", "2027-28", "--no-notify", "--json"])
    wall = time.perf_counter() - started
    if result.exit_code not in (0, 3):
        raise SystemExit(f"rollover failed: {result.output}")
    return wall, json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--google", type=int, default=20)
    parser.add_argument("--teachers", type=int, default=30)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="rollover-"))
    with GoogleFake() as fake:
        account = fake.service_account_info()
        (folder / "keys").mkdir(parents=True, exist_ok=True)
        (folder / "keys" / "sa.json").write_text(json.dumps(account), encoding="utf-8")
        os.environ["TRACKER_SYNC_GOOGLE_CREDENTIALS"] = str(folder / "keys" / "sa.json")
        os.environ["TRACKER_SYNC_GOOGLE_API_BASE"] = fake.base_url
        started = time.perf_counter()
        registry = build_district(folder, xlsx=args.schools - args.google, google=args.google, fake=fake, teachers=args.teachers,
                                  distinct=min(args.google, 4), district={"name": "Front Range Schools", "years": YEARS})
        sync_history(registry, [AS_OF], google=GoogleAccess(service_account_info=account, api_base=fake.base_url))
        built_s = time.perf_counter() - started
        print(f"built and synced {args.schools} schools of {args.teachers} teachers in {built_s:.0f} s: {folder}")

        fake.clear_log()
        wall, done = roll(registry)
        requests = fake.count()
        assert done["api_calls"] == requests, (done["api_calls"], requests)
        for line in done["lines"]:
            print(f"  {line['school']}: {line['outcome']}, {line['api_calls']} API calls, {line['seconds']:.2f} s")
        print(f"rollover of {done['schools']} schools: {wall:.2f} s, {requests} API calls ({done['failed']} failed)")

        fake.clear_log()
        rerun_wall, again = roll(registry)
        rerun_requests = fake.count()
        outcomes = sorted({line["outcome"] for line in again["lines"]})
        print(f"rerun: {rerun_wall:.2f} s, {rerun_requests} API calls, outcomes {outcomes}")
    google = max(args.google, 1)
    print(f"schools={done['schools']} google_schools={args.google} wall_s={wall:.2f} per_school_s={wall / done['schools']:.3f} "
          f"api_calls={requests} calls_per_school={requests / google:.1f} rerun_s={rerun_wall:.2f} "
          f"rerun_api_calls={rerun_requests} failed={done['failed'] + again['failed']}")


if __name__ == "__main__":
    main()
