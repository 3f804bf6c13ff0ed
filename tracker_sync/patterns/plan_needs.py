"""What is due for whom, and who does it: the coaching plan's items before they are fitted into weeks.

One row per item (:data:`NEED_COLUMNS`), from the patterns already computed for the same as-of date:

* **observe**: every active observed person, due the norm's gap after their last visit
  (``observation_gap_days``), sooner for novices and the lowest score quartile
  (``plan_priority_gap_days``), and by ``cycle_observation_grace_days`` after the start of an Active
  learning cycle with no visit inside it. Team Leads count school leaders' visits only (one level up,
  as on the Patterns tab). Never visited this school year: due the gap after the year's first day.
* **feedback**: each observer's latest visit to a teacher still without a Feedback Date (in the last
  ``plan_feedback_lookback_days``), due ``feedback_within_school_days`` school days after it.
  The observer gives it when they coach; a visit by someone else (a peer) goes to the teacher's coach.
* **one_on_one**: a teacher's 1:1 with their Team Lead, and a Team Lead's check-in with their school
  leader, due the cadence norm after the last one (tracked only when the tracker has the 1:1 tab).
* **goal**: a teacher with an Active goal not checked in this check-in period, due at its end.
* **cycle**: an Active learning cycle ending within the plan's weeks (or already past its end), or a
  Complete one with no reflection, due on its end date: close it with a reflection.

The coach is the Roster's Team Lead of the person. A person whose Team Lead has left, is not on the
Roster, is themselves, or is blank goes to the school leader's section (the first Active person in
``school_leader_roles`` order, Principal first), with the reason saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tracker_sync.patterns.plan_weeks import add_school_days
from tracker_sync.schemas import SchoolSettings

NEED_COLUMNS = ["coach", "teacher", "kind", "since", "due", "reason", "priority"]
NeedRow = list[Any]  #: one need, NEED_COLUMNS in order
#: kind -> what the Plan tab and the calendar feeds call it
KIND_LABELS = {"feedback": "Feedback meeting", "observe": "Observe", "cycle": "Close learning cycle",
               "one_on_one": "1:1", "goal": "Goal check-in"}
#: Among items due the same day and equally urgent: feedback owed first, then visits, then the rest.
KIND_ORDER = {kind: n for n, kind in enumerate(KIND_LABELS)}
NO_COACH = "No coach on the Roster"


@dataclass(frozen=True)
class People:
    """Who coaches whom, from the Roster: each observed person's coach and the note on why it is not
    their Team Lead; each coach's role and their own Visits per Week."""

    coach_of: dict[str, str]
    note_of: dict[str, str]
    role_of: dict[str, str]
    visits_of: dict[str, int]
    leader: str
    leads: frozenset[str]
    coaches: frozenset[str]  # everyone with a section: named coaches who are Active, and the school leaders


def people_of(roster: pd.DataFrame, observed: list[str], settings: SchoolSettings) -> People:
    """Coach assignment (see the module docstring). ``roster`` is the Roster frame; ``observed`` the
    active observed people (the coverage list). The first Roster row of a name wins."""
    norms = settings.norms
    first = roster.drop_duplicates("teacher")
    status = dict(zip(first["teacher"], first["status"], strict=True))
    role_of = {name: role for name, role in zip(first["teacher"], first["role"], strict=True) if isinstance(role, str)}
    lead_of = {name: lead for name, lead in zip(first["teacher"], first["team_lead"], strict=True) if isinstance(lead, str)}
    visits_of = {name: int(v) for name, v in zip(first["teacher"], first["visits_per_week"], strict=True) if pd.notna(v)}
    active_leaders = [name for role in norms.school_leader_roles for name in first["teacher"]
                      if role_of.get(name) == role and status.get(name) == "Active"]
    leader = active_leaders[0] if active_leaders else NO_COACH
    coach_of, note_of = {}, {}
    for person in observed:
        named = lead_of.get(person)
        if named and named != person and status.get(named) == "Active":
            coach_of[person] = named
            continue
        coach_of[person] = leader
        if not named:
            note_of[person] = "no Team Lead on the Roster"
        elif named == person:
            note_of[person] = "names themselves as Team Lead"
        elif named not in status:
            note_of[person] = f"Team Lead {named} is not on the Roster"
        else:
            note_of[person] = f"Team Lead {named} has left"
    leads = frozenset(name for name in observed if role_of.get(name) in norms.lead_roles)
    return People(coach_of, note_of, role_of, visits_of, leader, leads, frozenset({*coach_of.values(), *active_leaders}))


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _days_ago(day: dt.date, as_of: dt.date) -> str:
    days = (as_of - day).days
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"


def observation_needs(settings: SchoolSettings, as_of: dt.date, people: People, last_visit: Mapping[str, dt.date | None],
                      groups: pd.DataFrame, cycles: pd.DataFrame) -> list[NeedRow]:
    """Visits due (see the module docstring); ``last_visit`` per observed person (Team Leads: by a
    school leader), ``groups`` the equity groups (teacher, novice, lowest_quartile), ``cycles`` the
    cycle checks."""
    norms = settings.norms
    novice = dict(zip(groups["teacher"], groups["novice"].astype(bool), strict=True))
    lowest = dict(zip(groups["teacher"], groups["lowest_quartile"].astype(bool), strict=True))
    unvisited_cycle: dict[str, tuple[str, dt.date]] = {}
    for teacher, name, start, status, visits in zip(cycles["teacher"], cycles["cycle"], cycles["start_date"],
                                                    cycles["status"], cycles["observations"], strict=True):
        if status == "Active" and visits == 0 and teacher not in unvisited_cycle:
            unvisited_cycle[teacher] = (name, pd.Timestamp(start).date())
    rows = []
    for person, last in last_visit.items():
        reasons = [people.note_of[person]] if person in people.note_of else []
        by = "a school leader's " if person in people.leads else ""
        reasons.append(f"last {by}visit {last.isoformat()}, {_days_ago(last, as_of)}" if last
                       else f"no {by}visit this school year")
        urgent = [why for why, flagged in (("novice", novice.get(person)), ("lowest score quartile", lowest.get(person)))
                  if flagged]
        gap = norms.plan_priority_gap_days if urgent else norms.observation_gap_days
        reasons.append(f"every {gap} days" + (f" ({', '.join(urgent)})" if urgent else ""))
        due = (last or settings.school_year_start) + dt.timedelta(days=gap)
        priority = len(urgent)
        if person in unvisited_cycle:
            name, start = unvisited_cycle[person]
            cycle_due = start + dt.timedelta(days=norms.cycle_observation_grace_days)
            if cycle_due < due:
                due = cycle_due
                reasons.append(f"{name} (since {start.isoformat()}) has no visit yet")
                priority += 1
        rows.append([people.coach_of[person], person, "observe", last, due, "; ".join(reasons), priority])
    return rows


def feedback_needs(settings: SchoolSettings, as_of: dt.date, people: People, feedback: pd.DataFrame) -> list[NeedRow]:
    """Feedback meetings owed (see the module docstring); ``feedback`` is the feedback latency frame."""
    norms = settings.norms
    since = pd.Timestamp(as_of - dt.timedelta(days=norms.plan_feedback_lookback_days))
    waiting = feedback[feedback["feedback_date"].isna() & (feedback["date"] >= since) & feedback["teacher"].isin(people.coach_of)]
    latest: dict[tuple[str, str], list[dt.date]] = {}
    for teacher, observer, day in zip(waiting["teacher"], waiting["observer"], waiting["date"], strict=True):
        giver = observer if observer in people.coaches and observer != teacher else people.coach_of[teacher]
        latest.setdefault((giver, teacher), []).append(pd.Timestamp(day).date())
    rows = []
    for (giver, teacher), days in latest.items():
        visit = max(days)
        reason = f"visit {visit.isoformat()} has no feedback yet; within {norms.feedback_within_school_days} school days"
        if len(days) > 1:
            reason += f" ({len(days) - 1} earlier visit{'s' if len(days) > 2 else ''} also waiting)"
        due = add_school_days(settings, visit, norms.feedback_within_school_days)
        rows.append([giver, teacher, "feedback", visit, due, reason, 0])
    return rows


def meeting_needs(settings: SchoolSettings, as_of: dt.date, people: People, cadence: pd.DataFrame, gap: int,
                  what: str) -> list[NeedRow]:
    """1:1s (or a lead's check-ins) due by the cadence norm; ``cadence`` is one_on_one_cadence or
    lead_check_ins."""
    rows = []
    for person, last in zip(cadence["teacher"], cadence["last_meeting"], strict=True):
        if person not in people.coach_of:
            continue
        last = _date(last)
        reasons = [people.note_of[person]] if person in people.note_of else []
        reasons.append(f"last {what} {last.isoformat()}, {_days_ago(last, as_of)}" if last else f"no {what} this school year")
        reasons.append(f"every {gap} days")
        due = (last or settings.school_year_start) + dt.timedelta(days=gap)
        rows.append([people.coach_of[person], person, "one_on_one", last, due, "; ".join(reasons), 0])
    return rows


def goal_needs(people: People, goals: pd.DataFrame, period: tuple[dt.date, dt.date]) -> list[NeedRow]:
    """One check-in per person with Active goals not checked this period, due at the period's end."""
    unchecked = goals[goals["no_check_in"].astype(bool) & ~goals["is_team"].astype(bool)]
    counts = unchecked["teacher_or_team"].value_counts()
    rows = []
    for person, count in counts.items():
        if person in people.coach_of:
            goal = f"{count} Active goals" if count > 1 else "Active goal"
            reason = f"{goal} not checked in since {period[0].isoformat()} (each check-in period)"
            rows.append([people.coach_of[person], person, "goal", period[0], period[1], reason, 0])
    return rows


def cycle_needs(as_of: dt.date, people: People, cycles: pd.DataFrame, reflected: frozenset[int],
                last_day: dt.date) -> list[NeedRow]:
    """Learning cycles to close with a reflection (see the module docstring); ``reflected`` holds the
    sheet rows of cycles with a Reflection, ``last_day`` the plan's last day."""
    rows = []
    columns = (cycles["row"], cycles["teacher"], cycles["cycle"], cycles["end_date"], cycles["status"])
    for row, teacher, name, end, status in zip(*columns, strict=True):
        end = _date(end)
        if teacher not in people.coach_of or end is None:
            continue
        if status == "Active" and end <= last_day:
            reason = f"{name} ended {end.isoformat()}, still Active" if end < as_of else f"{name} ends {end.isoformat()}"
        elif status == "Complete" and int(row) not in reflected:
            reason = f"{name} is Complete with no reflection"
        else:
            continue
        rows.append([people.coach_of[teacher], teacher, "cycle", end, end, reason + "; close it with a reflection", 0])
    return rows


def in_need_order(rows: list[NeedRow]) -> pd.DataFrame:
    """The needs as a frame, most needed first: earliest due, then the most reasons for urgency, then
    feedback before visits before the rest; the name only breaks what is otherwise a tie."""
    rows = sorted(rows, key=lambda r: (r[4], -r[6], KIND_ORDER[r[2]], r[1], r[0]))
    return pd.DataFrame(rows, columns=NEED_COLUMNS)
