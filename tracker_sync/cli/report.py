"""Report and export commands: `district-report` (every school side by side, from the history) and `export`.

Registered on the app by tracker_sync/cli/__init__.py, like district.py. Heavy imports stay
inside the commands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from tracker_sync.cli.app import (
    ActAsOption,
    AsOfOption,
    JsonOption,
    TrackerArg,
    app,
    console,
    fail,
    parse_as_of,
    print_json,
    say,
)
from tracker_sync.cli.district import RegistryOption, load_district, open_history
from tracker_sync.errors import TrackerSyncError


@app.command("district-report")
def district_report(
    registry: RegistryOption,
    out: Annotated[Path | None, typer.Option("--out", metavar="FILE.xlsx",
                                             help="Write the District workbook to this .xlsx file.")] = None,
    backend: Annotated[str | None, typer.Option(metavar="xlsx|google",
                                                help="xlsx or google (default: the registry's district.report "
                                                     "backend, else xlsx).")] = None,
    brief: Annotated[Path | None, typer.Option(metavar="FILE.html",
                                               help="Where to write the district brief (default: briefs/district/ "
                                                    "beside the registry).")] = None,
    folder: Annotated[str | None, typer.Option(metavar="FOLDER_ID", help="Google: the shared drive or folder (id or address) for "
                                                 "a new District workbook (default: the registry's [district] folder).")] = None,
    act_as: ActAsOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every school side by side: the District workbook and the one-page district brief, aggregates only.

    Reads the district's sync history, never a tracker (0 API calls for the schools). Figures from
    fewer than min_cell teachers or scores (district.report in the registry, default 5) show as '*';
    stale and never-synced schools are listed as such. Without --as-of the report is as of today, or
    of the latest day the schools' syncs computed figures for when that is later (demo trackers).

    Example: tracker-sync district-report --registry district.toml --as-of 2026-12-18

    Example: tracker-sync district-report --registry district.toml --backend google --folder 0AFb7mJmIeGFXUk9PVA --json
    """
    from tracker_sync.district.publish import publish
    from tracker_sync.district.report import report_day
    from tracker_sync.jobs.report import report_run

    now = dt.datetime.now(dt.UTC)
    try:
        loaded = load_district(registry)
        history = open_history(loaded)
        day = parse_as_of(as_of) or report_day(loaded, history, now)
        report, published = publish(loaded, history, as_of=day, now=now, out=out, backend=backend, brief=brief,
                                    folder=folder, act_as=act_as)
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    history.record(report_run(now, report, published))
    if as_json:
        print_json({"registry": str(registry), **published.to_dict(), "report": report.to_dict()})
        return
    from rich.table import Table
    from rich.text import Text

    counts = report.counts()
    table = Table("School", "Rubric", "Status", "Figures as of", "Last good sync",
                  title=Text(f"{report.district}, as of {report.as_of}: {counts['current']} current, {counts['stale']} stale, "
                             f"{counts['never synced']} never synced"))
    for school in report.schools:  # Text: a school named '[red]' prints as typed, not as markup
        status = Text(school.status, style="" if school.status == "current" else "yellow")
        if school.last_sync_failed:
            status.append(f" (last sync failed: {school.last_sync_failed.split(':', 1)[0]})")
        table.add_row(Text(school.name), school.rubric, status, school.as_of.isoformat() if school.as_of else "–",
                      school.last_success.strftime("%Y-%m-%d %H:%M") if school.last_success else "never")
    console.print(table)
    say(f"District workbook ({published.backend}): {published.workbook}")
    say(f"District brief: {published.brief}")
    if published.shared:
        say(f"Shared (view only) with {', '.join(published.shared)}")
    say(f"Read from the history in {published.wall_s:.2f} s; API calls: {published.api_calls}")


@app.command()
def export(
    tracker: TrackerArg,
    to: Annotated[Path, typer.Option("--to", metavar="DIR", help="Folder for the files (created if missing).")],
    fmt: Annotated[str, typer.Option("--format", metavar="csv|jsonl|parquet",
                                     help="csv, jsonl or parquet (parquet needs the 'parquet' extra).")] = "csv",
    deidentify: Annotated[bool, typer.Option("--deidentify",
                                             help="Replace names and emails with keyed hashes and drop free-text "
                                                  "notes.")] = False,
    key_file: Annotated[Path | None, typer.Option("--key-file", metavar="FILE",
                                                  help="The district's secret key for --deidentify (default: "
                                                       "$TRACKER_SYNC_DISTRICT_SECRET).")] = None,
    act_as: ActAsOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write one school's normalized records (one file per tab) with their JSON Schema; reads the tracker, writes nothing to it.

    TRACKER is the tracker's .xlsx file, or its Google Sheets URL or spreadsheet id.

    Example: tracker-sync export lincoln.xlsx --to lincoln-export --format jsonl

    Example: TRACKER_SYNC_DISTRICT_SECRET=... tracker-sync export lincoln.xlsx --to out --deidentify --format parquet
    """
    from tracker_sync.backends import open_workbook
    from tracker_sync.export import district_key, export_records

    try:
        key = district_key(key_file) if deidentify else None
        result = export_records(open_workbook(tracker, act_as=act_as), to, fmt=fmt, deidentify_key=key, as_of=parse_as_of(as_of))
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(result.to_dict())
        return
    from rich.table import Table
    from rich.text import Text

    table = Table("Tab", "File", "Rows", "JSON Schema",
                  title=Text(f"{result.school}, as of {result.as_of}" + (" (de-identified)" if result.deidentified else "")))
    for tab, info in result.files.items():
        table.add_row(tab, info["file"], str(info["rows"]), info["schema"])
    console.print(table)
    say(f"Exported to {result.folder} (manifest: export.json)")
