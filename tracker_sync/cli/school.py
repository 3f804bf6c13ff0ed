"""One school's commands: demo, provision, sync, validate and brief."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

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
from tracker_sync.errors import ConfigError, TrackerSyncError
from tracker_sync.wording import plural


def _written(report) -> str | None:
    """What a sync wrote, as the backend reported it, with the Sync Log's duration; None for validate."""
    timing = f"read and checked in {report.duration_s:.2f} s, written in {report.write_s:.2f} s"
    if report.outcome == "unchanged":
        if report.tabs_written:
            return f"Nothing new since the last sync: wrote only {', '.join(report.tabs_written)} ({timing})"
        return f"Nothing new since the last sync: nothing written (read and checked in {report.duration_s:.2f} s)"
    return f"Wrote {', '.join(report.tabs_written)} ({timing})" if report.tabs_written else None


def _print_report(report) -> None:
    from rich.table import Table

    if report.outcome == "archived":
        say(f"Skipped: {report.note}")
        return
    say(f"{report.school}, as of {report.as_of}")
    table = Table(show_header=True)
    table.add_column("Tab")
    table.add_column("Rows read", justify="right")
    for tab, n in report.rows_read.items():
        table.add_row(tab, str(n))
    console.print(table)
    say(f"Findings: {plural(report.findings['error'], 'error')}, {plural(report.findings['warning'], 'warning')}")
    if written := _written(report):
        say(written)
    if report.form:
        say(_form_line(report.form))


def _form_line(form: dict) -> str:
    """What the observation form brought: rows added by this sync, or (validate) rows the next sync adds."""
    rows = form.get("added", form.get("to_add", {}))
    verb = "added" if "added" in form else "to add at the next sync"
    taken = ", ".join(f"{plural(n, 'row')} to {tab}" for tab, n in rows.items()) or "no new response"
    notes = [f"{plural(form['edited'], 'edited response')} flagged" if form.get("edited") else "",
             f"{plural(form['waiting'], 'response')} waiting (see Flags)" if form.get("waiting") else ""]
    return f"Observation form: {taken}{'' if not rows else ' ' + verb}" + "".join(f"; {n}" for n in notes if n)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(metavar="FOLDER", help="Folder for the demo tracker.")] = Path("tracker-sync-demo"),
    seed: Annotated[int, typer.Option(metavar="N", min=0, help="Seed of the synthetic school.")] = 7,
    rubric: Annotated[str, typer.Option(metavar="RUBRIC", help="Rubric: leap or danielson.")] = "leap",
    year: Annotated[str | None, typer.Option(
        "--year", metavar="YYYY-YY",
        help="A later school year, e.g. 2027-28: the demo rolls over into it and fills its fall semester too "
             "(default 2026-27).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Build a tracker for a synthetic school, fill it with a semester of coaching data, and sync it.

    The demo tracker is frozen at the end of its semester (2026-12-18): sync, validate and brief use
    that date unless --as-of says otherwise. With --year 2027-28 the 2026-27 tracker is rolled over
    and 2027-28 gets its own semester (to 2027-12-17); its brief puts last year beside this year.
    Example: tracker-sync demo --out /tmp/demo
    """
    from tracker_sync.rollover.years import parse_year
    from tracker_sync.synthetic.demo import run_demo

    try:
        start = parse_year(year).start_year if year is not None else None
        with (console.status("Provisioning, filling and syncing the demo tracker...", spinner="dots") if not as_json
              else nullcontext()):
            path, report = run_demo(out, seed, rubric, start)
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json({"path": str(path), **report.to_dict()})
        return
    h = report.headline
    say(f"Demo tracker: {path}")
    _print_report(report)
    say("\nThree numbers to start with:")
    say(f"  1. {plural(h['teachers_not_seen'], 'teacher')} not observed in the last 14 days")
    median = h["median_feedback_school_days"]
    if median is None:
        say("  2. no feedback meetings logged yet")
    else:
        say(f"  2. {median:g} school day{'' if median == 1 else 's'} (median) from observation to feedback")
    say(f"  3. {plural(h['overdue_action_steps'], 'overdue action step')}")
    say("Open the file in LibreOffice or Excel: see the Summary, Patterns, Flags and Plan tabs.")


@app.command()
def provision(
    school: Annotated[str | None, typer.Option(metavar="NAME", help="School name, as people say it. Needed for a new tracker "
                                                  "and on Google; an existing .xlsx keeps its own name unless --rename.")] = None,
    out: Annotated[Path | None, typer.Option(metavar="FILE.xlsx",
                                             help="The tracker .xlsx file to create or repair (xlsx backend).")] = None,
    rubric: Annotated[str | None, typer.Option(metavar="RUBRIC", help="leap or danielson, for a new tracker (default leap). "
                                                  "An existing tracker keeps its own; a different one is refused.")] = None,
    backend: Annotated[str, typer.Option(metavar="xlsx|google",
                                         help="xlsx (a local file) or google (a Google spreadsheet).")] = "xlsx",
    folder: Annotated[str | None, typer.Option(metavar="FOLDER_ID", help="Google: the shared drive or folder (id or address) for "
                                                 "a new spreadsheet (default: the registry's [district] folder).")] = None,
    act_as: ActAsOption = None,
    leader: Annotated[list[str] | None, typer.Option(metavar="EMAIL",
                                                     help="Email of a school leader (editor). Repeatable. Google only.")] = None,
    coach: Annotated[list[str] | None, typer.Option(metavar="EMAIL",
                                                    help="Email of a coach (editor). Repeatable. Google only.")] = None,
    viewer: Annotated[list[str] | None, typer.Option(metavar="EMAIL",
                                                     help="Email of a read-only viewer. Repeatable. Google only.")] = None,
    registry: Annotated[Path | None, typer.Option(metavar="FILE.toml",
                                                  help="District registry TOML: the school is recorded there "
                                                       "(any backend).")] = None,
    rename: Annotated[bool, typer.Option("--rename", help="Rename the school of an existing .xlsx tracker to --school.")] = False,
    notify: Annotated[bool, typer.Option("--notify/--no-notify", help="Email the people it is shared with.")] = True,
    form: Annotated[bool | None, typer.Option("--form/--no-form", help="Google: also make (or keep) the school's observation "
                                              "form, for recording visits from a phone (default: yes).")] = None,
    form_domain: Annotated[str | None, typer.Option(metavar="DOMAIN", help="Google: the district's Google domain, whose people "
                                                    "may answer the form (default: the registry's [district] domain, the domain "
                                                    "of --as, of the person signed in, or of the people it is shared "
                                                    "with).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a new, empty tracker for a school, or repair or upgrade an existing one without touching its rows or settings.

    A repair adds missing tabs (such as 1-on-1 Meetings and Goals in a tracker made before them), headers
    and dropdowns, and keeps the tracker's own school, rubric, school year and norms; asking for another
    rubric or school name is refused (--rename renames).

    Example: tracker-sync provision --school "Lincoln Elementary" --out lincoln.xlsx --registry district.toml

    Example: tracker-sync provision --school "Lincoln" --backend google --folder 0AFb7mJmIeGFXUk9PVA --coach ana@lincoln.org

    A Google tracker comes with an observation form (Google Forms) for recording visits from a phone;
    each sync adds its responses to the tracker as new rows. An .xlsx tracker has none.
    """
    try:
        if backend == "google":
            if out is not None:
                raise ConfigError("--out is for an .xlsx tracker: a Google tracker is found by --school (and "
                                  "--registry); leave out --out.")
            if rename:
                raise ConfigError("--rename works on .xlsx trackers only: a Google tracker is found by its school's name.")
            if school is None or not school.strip():
                raise ConfigError("Give --school NAME: a Google tracker is found (or created) by its school's name.")
            from tracker_sync.provision.google import provision_google_school

            result = provision_google_school(school, rubric=rubric, folder=folder, leaders=leader or [], coaches=coach or [],
                                             viewers=viewer or [], registry=registry, notify=notify, act_as=act_as,
                                             form=form is not False, form_domain=form_domain)
        elif backend == "xlsx":
            if leader or coach or viewer or folder or act_as:
                raise ConfigError("--leader, --coach, --viewer, --folder and --as are for a Google tracker: an .xlsx tracker is "
                                  "shared as a file. Leave them out, or give --backend google.")
            if form or form_domain:
                raise ConfigError("An .xlsx tracker has no observation form: Google Forms feeds Google trackers only. Leave out "
                                  "--form and --form-domain, or give --backend google.")
            from tracker_sync.provision import provision_xlsx_school

            result = provision_xlsx_school(out, school=school, rubric=rubric, rename=rename, registry=registry)
        else:
            raise ConfigError(f"--backend must be xlsx or google, not '{backend}'.")
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(result.to_dict())
        return
    from tracker_sync.metadata import rubric_named

    say(f"{'Created' if result.created else 'Repaired'} the tracker for {result.school} "
        f"({rubric_named(result.rubric).name}): {result.tracker}")
    say(f"Coach tabs: {', '.join(result.coach_tabs)}")
    if result.form:
        say(f"Observation form (for phones; on the Instructions tab too): {result.form}")
    elif result.form_note:
        say(result.form_note)
    for email, role in result.shared.items():
        say(f"  shared with {email} ({'can edit' if role == 'writer' else 'view only'})")
    if result.registry:
        say(f"Recorded in the registry {result.registry}")


def _open(tracker: str, act_as: str | None):
    from tracker_sync.backends import open_workbook

    return open_workbook(tracker, act_as=act_as)


@app.command()
def sync(tracker: TrackerArg, as_of: AsOfOption = None, act_as: ActAsOption = None, as_json: JsonOption = False) -> None:
    """Validate the coach tabs and rewrite Summary, Patterns, Flags, Plan and Sync Log in one atomic write.

    TRACKER is the tracker's .xlsx file, or its Google Sheets URL or spreadsheet id.

    Example: tracker-sync sync lincoln.xlsx --as-of 2026-12-18
    """
    from tracker_sync.sync import sync_tracker

    try:
        report = sync_tracker(_open(tracker, act_as), as_of=parse_as_of(as_of))
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    print_json(report.to_dict()) if as_json else _print_report(report)


@app.command()
def validate(tracker: TrackerArg, as_of: AsOfOption = None, act_as: ActAsOption = None, as_json: JsonOption = False) -> None:
    """Check every coach row and list the findings; writes nothing. Exits 1 when there are errors.

    TRACKER is the tracker's .xlsx file, or its Google Sheets URL or spreadsheet id.

    Example: tracker-sync validate lincoln.xlsx --json
    """
    from rich.table import Table

    from tracker_sync.sync import validate_tracker

    try:
        report, findings = validate_tracker(_open(tracker, act_as), as_of=parse_as_of(as_of))
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json({**report.to_dict(), "items": [f.to_dict() for f in findings]})
    else:
        _print_report(report)
        table = Table("Severity", "Tab", "Cell", "Value", "Problem", "How to fix", show_lines=False)
        for f in findings:
            table.add_row(*(Text(str(v)) for v in (f.severity, f.tab, f.cell or "", f.value, f.message, f.hint)))
        if findings:
            console.print(table)
    raise typer.Exit(1 if report.findings["error"] else 0)


@app.command()
def brief(
    tracker: TrackerArg,
    out: Annotated[Path, typer.Option("--out", metavar="FILE.html", help="Where to write the HTML page.")] = Path("brief.html"),
    as_of: AsOfOption = None,
    include_names: Annotated[bool, typer.Option(
        "--include-names",
        help="Name observers and list the teachers who need an action (never their scores), on a page of its own.")] = False,
    act_as: ActAsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the ILT brief: one HTML page of the tracker's patterns that prints on one Letter page, landscape.

    Aggregates only unless --include-names (which adds the list of teachers on a second page). A school
    with more than 7 teams or 6 observers shows those that need attention most, and says so; every
    figure stays on the Patterns tab. Writes nothing to the tracker. TRACKER is the tracker's .xlsx
    file, or its Google Sheets URL or spreadsheet id.

    Example: tracker-sync brief lincoln.xlsx --out brief.html --as-of 2026-12-18
    """
    from tracker_sync.sync import build_brief

    try:
        if out.is_dir():
            raise ConfigError(f"--out {out} is a folder: give a file name for the brief, e.g. {out / 'brief.html'}.")
        html = build_brief(_open(tracker, act_as), as_of=parse_as_of(as_of), include_names=include_names)
        try:
            out.write_text(html, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"Cannot write the brief to '{out}': {exc.strerror}. Choose another --out path.") from exc
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json({"path": str(out), "include_names": include_names, "bytes": len(html.encode("utf-8"))})
    else:
        say(f"ILT brief: {out}" + (" (with names)" if include_names else ""))
