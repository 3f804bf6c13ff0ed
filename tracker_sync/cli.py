"""The tracker-sync command line: a thin layer over the library (sqlite-utils style).

Exit codes: 0 ok; 1 validation found errors (validate); 2 usage or configuration error;
3 the tracker could not be read or written (nothing was changed).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from tracker_sync.errors import BackendError, ConfigError, TrackerSyncError

app = typer.Typer(
    help="Keep a school's coaching tracker (observations, action steps, rubric scores, learning cycles) "
    "checked and summarised: validate every coach row, compute team patterns, write Summary, Patterns, "
    "Flags and Sync Log tabs back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for machines instead of tables.")]
AsOfOption = Annotated[
    Optional[str], typer.Option("--as-of", metavar="YYYY-MM-DD", help="Compute everything as of this date (default: today in the school's timezone).")
]
TrackerArg = Annotated[str, typer.Argument(metavar="TRACKER", help="Path to the tracker .xlsx file, or a Google Sheets URL or id.")]


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--as-of must be a date like 2026-12-18, not '{value}'.") from None


def _fail(exc: TrackerSyncError) -> typer.Exit:
    code = 3 if isinstance(exc, BackendError) else 2
    err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _print_json(data: dict) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _print_report(report) -> None:
    table = Table(title=f"{report.school} — as of {report.as_of}", show_header=True)
    table.add_column("Tab")
    table.add_column("Rows read", justify="right")
    for tab, n in report.rows_read.items():
        table.add_row(tab, str(n))
    console.print(table)
    console.print(f"Findings: {report.findings['error']} errors, {report.findings['warning']} warnings")
    if report.tabs_written:
        console.print(f"Wrote {', '.join(report.tabs_written)} in {report.duration_s:.2f} s")
    elif report.outcome == "unchanged":
        console.print(f"Nothing changed since the last sync: nothing written ({report.duration_s:.2f} s)")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo tracker.")] = Path("tracker-sync-demo"),
    seed: Annotated[int, typer.Option(help="Seed of the synthetic school.")] = 7,
    rubric: Annotated[str, typer.Option(help="Rubric: leap or danielson.")] = "leap",
    as_json: JsonOption = False,
) -> None:
    """Build a tracker for a synthetic school, fill it with a semester of coaching data, and sync it.

    Example: tracker-sync demo --out /tmp/demo
    """
    from tracker_sync.demo import run_demo

    try:
        with console.status("Provisioning, filling and syncing the demo tracker...", spinner="dots") if not as_json else nullcontext():
            path, report = run_demo(out, seed, rubric)
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json({"path": str(path), **report.to_dict()})
        return
    h = report.headline
    console.print(f"[bold]Demo tracker:[/] {path}")
    _print_report(report)
    console.print(f"\n[bold]{report.school}, as of {report.as_of}:[/]")
    console.print(f"  1. {h['teachers_not_seen']} teachers not observed in the last 14 days")
    median = h["median_feedback_school_days"]
    if median is None:
        console.print("  2. no feedback meetings logged yet")
    else:
        console.print(f"  2. {median:g} school day{'' if median == 1 else 's'} (median) from observation to feedback")
    console.print(f"  3. {h['overdue_action_steps']} overdue action steps")
    console.print("Open the file in LibreOffice or Excel: see the Summary, Patterns and Flags tabs.")


@app.command()
def provision(
    school: Annotated[str, typer.Option(help="School name, as people say it.")],
    out: Annotated[Optional[Path], typer.Option(help="Path of the new tracker .xlsx file (xlsx backend).")] = None,
    rubric: Annotated[str, typer.Option(help="Rubric: leap or danielson.")] = "leap",
    backend: Annotated[str, typer.Option(help="xlsx (a local file) or google (a Google spreadsheet).")] = "xlsx",
    folder: Annotated[Optional[str], typer.Option(help="Google Drive folder id for the new spreadsheet.")] = None,
    leader: Annotated[Optional[list[str]], typer.Option(help="Email of a school leader (editor). Repeatable.")] = None,
    coach: Annotated[Optional[list[str]], typer.Option(help="Email of a coach (editor). Repeatable.")] = None,
    viewer: Annotated[Optional[list[str]], typer.Option(help="Email of a read-only viewer. Repeatable.")] = None,
    registry: Annotated[Optional[Path], typer.Option(help="District registry TOML that records each school's tracker.")] = None,
    notify: Annotated[bool, typer.Option("--notify/--no-notify", help="Email the people it is shared with.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Create a new, empty tracker for a school (or repair an existing one without touching its rows).

    Example: tracker-sync provision --school "Lincoln Elementary" --out lincoln.xlsx

    Example: tracker-sync provision --school "Lincoln Elementary" --backend google --registry district.toml --coach ana@lincoln.org
    """
    if backend == "google":
        _provision_google(school, rubric, folder, leader or [], coach or [], viewer or [], registry, notify, as_json)
        return
    if backend != "xlsx" or out is None:
        raise _fail(ConfigError("Give --out FILE.xlsx, or --backend google." if backend == "xlsx" else
                                f"--backend must be xlsx or google, not '{backend}'."))
    from tracker_sync.backends.xlsx import XlsxWorkbook
    from tracker_sync.settings import new_settings, to_metadata
    from tracker_sync.sheet_templates import load_template

    try:
        settings = new_settings(school, rubric)
    except KeyError as exc:
        raise _fail(ConfigError(str(exc.args[0]))) from exc
    template = load_template().for_rubric(settings.rubric)
    workbook = XlsxWorkbook(out)
    try:
        workbook.provision(template, to_metadata(settings))
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    result = {"tracker": workbook.location, "school": school, "rubric": settings.rubric.id,
              "coach_tabs": template.coach_tab_names, "tool_tabs": template.tool_tab_names}
    if as_json:
        _print_json(result)
    else:
        console.print(f"Tracker for [bold]{school}[/] ({settings.rubric.name}): {workbook.location}")
        console.print(f"Coach tabs: {', '.join(template.coach_tab_names)}")


def _provision_google(school: str, rubric: str, folder: str | None, leaders: list[str], coaches: list[str],
                      viewers: list[str], registry: Path | None, notify: bool, as_json: bool) -> None:
    from tracker_sync.backends.google_provision import provision_google_school

    try:
        result = provision_google_school(school, rubric=rubric, folder=folder, leaders=leaders, coaches=coaches,
                                         viewers=viewers, registry=registry, notify=notify)
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(result.to_dict())
    else:
        console.print(f"{'Created' if result.created else 'Repaired'} the tracker for [bold]{school}[/]: {result.tracker}")
        for email, role in result.shared.items():
            console.print(f"  shared with {email} ({'can edit' if role == 'writer' else 'view only'})")


@app.command()
def sync(tracker: TrackerArg, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Validate the coach tabs and rewrite Summary, Patterns, Flags and Sync Log in one atomic write.

    Example: tracker-sync sync lincoln.xlsx --as-of 2026-12-18
    """
    from tracker_sync.backends import open_workbook
    from tracker_sync.sync import sync_tracker

    try:
        report = sync_tracker(open_workbook(tracker), as_of=_as_of(as_of))
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    _print_json(report.to_dict()) if as_json else _print_report(report)


@app.command()
def validate(tracker: TrackerArg, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Check every coach row and list the findings; writes nothing. Exits 1 when there are errors.

    Example: tracker-sync validate lincoln.xlsx --json
    """
    from tracker_sync.backends import open_workbook
    from tracker_sync.sync import validate_tracker

    try:
        report, findings = validate_tracker(open_workbook(tracker), as_of=_as_of(as_of))
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json({**report.to_dict(), "items": [f.to_dict() for f in findings]})
    else:
        _print_report(report)
        table = Table("Severity", "Tab", "Cell", "Value", "Problem", "How to fix", show_lines=False)
        for f in findings:
            table.add_row(f.severity, f.tab, f.cell or "", f.value, f.message, f.hint)
        if findings:
            console.print(table)
    raise typer.Exit(1 if report.findings["error"] else 0)


@app.command()
def brief(
    tracker: TrackerArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the HTML page.")] = Path("brief.html"),
    as_of: AsOfOption = None,
    include_names: Annotated[bool, typer.Option("--include-names", help="Name observers and list the teachers who need an action (never their scores).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write the one-page ILT brief: a printable HTML page of the tracker's patterns; writes nothing to the tracker.

    Aggregates only unless --include-names. Example: tracker-sync brief lincoln.xlsx --out brief.html --as-of 2026-12-18
    """
    from tracker_sync.backends import open_workbook
    from tracker_sync.brief import build_brief

    try:
        html = build_brief(open_workbook(tracker), as_of=_as_of(as_of), include_names=include_names)
    except TrackerSyncError as exc:
        raise _fail(exc) from exc
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise _fail(ConfigError(f"Cannot write the brief to '{out}': {exc.strerror}. Choose another --out path.")) from exc
    if as_json:
        _print_json({"path": str(out), "include_names": include_names, "bytes": len(html.encode("utf-8"))})
    else:
        console.print(f"ILT brief: {out}" + (" (with names)" if include_names else ""))


def main() -> None:
    app()


from tracker_sync import cli_district  # noqa: E402,F401 - registers serve, sync-all and status on the app
from tracker_sync import cli_report  # noqa: E402,F401 - registers district-report and export on the app
