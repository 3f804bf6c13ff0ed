"""One district pass over synthetic schools on the Google fake, under a simulated 300 requests/minute quota.

The fake answers 429 (Retry-After) whenever more than 300 Sheets requests arrived in the last 60 s,
as Google would; our shared token bucket (300/min) should keep the pass just under that, so its wall
time is close to the quota bound (requests / rate). Usage:

    python benchmarks/district_sync.py [--schools 200] [--quick] [--workers 4] [--processes 2]

Google is another machine, so the fake runs in its own process (with its own quota window) and does
not take the sync's CPU. The syncs run in ``--processes`` worker processes (``--workers`` threads in
all), each with its own DistrictRunner (one shared service account per process); every Google request
of every process asks the one token bucket, which this process serves to them. ``peak_mb`` is the sum
of every process's peak resident memory.

The last line: schools=… wall_s=… quota_bound_s=… ratio=… api_calls=… failed=… peak_mb=…
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import resource
import secrets
import sys
import tempfile
import threading
import time
from multiprocessing.managers import BaseManager
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the fake, in its own process --


def serve_fake(conn, per_minute: int) -> None:
    """The fake's process: answers HTTP on loopback, and the benchmark's commands on ``conn``."""
    with QuotaFake(per_minute) as fake:
        conn.send(fake.base_url)
        while (command := conn.recv()) != "stop":
            if command == "account":
                conn.send(fake.service_account_info())
            elif command == "enforce":
                fake.clear_log()
                fake.enforcing = True
                conn.send(None)
            elif command == "stats":
                conn.send((len(fake.calls("sheets")), fake.refused, peak_mb()))


class FakeProcess:
    """The benchmark's handle on the fake process; has what build_district needs (base_url, service_account_info)."""

    def __init__(self, context, per_minute: int) -> None:
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=serve_fake, args=(theirs, per_minute), name="google-fake", daemon=True)
        self.process.start()
        self.base_url = self.conn.recv()

    def ask(self, command: str):
        self.conn.send(command)
        return self.conn.recv()

    def service_account_info(self) -> dict:
        return self.ask("account")

    def stop(self) -> None:
        self.conn.send("stop")
        self.process.join(10)


# -- the one token bucket, served to the worker processes --


class QuotaManager(BaseManager):
    """Connects a worker process to the benchmark's one TokenBucket (each acquire is one loopback round trip)."""


QuotaManager.register("limiter")


def serve_limiter(bucket: TokenBucket) -> tuple[tuple[str, int], bytes]:
    """Serve ``bucket`` from this process (a thread per connected worker thread); returns (address, authkey)."""

    class Serving(QuotaManager):
        pass

    Serving.register("limiter", callable=lambda: bucket, exposed=("acquire", "throttled"))
    authkey = secrets.token_bytes(16)
    server = Serving(address=("127.0.0.1", 0), authkey=authkey).get_server()
    threading.Thread(target=server.serve_forever, name="quota", daemon=True).start()
    return server.address, authkey


# -- the sync workers --


def sync_worker(conn, registry_path: Path, school_ids: list[str], threads: int, quota: tuple, google: GoogleAccess,
                history_path: Path) -> None:
    """One worker process: a DistrictRunner on its share of the schools, asking the shared bucket."""
    import tracker_sync.backends.google  # noqa: F401 - warm imports, as in a long-running service
    import tracker_sync.sync  # noqa: F401

    address, authkey = quota
    manager = QuotaManager(address=address, authkey=authkey)
    manager.connect()
    runner = DistrictRunner(load_registry(registry_path), history=History(history_path), limiter=manager.limiter(),
                            google=google)
    conn.send("ready")
    conn.recv()
    runs = runner.run_pass(school_ids, workers=threads)
    conn.send((runs, peak_mb()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="20 schools")
    parser.add_argument("--workers", type=int, default=4, help="sync threads in all")
    parser.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    args = parser.parse_args()
    schools = 20 if args.quick else args.schools
    processes = max(1, min(args.processes, args.workers))
    context = multiprocessing.get_context("spawn")
    fake = FakeProcess(context, QUOTA_PER_MINUTE)
    try:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            registry_path = build_district(Path(folder), xlsx=0, google=schools, fake=fake, teachers=10, distinct=4)
            print(f"built {schools} schools on the fake in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            ids = [s.id for s in load_registry(registry_path).schools.values()]
            limiter = TokenBucket(QUOTA_PER_MINUTE, burst=5)
            quota = serve_limiter(limiter)
            google = GoogleAccess(service_account_info=fake.service_account_info(), api_base=fake.base_url)
            workers = []
            for index in range(processes):
                ours, theirs = context.Pipe()
                threads = args.workers // processes + (index < args.workers % processes)
                process = context.Process(target=sync_worker, name=f"sync-{index}", daemon=True, args=(
                    theirs, registry_path, ids[index::processes], threads, quota, google, Path(folder) / f"h{index}.sqlite"))
                process.start()
                workers.append((ours, process))
            for conn, _ in workers:
                assert conn.recv() == "ready"
            fake.ask("enforce")
            started = time.perf_counter()
            for conn, _ in workers:
                conn.send("go")
            answers = [conn.recv() for conn, _ in workers]
            wall = time.perf_counter() - started
            for _, process in workers:
                process.join(10)
        seen, refused, fake_mb = fake.ask("stats")
    finally:
        fake.stop()
    runs = [run for worker_runs, _ in answers for run in worker_runs]
    requests = sum(r.http_requests for r in runs)
    bound = limiter.quota_bound_s(requests)
    failed = sum(r.outcome != "ok" for r in runs)
    total_mb = peak_mb() + fake_mb + sum(mb for _, mb in answers)
    print(f"sheets requests seen by the fake: {seen}, refused by its quota: {refused}, "
          f"limiter throttles: {limiter.throttles}; peak MB: this {peak_mb():.0f}, fake {fake_mb:.0f}, "
          f"workers {', '.join(f'{mb:.0f}' for _, mb in answers)}", file=sys.stderr)
    print(f"schools={schools} wall_s={wall:.1f} quota_bound_s={bound:.1f} ratio={wall / bound if bound else float('nan'):.2f} "
          f"api_calls={sum(r.api_calls for r in runs)} failed={failed} peak_mb={total_mb:.0f}")


if __name__ == "__main__":
    main()
