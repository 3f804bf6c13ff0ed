"""District commands: `serve`, `sync-all` and `status`, all over one registry (see tracker_sync.district.registry).

Registered on the app by tracker_sync/cli/__init__.py; kept apart so the district commands and
the single-tracker commands can change independently. Heavy imports stay inside the commands.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tracker_sync.cli.app import (
    AsOfOption,
    JsonOption,
    app,
    console,
    fail,
    parse_as_of,
    print_json,
    say,
)
from tracker_sync.errors import ConfigError, TrackerSyncError
from tracker_sync.wording import plural

RegistryOption = Annotated[Path, typer.Option("--registry", metavar="FILE.toml",
                                              help="The district registry TOML (see docs/district/registry.md).")]


def needs_google(loaded) -> None:
    """A district with Google schools needs the google extra: say so once, before any school runs."""
    if any(school.backend == "google" for school in loaded.schools.values()):
        from tracker_sync.backends.google import require_google

        require_google()


def load_district(path: Path):
    """The registry, refused when it lists no school (nothing to sync, serve or show)."""
    from tracker_sync.district.registry import load_registry

    loaded = load_registry(path)
    if not loaded.schools:
        raise ConfigError(f"The registry {path} lists no schools: add one with "
                          f"`tracker-sync provision --school NAME --out FILE.xlsx --registry {path}`.")
    return loaded


def open_history(loaded):
    """The district's run history, or a ConfigError when its file is not a history."""
    import sqlite3

    from tracker_sync.district.history import History

    try:
        return History(loaded.history_path)
    except (sqlite3.Error, OSError) as exc:
        raise ConfigError(f"The run history {loaded.history_path} cannot be used ({exc}): move that file away, "
                          "or set [district] history to another path.") from exc


def _outcome(run) -> str:
    """'ok', 'skipped: <why>', or 'failed (no tracker): No tracker file at ...' (a failure's detail starts with its label)."""
    if run.outcome == "ok":
        return "ok"
    if run.outcome == "skipped":
        return f"skipped: {run.detail}"
    label, _, message = run.detail.partition(": ")
    return f"{run.outcome} ({label}): {message}" if message else f"{run.outcome}: {run.detail}"


@app.command("sync-all")
def sync_all(
    registry: RegistryOption,
    as_of: AsOfOption = None,
    workers: Annotated[int | None, typer.Option(metavar="N", min=1, max=32,
                                                help="Schools synced at the same time (default: the registry's "
                                                     "workers).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Sync every school of the registry once, sharing one API quota; exits 3 if any school failed.

    Example: tracker-sync sync-all --registry district.toml
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.table import Table

    from tracker_sync.jobs.district import DistrictRunner

    try:
        day = parse_as_of(as_of)
        loaded = load_district(registry)
        needs_google(loaded)
        runner = DistrictRunner(loaded, history=open_history(loaded))
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    started = time.perf_counter()
    if as_json:
        runs = runner.run_pass(workers=workers, as_of=day)
    else:
        with Progress(TextColumn("Syncing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=console, transient=True) as progress:
            task = progress.add_task("", total=len(runner.registry.schools))
            runs = runner.run_pass(workers=workers, as_of=day,
                                   on_done=lambda run: progress.update(task, advance=1,
                                                                       description=f"{run.school}: {run.outcome}"))
    wall = round(time.perf_counter() - started, 2)
    failed = [r for r in runs if r.outcome == "failed"]
    skipped = sum(r.outcome == "skipped" for r in runs)
    summary = {"schools": len(runs), "ok": len(runs) - len(failed) - skipped, "skipped": skipped, "failed": len(failed),
               "wall_s": wall, "api_calls": sum(r.api_calls for r in runs), "http_requests": sum(r.http_requests for r in runs),
               "drive_listings": runner.drive_listings, "quota_wait_s": round(runner.quota.waited, 2)}
    if as_json:
        print_json({"registry": str(registry), **summary, "runs": [r.to_dict() for r in runs]})
    else:
        names = {s.id: s.name for s in runner.registry.schools.values()}
        table = Table("School", "Outcome", "Rows", "Errors", "Warnings", "API calls", "Seconds",
                      title=f"{plural(len(runs), 'school')}, {summary['failed']} failed, {skipped} skipped "
                            f"(unchanged), in {wall:.1f} s")
        for run in runs:
            figures = ["–"] * 3 if run.outcome == "skipped" else [str(run.rows_read), str(run.errors), str(run.warnings)]
            table.add_row(Text(names[run.school]), Text(_outcome(run), style="red" if run.outcome == "failed" else ""),
                          *figures, str(run.api_calls), f"{run.duration_s:.2f}")
        console.print(table)
        say(f"API calls: {summary['api_calls']} ({summary['http_requests']} HTTP requests with retries) and "
            f"{plural(runner.drive_listings, 'Drive listing')}; waited {summary['quota_wait_s']:.1f} s for quota")
    raise typer.Exit(3 if failed else 0)


@app.command()
def status(registry: RegistryOption, as_json: JsonOption = False) -> None:
    """Per school: the last sync, its outcome and findings, failures in a row, and the next run. Reads no tracker.

    Example: tracker-sync status --registry district.toml --json
    """
    from rich.table import Table

    from tracker_sync.jobs.report import report_status
    from tracker_sync.jobs.status import district_status

    try:
        loaded = load_district(registry)
        history = open_history(loaded)
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    now = dt.datetime.now(dt.UTC)
    rows = district_status(loaded, history, now)
    report = report_status(loaded, history, now)
    if as_json:
        print_json({"registry": str(registry), "now": now.isoformat(timespec="seconds"), "schools": [r.to_dict() for r in rows],
                     "district_report": report})
        return
    table = Table("School", "Backend", "Last sync", "Outcome", "Errors", "Warnings", "Failures", "Next sync", "Next brief",
                  title=Text(f"{loaded.district.name}: {plural(len(rows), 'school')}"))
    for row in rows:
        outcome = Text(row.outcome or "never run")
        if row.outcome == "failed":
            outcome = Text(f"failed ({row.detail.partition(': ')[0]})", style="red")
        table.add_row(Text(row.school), row.backend, _short(row.last_sync), outcome, _n(row.errors), _n(row.warnings),
                      f"{row.failure_streak} in a row" if row.failure_streak else "0", _short(row.next_sync),
                      _short(row.next_brief))
    console.print(table)
    last = (f"last ran {_short(report['last_run'])} ({report['outcome']}: {report['detail']})" if report["last_run"]
            else "never ran")
    say(f"District report: {last}; next {_short(report['next_run'])}")


def _short(iso: str | None) -> str:
    return "–" if iso is None else dt.datetime.fromisoformat(iso).strftime("%a %m-%d %H:%M")


def _n(value: int | None) -> str:
    return "–" if value is None else str(value)


def _run_line(job: str, at: str, run) -> str:
    """One line per run, the same in `serve` and in `serve --simulate-day`."""
    if run is None:
        return f"{at} {job:<26} resting after failures"
    if run.kind in ("brief", "report"):  # its detail is the file it wrote
        return f"{at} {job:<26} {_outcome(run) if run.outcome != 'ok' else 'ok     ' + Path(run.detail).name}"
    if run.outcome != "ok":
        return f"{at} {job:<26} {_outcome(run)}"
    return (f"{at} {job:<26} ok     rows {run.rows_read:>4}  errors {run.errors:>3}  api calls {run.api_calls}"
            + ("" if run.extra.get("written", True) else "  (unchanged)"))


@app.command()
def serve(
    registry: RegistryOption,
    reload_every: Annotated[float, typer.Option(metavar="SECONDS", min=1, max=86_400,
                                                help="Seconds between checks of the registry file for changes "
                                                     "(1 to 86400).")] = 30.0,
    simulate_day: Annotated[str | None, typer.Option("--simulate-day", metavar="YYYY-MM-DD",
                                                        help="Dry run: that whole school day's jobs on a simulated clock, on "
                                                             "in-memory copies of the trackers; writes nothing, then stops. "
                                                             "Exits 3 if any run failed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line (each run, start and stop); "
                                          "with --simulate-day one JSON object for the whole day.")] = False,
    calendar_port: Annotated[int | None, typer.Option(
        "--calendar-port", metavar="PORT", min=1, max=65535,
        help="Also serve the schools' calendar feeds (registry `calendars`) over HTTP on 127.0.0.1:PORT, "
             "for a calendar app's subscription.")] = None,
) -> None:
    """Keep every school in sync: one scheduler, a sync job per school on its window, the ILT brief before each meeting.

    Only one serve may run per registry. Stops within seconds on SIGTERM or Ctrl-C (running syncs get a
    few seconds to finish; every write is atomic). A school with `calendars = "FOLDER"` in the registry
    gets its coaching plan's calendar feeds rewritten there after each sync. Example: tracker-sync serve
    --registry district.toml --calendar-port 8765
    """
    try:
        day = parse_as_of(simulate_day, "--simulate-day")
        loaded = load_district(registry)
        needs_google(loaded)
        if day is not None:
            failed = _simulate_day(loaded, day, as_json)
            raise typer.Exit(3 if failed else 0)
        _serve(registry, reload_every, as_json, calendar_port)
    except TrackerSyncError as exc:
        raise fail(exc) from exc


def _serve(registry: Path, reload_every: float, as_json: bool, calendar_port: int | None) -> None:
    import logging

    from tracker_sync.jobs.scheduler import serve as run_service

    logging.getLogger("tracker_sync").handlers.clear()  # the service log below says it all, once
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def echo(event: dict) -> None:
        if as_json:
            sys.stdout.write(json.dumps(event, default=str) + "\n")
            sys.stdout.flush()
        elif event["event"] == "run":
            say(_run_line(event["job"], event["at"], event["run"]))
        else:
            say(event["text"])

    run_service(registry, reload_every_s=reload_every, on_event=echo, calendar_port=calendar_port)


def _simulate_day(loaded, day: dt.date, as_json: bool) -> int:
    """Print the dry run of ``day``; return how many runs failed."""
    from tracker_sync.jobs.schedule import job_zone
    from tracker_sync.jobs.simulate import dry_run_day

    if not as_json:
        say(f"Dry run of {day}: every job of the day on in-memory copies of the trackers; nothing is written "
            "to a tracker, a briefs folder or the history.")

    def show(event) -> None:
        if not as_json:
            say(_run_line(event.job, event.at.astimezone(job_zone(loaded, event.job)).strftime("%H:%M"), event.run))

    fired = dry_run_day(loaded, day, on_fire=show)
    runs = [event.run for event in fired if event.run is not None]
    failed = sum(run.outcome == "failed" for run in runs)
    if as_json:
        print_json({"dry_run": True, "registry": str(loaded.path), "day": day.isoformat(), "runs": len(runs),
                     "failed": failed, "resting": len(fired) - len(runs),
                     "jobs": [{"job": e.job, "at": e.at.isoformat(), "run": e.run.to_dict() if e.run else None} for e in fired]})
    else:
        say(f"Simulated {day} (dry run, nothing written): {plural(len(runs), 'run')}, {failed} failed.")
    return failed
