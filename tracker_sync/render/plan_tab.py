"""The Plan tab: each coach's coming school week, and what the next sync reads back from it.

Written as lines and tables (render.layout), like every tool tab. Three of its tables are also the
plan's memory (see patterns.plan): the week at a glance (the week and the day the plan was made),
every item of the coming weeks, and last week's plan item by item. :func:`plan_memory` finds them by
their header rows (whatever rows or columns the layout puts around them) and reads them back; a tab
that is missing, or was never written by this version, reads as no memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

import pandas as pd

from tracker_sync.patterns.plan import ITEM_COLUMNS, PREVIOUS_COLUMNS, Plan, PlanMemory
from tracker_sync.patterns.plan_needs import KIND_LABELS
from tracker_sync.patterns.plan_review import CARRIED_OFTEN
from tracker_sync.render.layout import GAP, Column, Line, Table, layout_tab
from tracker_sync.render.plain import plain
from tracker_sync.render.summary import updated_line
from tracker_sync.schemas import SchoolSettings
from tracker_sync.tabs import CellValue, Grid, ToolCell, ToolTab
from tracker_sync.wording import plural

PLAN_TAB = "Plan"
GLANCE = [Column("Plan for the week of", "date"), Column("Made on", "date"), Column("School days", "int"),
          Column("Coaches", "int"), Column("Visits planned", "int"), Column("Meetings planned", "int"),
          Column("Carried to later weeks", "int")]
ALL_ITEMS = [Column("Week of", "date"), Column("Day", "date"), Column("Coach"), Column("Teacher"), Column("What"),
             Column("Since", "date"), Column("Due", "date"), Column("Status"), Column("Weeks carried", "int"),
             Column("Why", "long", wrap_at=60)]
LAST_WEEK = [Column("Week of", "date"), Column("Coach"), Column("Teacher"), Column("What"), Column("Since", "date"),
             Column("Due", "date"), Column("Planned"), Column("Done"), Column("Weeks carried", "int")]
_KIND_OF = {label: kind for kind, label in KIND_LABELS.items()}
PLANNED, NO_ROOM_LAST_WEEK = "Yes", "No room"
_SOURCES = {"Roster": "Visits per Week on the Roster", "settings": "the school's settings", "norm": "the school's norm"}


def render_plan(settings: SchoolSettings, plan: Plan, synced_at: dt.datetime) -> ToolTab:
    """The week at a glance, planned vs done last week, the equity of the planned visits, one section
    per coach, then every item of the coming weeks and last week's plan (module docstring)."""
    if plan.week is None:
        items: list[Line | Table] = [Line(f"{settings.school}: coaching plan", "title"),
                                     Line(f"No school weeks are left in the school year (as of {plan.as_of.isoformat()}).",
                                          "note"),
                                     updated_line(settings, synced_at)]
        return layout_tab(PLAN_TAB, items)
    week, coaches = plan.week, plan.coaches
    made = (f"Made on {plan.made_on.isoformat()} by the first sync of the week and kept all week: each sync only marks what "
            "is Done."
            if plan.made_on else
            f"A preview from the tracker as of {plan.as_of.isoformat()}: each sync remakes it until the week starts; the first "
            f"sync from {week.start.isoformat()} on makes the week's plan and keeps it.")
    glance = Table(GLANCE, [[week.start, plan.made_on, len(week.days), len(coaches), int(coaches["planned_visits"].sum()),
                             int(coaches["planned_meetings"].sum()), int(coaches["carried"].sum())]])
    items = [
        Line(f"{settings.school}: coaching plan for the week of {week.start.isoformat()}", "title"),
        Line(made, "note"),
        Line("Each coach's items come in order of need: the longest overdue first (novices, the lowest score quartile and "
             "learning cycles with no visit come due sooner). A week holds at most a coach's visits (Visits per Week on the "
             "Roster, else the school's norm) and meetings (several with one teacher are one meeting); what does not fit is "
             "carried to the next week.", "note"),
        updated_line(settings, synced_at), GAP, glance, GAP, *_review(plan), GAP, _equity(plan),
    ]
    rows = _item_rows(plan)
    by_coach: dict[str, list[_Item]] = {}
    for row in rows:
        if row.week == week.start or row.due <= week.end:
            by_coach.setdefault(row.coach, []).append(row)
    for coach in coaches.itertuples(index=False):
        items += [GAP, _coach_section(coach, by_coach.get(coach.coach, []))]
    items += [GAP, _all_items(plan, rows), GAP, _last_week(plan)]
    return layout_tab(PLAN_TAB, items)


def _review(plan: Plan) -> list[Line | Table]:
    if plan.previous_week is None:
        return [Line("Planned vs done: shown from the second week of plans on (there is no earlier plan on this tab).", "note")]
    rows = [[r.coach, r.planned, r.done, plain(r.completion), r.not_done, r.no_room] for r in plan.review.itertuples(index=False)]
    planned, done = int(plan.review["planned"].sum()), int(plan.review["done"].sum())
    if len(rows) > 1:
        rows.append(["All coaches", planned, done, plain(done / planned) if planned else None, planned - done,
                     int(plan.review["no_room"].sum())])
    review = Table([Column("Coach"), Column("Planned", "int"), Column("Done", "int"), Column("Completion", "share"),
                    Column("Not done", "int"), Column("No room that week", "int")], rows,
                   title=f"Planned vs done, week of {plan.previous_week.isoformat()}", empty="No items were planned that week.",
                   note="Done: recorded in the tracker with a date in that week (a visit typed in later still counts).")
    often = Table([Column("Teacher"), Column("Coach"), Column("What"), Column("Due", "date"), Column("Weeks carried", "int")],
                  [[r.teacher, r.coach, KIND_LABELS[r.kind], r.due, r.carried]
                   for r in plan.carried_often.itertuples(index=False)],
                  title=f"Carried over more than twice ({len(plan.carried_often)})",
                  empty=f"No item has been carried over {CARRIED_OFTEN} weeks or more.")
    return [review, GAP, often]


def _equity(plan: Plan) -> Table:
    return Table([Column("Group"), Column("Teachers", "int"), Column("Share of teachers", "share"),
                  Column("Visits planned", "int"), Column("Share of planned visits", "share")],
                 [[plain(v) for v in r] for r in plan.equity.itertuples(index=False)],
                 title="Who this week's planned visits go to",
                 note="The same groups as on the Patterns tab; a teacher can be in both of the first two.")


class _Item(NamedTuple):
    """One item of the plan as plain values (patterns.plan.ITEM_COLUMNS, in order)."""

    coach: str
    teacher: str
    kind: str
    since: dt.date | None
    due: dt.date
    reason: str
    week: dt.date | None
    day: dt.date | None
    status: str
    carried: int


def _item_rows(plan: Plan) -> list[_Item]:
    """The plan's items as plain tuples, once (iterating a frame per coach costs more than the layout)."""
    return [_Item(*values) for values in zip(*(plan.items[c].tolist() for c in ITEM_COLUMNS), strict=True)]


def _coach_section(coach: Any, mine: list[_Item]) -> Table:
    """The coach's items planned this week, then those due this week that did not fit."""
    role = f" ({coach.role})" if coach.role else ""
    source = _SOURCES[coach.capacity_from]
    note = (f"{plural(coach.visits, 'visit')} and {plural(coach.meetings, 'meeting')} a week ({source}). This week: "
            f"{plural(coach.planned_visits, 'visit')} and {plural(coach.planned_meetings, 'meeting')} planned, "
            f"{plural(coach.carried, 'item')} carried to later weeks.")
    rows: list[list[ToolCell]] = [[r.teacher, KIND_LABELS[r.kind], r.since, r.due, r.day, r.status, r.carried, r.reason]
                                  for r in mine]
    return Table([Column("Teacher"), Column("What"), Column("Since", "date"), Column("Due", "date"), Column("Planned on", "date"),
                  Column("Status"), Column("Weeks carried", "int"), Column("Why", "long", wrap_at=56)],
                 rows, title=f"{coach.coach}{role}", note=note, empty="Nothing is due this week.")


def _all_items(plan: Plan, items: list[_Item]) -> Table:
    rows: list[list[ToolCell]] = [[r.week, r.day, r.coach, r.teacher, KIND_LABELS[r.kind], r.since, r.due, r.status, r.carried,
                                   r.reason] for r in items]
    return Table(ALL_ITEMS, rows, title=f"Every item of the coming {len(plan.weeks)} weeks",
                 note="What the calendar feeds show; an item with no week found no room in them yet.",
                 empty="Nothing is due in the coming weeks.")


def _last_week(plan: Plan) -> Table:
    rows = [[plan.previous_week, r.coach, r.teacher, KIND_LABELS[r.kind], r.since, r.due,
             PLANNED if r.planned else NO_ROOM_LAST_WEEK, ("Done" if r.done else "Not done") if r.planned else "", r.carried]
            for r in plan.previous.itertuples(index=False)]
    return Table(LAST_WEEK, rows, title="Last week's plan, item by item", empty="No earlier plan.")


# -- reading the memory back ------------------------------------------------------------------------

def plan_memory(grid: Grid | None) -> PlanMemory | None:
    """The plan the tab holds (see the module docstring), or None."""
    glance = _table(grid, GLANCE)
    week = _day(glance[0]["Plan for the week of"]) if glance else None
    if week is None:
        return None
    items = [[_text(r["Coach"]), _text(r["Teacher"]), _KIND_OF.get(_text(r["What"])), _day(r["Since"]), _day(r["Due"]),
              _text(r["Why"]), _day(r["Week of"]), _day(r["Day"]), _text(r["Status"]), _count(r["Weeks carried"])]
             for r in _table(grid, ALL_ITEMS)]
    last = [[_text(r["Coach"]), _text(r["Teacher"]), _KIND_OF.get(_text(r["What"])), _day(r["Since"]), _day(r["Due"]),
             r["Planned"] == PLANNED, _count(r["Weeks carried"])] for r in _table(grid, LAST_WEEK)]
    previous_week = next((_day(r["Week of"]) for r in _table(grid, LAST_WEEK) if _day(r["Week of"])), None)
    items = [r for r in items if r[0] and r[1] and r[2] and r[4]]
    last = [r for r in last if r[0] and r[1] and r[2] and r[4]]
    return PlanMemory(week, _day(glance[0]["Made on"]), pd.DataFrame(items, columns=ITEM_COLUMNS), previous_week,
                      pd.DataFrame(last, columns=PREVIOUS_COLUMNS) if last and previous_week else None)


def _table(grid: Grid | None, columns: Sequence[Column]) -> list[dict[str, CellValue]]:
    """The body rows under the header row holding exactly these headers (in order, blank cells
    between them allowed), up to the first blank row; [] when there is no such header row."""
    headers = [c.header for c in columns]
    for at, row in enumerate(grid or []):
        cells = [(i, _text(v) if isinstance(v, str) else v) for i, v in enumerate(row) if v not in (None, "")]
        if [v for _, v in cells] != headers:
            continue
        body: list[dict[str, CellValue]] = []
        for values in (grid or [])[at + 1:]:
            if not any(v not in (None, "") for v in values):
                break
            body.append({h: values[i] if i < len(values) else None for (i, _), h in zip(cells, headers, strict=True)})
        return body
    return []


def _text(value: CellValue) -> str:
    """A cell's text as a person reads it: the layout's line breaks in a wrapped cell are spaces."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _day(value: CellValue) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _count(value: CellValue) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
