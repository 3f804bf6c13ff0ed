"""1:1 meetings and goals for the synthetic school (tracker_sync.synthetic.school), and their coach mistakes.

Team Leads meet each teacher weekly or bi-weekly, school leaders check in with each Team Lead, and
a few 1:1s lapse (a busy lead stops meeting a teacher weeks before the as-of date). Every teacher and
lead sets a practice goal on a rubric indicator in early September, about half also a student-
learning goal; most teams share a common indicator (some with a team goal), one does not. Goals are
checked at 1:1s, a few not since the first quarter, a few teachers have only a Draft or no goal.

Built from its own seeded random source, so adding these tabs left every other tab of a seed as
it was. Names and dates come from the school built in tracker_sync.synthetic.school.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence

from tracker_sync.schemas import Rubric
from tracker_sync.schemas.template import RecordKind
from tracker_sync.synthetic.model import Cycle, Person, Staff, Visit, World
from tracker_sync.synthetic.words import Theme
from tracker_sync.tabs import CellValue

#: put(kind, index, column key, value, what): plant one mistake in a grid and record it.
Put = Callable[[RecordKind, int, str, CellValue, str], None]

_TEACHER_FOCUS = (
    "Debrief the last observation", "Co-plan next week's lessons", "Review exit-ticket data together",
    "Goal check-in", "Coaching calendar and the next visit", "Plan a co-observation of a colleague",
    "Look at student work from the unit", "Rehearse the action step",
)
_LEAD_FOCUS = (
    "Coaching calendar and scored-observation deadlines", "Team goals and the common indicator",
    "Plan release time for the team", "Prepare a difficult conversation", "Debrief my visit to your team meeting",
    "SLO deadlines and data", "Your leadership goal",
)
_LEAD_STEPS = (
    "Schedule the remaining scored observations on the shared calendar.", "Bring two teachers' exit tickets to the ILT.",
    "Draft the agenda for the next team meeting.", "Co-observe one teacher with me this week.",
)
_NOTES = ("Teacher led the agenda.", "Ran short; moved the rest to next week.", "Good energy; ready for the next cycle.", None)
_SLO = ("Students meet the unit benchmark", "Students grow one reading level",
        "Students score proficient on the common assessment")


def _meetings(rng: random.Random, days: list[dt.date], person: Person, led_by: str, every: int, kinds: Sequence[str],
              focus: Sequence[str], steps: Sequence[str], stop: int) -> list[dict]:
    """One person's 1:1s every `every` school days (give or take one), a few skipped, until `stop`."""
    rows, at = [], rng.randint(1, 5)
    while at <= stop:
        if rng.random() > 0.08:  # now and then a 1:1 is cancelled and not made up
            date = days[at]
            has_steps = rng.random() < 0.75
            rows.append(dict(date=date, teacher=person.name, led_by=led_by, kind=rng.choice(kinds), focus=rng.choice(focus),
                             next_steps=rng.choice(steps) if has_steps else None,
                             next_steps_due=date + dt.timedelta(days=7 if every <= 6 else 14) if has_steps else None,
                             notes=rng.choice(_NOTES)))
        at += max(2, every + rng.randint(-1, 1))
    return rows


def one_on_ones(rng: random.Random, staff: Staff, days: list[dt.date], themes: dict[str, Theme],
                focus_of: dict[str, str]) -> list[dict]:
    """Team Leads with their teachers (weekly or bi-weekly per lead), school leaders with each Team
    Lead; about one teacher in ten and one lead per school stop getting 1:1s three to five weeks
    before the last day."""
    last = len(days) - 1
    teachers = [p for _, _, members in staff.teams for p in members[1:]]
    lapsed = set(map(id, rng.sample(teachers, max(1, len(teachers) // 10))))
    lapsed_lead = rng.choice([lead for _, lead, _ in staff.teams])
    rows = []
    for team, lead, members in staff.teams:
        every = rng.choice((5, 9))  # weekly, or every other week
        boss = staff.supervisor[team].name
        for person in members[1:]:
            stop = min(person.last_day, last - rng.randint(15, 25) if id(person) in lapsed else last)
            led_by = boss if rng.random() < 0.05 else lead.name
            rows += _meetings(rng, days, person, led_by, every, ("Teacher 1:1",), _TEACHER_FOCUS,
                              themes[focus_of[person.name]].steps, stop)
        stop = last - rng.randint(15, 25) if lead is lapsed_lead else last
        rows += _meetings(rng, days, lead, boss, rng.choice((5, 9)), ("Team Lead check-in",) * 5 + ("Leadership coaching",),
                          _LEAD_FOCUS, _LEAD_STEPS, stop)
    for row in rows:  # step texts may carry a {m} for minutes
        if row["next_steps"]:
            row["next_steps"] = row["next_steps"].format(m=rng.randint(5, 10))
    return sorted(rows, key=lambda r: (r["date"], r["teacher"]))


def goals(rng: random.Random, staff: Staff, days: list[dt.date], rubric: Rubric, themes: dict[str, Theme],
          focus_of: dict[str, str], team_focus: dict[str, str], first_scores: dict[tuple[str, str], tuple[dt.date, float]],
          meetings: list[dict], as_of: dt.date) -> list[dict]:
    """One practice goal per teacher and lead (on the team's common indicator in every team but one),
    a student-learning goal for about half the teachers, team goals for some sharing teams, check-ins
    at 1:1s (a few people's not since the first quarter); one teacher has no goal, one only a Draft."""
    quarter_two = dt.date(2026, 10, 28)  # the synthetic school year's second quarter (its days split in four)
    september = [d for d in days if d.month == 9]
    met_on: dict[str, list[dt.date]] = {}
    for m in meetings:
        met_on.setdefault(m["teacher"], []).append(m["date"])
    teams = [team for team, _, _ in staff.teams]
    apart = rng.choice(teams)  # the one team with no common indicator
    sharing = [t for t in teams if t != apart]
    with_team_goal = set(rng.sample(sharing, rng.randint(min(2, len(sharing)), len(sharing))))
    people = [p for _, _, members in staff.teams for p in members]
    no_goal, draft_only = rng.sample([p for p in people if p.role == "Teacher" and p.status == "Active"], 2)
    unchecked = set(map(id, rng.sample(people, max(2, len(people) // 12))))
    code_of = {p.name: team_focus[team] if team != apart and p is not lead else focus_of[p.name]
               for team, lead, members in staff.teams for p in members}
    apart_teachers = next(members[1:] for team, _, members in staff.teams if team == apart)
    if len({code_of[p.name] for p in apart_teachers}) == 1:  # by chance all alike: one works on another indicator
        code_of[apart_teachers[-1].name] = rng.choice([c for c in rubric.codes if c != code_of[apart_teachers[0].name]])

    def check_in(name: str, set_on: dt.date, late: bool) -> dt.date | None:
        """The latest 1:1 with the person after the goal was set (before the second quarter if `late`)."""
        return max((d for d in met_on.get(name, []) if set_on < d <= as_of and not (late and d >= quarter_two)), default=None)

    rows = []
    for team, lead, members in staff.teams:
        for person in members:
            if person is no_goal:
                continue
            code, set_on = code_of[person.name], rng.choice(september)
            status = "Draft" if person is draft_only else "Not Met" if person.status == "Left" else "Active"
            first = first_scores.get((person.name, code))  # (date, score) of their first score on it
            baseline = first[1] if first and first[0] <= set_on and rng.random() < 0.75 else None
            target = (min(baseline + rng.choice((1, 1, 2)), rubric.scale_max) if baseline is not None
                      else rubric.meeting_score if rng.random() < 0.5 else None)
            rows.append(dict(teacher_or_team=person.name, kind="Professional practice", indicator=code,
                             goal=rng.choice(themes[code].goals), baseline=baseline, target=target, set_date=set_on,
                             last_check_in=check_in(person.name, set_on, id(person) in unchecked) if status == "Active" else None,
                             status=status))
            if person is not lead and status == "Active" and rng.random() < 0.5:
                low, set_on = rng.randint(25, 55), rng.choice(september)
                rows.append(dict(teacher_or_team=person.name, kind="Student learning / SLO", indicator=None,
                                 goal=rng.choice(_SLO),
                                 baseline=f"{low}% proficient (BOY)",
                                 target=f"{min(low + rng.randint(15, 30), 95)}% proficient (EOY)",
                                 set_date=set_on, last_check_in=check_in(person.name, set_on, False), status="Active"))
        if team in with_team_goal:
            set_on = rng.choice(september[:10])
            rows.append(dict(teacher_or_team=team, kind="Professional practice", indicator=team_focus[team],
                             goal=rng.choice(themes[team_focus[team]].goals), baseline=None, target=None, set_date=set_on,
                             last_check_in=check_in(lead.name, set_on, False), status="Active"))
    return sorted(rows, key=lambda r: (r["set_date"], r["teacher_or_team"], r["kind"]))


def plant(rng: random.Random, grids: dict, tab_of: Callable[[RecordKind], str], put: Put, surnames: dict[str, str]) -> None:
    """Four typical coach mistakes on the new tabs: next steps due a month before the 1:1, a teacher
    typed as 'Ms. Surname', a team goal naming '<team> team', a check-in dated before the goal."""
    meetings = grids[tab_of("one_on_one")]
    header = meetings[0]
    date_at, due_at, who_at = (header.index(h) for h in ("Date", "Next Steps Due", "Teacher"))
    dated = [i for i, r in enumerate(meetings) if i and r[due_at] is not None and r[date_at].month in (10, 11)]
    early = rng.choice(dated)
    put("one_on_one", early, "next_steps_due", meetings[early][due_at] - dt.timedelta(days=31), "next_steps_before_meeting")
    named = [i for i, r in enumerate(meetings) if i and i != early and r[who_at] in surnames]
    near = rng.choice(named)
    put("one_on_one", near, "teacher", f"Ms. {surnames[meetings[near][who_at]]}", "near_miss_name")

    goals_grid = grids[tab_of("goal")]
    owner_at, set_at, check_at = (goals_grid[0].index(h) for h in ("Teacher or Team", "Set Date", "Last Check-in"))
    roster = grids[tab_of("roster")]
    team_names = {r[roster[0].index("Team")] for r in roster[1:]}
    team_rows = [i for i, r in enumerate(goals_grid) if i and r[owner_at] in team_names]
    at = rng.choice(team_rows)
    put("goal", at, "teacher_or_team", f"{goals_grid[at][owner_at]} team", "unknown_team")
    checked = [i for i, r in enumerate(goals_grid) if i and r[check_at] is not None and i not in team_rows]
    at = rng.choice(checked)
    put("goal", at, "last_check_in", goals_grid[at][set_at] - dt.timedelta(days=10), "check_in_before_set")


def practice_rows(rng: random.Random, w: World, cycles: list[Cycle], scored: list[Visit],
                  score_cells: list[list]) -> dict[str, list[dict]]:
    """1-on-1 Meetings and Goals rows for the school `w`: each teacher's focus is their first learning
    cycle's indicator, each team's a weak spot; baselines come from the first scores."""
    focus_of: dict[str, str] = {}
    for cycle in cycles:
        focus_of.setdefault(cycle.teacher.name, cycle.focus)
    for person in w.staff.teachers:
        focus_of.setdefault(person.name, w.effects.weakest[person.team])
    team_focus = {team: rng.choice((w.effects.weakest[team], *w.effects.lowest)) for team, _, _ in w.staff.teams}
    first_scores: dict[tuple[str, str], tuple[dt.date, float]] = {}
    for visit, cells in zip(scored, score_cells, strict=True):
        for code, value in zip(w.codes, cells, strict=True):
            if value is not None:
                first_scores.setdefault((visit.teacher.name, code), (w.days[visit.day], value))
    meetings = one_on_ones(rng, w.staff, w.days, w.themes, focus_of)
    rows = goals(rng, w.staff, w.days, w.rubric, w.themes, focus_of, team_focus, first_scores, meetings, w.days[-1])
    return {"one_on_one": meetings, "goal": rows}


def unique_surnames(staff: Staff, keep_out: Sequence[str]) -> dict[str, str]:
    """Teacher -> surname, for active teachers whose surname nobody else on the staff shares (the
    people in `keep_out` aside: their own stories stay simple)."""
    def surname(person: Person) -> str:
        return person.name.split(" ", 1)[1]

    counts = Counter(surname(p) for p in [staff.principal, staff.assistant, *staff.teachers])
    return {p.name: surname(p) for p in staff.teachers if p.role == "Teacher" and p.status == "Active"
            and counts[surname(p)] == 1 and p.name not in keep_out}
