"""`tracker-sync teacher-pages`: each teacher's own 1:1 page, as HTML files and as view-only Google spreadsheets."""

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
    fail,
    parse_as_of,
    print_json,
    say,
)
from tracker_sync.errors import ConfigError, TrackerSyncError
from tracker_sync.wording import plural


@app.command("teacher-pages")
def teacher_pages(
    tracker: TrackerArg,
    to: Annotated[Path | None, typer.Option("--to", metavar="DIR", help="Folder for one HTML page per teacher "
                                             "(pages of teachers who no longer get one are removed from it).")] = None,
    folder: Annotated[str | None, typer.Option(metavar="FOLDER_ID", help="Google: the shared drive or folder (id or address) "
                                                 "for one spreadsheet per teacher, shared view only with the teacher and "
                                                 "their Team Lead.")] = None,
    as_of: AsOfOption = None,
    act_as: ActAsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make each teacher's own page for the 1:1 they drive: their action steps, goals, observations, their own
    scores with the rubric's bands, their learning cycle and 1:1 next steps; nothing about anyone else.

    One page per Active teacher with an email on the Roster. --to writes printable HTML files; --folder keeps one
    Google spreadsheet per teacher, rewritten only when that teacher's rows changed, and records the pages in the
    tracker's metadata (no tab of the tracker is written). Coaches' notes appear only if the school's norm
    teacher_pages_show_notes is true. TRACKER is the tracker's .xlsx file, or its Google Sheets URL or id.

    Example: tracker-sync teacher-pages lincoln.xlsx --to pages --as-of 2026-12-18
    """
    from tracker_sync.backends import open_workbook
    from tracker_sync.pages.run import make_pages
    from tracker_sync.sync import check_tracker

    try:
        if to is None and folder is None:
            raise ConfigError("Say where the pages go: --to DIR for HTML files, --folder FOLDER_ID for Google spreadsheets, "
                              "or both.")
        workbook = open_workbook(tracker, act_as=act_as)
        http = getattr(workbook, "http", None)
        calls0 = http.calls if http is not None else 0
        folder_id = None
        if folder is not None:
            from tracker_sync.backends.google.workbook import GoogleWorkbook, folder_id_from

            if not isinstance(workbook, GoogleWorkbook):
                raise ConfigError("--folder makes Google spreadsheets, which remember their tracker: give a Google tracker, "
                                  "or leave out --folder and share the HTML pages from --to.")
            folder_id = folder_id_from(folder)
        check = check_tracker(workbook, as_of=parse_as_of(as_of))
        outcome = make_pages(check, html=to, http=http, folder_id=folder_id,
                             tracker_id=getattr(workbook, "spreadsheet_id", ""), now=dt.datetime.now(dt.UTC))
        if outcome.metadata:
            workbook.write([], outcome.metadata)  # the pages' records only: the next run knows its pages
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    google = outcome.google
    calls = http.calls - calls0 if http is not None else 0

    def readers(teacher: str) -> list[str]:
        return sorted(google.state[teacher].shared) if google and teacher in google.state else []

    pages = [{"teacher": page.teacher, "team": page.owner.team, "html": str(to / _html_name(page)) if to else None,
              "google": google.locations.get(page.teacher) if google else None, "shared_with": readers(page.teacher)}
             for page in outcome.pages]
    if as_json:
        print_json({"school": check.settings.school, "as_of": check.as_of.isoformat(), "pages": pages,
                    "without_page": [{"teacher": u.teacher, "reason": u.reason}
                                     for u in outcome.unpaged if u.reason != "lead-no-email"],
                    "removed": [str(p) for p in outcome.removed], "counts": outcome.counts(), "api_calls": calls,
                    "flags": [{"code": f.code, "who": f.who, "detail": f.detail, "row": f.row} for f in outcome.flags]})
        return
    say(f"{check.settings.school}, as of {check.as_of.isoformat()}: {plural(len(pages), 'teacher page')}")
    if to is not None:
        say(f"Wrote {plural(len(outcome.html), 'HTML page')} to {to}")
    if google:
        for teacher in google.touched:  # made, rewritten, shared or unshared by this run
            shared = readers(teacher)
            whom = f"view only: {', '.join(shared)}" if shared else "shared with no one"
            say(f"  {teacher}: {google.locations[teacher]} ({whom})")
        say(f"Google: {google.created} made, {google.written} rewritten, {google.unchanged} unchanged, "
            f"{google.repaired} repaired, {google.shared} shared, {google.unshared} unshared, {google.pending} waiting; "
            f"{plural(calls, 'API call')} in all")
    if outcome.removed:
        say(f"Removed {plural(len(outcome.removed), 'page')} of teachers who no longer get one")
    for flag in outcome.flags:
        say(f"Flag: {flag.who}: {flag.detail}")


def _html_name(page) -> str:
    from tracker_sync.pages.html import file_name

    return file_name(page)
