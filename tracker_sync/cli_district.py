"""District commands: `serve`, `sync-all` and `status`, all over one registry (see tracker_sync.registry).

Registered on the main Typer app by tracker_sync/cli.py; kept apart so the district commands and
the single-tracker commands can change independently. Heavy imports stay inside the commands.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from tracker_sync.cli import AsOfOption, JsonOption, _as_of, _fail, _print_json, app, console
from tracker_sync.errors import ConfigError, TrackerSyncError

RegistryOption = Annotated[Path, typer.Option("--registry", help="The district registry TOML (see the README's district section).")]


def _runner(registry_path: Path, clock=None):
    from tracker_sync.jobs.district import DistrictRunner
    from tracker_sync.registry import load_registry

    return DistrictRunner(load_registry(registry_path), clock=clock)


@app.command("sync-all")
def sync_all(
    registry: RegistryOption,
    as_of: AsOfOption = None,
    workers: Annotated[Optional[int], typer.Option(help="Schools synced at the same time (default: the registry's workers).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Sync every school of the registry once, sharing one API quota; exits 3 if any school failed.

    Example: tracker-sync sync-all --registry district.toml
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    try:
        runner = _runner(registry)
        day = _as_of(as_of)
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    started = time.perf_counter()
    if as_json:
        runs = runner.run_pass(workers=workers, as_of=day)
    else:
        with Progress(TextColumn("Syncing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=console, transient=True) as progress:
            task = progress.add_task("", total=len(runner.registry.schools))
            runs = runner.run_pass(workers=workers, as_of=day,
                                   on_done=lambda run: progress.update(task, advance=1, description=f"{run.school}: {run.outcome}"))
    wall = round(time.perf_counter() - started, 2)
    failed = [r for r in runs if r.outcome == "failed"]
    skipped = sum(r.outcome == "skipped" for r in runs)
    summary = {"schools": len(runs), "ok": len(runs) - len(failed) - skipped, "skipped": skipped, "failed": len(failed),
               "wall_s": wall, "api_calls": sum(r.api_calls for r in runs), "http_requests": sum(r.http_requests for r in runs),
               "drive_listings": runner.drive_listings, "quota_wait_s": round(runner.quota.waited, 2)}
    if as_json:
        _print_json({"registry": str(registry), **summary, "runs": [r.to_dict() for r in runs]})
    else:
        names = {s.id: s.name for s in runner.registry.schools.values()}
        table = Table("School", "Outcome", "Rows", "Errors", "Warnings", "API calls", "Seconds",
                      title=f"{len(runs)} schools, {summary['failed']} failed, {skipped} skipped (unchanged), in {wall:.1f} s")
        for run in runs:
            outcome = {"ok": "ok", "skipped": f"skipped: {run.detail}"}.get(run.outcome, f"[red]{run.outcome}[/]: {run.detail}")
            figures = ["–"] * 3 if run.outcome == "skipped" else [str(run.rows_read), str(run.errors), str(run.warnings)]
            table.add_row(names[run.school], outcome, *figures, str(run.api_calls), f"{run.duration_s:.2f}")
        console.print(table)
        console.print(f"API calls: {summary['api_calls']} ({summary['http_requests']} HTTP requests with retries) and "
                      f"{summary['drive_listings']} Drive listing(s); waited {summary['quota_wait_s']:.1f} s for quota")
    raise typer.Exit(3 if failed else 0)


@app.command()
def status(registry: RegistryOption, as_json: JsonOption = False) -> None:
    """Per school: the last sync, its outcome and findings, failures in a row, and the next run. Reads no tracker.

    Example: tracker-sync status --registry district.toml --json
    """
    from tracker_sync.history import History
    from tracker_sync.jobs.report import report_status
    from tracker_sync.jobs.status import district_status
    from tracker_sync.registry import load_registry

    try:
        loaded = load_registry(registry)
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    now = dt.datetime.now(dt.timezone.utc)
    history = History(loaded.history_path)
    rows = district_status(loaded, history, now)
    report = report_status(loaded, history, now)
    if as_json:
        _print_json({"registry": str(registry), "now": now.isoformat(timespec="seconds"), "schools": [r.to_dict() for r in rows],
                     "district_report": report})
        return
    table = Table("School", "Backend", "Last sync", "Outcome", "Errors", "Warnings", "Failures", "Next sync", "Next brief",
                  title=f"{loaded.district.name}: {len(rows)} schools")
    for row in rows:
        outcome = row.outcome or "never run"
        if row.outcome == "failed":
            outcome = f"[red]failed[/] ({row.detail.split(':', 1)[0]})"
        table.add_row(row.school, row.backend, _short(row.last_sync), outcome, _n(row.errors), _n(row.warnings),
                      f"{row.failure_streak} in a row" if row.failure_streak else "0", _short(row.next_sync), _short(row.next_brief))
    console.print(table)
    last = f"last ran {_short(report['last_run'])} ({report['outcome']}: {report['detail']})" if report["last_run"] else "never ran"
    console.print(f"District report: {last}; next {_short(report['next_run'])}", soft_wrap=True)


def _short(iso: str | None) -> str:
    return "–" if iso is None else dt.datetime.fromisoformat(iso).strftime("%a %m-%d %H:%M")


def _n(value: int | None) -> str:
    return "–" if value is None else str(value)


@app.command()
def serve(
    registry: RegistryOption,
    reload_every: Annotated[float, typer.Option(help="Seconds between checks of the registry file for changes.")] = 30.0,
    simulate_day: Annotated[Optional[str], typer.Option("--simulate-day", metavar="YYYY-MM-DD",
                                                        help="Run that whole school day's jobs on a simulated clock, then stop.")] = None,
) -> None:
    """Keep every school in sync: one scheduler, a sync job per school on its window, the ILT brief before each meeting.

    Only one serve may run per registry. Stops cleanly on SIGTERM or Ctrl-C (running syncs finish).
    Example: tracker-sync serve --registry district.toml
    """
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if simulate_day is not None:
            _simulate_day(registry, simulate_day)
            return
        from tracker_sync.jobs.scheduler import serve as run_service

        run_service(registry, reload_every_s=reload_every, echo=console.print)
    except TrackerSyncError as exc:
        raise _fail(exc) from exc


def _simulate_day(registry: Path, day_text: str) -> None:
    from zoneinfo import ZoneInfo

    from tracker_sync.jobs.clock import FakeClock
    from tracker_sync.jobs.district import DistrictRunner
    from tracker_sync.jobs.scheduler import ServeLock
    from tracker_sync.jobs.simulate import simulate
    from tracker_sync.registry import load_registry

    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        raise ConfigError(f"--simulate-day must be a date like 2026-12-15, not '{day_text}'.") from None
    lock = ServeLock(registry)
    lock.acquire()
    try:
        loaded = load_registry(registry)
        first_zone = next((school.zone for school in loaded.schools.values()), ZoneInfo("UTC"))
        clock = FakeClock(dt.datetime.combine(day, dt.time(0, 0), tzinfo=first_zone))
        runner = DistrictRunner(loaded, clock=clock)

        def show(event) -> None:
            run = event.run
            if run is not None and run.kind == "report":
                at = event.at.astimezone(loaded.district.report.zone).strftime("%H:%M")
                console.print(f"{at} {event.job:<26} {run.outcome:<6} {run.detail}")
                return
            school = runner.registry.by_id(event.job.split(":", 1)[1])
            at = event.at.astimezone(school.zone).strftime("%H:%M")
            if run is None:
                console.print(f"{at} {event.job:<26} resting after failures")
            elif run.kind == "brief":
                console.print(f"{at} {event.job:<26} {run.outcome:<6} {run.detail if run.outcome != 'ok' else Path(run.detail).name}")
            else:
                console.print(f"{at} {event.job:<26} {run.outcome:<6} rows {run.rows_read:>4}  errors {run.errors:>3}  "
                              f"api calls {run.api_calls}  {run.detail}")

        fired = simulate(runner, clock, dt.datetime.combine(day, dt.time(23, 59), tzinfo=first_zone), on_fire=show)
        failed = sum(1 for e in fired if e.run is not None and e.run.outcome == "failed")
        console.print(f"Simulated {day}: {len(fired)} runs, {failed} failed.")
    finally:
        lock.release()
