"""Planned against done: which planned items the tracker shows done, how often an item was carried
over, each coach's completion of last week's plan, and the plan's share of visits by equity group.

* **Done** means recorded in the tracker with a date inside the plan's week (Monday to Sunday), read
  from the rows as they are now, so a visit typed in days later still counts for its week: a visit
  to the teacher (observe), a Feedback Date on the visit waiting for it (feedback), a 1:1 with the
  person (1:1), a goal of theirs checked in or set (goal check-in), the cycle no longer Active and
  reflected on, or Abandoned (close learning cycle).
* **Carried over**: an item of the previous plan that was due in its week (planned or without room)
  and is still the same need now (same person, kind and "since" date) has been carried once more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tracker_sync.patterns.plan_weeks import VISIT

REVIEW_COLUMNS = ["coach", "planned", "done", "completion", "not_done", "no_room"]
EQUITY_COLUMNS = ["group", "teachers", "share_of_teachers", "planned_visits", "share_of_visits"]
#: How many times carried over before the Plan tab and the brief list the teacher ("more than twice").
CARRIED_OFTEN = 3


def item_key(teacher: str, kind: str, since: dt.date | None) -> tuple[str, str, str]:
    """What makes two plans' items the same need (and the calendar event's identity)."""
    return teacher, kind, since.isoformat() if since else ""


def _in(days: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    return (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))


@dataclass(frozen=True)
class Recorded:
    """What the tracker holds, as of the plan's date (the patterns' frames): visits (teacher, date,
    feedback_date), 1:1s (teacher, date), goals (teacher_or_team, set_date, last_check_in), learning
    cycles (row, teacher, end_date, status), and the sheet rows of the cycles with a Reflection."""

    visits: pd.DataFrame
    meetings: pd.DataFrame
    goals: pd.DataFrame
    cycles: pd.DataFrame
    reflected: frozenset[int]


def done_in_week(recorded: Recorded, items: pd.DataFrame, start: dt.date) -> list[bool]:
    """Per item (teacher, kind, since): recorded as done in the week starting ``start`` (module docstring)."""
    end = start + dt.timedelta(days=6)
    obs, meetings, goals, cycles = recorded.visits, recorded.meetings, recorded.goals, recorded.cycles
    visited = set(obs.loc[_in(obs["date"], start, end), "teacher"])
    given = obs[obs["feedback_date"].notna() & (obs["feedback_date"] <= pd.Timestamp(end))]
    feedback = {(t, pd.Timestamp(d).date()) for t, d in zip(given["teacher"], given["date"], strict=True)}
    met = set(meetings.loc[_in(meetings["date"], start, end), "teacher"])
    checked = set(goals.loc[_in(goals["last_check_in"], start, end) | _in(goals["set_date"], start, end), "teacher_or_team"])
    closed = {(t, pd.Timestamp(e).date())
              for r, t, e, s in zip(cycles["row"], cycles["teacher"], cycles["end_date"], cycles["status"], strict=True)
              if s == "Abandoned" or (s == "Complete" and int(r) in recorded.reflected)}
    done = []
    for teacher, kind, since in zip(items["teacher"], items["kind"], items["since"], strict=True):
        done.append({"observe": teacher in visited, "feedback": (teacher, since) in feedback, "one_on_one": teacher in met,
                     "goal": teacher in checked, "cycle": (teacher, since) in closed}[kind])
    return done


def carried_counts(items: pd.DataFrame, previous: pd.DataFrame | None) -> list[int]:
    """Per item: 0, or the previous plan's count plus one when the previous plan had the same need due
    in its week (``previous``: its items due by its week's end, with their ``carried`` counts)."""
    if previous is None or previous.empty:
        return [0] * len(items)
    columns = (previous["teacher"], previous["kind"], previous["since"], previous["carried"])
    before = {item_key(t, k, s): int(c) for t, k, s, c in zip(*columns, strict=True)}
    return [before[key] + 1 if (key := item_key(t, k, s)) in before else 0
            for t, k, s in zip(items["teacher"], items["kind"], items["since"], strict=True)]


def review(previous: pd.DataFrame) -> pd.DataFrame:
    """Per coach of the previous plan: items planned for its week, how many are done, the completion
    (done / planned), the planned ones not done, and the items due that week that had no room."""
    if previous.empty:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    rows = []
    for coach, mine in previous.groupby("coach", sort=False):
        planned = mine[mine["planned"].astype(bool)]
        done = int(planned["done"].astype(bool).sum())
        rows.append([coach, len(planned), done, done / len(planned) if len(planned) else None,
                     len(planned) - done, len(mine) - len(planned)])
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def plan_equity(week_items: pd.DataFrame, groups: pd.DataFrame, labels: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Per group (``labels``: column of ``groups`` -> its name; "others" is everyone in no group): its
    teachers and their share of all observed teachers, and the week's planned visits to them and
    their share of all planned visits. The same groups as the equity pattern."""
    visits = week_items.loc[week_items["kind"] == VISIT, "teacher"]
    everyone, planned = len(groups), len(visits)
    rows = []
    for column, label in labels:
        members = set(groups.loc[groups[column].astype(bool), "teacher"])
        to_them = int(visits.isin(members).sum())
        rows.append([label, len(members), len(members) / everyone if everyone else None, to_them,
                     to_them / planned if planned else None])
    return pd.DataFrame(rows, columns=EQUITY_COLUMNS)
