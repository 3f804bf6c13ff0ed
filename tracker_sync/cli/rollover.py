"""`tracker-sync rollover`: a new school year for one tracker, or for every school of a registry.

Registered on the app by tracker_sync/cli/__init__.py. Heavy imports stay inside the command.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tracker_sync.cli.app import JsonOption, app, console, fail, parse_as_of, print_json, say
from tracker_sync.errors import ConfigError, TrackerSyncError
from tracker_sync.wording import plural

TrackerOption = Annotated[str | None, typer.Argument(
    metavar="TRACKER", hidden=True, help="Last year's tracker: an .xlsx file, or a Google Sheets URL or id.")]
YearOption = Annotated[str, typer.Option(
    "--year", metavar="YYYY-YY", help="The new school year, e.g. 2027-28; it must come after the tracker's.")]
FirstDayOption = Annotated[str | None, typer.Option(
    "--first-day", metavar="YYYY-MM-DD", help="First day of the new year (default: the registry's, else last year's a year on).")]
LastDayOption = Annotated[str | None, typer.Option(
    "--last-day", metavar="YYYY-MM-DD", help="Last day of the new year (default: the registry's, else last year's a year on).")]
HolidaysOption = Annotated[str | None, typer.Option(
    "--holidays", metavar="DATES",
    help="The new year's holidays: dates and ranges, e.g. 2027-09-06,2027-11-22..2027-11-26 "
         "(default: the registry's, else none).")]
RegistryOption = Annotated[Path | None, typer.Option(
    "--registry", metavar="FILE.toml",
    help="Roll every school of this district registry over, and point each entry at next year's tracker.")]
OutOption = Annotated[Path | None, typer.Option(
    "--out", metavar="FILE.xlsx", help="Next year's .xlsx file (default: beside last year's, named with the year).")]
FolderOption = Annotated[str | None, typer.Option(
    "--folder", metavar="FOLDER_ID", help="Google Drive folder for next year's spreadsheet (default: last year's folder).")]
ViewersOption = Annotated[bool, typer.Option(
    "--editors-as-viewers", help="Google: last year's editors keep last year's spreadsheet as viewers only.")]
NotifyOption = Annotated[bool, typer.Option(
    "--notify/--no-notify", help="Google: email the people next year's spreadsheet is shared with.")]


@app.command()
def rollover(
    tracker: TrackerOption = None, year: YearOption = "", first_day: FirstDayOption = None, last_day: LastDayOption = None,
    holidays: HolidaysOption = None, registry: RegistryOption = None, out: OutOption = None, folder: FolderOption = None,
    editors_as_viewers: ViewersOption = False, notify: NotifyOption = True, as_json: JsonOption = False,
) -> None:
    """Start a new school year: make next year's tracker from last year's, and archive last year's read only.

    Carried: the Roster (not people marked Left; Years Experience plus one), Goals still Active or Not Met
    and action steps still open (both as Carried Over, with their dates). Observations, scores, learning
    cycles and 1:1s stay in last year's tracker, which is linked to next year's and never synced again.
    Running it again finishes an interrupted rollover; it never makes a third tracker. TRACKER is last
    year's .xlsx file or Google spreadsheet; with --registry, every school of the district instead.

    Example: tracker-sync rollover lincoln.xlsx --year 2027-28 --first-day 2027-08-16 --last-day 2028-05-26

    Example: tracker-sync rollover --registry district.toml --year 2027-28
    """
    from tracker_sync.rollover.school import RolloverOptions
    from tracker_sync.rollover.years import parse_holidays, parse_year

    try:
        if not year:
            raise ConfigError("Give --year, the new school year, e.g. --year 2027-28.")
        if (tracker is None) == (registry is None):
            raise ConfigError("Give either last year's TRACKER or --registry FILE.toml (every school of the district), not both.")
        options = RolloverOptions(parse_year(year), parse_as_of(first_day, "--first-day"), parse_as_of(last_day, "--last-day"),
                                  None if holidays is None else parse_holidays(holidays), editors_as_viewers)
        if registry is not None:
            if out is not None or folder is not None:
                raise ConfigError("--out and --folder name one school's next tracker: with --registry each goes beside "
                                  "its last year's.")
            failed = _district(registry, options, notify, as_json)
            raise typer.Exit(3 if failed else 0)
        from tracker_sync.backends import open_workbook
        from tracker_sync.rollover.places import place_for
        from tracker_sync.rollover.school import roll_over

        result = roll_over(open_workbook(tracker or ""), options, place_for(options.year, out=out, folder=folder, notify=notify))
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    _warn(result.warnings)
    if as_json:
        print_json(result.to_dict())
        return
    _print_result(result)


def _warn(warnings) -> None:
    """Each warning once, as a 'Warning: ...' line on stderr (the app's handler of library warnings)."""
    import logging

    for warning in dict.fromkeys(warnings):
        logging.getLogger("tracker_sync.rollover").warning(warning)


def _print_result(result) -> None:
    from rich.table import Table

    done = "Rolled" if result.outcome == "rolled over" else "Finished rolling"
    say(f"{done} {result.school} over to {result.year}: {result.tracker}")
    say(f"Last year's tracker ({result.previous_year}) is archived, read only: {result.previous_tracker}")
    table = Table("Tab")
    for header in (f"Rows in {result.previous_year}", f"Carried to {result.year}", f"Stayed in {result.previous_year}"):
        table.add_column(header, justify="right")
    for tab, n in result.carried.items():
        table.add_row(Text(tab), str(n["read"]), str(n["carried"]), str(n["stayed"]))
    console.print(table)
    say(f"School year {result.year}: {result.first_day} to {result.last_day}, {plural(result.holidays, 'holiday')}")
    for email, role in result.shared.items():
        say(f"  shared with {email} ({'can edit' if role == 'writer' else 'view only'})")
    for email in result.viewers:
        say(f"  {email} keeps {result.previous_year} as a viewer")


def _district(registry: Path, options, notify: bool, as_json: bool) -> int:
    """Roll every school over, one line each as it is done; returns how many failed."""
    from tracker_sync.rollover.district import roll_district

    def line(done) -> None:
        if as_json:
            return
        if done.outcome == "failed":
            console.print(Text.assemble((f"{done.school}: failed", "red"), f" ({done.detail})"), soft_wrap=True)
            return
        carried = done.result.carried
        counts = ", ".join(f"{n['carried']} {tab}" for tab, n in carried.items() if n["carried"])
        calls = f"{plural(done.api_calls, 'API call')}, " if done.backend == "google" else ""
        say(f"{done.school}: {done.outcome} -> {done.tracker} (carried {counts or 'nothing'}; {calls}{done.seconds:.2f} s)")

    started = time.perf_counter()
    lines = roll_district(registry, options, notify=notify, on_done=line)
    wall = round(time.perf_counter() - started, 2)
    _warn(w for done in lines if done.result for w in done.result.warnings)
    failed = sum(done.outcome == "failed" for done in lines)
    calls = sum(done.api_calls for done in lines)
    if as_json:
        print_json({"registry": str(registry), "year": options.year.label, "schools": len(lines), "failed": failed,
                    "api_calls": calls, "wall_s": wall, "lines": [done.to_dict() for done in lines]})
    else:
        outcomes = ", ".join(f"{sum(done.outcome == outcome for done in lines)} {outcome}"
                             for outcome in ("rolled over", "finished", "failed"))
        google = f", {plural(calls, 'API call')}" if any(done.backend == "google" for done in lines) else ""
        say(f"{plural(len(lines), 'school')} to {options.year}: {outcomes}, in {wall:.1f} s{google}; "
            f"the registry {registry} names next year's trackers.")
    return failed
