"""`tracker-sync plan`: each coach's coming school week, and the plan as calendar feeds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

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
from tracker_sync.errors import TrackerSyncError
from tracker_sync.wording import plural


@app.command()
def plan(
    tracker: TrackerArg,
    ics: Annotated[Path | None, typer.Option("--ics", metavar="FOLDER", help="Write the calendar feeds here: one .ics per coach "
                                             "and ilt.ics (created if missing; earlier feeds are updated in place).")] = None,
    as_of: AsOfOption = None,
    act_as: ActAsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show each coach's plan for the coming school week, and write it as calendar feeds; writes nothing to the tracker.

    The plan is the Plan tab's (a sync writes the tab; this command reads the tracker once). Feeds hold a
    teacher's name and what is due, never a note or a score; subscribed in Google Calendar they refresh
    roughly every 8-24 hours. TRACKER is the tracker's .xlsx file, or its Google Sheets URL or spreadsheet id.

    Example: tracker-sync plan lincoln.xlsx --ics calendars/ --as-of 2026-12-14
    """
    from tracker_sync.backends import open_workbook
    from tracker_sync.sync import check_tracker

    try:
        check = check_tracker(open_workbook(tracker, act_as=act_as), as_of=parse_as_of(as_of))
        coaching = check.plan
        feeds = []
        if ics is not None:
            from tracker_sync.calendars import write_calendars

            feeds = write_calendars(ics, check.settings, coaching, now=dt.datetime.now(dt.UTC))
    except TrackerSyncError as exc:
        raise fail(exc) from exc
    _print_plan(check.settings.school, coaching, feeds, as_json)


def _print_plan(school: str, coaching: Any, feeds: list[Path], as_json: bool) -> None:
    from rich.table import Table

    from tracker_sync.patterns.plan_needs import KIND_LABELS
    from tracker_sync.render.ics import feed_names

    week = coaching.week
    files = feed_names(coaching.coaches["coach"]) if feeds else {}
    coaches = [{**{k: (None if v != v else v) for k, v in row.items()},  # NaN (no capacity) as null
                "feed": str(feeds[0].parent / files[row["coach"]]) if feeds else None}
               for row in coaching.coaches.to_dict("records")]
    if as_json:
        print_json({"school": school, "as_of": coaching.as_of.isoformat(), "week": week.start.isoformat() if week else None,
                    "made_on": coaching.made_on.isoformat() if coaching.made_on else None, "coaches": coaches,
                    "review": {"week": coaching.previous_week.isoformat() if coaching.previous_week else None,
                               "coaches": coaching.review.to_dict("records")},
                    "carried_often": [{"teacher": r.teacher, "coach": r.coach, "what": KIND_LABELS[r.kind],
                                       "weeks": int(r.carried)} for r in coaching.carried_often.itertuples(index=False)],
                    "feeds": [str(path) for path in feeds]})
        return
    if week is None:
        say(f"{school}: no school weeks are left in the school year (as of {coaching.as_of.isoformat()}).")
        return
    made = f"made on {coaching.made_on.isoformat()}" if coaching.made_on else f"a preview as of {coaching.as_of.isoformat()}"
    say(f"{school}: coaching plan for the week of {week.start.isoformat()} ({made})")
    table = Table("Coach", "Role", "Visits", "Meetings", "Carried", "Weeks for overdue visits", show_header=True)
    for row in coaches:
        table.add_row(*(Text(str(v)) for v in (row["coach"], row["role"], f"{row['planned_visits']} of {row['visits']}",
                                               f"{row['planned_meetings']} of {row['meetings']}", row["carried"],
                                               "-" if row["weeks_to_clear"] is None else row["weeks_to_clear"])))
    console.print(table)
    if coaching.previous_week is not None:
        planned, done = int(coaching.review["planned"].sum()), int(coaching.review["done"].sum())
        often = len(coaching.carried_often)
        say(f"Week of {coaching.previous_week.isoformat()}: {done} of {plural(planned, 'planned item')} done; "
            f"{plural(often, 'item') if often else 'no item'} carried over more than twice.")
    if feeds:
        say(f"Calendar feeds: {plural(len(feeds), 'file')} in {feeds[0].parent} (ilt.ics for the whole ILT)")
