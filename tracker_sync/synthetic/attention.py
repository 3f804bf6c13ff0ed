"""Who gets the attention, in the synthetic school: the stories the equity, step-load and agreement
patterns should find (tracker_sync.synthetic.school calls `add_attention_stories` on its grids).

- Novices of one team are visited far less than usual in the last six weeks.
- A few scored visits a month are co-observed: a second observer scores the same lesson (scores
  tab Type "Co-observation"). Observers mostly agree within a point; the drifting observer (whose
  scores rise over the semester, built into every score they give) agrees less and less.
- One teacher has three open action steps, one has open steps from two coaches, and one step has
  been open for five weeks with no due date.

Works on the grids (header row first) so it needs nothing of the generator but the calendar, the
observers' offsets and a seeded random source.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tracker_sync.schemas import Rubric, Template
from tracker_sync.schemas.template import RecordKind
from tracker_sync.tabs import CellValue, Grid

CO_OBSERVATION = "Co-observation"
_LEADERS = ("Principal", "Assistant Principal", "Team Lead", "Senior Team Lead")
_STORY_TABS: tuple[RecordKind, ...] = ("roster", "observation", "score", "action_step", "learning_cycle")

Row = dict[str, CellValue]  # one grid row by template key


def _text(row: Row, key: str) -> str:
    """A text cell the generator wrote (anything else there is a bug in the generator)."""
    value = row[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is {value!r}, where the generator writes text")
    return value


def _day(row: Row, key: str) -> dt.date:
    """A date cell the generator wrote."""
    value = row[key]
    if not isinstance(value, dt.date):
        raise TypeError(f"{key} is {value!r}, where the generator writes a date")
    return value


def _number(row: Row, key: str) -> float:
    """A score or a count the generator wrote."""
    value = row[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{key} is {value!r}, where the generator writes a number")
    return value


@dataclass(frozen=True)
class AttentionStories:
    """Where the stories are, so tests and the demo can check the patterns find them."""

    quiet_team: str  # the team whose novices are visited least
    quiet_novices: tuple[str, ...]
    co_observations: int  # co-observer rows added to the scores tab
    drifting_observer: str
    overloaded_teacher: str  # three open steps ("" when a tiny school has nobody left to pick)
    two_coach_teacher: str  # open steps from the Team Lead and an administrator
    undated_step_teacher: str  # a step open five weeks with no due date


class _Tab:
    """One grid's rows as dicts by template key, and back."""

    def __init__(self, template: Template, kind: RecordKind, grid: Grid) -> None:
        self.keys = [c.key for c in template.tab_of_kind(kind).columns]
        self.header = grid[0]
        self.rows: list[Row] = [dict(zip(self.keys, row, strict=True)) for row in grid[1:]]

    def grid(self) -> Grid:
        return [self.header, *([r.get(k) for k in self.keys] for r in self.rows)]


def add_attention_stories(grids: dict[str, Grid], template: Template, rubric: Rubric, days: list[dt.date],
                          offset: Callable[[str, dt.date], float], *, unit: float, drifter: str, avoid: set[str],
                          rng: random.Random, np_rng: np.random.Generator, novice_max_years: int,
                          named: set[str]) -> AttentionStories:
    """Change the grids in place (rows added or removed, never a typo) and say where the stories are.

    `offset(observer, day)`: how far that observer's scores sit from the school's on that day, in
    rubric points (their leniency and drift); `avoid`: observers who never co-observe (the lenient
    and the middle-band ones have stories of their own); `named`: teachers left out of the step
    stories (their rows carry stories of their own, such as a planted typo).
    """
    tabs = {kind: _Tab(template, kind, grids[template.tab_of_kind(kind).name]) for kind in _STORY_TABS}
    people = {_text(r, "teacher"): r for r in tabs["roster"].rows}
    quiet_team, novices = _quiet_novices(tabs, people, days[-1], novice_max_years)
    co_observed = _co_observations(tabs["score"], rubric, people, offset, unit=unit, avoid=avoid, drifter=drifter,
                                   rng=rng, np_rng=np_rng)
    overloaded, two_coaches, undated = _step_stories(tabs["action_step"], people, days, named=named, spared=set(novices), rng=rng)
    for kind, tab in tabs.items():
        grids[template.tab_of_kind(kind).name] = tab.grid()
    return AttentionStories(quiet_team, tuple(novices), co_observed, drifter, overloaded, two_coaches, undated)


def _quiet_novices(tabs: dict[RecordKind, _Tab], people: dict[str, Row], as_of: dt.date, max_years: int) -> tuple[str, list[str]]:
    """Drop the unscored visits of one team's novices in the last six weeks, but the latest when
    there is no scored one: about one visit each in a month where colleagues get two or three."""
    novices: dict[str, list[str]] = {}
    for name, p in people.items():
        if (p["role"] == "Teacher" and p["status"] == "Active" and p["years_experience"] is not None
                and _number(p, "years_experience") <= max_years):
            novices.setdefault(_text(p, "team"), []).append(name)
    team = max(novices, key=lambda t: (len(novices[t]), t))  # the most novices; ties: the later name, fixed
    quiet = sorted(novices[team])
    visits = tabs["observation"].rows
    since = as_of - dt.timedelta(weeks=6)
    dropped: set[int] = set()
    for name in quiet:
        recent = [i for i, v in enumerate(visits) if v["teacher"] == name and _day(v, "date") >= since]
        unscored = [i for i in recent if not str(visits[i]["type"]).startswith("Scored")]
        dropped |= set(unscored if len(unscored) < len(recent) else unscored[:-1])
    tabs["observation"].rows = [v for i, v in enumerate(visits) if i not in dropped]
    return team, quiet


def _co_observations(scores: _Tab, rubric: Rubric, people: dict[str, Row], offset: Callable[[str, dt.date], float], *,
                     unit: float, avoid: set[str], drifter: str, rng: random.Random, np_rng: np.random.Generator) -> int:
    """About two co-observed lessons a month (at least six a semester): a second observer's row
    right after the scored one, same teacher, date and indicators. Their scores are the first
    observer's, moved by the difference of the two observers' offsets, plus rater noise; the
    drifting observer is one of the two in every other co-observation, the last one included."""
    leaders = sorted(n for n, p in people.items() if p["role"] in _LEADERS and p["status"] == "Active" and n not in avoid)
    candidates = [i for i, r in enumerate(scores.rows) if r["observer"] not in avoid and r["type"] != CO_OBSERVATION]
    months = sorted({_day(scores.rows[i], "date").month for i in candidates})
    wanted = max(6, 2 * len(months))
    picks = sorted({candidates[round(k * (len(candidates) - 1) / (wanted - 1))] for k in range(wanted)}) if candidates else []
    step = 0.5 if rubric.half_points else 1.0
    added = []
    for k, at in enumerate(picks):
        first = scores.rows[at]
        others = [n for n in leaders if n not in (first["teacher"], first["observer"])]
        if first["observer"] != drifter and (len(picks) - 1 - k) % 2 == 0 and drifter in others:
            second = drifter
        else:
            others = [n for n in others if n != drifter] or others
            second = rng.choice(others)
        shift = offset(second, _day(first, "date")) - offset(_text(first, "observer"), _day(first, "date"))
        row = dict(first, observer=second, type=CO_OBSERVATION, notes=f"Co-observed with {first['observer']}.")
        for code in rubric.codes:
            if first[code] is not None:
                value = _number(first, code) + shift + np_rng.normal(0, 0.4 * unit)
                score = float(np.clip(round(value / step) * step, rubric.scale_min, rubric.scale_max))
                row[code] = int(score) if step == 1.0 else score
        added.append((at, row))
    for at, row in reversed(added):
        scores.rows.insert(at + 1, row)
    return len(added)


def _step_stories(steps: _Tab, people: dict[str, Row], days: list[dt.date], *, named: set[str], spared: set[str],
                  rng: random.Random) -> tuple[str, str, str]:
    """Three open steps for one teacher, open steps from their Team Lead and an administrator for
    another, and a step with no due date open for five weeks for a third; picked among teachers
    with one step so far (else two), so nobody ends up with more than three. `named` teachers are
    never picked, `spared` ones (the quiet novices) only when nobody else is left."""
    as_of = days[-1]
    mine: dict[str, list[Row]] = {}
    for s in steps.rows:
        mine.setdefault(_text(s, "teacher"), []).append(s)
    def pick(names: list[str]) -> list[str]:
        names = sorted(names)
        rng.shuffle(names)
        return names

    eligible = [n for n, p in people.items() if p["role"] == "Teacher" and p["status"] == "Active" and p["team_lead"] in people
                and 1 <= len(mine.get(n, ())) <= 2 and n not in named]
    ones, twos = ([n for n in eligible if len(mine[n]) == k] for k in (1, 2))
    order = [*pick([n for n in ones if n not in spared]), *pick([n for n in twos if n not in spared]),
             *pick([n for n in eligible if n in spared])]  # a quiet novice only in a very small school
    overloaded, two_coaches, undated = (*order, "", "", "")[:3]  # a tiny school may lack a teacher for one

    def add(teacher: str, set_by: str, set_on: dt.date, due: dt.date | None) -> None:
        like = rng.choice([s for s in steps.rows if s["teacher"] != teacher and s["indicator"]])
        steps.rows.append(dict(date_set=set_on, teacher=teacher, set_by=set_by, action_step=like["action_step"],
                               indicator=like["indicator"], due_date=due, status="In Progress"))

    def keep_open(step: Row, set_by: str) -> None:
        step.update(status="In Progress", set_by=set_by, date_completed=None, evidence=None,
                    due_date=max(_day(step, "due_date"), as_of + dt.timedelta(days=7)))

    recent = [d for d in days if d > as_of - dt.timedelta(weeks=3)]
    if overloaded:
        lead = _text(people[overloaded], "team_lead")
        for step in mine[overloaded]:
            keep_open(step, lead)
        for set_on in sorted(rng.sample(recent, 3 - len(mine[overloaded]))):
            add(overloaded, lead, set_on, set_on + dt.timedelta(days=21))
    if two_coaches:
        *earlier, latest = mine[two_coaches]
        for step in earlier:  # met, so the two open steps are the lead's and the administrator's
            step.update(status="Met", date_completed=min(_day(step, "date_set") + dt.timedelta(days=7), as_of))
        lead = _text(people[two_coaches], "team_lead")
        keep_open(latest, lead)
        boss = _text(people[lead], "team_lead")  # the administrator over their Team Lead
        set_on = rng.choice(recent)
        add(two_coaches, boss, set_on, set_on + dt.timedelta(days=14))
    if undated:
        five_weeks = max(d for d in days if d <= as_of - dt.timedelta(weeks=5))
        add(undated, _text(people[undated], "team_lead"), five_weeks, None)
    steps.rows.sort(key=lambda s: _day(s, "date_set"))
    return overloaded, two_coaches, undated
