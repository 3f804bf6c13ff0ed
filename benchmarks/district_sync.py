"""One district pass on the Google fake under Google's real quota, after a day's first pass, with a
share of the schools edited by their coaches in between.

    python benchmarks/district_sync.py [--schools 200] [--changed 0.2] [--accounts 5] [--quick]
                                       [--workers 10] [--processes 2] [--pages 0.1]

1. Builds ``--schools`` synthetic schools spread over ``--accounts`` service accounts (Drive copies
   of 4 originals, each made by the account the district uses for it).
2. A first pass syncs every school (the day's first sync always reads), quota not enforced.
   ``--pages`` of the schools make each teacher's own page (tracker_sync.pages) in a shared drive:
   one spreadsheet per teacher, all made in this pass.
3. A coach (another Google user, shared as an editor) types an observation row in ``--changed`` of
   the schools (a teacher not yet on the Roster, so the Flags tab changes and the sync writes); in a
   school with pages, also one for its first teacher (Role Teacher), whose page then changes (one page write).
4. The fake now enforces Google's quota (60 reads and 60 writes a minute per service account, 300
   and 300 per project, a sliding minute, 429 with Retry-After), and the measured pass runs with the
   registry's default limits, the same.

The true bound of the measured pass is its slowest quota bucket at its rate: each account's reads
and writes at 60 a minute, the project's at 300 (requests / rate, as the quota states it; with the
edited schools spread evenly that is changed schools' reads / 300 a minute). ``ratio`` is wall
time / bound.

Google is another machine, so the fake runs in its own process (with its own quota window) and does
not take the syncs' CPU. The syncs run in ``--processes`` worker processes, each with its own
DistrictRunner and history, each owning a share of the accounts (so each account is listed on Drive
once a pass); every Sheets request of every process asks the one district quota, which this process
serves to them. ``peak_mb`` is the sum of every process's peak resident memory.

``cpu_floor_s`` is the CPU the measured pass used (syncs and fake) spread over every core: on a
small machine the pass can be CPU-bound rather than quota-bound, and this says so.

Teachers' pages take their account's quota like the trackers; ``page_calls`` are their API calls in
the measured pass (in ``api_calls`` too) and ``pages_written`` the pages written.

The last line: schools=… changed=… accounts=… wall_s=… bound_s=… ratio=… read=… skipped=…
api_calls=… page_calls=… pages_written=… failed=… peak_mb=… fake_mb=… cpu_floor_s=…
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import secrets
import sys
import tempfile
import threading
import time
import tomllib
from multiprocessing.managers import BaseManager
from pathlib import Path

import tomli_w

from tracker_sync.backends.google.quota import DistrictQuota, QuotaLimits
from tracker_sync.district.history import History
from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess, credential_for
from tracker_sync.testing.google_fake import GoogleFake, SheetsQuota
from tracker_sync.testing.sample_district import build_district

COACH = "coach@schools.example.org"
UNLIMITED = QuotaLimits(10**6, 10**6, 10**6, 10**6)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the fake, in its own process --


def serve_fake(conn) -> None:
    """The fake's process: answers HTTP on loopback, and the benchmark's commands on ``conn``."""
    with GoogleFake() as fake:
        conn.send(fake.base_url)
        while (command := conn.recv()) != "stop":
            name, *args = command
            if name == "account":
                conn.send(fake.service_account_info(*args))
            elif name == "enforce":
                fake.clear_log()
                fake.enforce_quota(SheetsQuota())
                conn.send(None)
            elif name == "cpu":
                conn.send(cpu_s())
            elif name == "drive":
                conn.send(fake.add_shared_drive(*args))
            elif name == "workspace":
                conn.send(fake.add_workspace(*args))
            elif name == "person":
                conn.send(fake.add_person(*args))
            elif name == "stats":
                conn.send((fake.count("sheets"), fake.count("drive"), dict(fake.quota.refused) if fake.quota else {}, peak_mb()))


class FakeProcess:
    """The benchmark's handle on the fake process; has what build_district needs (base_url, service_account_info)."""

    def __init__(self, context) -> None:
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=serve_fake, args=(theirs,), name="google-fake", daemon=True)
        self.process.start()
        self.base_url = self.conn.recv()

    def ask(self, *command):
        self.conn.send(command)
        return self.conn.recv()

    def service_account_info(self, email: str = "tracker-sync@fake-project.iam.gserviceaccount.com") -> dict:
        return self.ask("account", email)

    def add_shared_drive(self, name: str, members: dict[str, str]) -> str:
        return self.ask("drive", name, members)

    def add_workspace(self, domain: str, users: list[str]) -> None:
        self.ask("workspace", domain, users)

    def add_person(self, *emails: str) -> None:
        self.ask("person", *emails)

    def stop(self) -> None:
        self.conn.send("stop")
        self.process.join(10)


# -- the one district quota, served to the worker processes --


class QuotaManager(BaseManager):
    """Connects a worker process to the benchmark's one DistrictQuota (each acquire is one loopback round trip)."""


QuotaManager.register("quota")


def serve_quota(quota: DistrictQuota) -> tuple[tuple[str, int], bytes]:
    """Serve ``quota`` from this process (a thread per connected worker thread); returns (address, authkey)."""

    class Serving(QuotaManager):
        pass

    Serving.register("quota", callable=lambda: quota, exposed=("acquire", "throttled"))
    authkey = secrets.token_bytes(16)
    server = Serving(address=("127.0.0.1", 0), authkey=authkey).get_server()
    threading.Thread(target=server.serve_forever, name="quota", daemon=True).start()
    return server.address, authkey


# -- the sync workers --


def sync_worker(conn, registry_path: Path, school_ids: list[str], threads: int, quota_address: tuple, google: GoogleAccess,
                history_path: Path) -> None:
    """One worker process: the day's first pass on its schools, then, on "go", the measured pass."""
    import tracker_sync.backends.google.workbook
    import tracker_sync.sync  # noqa: F401

    runner = DistrictRunner(load_registry(registry_path), history=History(history_path), google=google,
                            quota=DistrictQuota(UNLIMITED))
    first = runner.run_pass(school_ids, workers=threads)
    conn.send(("first", sum(r.outcome == "failed" for r in first), page_figures(first)))
    conn.recv()
    address, authkey = quota_address
    manager = QuotaManager(address=address, authkey=authkey)
    manager.connect()
    runner.quota = manager.quota()
    runner.drive_listings = 0
    conn.send("ready")
    conn.recv()
    cpu0 = cpu_s()
    runs = runner.run_pass(school_ids, workers=threads)
    conn.send((runs, runner.drive_listings, peak_mb(), cpu_s() - cpu0))


def with_pages(fake: FakeProcess, registry_path: Path, share: float, accounts: list[dict], seed: int = 3) -> None:
    """``share`` of the schools make their teachers' pages, in one shared drive every account manages; every
    address on their Rosters is a Google account (a page is shared without a notification)."""
    from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client, spreadsheet_id_from

    document = tomllib.loads(registry_path.read_text(encoding="utf-8"))
    chosen = random.Random(seed).sample(sorted(document["schools"]), round(len(document["schools"]) * share))
    if not chosen:
        return
    folder = fake.add_shared_drive("Teacher pages", {info["client_email"]: "fileOrganizer" for info in accounts})
    reader = google_client(service_account_info=accounts[0], api_base=fake.base_url)
    for name in chosen:
        document["schools"][name]["teacher_pages"] = {"folder": folder}
        tracker = GoogleWorkbook(spreadsheet_id_from(document["schools"][name]["location"]), reader)
        roster = tracker.read(["Roster"]).grids["Roster"]
        emails = [row[1] for row in roster[1:] if len(row) > 1 and row[1]]
        fake.add_workspace(emails[0].split("@")[1], emails)
    registry_path.write_text(tomli_w.dumps(document), encoding="utf-8")


def page_figures(runs) -> tuple[int, int]:
    """(API calls, pages written) of the teachers' pages in these runs."""
    pages = [r.extra.get("pages", {}) for r in runs]
    return (sum(p.get("google_api_calls", 0) for p in pages),
            sum(p.get("google_created", 0) + p.get("google_written", 0) for p in pages))


def coach_edits(fake: FakeProcess, registry, share: float, seed: int = 5) -> list[str]:
    """A coach types one cell in ``share`` of the schools (shared with them as an editor first), and one row for
    the first teacher of a school with pages; their ids."""
    from tracker_sync.backends.google.workbook import (
        GoogleWorkbook,
        google_client,
        spreadsheet_id_from,
    )

    schools = list(registry.schools.values())
    chosen = random.Random(seed).sample(schools, round(len(schools) * share))
    fake.add_person(COACH)  # a Google account: shared with without a notification
    coach = google_client(service_account_info=fake.service_account_info(COACH), api_base=fake.base_url)
    owners: dict[str, object] = {}
    for school in chosen:
        name = credential_for(school, registry.district.credentials)
        if name not in owners:
            info = json.loads(registry.resolve(name).read_text())
            owners[name] = google_client(service_account_info=info, api_base=fake.base_url)
        spreadsheet_id = spreadsheet_id_from(school.location)
        GoogleWorkbook(spreadsheet_id, owners[name]).share(COACH, "writer", notify=False)
        coach.values_update(spreadsheet_id, "'Observations'!A600", params={"valueInputOption": "RAW"},
                            body={"values": [[time.strftime("%Y-%m-%d"), "A New Teacher", "", "Informal", "I.1"]]})
        if school.teacher_pages:
            roster = GoogleWorkbook(spreadsheet_id, coach).read(["Roster"]).grids["Roster"]
            teacher, lead = next((row[0], row[3]) for row in roster[1:] if len(row) > 4 and row[4] == "Teacher")
            coach.values_update(spreadsheet_id, "'Observations'!A601", params={"valueInputOption": "RAW"},
                                body={"values": [[time.strftime("%Y-%m-%d"), teacher, lead, "Informal", "I.2"]]})
    return [school.id for school in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--changed", type=float, default=0.2, help="share of schools a coach edits before the measured pass")
    parser.add_argument("--accounts", type=int, default=5, help="service accounts the schools are spread over")
    parser.add_argument("--quick", action="store_true", help="20 schools")
    parser.add_argument("--workers", type=int, default=10, help="sync threads in all")
    parser.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    parser.add_argument("--pages", type=float, default=0.1, help="share of schools that make their teachers' pages")
    args = parser.parse_args()
    schools = 20 if args.quick else args.schools
    processes = max(1, min(args.processes, args.workers, args.accounts))
    context = multiprocessing.get_context("spawn")
    fake = FakeProcess(context)
    try:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            accounts = [fake.service_account_info(f"sync-{n}@fake-project.iam.gserviceaccount.com")
                        for n in range(1, args.accounts + 1)]
            registry_path = build_district(Path(folder), xlsx=0, google=schools, fake=fake, teachers=10, distinct=4,
                                           accounts=accounts)
            with_pages(fake, registry_path, args.pages, accounts)
            registry = load_registry(registry_path)
            print(f"built {schools} schools over {args.accounts} accounts in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            credentials = registry.district.credentials
            owner = {c: i % processes for i, c in enumerate(credentials)}  # each account's schools in one process
            shares = [[s.id for s in registry.schools.values() if owner[credential_for(s, credentials)] == i]
                      for i in range(processes)]
            quota = DistrictQuota(registry.district.quota)
            address = serve_quota(quota)
            google = GoogleAccess(api_base=fake.base_url)
            workers = []
            for index, share in enumerate(shares):
                ours, theirs = context.Pipe()
                threads = args.workers // processes + (index < args.workers % processes)
                process = context.Process(target=sync_worker, name=f"sync-{index}", daemon=True, args=(
                    theirs, registry_path, share, threads, address, google, Path(folder) / f"h{index}.sqlite"))
                process.start()
                workers.append((ours, process))
            started = time.perf_counter()
            firsts = [conn.recv() for conn, _ in workers]
            first_failed = sum(answer[1] for answer in firsts)
            made, calls = sum(a[2][1] for a in firsts), sum(a[2][0] for a in firsts)
            print(f"the day's first pass: {schools} schools in {time.perf_counter() - started:.1f} s, {first_failed} failed; "
                  f"teachers' pages: {made} made in {calls} calls", file=sys.stderr)
            changed = coach_edits(fake, registry, args.changed)
            fake.ask("enforce")
            for conn, _ in workers:
                conn.send("quota")
            for conn, _ in workers:
                assert conn.recv() == "ready"
            fake_cpu0, started = fake.ask("cpu"), time.perf_counter()
            for conn, _ in workers:
                conn.send("go")
            answers = [conn.recv() for conn, _ in workers]
            wall = time.perf_counter() - started
            fake_cpu = fake.ask("cpu") - fake_cpu0
            for _, process in workers:
                process.join(10)
        sheets_seen, drive_seen, refused, fake_mb = fake.ask("stats")
    finally:
        fake.stop()
    runs = [run for worker_runs, *_ in answers for run in worker_runs]
    requests = {key: bucket.granted for key, bucket in quota.credentials.items()}
    bound = quota.bound_s(requests)
    outcomes = {kind: sum(r.outcome == kind for r in runs) for kind in ("ok", "skipped", "failed")}
    missed = sorted(set(changed) - {r.school for r in runs if r.outcome == "ok"})
    total_mb = peak_mb() + fake_mb + sum(answer[2] for answer in answers)
    sync_cpu = sum(answer[3] for answer in answers)
    cpu_floor = (sync_cpu + fake_cpu) / (os.cpu_count() or 1)
    took = {kind: sum(r.duration_s for r in runs if r.outcome == kind) / max(1, outcomes[kind]) for kind in ("ok", "skipped")}
    page_calls, pages_written = page_figures(runs)
    print(f"measured pass: {outcomes['ok']} read ({took['ok']:.2f} s each), {outcomes['skipped']} skipped "
          f"({took['skipped'] * 1000:.0f} ms each), {outcomes['failed']} failed; "
          f"edited but not read: {len(missed)}; Sheets requests seen by the fake: {sheets_seen}, Drive: {drive_seen} "
          f"({sum(answer[1] for answer in answers)} listing pages); teachers' pages: {pages_written} written in "
          f"{page_calls} calls; refused by its quota: {refused or 'none'}; "
          f"our 429 pauses: {quota.throttles}; per account (reads, writes): "
          f"{', '.join(f'{c}: {n}' for c, n in sorted(requests.items()))}; ideal bound (changed reads / 300 per min): "
          f"{len(changed) / 5:.1f} s; peak MB: this {peak_mb():.0f}, fake {fake_mb:.0f}, "
          f"workers {', '.join(f'{answer[2]:.0f}' for answer in answers)}; CPU of the measured pass: syncs {sync_cpu:.1f} s, "
          f"fake {fake_cpu:.1f} s, over {os.cpu_count()} cores at least {cpu_floor:.1f} s of wall time", file=sys.stderr)
    print(f"schools={schools} changed={len(changed)} accounts={args.accounts} wall_s={wall:.1f} bound_s={bound:.1f} "
          f"ratio={wall / bound if bound else float('nan'):.2f} read={outcomes['ok']} skipped={outcomes['skipped']} "
          f"api_calls={sum(r.api_calls for r in runs)} page_calls={page_calls} pages_written={pages_written} "
          f"failed={outcomes['failed'] + len(missed)} "
          f"peak_mb={total_mb:.0f} fake_mb={fake_mb:.0f} cpu_floor_s={cpu_floor:.1f}")


if __name__ == "__main__":
    main()
