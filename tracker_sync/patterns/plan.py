"""The coaching plan: each coach's coming school week, planned by need within what they can do.

``coaching_plan(records, settings, as_of, memory)`` is pure: the validated records, the school's
settings, the date, and what the Plan tab kept from the last sync (:class:`PlanMemory`, read back by
``render.plan_tab.plan_memory``) in; a :class:`Plan` of DataFrames out. The rules are in
plan_needs (what is due for whom), plan_weeks (weeks and capacity) and plan_review (planned vs done).

**A week's plan is made once.** The first sync on or after the week's Monday makes it and the Plan
tab keeps it; every later sync that week reads it back, keeps its items and only updates what is
done. Syncs before the week starts (a weekend) show a preview that each sync remakes. So the next
week can compare what was planned with what was recorded: the plan of the previous week travels
on the Plan tab (its items due that week), which every backend writes in the sync's one atomic
write, so a failed sync leaves the last plan as it was.

**Capacity**: a coach's visits a week are the Roster's Visits per Week on their own row, else the
settings' ``plan_coach_visits``, else ``plan_visits_per_week``; meetings a week are
``plan_meetings_per_week``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from tracker_sync.patterns.equity import EQUITY_GROUPS
from tracker_sync.patterns.plan_needs import (
    People,
    cycle_needs,
    feedback_needs,
    goal_needs,
    in_need_order,
    meeting_needs,
    observation_needs,
    people_of,
)
from tracker_sync.patterns.plan_review import (
    CARRIED_OFTEN,
    Recorded,
    carried_counts,
    done_in_week,
    plan_equity,
    review,
)
from tracker_sync.patterns.plan_weeks import VISIT, Capacity, SchoolWeek, fit_to_capacity, school_weeks
from tracker_sync.schemas import SchoolSettings

if TYPE_CHECKING:
    from tracker_sync.patterns import Patterns
    from tracker_sync.validate import Records

#: One item of a plan: who, what, since when, due when, why, the week and day it is planned on, its
#: status and how many weeks it has been carried over.
ITEM_COLUMNS = ["coach", "teacher", "kind", "since", "due", "reason", "week", "day", "status", "carried"]
#: The previous plan's items due in its week, as the Plan tab keeps them.
PREVIOUS_COLUMNS = ["coach", "teacher", "kind", "since", "due", "planned", "carried"]
COACH_COLUMNS = ["coach", "role", "visits", "meetings", "capacity_from", "planned_visits", "planned_meetings",
                 "carried", "overdue_visits", "weeks_to_clear"]
DONE, TO_DO, CARRIED, COMING, NO_ROOM = "Done", "To do", "Carried over", "Coming", "No room yet"


@dataclass(frozen=True)
class PlanMemory:
    """What the Plan tab keeps between syncs: the plan's week and items, the day it was made (None: a
    preview, remade until its week starts), and the previous plan's items due in its week."""

    week: dt.date
    made_on: dt.date | None
    items: pd.DataFrame  # ITEM_COLUMNS
    previous_week: dt.date | None = None
    previous: pd.DataFrame | None = None  # PREVIOUS_COLUMNS


@dataclass(frozen=True)
class Plan:
    """The plan of the coming school week (``week`` None once the school year is over).

    items: every item due by the end of the plan's last week, in need order per coach, with the week
    it is planned in (None: no room in any of them); status Done or To do in the coming week,
    Carried over (due this week, no room), Coming (due in a later week) or No room yet.
    coaches: one row per coach (COACH_COLUMNS); weeks_to_clear is the weeks their capacity needs for
    the visits overdue today. previous, review, carried_often and equity: see plan_review.
    """

    as_of: dt.date
    week: SchoolWeek | None
    weeks: tuple[SchoolWeek, ...]
    made_on: dt.date | None
    items: pd.DataFrame
    coaches: pd.DataFrame
    previous_week: dt.date | None
    previous: pd.DataFrame
    review: pd.DataFrame
    carried_often: pd.DataFrame
    equity: pd.DataFrame

    def week_items(self) -> pd.DataFrame:
        """The items planned in the coming week."""
        return self.items[self.items["week"] == (self.week.start if self.week else None)]


def coaching_plan(records: Records, settings: SchoolSettings, as_of: dt.date, memory: PlanMemory | None = None, *,
                  patterns: Patterns | None = None, weeks: int | None = None) -> Plan:
    """The plan as of ``as_of`` (module docstring). ``patterns``: compute_patterns of the same records,
    settings and date when the caller has them (a sync does); ``weeks``: how many weeks to plan
    (default ``plan_weeks``)."""
    from tracker_sync.patterns import compute_patterns

    patterns = patterns if patterns is not None else compute_patterns(records, settings, as_of)
    recorded = _recorded(records, patterns, as_of)
    planned_weeks = tuple(school_weeks(settings, as_of, weeks or settings.norms.plan_weeks))
    week = planned_weeks[0] if planned_weeks else None
    people = people_of(_roster(records), list(patterns.coverage["teacher"]), settings)
    capacity = {coach: Capacity(*_capacity(coach, people, settings)[:2]) for coach in people.coaches}
    made_on = as_of if week is not None and as_of >= week.start else None
    previous_week, previous = _previous(memory, week)
    if memory is not None and week is not None and memory.week == week.start and memory.made_on is not None:
        items, made_on = memory.items.copy(), memory.made_on  # the week's plan is kept; only Done moves
        week = next(iter(school_weeks(settings, made_on, 1)), week)  # its school days as when it was made
        planned_weeks = (week, *planned_weeks[1:])
        items["status"] = _statuses(items, week, done_in_week(recorded, items, week.start))
    else:
        items = _fresh_items(patterns, settings, as_of, people, recorded.reflected, planned_weeks, capacity)
        items["carried"] = carried_counts(items, previous)
    if previous is not None and previous_week is not None:
        previous = previous.assign(done=done_in_week(recorded, previous, previous_week) if len(previous) else [])
    else:
        previous = pd.DataFrame(columns=[*PREVIOUS_COLUMNS, "done"])
    often = items[items["carried"] >= CARRIED_OFTEN].sort_values(["carried", "due"], ascending=[False, True], kind="stable")
    week_items = items[items["week"] == (week.start if week else None)]
    return Plan(as_of, week, planned_weeks, made_on, items.reset_index(drop=True),
                _coaches(items, people, settings, planned_weeks, as_of), previous_week, previous, review(previous),
                often.reset_index(drop=True), plan_equity(week_items, patterns.equity_groups, EQUITY_GROUPS.items()))


def _roster(records: Records) -> pd.DataFrame:
    """The Roster's records with the columns people_of reads (an empty Roster has no fields at all)."""
    columns = records.columns("roster")
    rows = len(next(iter(columns.values()), []))
    keys = ("teacher", "status", "role", "team_lead", "visits_per_week")
    return pd.DataFrame({key: columns.get(key, [None] * rows) for key in keys})


def _recorded(records: Records, patterns: Patterns, as_of: dt.date) -> Recorded:
    """What done_in_week reads: the patterns' frames, and the 1:1s and reflections from the records."""
    meetings = records.columns("one_on_ones")
    dates = pd.to_datetime(pd.Series(meetings.get("date", []), dtype="object"))
    meetings_frame = pd.DataFrame({"teacher": meetings.get("teacher", []), "date": dates})
    cycles = records.columns("learning_cycles")
    reflected = frozenset(int(row) for row, text in zip(cycles.get("row", []), cycles.get("reflection", []), strict=True) if text)
    return Recorded(patterns.feedback, meetings_frame[meetings_frame["date"] <= pd.Timestamp(as_of)], patterns.goals,
                    patterns.cycles, reflected)


def _previous(memory: PlanMemory | None, week: SchoolWeek | None) -> tuple[dt.date | None, pd.DataFrame | None]:
    """The plan to compare with: the remembered one when the week moved on (its items due in its
    week), else the one the memory itself compared with."""
    if memory is None or week is None or memory.week > week.start:
        return None, None
    if memory.week == week.start:
        return memory.previous_week, memory.previous
    end = memory.week + dt.timedelta(days=6)
    due = memory.items[[d <= end for d in memory.items["due"]]]
    return memory.week, pd.DataFrame({
        "coach": due["coach"], "teacher": due["teacher"], "kind": due["kind"], "since": due["since"], "due": due["due"],
        "planned": [w == memory.week for w in due["week"]], "carried": due["carried"]}).reset_index(drop=True)


def _capacity(coach: str, people: People, settings: SchoolSettings) -> tuple[int, int, str]:
    norms = settings.norms
    if coach in people.visits_of:
        return people.visits_of[coach], norms.plan_meetings_per_week, "Roster"
    if coach in norms.plan_coach_visits:
        return norms.plan_coach_visits[coach], norms.plan_meetings_per_week, "settings"
    return norms.plan_visits_per_week, norms.plan_meetings_per_week, "norm"


def _fresh_items(patterns: Patterns, settings: SchoolSettings, as_of: dt.date, people: People,
                 reflected: frozenset[int], weeks: tuple[SchoolWeek, ...], capacity: dict[str, Capacity]) -> pd.DataFrame:
    """Every need due by the end of the last week, placed into the weeks by capacity."""
    if not weeks:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    norms = settings.norms
    visits = dict(zip(patterns.coverage["teacher"], patterns.coverage["last_observed"], strict=True))
    visits.update(zip(patterns.lead_coverage["teacher"], patterns.lead_coverage["last_observed"], strict=True))
    last_visit = {person: (None if pd.isna(day) else pd.Timestamp(day).date()) for person, day in visits.items()}
    rows = observation_needs(settings, as_of, people, last_visit, patterns.equity_groups, patterns.cycles)
    rows += feedback_needs(settings, as_of, people, patterns.feedback)
    if "one_on_ones" not in patterns.untracked:
        rows += meeting_needs(settings, as_of, people, patterns.one_on_ones, norms.one_on_one_gap_days, "1:1")
        rows += meeting_needs(settings, as_of, people, patterns.lead_check_ins, norms.lead_check_in_gap_days,
                              "check-in with a school leader")
    if "goals" not in patterns.untracked:
        rows += goal_needs(people, patterns.goals, patterns.goal_period)
    rows += cycle_needs(as_of, people, patterns.cycles, reflected, weeks[-1].end)
    needs = in_need_order([r for r in rows if r[4] <= weeks[-1].end])
    what = list(zip(needs["coach"], needs["teacher"], needs["kind"], needs["due"], strict=True))
    placed = fit_to_capacity(what, capacity, weeks)
    items = needs.drop(columns="priority").assign(week=[p.week for p in placed], day=[p.day for p in placed])
    first = weeks[0]
    items["status"] = [TO_DO if w == first.start else NO_ROOM if w is None else CARRIED if d <= first.end else COMING
                       for w, d in zip(items["week"], items["due"], strict=True)]
    return items


def _statuses(items: pd.DataFrame, week: SchoolWeek, done: list[bool]) -> list[str]:
    """Done or To do for the week's items; the others keep theirs."""
    return [(DONE if is_done else TO_DO) if w == week.start else status
            for w, status, is_done in zip(items["week"], items["status"], done, strict=True)]


def _coaches(items: pd.DataFrame, people: People, settings: SchoolSettings, weeks: tuple[SchoolWeek, ...],
             as_of: dt.date) -> pd.DataFrame:
    """One row per coach: school leaders first (in role order), then the others by name."""
    leader_rank = {role: n for n, role in enumerate(settings.norms.school_leader_roles)}
    names = sorted(set(people.coaches) | set(items["coach"]),
                   key=lambda c: (leader_rank.get(people.role_of.get(c, ""), len(leader_rank)), c))
    start = weeks[0].start if weeks else None
    visits_now: Counter[str] = Counter()
    carried: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    met_now: defaultdict[str, set[str]] = defaultdict(set)
    columns = (items["coach"], items["teacher"], items["kind"], items["due"], items["week"], items["status"])
    for coach, teacher, kind, due, week, status in zip(*columns, strict=True):
        if week == start:
            if kind == VISIT:
                visits_now[coach] += 1
            else:
                met_now[coach].add(teacher)
        carried[coach] += status in (CARRIED, NO_ROOM)
        overdue[coach] += kind == VISIT and due < as_of
    rows = []
    for coach in names:
        visits, meetings, source = _capacity(coach, people, settings)
        rows.append([coach, people.role_of.get(coach, ""), visits, meetings, source, visits_now[coach], len(met_now[coach]),
                     carried[coach], overdue[coach], weeks_to_clear(overdue[coach], visits, weeks)])
    return pd.DataFrame(rows, columns=COACH_COLUMNS)


def weeks_to_clear(overdue: int, per_week: int, weeks: tuple[SchoolWeek, ...]) -> int | None:
    """School weeks a coach's capacity needs for ``overdue`` visits: the plan's weeks as they are
    (a short week has fewer visits), then full weeks; None when the coach has no capacity."""
    if overdue == 0:
        return 0
    if per_week == 0:
        return None
    room = 0
    for n, week in enumerate(weeks, start=1):
        room += week.capacity(per_week)
        if room >= overdue:
            return n
    return len(weeks) + math.ceil((overdue - room) / per_week)


def with_memory(plan: Plan) -> PlanMemory:
    """The memory the next sync reads back (what the Plan tab keeps), straight from a plan: for
    callers that keep plans without a tab between runs (tests, the benchmark's weeks)."""
    previous = plan.previous[PREVIOUS_COLUMNS] if len(plan.previous) else None
    week = plan.week.start if plan.week else plan.as_of
    return PlanMemory(week, plan.made_on, plan.items[ITEM_COLUMNS], plan.previous_week, previous)
