"""A synthetic school: a seeded, believable coaching tracker for the demo, the tests and the benchmarks.

One call builds every coach tab of a school's tracker as raw grids (what a backend's read returns):
a Roster of teams with their Team Leads, one semester of Observations, the wide scores tab, Action
Steps and Learning Cycles. The scores have structure a leader can find: team strengths and
weaknesses, two indicators clearly lowest school-wide, growth over the semester, a lenient observer,
one who never leaves the middle band and one who drifts up. Practice problems (late feedback,
overdue steps, teachers not seen for weeks, a stale cycle, and the stories of synthetic_attention)
are part of every school; coach typos are planted only on request
and each one is recorded, so tests can check that the validator finds exactly those cells.

Everything comes from ``random.Random(seed)`` and ``numpy.random.default_rng(seed)``: the same seed
gives the same grids, and no global random state is touched.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import re
from dataclasses import dataclass
from functools import partial

import numpy as np

from tracker_sync.errors import ConfigError
from tracker_sync.schemas import Rubric, SchoolSettings, Template
from tracker_sync.schemas.template import RecordKind
from tracker_sync.sheet_templates import default_norms, load_rubric, load_template
from tracker_sync.synthetic import meetings as synthetic_practice
from tracker_sync.synthetic.attention import AttentionStories, add_attention_stories
from tracker_sync.synthetic.model import (
    Cycle,
    Effects,
    Person,
    Staff,
    Step,
    Visit,
    World,
)
from tracker_sync.synthetic.words import (
    ACCENTED_TEACHER,
    FIRST_NAMES,
    LAST_NAMES,
    MET_EVIDENCE,
    NEAR_MISS_TEACHER,
    REFLECTIONS,
    SCHOOL_NAMES,
    SUCCESS,
    TEAM_KINDS,
    TeamKind,
    ascii_text,
    email_of,
    theme_for,
)
from tracker_sync.tabs import CellValue, Grid

#: How many names the school's name was once drawn from (see synthetic_school).
_NAME_DRAW = 8
SCHOOL_YEAR_START = dt.date(2026, 8, 17)
SCHOOL_YEAR_END = dt.date(2027, 5, 28)
FIRST_VISIT = dt.date(2026, 8, 24)
AS_OF = dt.date(2026, 12, 18)  # the last school day of the fall semester

MIN_TEACHERS = 10
SCORED = ("Scored – Partial", "Scored – Full")


def _weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = (first + dt.timedelta(n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


HOLIDAYS = frozenset([
    dt.date(2026, 9, 7),  # Labor Day
    dt.date(2026, 10, 19), dt.date(2026, 10, 20),  # fall break
    *_weekdays(dt.date(2026, 11, 23), dt.date(2026, 11, 27)),  # Thanksgiving week
    *_weekdays(dt.date(2026, 12, 21), dt.date(2027, 1, 1)),  # winter break
    dt.date(2027, 1, 18), dt.date(2027, 2, 15),  # MLK Day, Presidents' Day
    *_weekdays(dt.date(2027, 3, 22), dt.date(2027, 3, 26)),  # spring break
])


@dataclass(frozen=True)
class PlantedTypo:
    """One deliberate coach mistake: where it is (as the coach sees the sheet) and what it is."""

    tab: str
    row: int  # 1-based sheet row; the header is row 1
    column: str  # header text
    value: CellValue  # what the cell now holds
    kind: str  # bad_date | unknown_teacher | score_out_of_range | unknown_indicator | near_miss_name | band_word
    # | next_steps_before_meeting | unknown_team | check_in_before_set (1-on-1 Meetings and Goals)
    original: CellValue = None  # what the coach meant to type


@dataclass(frozen=True)
class SyntheticSchool:
    name: str
    settings: SchoolSettings
    as_of: dt.date
    grids: dict[str, Grid]  # coach tab name -> rows, header row first
    planted: list[PlantedTypo]
    # The structure built into the scores, so tests and the demo can check that patterns find it.
    lowest_indicators: tuple[str, str]
    highest_indicators: tuple[str, str]
    lenient_observer: str
    middle_band_observer: str
    attention: AttentionStories | None = None  # where the equity, step-load and agreement stories are


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


def _names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct full names: the two named teachers first, then names drawn without repeats."""
    need = count - 2
    if need <= min(len(FIRST_NAMES), len(LAST_NAMES)):  # a school-sized staff: no first name twice
        drawn = [f"{first} {last}"
                 for first, last in zip(rng.sample(FIRST_NAMES, need), rng.sample(LAST_NAMES, need), strict=True)]
    else:
        pool = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        if need > len(pool):
            raise ConfigError(f"a synthetic school can have at most {len(pool)} teachers")
        drawn = rng.sample(pool, need)
    return [ACCENTED_TEACHER, NEAR_MISS_TEACHER, *drawn]


def _years(rng: random.Random, lead: bool) -> int:
    if lead:
        return rng.randint(5, 20)
    return rng.choices([0, 1, 2, rng.randint(3, 5), rng.randint(6, 10), rng.randint(11, 28)], [12, 10, 10, 24, 24, 20])[0]


def _teams(rng: random.Random, n_teachers: int) -> list[tuple[TeamKind, str, int]]:
    """(kind, name, size) per team: 3-5 teams for a school-sized staff, about 10 teachers each beyond."""
    n_teams = min(max(rng.randint(3, 5), math.ceil(n_teachers / 10)), n_teachers // 3)
    if n_teams <= 5:
        kinds = sorted(rng.sample(TEAM_KINDS[:5], n_teams), key=TEAM_KINDS.index)
    else:
        kinds = [TEAM_KINDS[i % len(TEAM_KINDS)] for i in range(n_teams)]
    sizes = [3] * n_teams
    for i in rng.choices(range(n_teams), k=n_teachers - 3 * n_teams):
        sizes[i] += 1
    names = [k.name if i < len(TEAM_KINDS) else f"{k.name} {chr(65 + i // len(TEAM_KINDS))}" for i, k in enumerate(kinds)]
    return list(zip(kinds, names, sizes, strict=True))


def _staff(rng: random.Random, n_teachers: int, days: list[dt.date]) -> Staff:
    teams_shape = _teams(rng, n_teachers)
    *teacher_names, principal_name, assistant_name = _names(rng, n_teachers + 2)
    rng.shuffle(teacher_names)
    principal = Person(principal_name, "Leadership", "Principal", rng.randint(12, 25))
    assistant = Person(assistant_name, "Leadership", "Assistant Principal", rng.randint(8, 18))
    seniors = set(rng.sample(range(len(teams_shape)), rng.randint(2, len(teams_shape) - 1)))
    teams, supervisor, taken = [], {}, 0
    for t, (kind, team, size) in enumerate(teams_shape):
        chosen = teacher_names[taken: taken + size]
        taken += size
        # The two named teachers are never leads, so their stories (near miss, accents) stay simple.
        lead_name = next(n for n in chosen if n not in (NEAR_MISS_TEACHER, ACCENTED_TEACHER))
        supervisor[team] = boss = assistant if t % 2 == 0 else principal
        by_surname = sorted((n for n in chosen if n != lead_name), key=lambda s: ascii_text(s.split(" ", 1)[1]))
        members = [
            Person(name, team, ("Senior Team Lead" if t in seniors else "Team Lead") if name == lead_name else "Teacher",
                    _years(rng, name == lead_name), rng.choice(kind.subjects), rng.choice(kind.grade_bands),
                    boss.name if name == lead_name else lead_name)
            for name in [lead_name, *by_surname]]
        teams.append((team, members[0], members))

    plain = [p for _, _, m in teams for p in m[1:] if p.name not in (NEAR_MISS_TEACHER, ACCENTED_TEACHER)]
    first_years = [p for p in plain if p.years == 0]
    for person in rng.sample([p for p in plain if p.years], max(0, max(1, n_teachers // 15) - len(first_years))):
        person.years = 0  # every school has a few first-year teachers
    for _, _, members in teams:
        for p in members:
            experience = -0.5 if p.years == 0 else -0.25 if p.years <= 2 else 0.15 if p.years >= 10 else 0.0
            p.effect = rng.gauss(0, 0.45) + experience
            p.growth = rng.gauss(0.7, 0.3) + (0.3 if p.years <= 1 else 0.0)

    left, *not_seen = rng.sample(plain, 1 + max(2, round(n_teachers * rng.uniform(0.06, 0.1))))
    left.status = "Left"
    left.last_day = rng.choice([i for i, d in enumerate(days) if d.month == 10 and d.day <= 16])
    three_weeks_ago = bisect.bisect_right(days, AS_OF - dt.timedelta(weeks=3)) - 1
    for person in not_seen:
        person.last_day = three_weeks_ago - rng.randint(0, 8)
    return Staff(principal, assistant, teams, supervisor, left, not_seen)


# ---------------------------------------------------------------------------------------------
# Score structure
# ---------------------------------------------------------------------------------------------

# Where research finds teachers weakest and strongest, per rubric (DPS LEAP data; the MET study for
# Danielson: questioning and assessment lowest, respect and procedures highest). A rubric not listed
# gets a seeded choice by position.
_TYPICAL = {
    "leap": (("I.5", "I.6"), ("LE.2", "LE.3")),
    "danielson": (("3b", "3d"), ("2a", "2c")),
}


def _effects(rng: random.Random, rubric: Rubric, staff: Staff) -> Effects:
    codes = rubric.codes
    unit = (rubric.scale_max - rubric.scale_min) / 6
    typical = _TYPICAL.get(rubric.id)
    if typical and set(typical[0] + typical[1]) <= set(codes):
        lowest, highest = typical
    else:
        picks = rng.sample(codes, 4)
        lowest, highest = (picks[0], picks[1]), (picks[2], picks[3])
    per_indicator = {c: rng.uniform(-0.2, 0.3) for c in codes}
    per_indicator.update({lowest[0]: -1.2, lowest[1]: -1.0, highest[0]: 0.8, highest[1]: 0.7})

    middle_codes = [c for c in codes if c not in lowest + highest]
    levels = [rng.uniform(-0.45, 0.45) for _ in staff.teams]
    # The lenient observer is the Senior Team Lead of the biggest team, and that team is the strongest:
    # a lenient lead with few or weak teachers would hide in the school average.
    seniors = sorted((-len(m), i) for i, (_, lead, m) in enumerate(staff.teams) if lead.role == "Senior Team Lead")
    best = levels.index(max(levels))
    levels[best], levels[seniors[0][1]] = levels[seniors[0][1]], levels[best]
    lenient, middle = (staff.teams[i][1].name for _, i in seniors[:2])
    weak = rng.sample(middle_codes, min(len(levels), len(middle_codes)))
    team = {}
    for i, (name, _, _) in enumerate(staff.teams):
        row = np.full(len(codes), levels[i])
        if i < len(weak):  # each team has its own weak spot, so the heat map differs by team
            row[codes.index(weak[i])] -= 0.6
        row[codes.index(rng.choice([c for c in middle_codes if i >= len(weak) or c != weak[i]]))] += 0.4
        team[name] = row * unit
    indicator = np.array([per_indicator[c] for c in codes]) * unit
    weakest = {name: codes[int(np.argmin(row + indicator))] for name, row in team.items()}

    observer = {p.name: rng.gauss(0, 0.12) * unit
                for p in [staff.principal, staff.assistant, *(lead for _, lead, _ in staff.teams)]}
    observer[lenient] = 0.9 * max(unit, 0.75)  # never under ~0.7 points, so it shows on a 1-4 scale too
    base = rubric.scale_min + 0.58 * 6 * unit
    drift = 2.0 * max(unit, 0.6)  # the assistant principal drifts: about +2 LEAP points by December
    return Effects(unit, base, indicator, team, weakest, observer, lowest, highest, lenient, middle, staff.assistant.name, drift)


# ---------------------------------------------------------------------------------------------
# Learning cycles, visits, scores, action steps
# ---------------------------------------------------------------------------------------------


def _in_session(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def _cycles(w: World) -> list[Cycle]:
    rng, left = w.rng, w.staff.left
    mondays = [d for d in _weekdays(dt.date(2026, 8, 31), dt.date(2026, 10, 5)) if d.weekday() == 0]
    left_on = w.days[left.last_day]
    cycles = []
    for person in w.staff.teachers:
        start, focus = rng.choice(mondays), w.focus_for(person.team)
        for number in range(1, rng.randint(1, 3) + 1):
            while not _in_session(start):  # a holiday Monday: the cycle starts a week later
                start += dt.timedelta(weeks=1)
            # Monday to Friday 3-5 weeks on; of three consecutive Fridays at most two are holidays.
            weeks = next(k for k in rng.sample((3, 4, 5), 3) if _in_session(start + dt.timedelta(weeks=k, days=-3)))
            end = start + dt.timedelta(weeks=weeks, days=-3)
            if person is left and start > left_on:
                break
            status = "Complete" if end < AS_OF else "Active" if start <= AS_OF else "Planned"
            cycle = Cycle(person, f"Cycle {number}", start, end, focus, status, rng.choice(w.themes[focus].goals),
                          rng.choice(SUCCESS))
            if person is left and end >= left_on:
                cycle.status, cycle.reflection = "Abandoned", "Teacher left the school in October."
            elif status == "Complete" and rng.random() < 0.8:
                cycle.reflection = rng.choice(REFLECTIONS)
            cycles.append(cycle)
            start = end + dt.timedelta(days=7 - end.weekday() + 7 * rng.choice([0, 0, 1, 2]))  # a later Monday
            focus = rng.choice([c for c in w.codes if c != focus])
    return cycles


def _stale_cycle(w: World, cycles: list[Cycle]) -> list[Cycle]:
    """One teacher's last cycle ended weeks ago but nobody closed it: it still says Active."""
    owner = w.rng.choice([c.teacher for c in cycles if c.name == "Cycle 1" and c.status == "Complete"
                          and c.teacher is not w.staff.left])
    kept = [c for c in cycles if c.teacher is not owner or c.end < AS_OF - dt.timedelta(days=14)]
    last = [c for c in kept if c.teacher is owner][-1]
    last.status, last.reflection = "Active", None
    return kept


def _feedback_delay(rng: random.Random) -> int:
    """School days from visit to feedback meeting: mostly 0-3, about one in seven late."""
    return rng.choices([0, 1, 2, 3, rng.randint(5, 10)], [30, 34, 14, 8, 14])[0]


def _visits(w: World, cycles: list[Cycle]) -> list[Visit]:
    rng, days, staff = w.rng, w.days, w.staff
    cycles_of: dict[int, list[Cycle]] = {}
    for cycle in cycles:
        if cycle.status != "Planned":
            cycles_of.setdefault(id(cycle.teacher), []).append(cycle)
    admins = (staff.principal.name, staff.assistant.name)
    visits = []
    for team, lead, members in staff.teams:
        boss = staff.supervisor[team].name
        other = admins[0] if boss == admins[1] else admins[1]
        senior = lead.role == "Senior Team Lead"  # Senior Team Leads run scored observations themselves
        for person in members:
            is_lead = person is lead
            interval = rng.uniform(8, 13) if is_lead else rng.uniform(4.5, 9)
            mine = cycles_of.get(id(person), [])
            day, own = rng.randint(0, 6), []
            while day <= min(person.last_day, len(days) - 1):
                own.append(Visit(day, person))
                day += max(1, round(rng.gauss(interval, interval / 3)))
            after_august = [v for v in own if days[v.day].month > 8] or own
            k = min(len(after_august), rng.choice([2, 2, 3]))  # spread out: one from each part of the semester
            scored = [rng.choice(after_august[i * len(after_august) // k: (i + 1) * len(after_august) // k]) for i in range(k)]
            full = rng.random() < 0.85
            for i, visit in enumerate(scored):
                visit.type = SCORED[1] if full and i == len(scored) - 1 else SCORED[0]
            for visit in own:
                date = days[visit.day]
                visit.cycle = next((c for c in mine if c.start <= date <= c.end), None)
                is_scored = visit.type in SCORED
                roll = rng.random()
                if is_lead or (is_scored and not senior):
                    visit.observer = boss if roll < 0.65 else other
                else:
                    visit.observer = lead.name if roll < 0.75 else boss if roll < 0.9 else other
                if not is_scored:
                    visit.type = rng.choices(("Informal", "Walkthrough", "Co-observation", "Video"), (55, 35, 5, 5))[0]
                if visit.cycle and rng.random() < 0.85:
                    visit.focus = visit.cycle.focus
                elif not is_scored or rng.random() < 0.4:
                    visit.focus = w.focus_for(team)
                if is_scored:
                    visit.notes = f"{visit.type.split(' – ')[1]} observation, scored in {w.rubric.scores_tab}."
                elif visit.focus is not None:  # an unscored visit always has its focus (set just above)
                    n = rng.randint(18, 30)
                    visit.notes = rng.choice(w.themes[visit.focus].notes).format(n=n, k=rng.randint(n // 3, n - 2),
                                                                                 m=rng.randint(3, 12))
                back = visit.day + _feedback_delay(rng)
                visit.feedback = days[back] if back < len(days) else None
            visits.extend(own)
    return visits


def _empty_cycle(w: World, cycles: list[Cycle], visits: list[Visit]) -> list[Visit]:
    """Drop the visits inside one teacher's first cycle: a cycle with no observation in it."""
    spared = [w.staff.left, *w.staff.not_seen]
    cycle = w.rng.choice([c for c in cycles if c.name == "Cycle 1" and c.status == "Complete" and c.teacher.role == "Teacher"
                          and c.teacher.name != NEAR_MISS_TEACHER and not any(c.teacher is p for p in spared)])
    kept = [v for v in visits if not (v.teacher is cycle.teacher and cycle.start <= w.days[v.day] <= cycle.end)]
    theirs = [v for v in kept if v.teacher is cycle.teacher]
    while sum(v.type in SCORED for v in theirs) < 2:  # keep their scored observations at two or more
        visit = w.rng.choice([v for v in theirs if v.type not in SCORED])
        visit.type, visit.notes = SCORED[0], f"Partial observation, scored in {w.rubric.scores_tab}."
    return kept


def _scores(np_rng: np.random.Generator, w: World, scored: list[Visit]) -> list[list[CellValue]]:
    """Score matrix for the scored visits: base + indicator + team + teacher + growth + observer + noise."""
    rubric, effects = w.rubric, w.effects
    count, width = len(scored), len(w.codes)
    if not count:
        return []
    team = np.stack([effects.team[v.teacher.team] for v in scored])
    semester = len(w.days) - 1
    row = np.array([(v.teacher.effect + v.teacher.growth * v.day / semester) * effects.unit
                    + effects.offset(v.observer, v.day, semester)
                    for v in scored])
    latent = (effects.base + effects.indicator[None, :] + team + row[:, None]
              + np_rng.normal(0, 0.6 * effects.unit, (count, width)))
    step = 0.5 if rubric.half_points else 1.0
    values = np.clip(np.round(latent / step) * step, rubric.scale_min, rubric.scale_max)
    middle = np.array([v.observer == effects.middle for v in scored])
    values[middle] = np.clip(values[middle], *rubric.middle_band)
    blank_share = np.array([0.05 if v.type == SCORED[1] else 0.3 for v in scored])
    blank = np_rng.random((count, width)) < blank_share[:, None]
    blank[blank.all(axis=1), 0] = False
    cells = values.astype(int).tolist() if step == 1.0 else values.tolist()
    return [[None if b else s for s, b in zip(r, bs, strict=True)] for r, bs in zip(cells, blank.tolist(), strict=True)]


def _action_steps(w: World, visits: list[Visit]) -> list[Step]:
    """1-3 steps per teacher, set at feedback meetings; only a teacher's latest step may be overdue."""
    rng = w.rng
    debriefed: dict[int, list[tuple[Visit, dt.date, str]]] = {}  # visits with a feedback date and a focus
    for visit in visits:
        if visit.feedback and visit.focus:
            debriefed.setdefault(id(visit.teacher), []).append((visit, visit.feedback, visit.focus))
    steps = []
    for person in w.staff.teachers:
        mine = sorted(debriefed.get(id(person), []), key=lambda v: v[0].day)
        chosen = sorted(rng.sample(range(len(mine)), min(len(mine), rng.randint(1, 3))))
        for n, index in enumerate(chosen):
            visit, feedback, focus = mine[index]
            due = feedback + dt.timedelta(days=rng.choice([7, 7, 10, 14, 14, 21]))
            text = rng.choice(w.themes[focus].steps).format(m=rng.randint(5, 10))
            step = Step(feedback, person, visit.observer, text, focus, due,
                        rng.choice(["Not Started", "In Progress", "In Progress"]))
            roll, latest = rng.random(), n == len(chosen) - 1
            overdue = latest and person.status == "Active" and roll >= 0.75
            if due < AS_OF and not overdue:
                if roll < 0.55 or (roll >= 0.75 and not latest):
                    step.status = "Met"
                    done = due + dt.timedelta(days=rng.randint(-6, 3))
                    step.completed = min(max(done, step.date_set + dt.timedelta(days=1)), AS_OF)
                    step.evidence = rng.choice(MET_EVIDENCE)
                else:
                    step.status = "Not Met" if roll < 0.65 or person.status == "Left" else "Carried Over"
            steps.append(step)
    steps.sort(key=lambda s: s.date_set)
    return steps


# ---------------------------------------------------------------------------------------------
# Grids and typos
# ---------------------------------------------------------------------------------------------

def _grid(template: Template, kind: RecordKind, rows: list[dict[str, CellValue]]) -> Grid:
    columns = template.tab_of_kind(kind).columns
    keys = [c.key for c in columns]
    return [[c.header for c in columns], *([r.get(k) for k in keys] for r in rows)]


def _grids(w: World, template: Template, domain: str, visits: list[Visit], score_cells: list[list[CellValue]],
           steps: list[Step], cycles: list[Cycle], practice: dict[str, list[dict]]) -> dict[str, Grid]:
    staff, days, rng = w.staff, w.days, w.rng
    scored = [v for v in visits if v.type in SCORED]
    score_notes = ("Strong routines; checks for understanding only at the end.", "Debriefed same day.",
                   "Second scored visit this semester.", None, None, None, None)
    rows: dict[str, list[dict[str, CellValue]]] = {
        "roster": [dict(teacher=p.name, email=email_of(p.name, domain), team=p.team, team_lead=p.coach, role=p.role,
                        subject=p.subject,
                        grade_band=p.grade_band, years_experience=p.years, status=p.status)
                   for p in [staff.principal, staff.assistant, *staff.teachers]],
        "observation": [dict(date=days[v.day], teacher=v.teacher.name, observer=v.observer, type=v.type, focus_indicator=v.focus,
                             notes=v.notes, feedback_date=v.feedback, learning_cycle=v.cycle.name if v.cycle else None)
                        for v in visits],
        "score": [dict(zip(w.codes, cells, strict=True), date=days[v.day], teacher=v.teacher.name, observer=v.observer,
                       type=v.type,
                       notes=rng.choice(score_notes)) for v, cells in zip(scored, score_cells, strict=True)],
        "action_step": [dict(date_set=s.date_set, teacher=s.teacher.name, set_by=s.set_by, action_step=s.text,
                             indicator=s.indicator,
                             due_date=s.due, status=s.status, date_completed=s.completed, evidence=s.evidence) for s in steps],
        "learning_cycle": [dict(teacher=c.teacher.name, cycle=c.name, start_date=c.start, end_date=c.end, focus_indicator=c.focus,
                                goal=c.goal, success_indicators=c.success, status=c.status, reflection=c.reflection)
                           for c in cycles],
        **practice,
    }
    return {tab.name: _grid(template, tab.kind, rows[tab.kind]) for tab in template.tabs}


def _unknown_code(rubric: Rubric) -> str:
    """A code that looks like the rubric's but is not in it: 'I.8' -> 'I.9', Danielson '4f' -> '5a'."""
    last = rubric.codes[-1]
    if m := re.fullmatch(r"(.*?)(\d+)", last):
        candidate = f"{m[1]}{int(m[2]) + 1}"
    elif m := re.fullmatch(r"(\d+)([a-z])", last):
        candidate = f"{int(m[1]) + 1}a"
    else:
        candidate = f"{last}9"
    return candidate if candidate not in rubric.codes else "X.99"


def _put(planted: list[PlantedTypo], template: Template, grids: dict[str, Grid],
         kind: RecordKind, index: int, key_or_header: str, value: CellValue, what: str) -> None:
    """Put one typo in row `index` of a grid and record where it is and what it replaced."""
    tab = template.tab_of_kind(kind)
    header = next((c.header for c in tab.columns if c.key == key_or_header), key_or_header)
    row = grids[tab.name][index]
    column = grids[tab.name][0].index(header)
    planted.append(PlantedTypo(tab.name, index + 1, header, value, what, row[column]))
    row[column] = value


def _plant(rng: random.Random, rubric: Rubric, template: Template, grids: dict[str, Grid]) -> list[PlantedTypo]:
    """Clear a few Observations rows and put the six classic coach typos in; say where each one is."""
    planted: list[PlantedTypo] = []
    put = partial(_put, planted, template, grids)

    observations = grids[template.tab_of_kind("observation").name]
    for at in sorted(rng.sample(range(len(observations) // 4, 3 * len(observations) // 4), rng.randint(2, 3)), reverse=True):
        observations.insert(at, [None] * len(observations[0]))  # rows a coach cleared instead of deleting
    focus_at = observations[0].index(template.tab_of_kind("observation").column("focus_indicator").header)
    type_at = observations[0].index(template.tab_of_kind("observation").column("type").header)
    # Typos go on unscored visits, so no score row loses its observation as a side effect.
    filled = [i for i, r in enumerate(observations) if i > len(observations) // 5 and r[focus_at] is not None
              and r[type_at] not in SCORED]
    date_row, teacher_row, code_row = rng.sample(filled, 3)
    put("observation", date_row, "date", "13/45/2026", "bad_date")
    put("observation", teacher_row, "teacher", "Jon Smth", "unknown_teacher")
    put("observation", code_row, "focus_indicator", _unknown_code(rubric), "unknown_indicator")

    scores = grids[rubric.scores_tab]
    cells = [(i, code) for i, r in enumerate(scores) if i for code, v in zip(scores[0], r, strict=True)
             if isinstance(code, str) and code in rubric.codes and v is not None]
    (out_row, out_code), (band_row, band_code) = rng.sample(cells, 2)
    put("score", out_row, out_code, 9, "score_out_of_range")
    put("score", band_row, band_code, rubric.meeting_band, "band_word")

    steps = grids[template.tab_of_kind("action_step").name]
    teacher_at = steps[0].index(template.tab_of_kind("action_step").column("teacher").header)
    put("action_step", rng.choice([i for i, r in enumerate(steps) if r[teacher_at] == NEAR_MISS_TEACHER]), "teacher",
        "Ms. Garcia", "near_miss_name")
    return planted


def synthetic_school(seed: int = 7, *, rubric: str = "leap", teachers: int | None = None, typos: bool = True,
                     name: str | None = None) -> SyntheticSchool:
    """Build one school's coach tabs for the fall semester 2026, deterministically from `seed`.

    `teachers` scales the staff (default: 20-40, seeded); `typos=False` gives a school without a
    single cell error (its practice problems, like overdue steps and late feedback, stay). Another
    school year's semester: tracker_sync.synthetic.years.in_year (every date 52 weeks on per year).
    """
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    the_rubric = load_rubric(rubric)
    template = load_template().for_rubric(the_rubric)
    n_teachers = teachers if teachers is not None else rng.randint(20, 40)
    if n_teachers < MIN_TEACHERS:
        raise ConfigError(f"a synthetic school needs at least {MIN_TEACHERS} teachers, not {n_teachers}")
    rng.randrange(_NAME_DRAW)  # the name was once drawn here: the draw stays, so each seed's staff and visits stay too
    name = name or SCHOOL_NAMES[seed % len(SCHOOL_NAMES)]
    settings = SchoolSettings(school=name, rubric=the_rubric, norms=default_norms(), timezone="America/Denver",
                              school_year_start=SCHOOL_YEAR_START, school_year_end=SCHOOL_YEAR_END, holidays=HOLIDAYS)
    days = [d for d in _weekdays(FIRST_VISIT, AS_OF) if d not in HOLIDAYS]
    staff = _staff(rng, n_teachers, days)
    effects = _effects(rng, the_rubric, staff)
    themes = {i.code: theme_for(i.name) for i in the_rubric.indicators}
    w = World(rng, the_rubric, the_rubric.codes, themes, days, staff, effects)

    cycles = _stale_cycle(w, _cycles(w))
    visits = _empty_cycle(w, cycles, _visits(w, cycles))
    visits.sort(key=lambda v: (v.day, v.observer))
    score_cells = _scores(np_rng, w, [v for v in visits if v.type in SCORED])
    steps = _action_steps(w, visits)
    domain = re.sub(r"[^a-z0-9]", "", ascii_text(name).lower()) + ".example.org"
    practice_rng = random.Random(f"{seed}/practice")  # its own source: the other tabs stay as they were
    practice = synthetic_practice.practice_rows(practice_rng, w, cycles, [v for v in visits if v.type in SCORED], score_cells)
    grids = _grids(w, template, domain, visits, score_cells, steps, cycles, practice)
    index = {d: i for i, d in enumerate(days)}
    attention = add_attention_stories(
        grids, template, the_rubric, days, lambda observer, day: effects.offset(observer, index[day], len(days) - 1),
        unit=effects.unit, drifter=effects.drifter, avoid={effects.lenient, effects.middle}, rng=rng, np_rng=np_rng,
        novice_max_years=settings.norms.novice_max_years, named={NEAR_MISS_TEACHER, ACCENTED_TEACHER})
    planted = _plant(rng, the_rubric, template, grids) if typos else []
    if typos:
        synthetic_practice.plant(practice_rng, grids, lambda kind: template.tab_of_kind(kind).name,
                                 partial(_put, planted, template, grids),
                                 synthetic_practice.unique_surnames(staff, (NEAR_MISS_TEACHER, ACCENTED_TEACHER)))
    return SyntheticSchool(name, settings, AS_OF, grids, planted, effects.lowest, effects.highest, effects.lenient,
                           effects.middle,
                           attention)
