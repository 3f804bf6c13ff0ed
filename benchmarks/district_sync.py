"""One district pass over synthetic schools on the Google fake, under a simulated 300 requests/minute quota.

The fake answers 429 (Retry-After) whenever more than 300 Sheets requests arrived in the last 60 s,
as Google would; our shared token bucket (300/min) should keep the pass just under that, so its wall
time is close to the quota bound (requests / rate). Usage:

    python benchmarks/district_sync.py [--schools 200] [--quick] [--workers 4]

The last line: schools=… wall_s=… quota_bound_s=… ratio=… api_calls=… failed=… peak_mb=…
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from tracker_sync.google_fake import GoogleFake
from tracker_sync.google_fake.server import ApiAnswer, error_body
from tracker_sync.history import History
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.jobs.sample import build_district
from tracker_sync.quota import TokenBucket
from tracker_sync.registry import load_registry

QUOTA_PER_MINUTE = 300


class QuotaFake(GoogleFake):
    """The Google fake with Google's per-minute quota: a sliding 60-second window of Sheets requests."""

    def __init__(self, per_minute: int) -> None:
        super().__init__()
        self.per_minute = per_minute
        self.enforcing = False
        self.recent: collections.deque[float] = collections.deque()
        self.refused = 0
        self._window = threading.Lock()

    def handle(self, method, path, query, body, headers):
        if self.enforcing and path.startswith("/v4/"):
            with self._window:
                now = time.monotonic()
                while self.recent and now - self.recent[0] >= 60:
                    self.recent.popleft()
                if len(self.recent) >= self.per_minute:
                    self.refused += 1
                    raise ApiAnswer(429, error_body(429, "Quota exceeded (simulated)."),
                                    {"Retry-After": f"{60 - (now - self.recent[0]):.1f}"})
                self.recent.append(now)
        return super().handle(method, path, query, body, headers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="20 schools")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    schools = 20 if args.quick else args.schools
    with QuotaFake(QUOTA_PER_MINUTE) as fake, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        registry_path = build_district(Path(folder), xlsx=0, google=schools, fake=fake, teachers=10, distinct=4)
        print(f"built {schools} schools on the fake in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        registry = load_registry(registry_path)
        limiter = TokenBucket(QUOTA_PER_MINUTE, burst=5)
        runner = DistrictRunner(registry, history=History(Path(folder) / "h.sqlite"), limiter=limiter,
                                google=GoogleAccess(service_account_info=fake.service_account_info(), api_base=fake.base_url))
        fake.clear_log()
        fake.enforcing = True
        started = time.perf_counter()
        runs = runner.run_pass(workers=args.workers)
        wall = time.perf_counter() - started
    requests = sum(r.http_requests for r in runs)
    bound = limiter.quota_bound_s(requests)
    failed = sum(r.outcome != "ok" for r in runs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sheets requests seen by the fake: {len(fake.calls('sheets'))}, refused by its quota: {fake.refused}, "
          f"limiter throttles: {limiter.throttles}", file=sys.stderr)
    print(f"schools={schools} wall_s={wall:.1f} quota_bound_s={bound:.1f} ratio={wall / bound if bound else float('nan'):.2f} "
          f"api_calls={sum(r.api_calls for r in runs)} failed={failed} peak_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
