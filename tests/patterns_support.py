"""The small schools the pattern tests work out by hand, and the record builders they are made of.

Each school's numbers are worked out in the docstring of the test module that checks them
(test_patterns_metrics, _agreement, _attention, _trends); test_render_attention reads the same
schools back from the rendered tabs. Every school is as of Tue 2026-12-01.
"""

from __future__ import annotations

import datetime as dt
from datetime import date as d

from tracker_sync.schemas import (
    ActionStep,
    LearningCycle,
    Norms,
    Observation,
    RosterMember,
    SchoolSettings,
    Score,
)
from tracker_sync.sheet_templates import load_rubric
from tracker_sync.validate import Records

AS_OF = d(2026, 12, 1)
THANKSGIVING = {dt.date(2026, 11, 26), dt.date(2026, 11, 27)}


def settings(**norms) -> SchoolSettings:
    return SchoolSettings(school="Metric School", rubric=load_rubric("leap"), norms=Norms(**norms),
                          school_year_start=d(2026, 8, 17), school_year_end=d(2027, 5, 28), holidays=frozenset(THANKSGIVING))


def person(row, name, team, lead, role="Teacher", status="Active"):
    return RosterMember(row=row, teacher=name, team=team, team_lead=lead, role=role, status=status)


def score(row, day, teacher, observer, indicator, value, kind="Scored – Partial"):
    return Score(row=row, date=day, teacher=teacher, observer=observer, type=kind, indicator=indicator, score=value)


def visit(row, day, teacher, observer, feedback=None, kind="Informal"):
    return Observation(row=row, date=day, teacher=teacher, observer=observer, type=kind, feedback_date=feedback)


def step(row, teacher, status, set_on, due=None, done=None):
    return ActionStep(row=row, date_set=set_on, teacher=teacher, action_step="x", status=status, due_date=due,
                      date_completed=done)


def cycle(row, teacher, focus, start, end, status="Active"):
    return LearningCycle(row=row, teacher=teacher, cycle=f"C{row}", start_date=start, end_date=end, focus_indicator=focus,
                         status=status)


def records(**tabs) -> Records:
    """Records as the validator hands them over: field dicts, scores wide (one row per visit)."""
    codes = load_rubric("leap").codes
    wide: dict[int, dict] = {}
    for s in tabs.pop("scores", []):
        row = wide.setdefault(s.row, {**s.model_dump(exclude={"indicator", "score"}), **dict.fromkeys(codes)})
        row[s.indicator] = s.score
    rows = {name: [m.model_dump() for m in models] for name, models in tabs.items()}
    return Records({**rows, "scores": list(wide.values())}, score_codes=codes)


def school_records() -> Records:
    """The school of test_patterns_metrics.py: Team A (Lee, Tia, Tom), Team B (Bo, Uma, Zed who left)."""
    return records(
        roster=[
            person(2, "Lee", "Team A", "Lee", "Team Lead"), person(3, "Tia", "Team A", "Lee"), person(4, "Tom", "Team A", "Lee"),
            person(5, "Bo", "Team B", "Bo", "Team Lead"), person(6, "Uma", "Team B", "Bo"),
            person(7, "Zed", "Team B", "Bo", status="Left"), person(8, "Pam", "Office", None, "Principal"),
            person(9, "Oli", "Office", None, "Coach"), person(10, "Ola", "Office", None, "Coach"),
        ],
        scores=[
            score(2, d(2026, 9, 10), "Tia", "Lee", "I.1", 6, "Scored – Full"), score(3, d(2026, 9, 12), "Tia", "Oli", "I.1", 4),
            score(4, d(2026, 9, 20), "Tia", "Ola", "I.1", 5), score(5, d(2026, 11, 30), "Tia", "Oli", "I.1", 3),
            score(6, d(2026, 10, 1), "Tom", "Lee", "I.5", 3), score(6, d(2026, 10, 1), "Tom", "Lee", "LE.1", 5),
            score(7, d(2026, 10, 1), "Tom", "Oli", "I.5", 5), score(8, d(2026, 10, 20), "Tom", "Lee", "I.5", 6),
            score(9, d(2026, 10, 5), "Zed", "Bo", "I.1", 2),
        ],
        observations=[
            # Tia: Wed 11-25 -> Mon 11-30 skips Thanksgiving Thu/Fri and the weekend = 1 school day
            visit(2, d(2026, 11, 25), "Tia", "Lee", d(2026, 11, 30)),
            visit(3, d(2026, 11, 18), "Tom", "Lee", d(2026, 11, 24)),  # Wed -> Tue = 4 school days (late)
            visit(4, d(2026, 11, 20), "Tom", "Oli"),  # Fri -> Tue 12-01 pending: Mon-Wed, Mon, Tue = 5 > 3
            visit(5, d(2026, 11, 30), "Uma", "Bo"),  # pending 1 school day: outcome not known yet
            visit(6, d(2026, 10, 5), "Zed", "Bo", d(2026, 10, 5)),  # 0 school days
            visit(7, d(2026, 10, 14), "Lee", "Pam", d(2026, 10, 16)),  # 2
        ],
        action_steps=[
            step(2, "Tia", "Met", d(2026, 9, 10), d(2026, 9, 24), d(2026, 9, 20)),  # 10 days to complete
            step(3, "Tia", "In Progress", d(2026, 11, 25), d(2026, 12, 9)),
            step(4, "Tom", "Not Met", d(2026, 10, 1), d(2026, 10, 15)),
            step(5, "Tom", "Carried Over", d(2026, 10, 15), d(2026, 11, 1)),  # overdue
            step(6, "Uma", "Met", d(2026, 10, 1), None, d(2026, 10, 5)),  # 4 days
            step(7, "Zed", "Not Started", d(2026, 10, 1), d(2026, 10, 8)),  # overdue (Zed left; still counted)
        ],
        learning_cycles=[
            cycle(2, "Tia", "I.1", d(2026, 9, 11), d(2026, 10, 9), "Complete"),
            cycle(3, "Tom", "I.5", d(2026, 9, 28), d(2026, 11, 6)),  # past end, still Active; 30 school days = 6 weeks
            cycle(4, "Uma", "LE.3", d(2026, 11, 2), d(2026, 11, 30), "Complete"),  # Uma seen 11-30, the end date: inside
            cycle(5, "Bo", "I.2", d(2026, 11, 16), d(2026, 12, 11)),  # no visit, 15 days old
            cycle(6, "Lee", "I.3", d(2026, 11, 28), d(2026, 12, 19)),  # 3 days old: too early to flag
            cycle(7, "Tia", "I.2", d(2026, 12, 14), d(2027, 1, 15), "Planned"),  # not started
        ],
    )


def lessons():
    """The co-observed lessons of test_patterns_agreement.py."""
    return records(
        roster=[person(2, "Lee", "Team A", "Lee", "Team Lead"), person(3, "Tia", "Team A", "Lee"),
                person(4, "Tom", "Team A", "Lee"),
                person(5, "Bo", "Team B", "Bo", "Team Lead"), person(6, "Uma", "Team B", "Bo"),
                person(7, "Pam", "Office", None, "Principal"), person(8, "Oli", "Office", None, "Coach")],
        scores=[
            score(2, d(2026, 10, 5), "Tia", "Lee", "I.1", 5), score(2, d(2026, 10, 5), "Tia", "Lee", "I.5", 4),
            score(2, d(2026, 10, 5), "Tia", "Lee", "LE.1", 6),
            score(3, d(2026, 10, 5), "Tia", "Oli", "I.1", 5, "Co-observation"),
            score(3, d(2026, 10, 5), "Tia", "Oli", "I.5", 2, "Co-observation"),
            score(3, d(2026, 10, 5), "Tia", "Oli", "LE.1", 5, "Co-observation"),
            score(4, d(2026, 10, 20), "Tom", "Lee", "I.1", 4), score(4, d(2026, 10, 20), "Tom", "Lee", "I.5", 3),
            score(5, d(2026, 10, 20), "Tom", "Oli", "I.1", 3, "Co-observation"),
            score(5, d(2026, 10, 20), "Tom", "Oli", "I.5", 3, "Co-observation"),
            score(6, d(2026, 10, 20), "Tom", "Pam", "I.1", 4, "Co-observation"),
            score(7, d(2026, 11, 10), "Uma", "Bo", "I.1", 4), score(8, d(2026, 11, 10), "Uma", "Pam", "I.1", 6, "Co-observation"),
            score(9, d(2026, 10, 6), "Tia", "Lee", "I.1", 5),
        ],
    )


YEARS = {"Lee": 10, "Ann": 1, "Abe": 0, "Al": 5, "Amy": 8, "Bo": 12, "Ben": 2, "Bea": 6, "Bill": 9}
VISITS = {"Lee": 2, "Ann": 1, "Abe": 1, "Al": 4, "Amy": 4, "Bo": 2, "Ben": 3, "Bea": 3, "Bill": 2}
MEANS = {"Lee": 6, "Ann": 4, "Abe": 5, "Amy": 6, "Bo": 6, "Ben": 5, "Bea": 4, "Bill": 5}


def roster():
    people = []
    for row, name in enumerate(YEARS, start=2):
        team, lead = ("Team A", "Lee") if row < 7 else ("Team B", "Bo")
        role = "Team Lead" if name == lead else "Teacher"
        people.append(RosterMember(row=row, teacher=name, team=team, team_lead=lead, role=role, years_experience=YEARS[name]))
    return [*people, person(20, "Pam", "Office", None, "Principal")]


def equity_records(**tabs):
    """The school of test_patterns_attention.py: visits, scores and one open step per teacher."""
    visits, rows = [], iter(range(2, 100))
    for name, count in VISITS.items():
        visits += [visit(next(rows), AS_OF - dt.timedelta(days=4 * k), name, "Pam", AS_OF - dt.timedelta(days=4 * k))
                   for k in range(count)]
    visits.append(visit(next(rows), d(2026, 10, 1), "Ann", "Pam", d(2026, 10, 1)))  # 61 days ago: outside the 30
    scores = [score(next(rows), d(2026, 11, 2), name, "Pam", "I.1", mean) for name, mean in MEANS.items()]
    scores += [score(next(rows), d(2026, 10, 5), "Al", "Pam", "I.1", 2), score(next(rows), d(2026, 11, 5), "Al", "Pam", "I.1", 4)]
    tabs.setdefault("action_steps", [load_step(next(rows), name, "Pam") for name in YEARS])
    return records(roster=roster(), observations=visits, scores=scores, **tabs)


def load_step(row, teacher, set_by, status="In Progress", set_on=d(2026, 11, 20), due=d(2026, 12, 10)):
    return ActionStep(row=row, date_set=set_on, teacher=teacher, set_by=set_by, action_step="x", status=status, due_date=due)


def load_records():
    """Ann: 3 open steps, all from Lee. Abe: 2 open, from Lee and Pam. Al: 2 open, from Lee and a blank
    Set By (not a person). Amy: 1 open from Lee and 1 Met from Pam (closed: not counted). Bill: 1 open.
    No due date: Ann's step of 11-09 (22 days open), Al's of 11-05 (26), Bill's of 11-10 (21: not more than 21)."""
    return equity_records(action_steps=[
        load_step(2, "Ann", "Lee"), load_step(3, "Ann", "Lee"), load_step(4, "Ann", "Lee", set_on=d(2026, 11, 9), due=None),
        load_step(5, "Abe", "Lee"), load_step(6, "Abe", "Pam", set_on=d(2026, 11, 24), due=None),
        load_step(7, "Al", "Lee"), load_step(8, "Al", None, set_on=d(2026, 11, 5), due=None),
        load_step(9, "Amy", "Lee"), load_step(10, "Amy", "Pam", status="Met"),
        load_step(11, "Bill", "Bo", set_on=d(2026, 11, 10), due=None),
    ])


def trend_records():
    """The school of test_patterns_trends.py."""
    return records(
        roster=[person(2, "Lee", "Team A", "Lee", "Team Lead"), person(3, "Tia", "Team A", "Lee"),
                person(4, "Tom", "Team A", "Lee"),
                person(5, "Bo", "Team B", "Bo", "Team Lead"), person(6, "Uma", "Team B", "Bo"),
                person(7, "Pam", "Office", None, "Principal")],
        observations=[
            visit(2, d(2026, 11, 2), "Tia", "Lee", d(2026, 11, 9)), visit(3, d(2026, 11, 20), "Tia", "Lee", d(2026, 11, 30)),
            visit(4, d(2026, 10, 26), "Tom", "Lee", d(2026, 10, 27)), visit(5, d(2026, 11, 16), "Tom", "Lee"),
            visit(6, d(2026, 11, 10), "Uma", "Bo", d(2026, 11, 11)), visit(7, d(2026, 11, 19), "Lee", "Pam", d(2026, 11, 19)),
            visit(8, d(2026, 10, 1), "Bo", "Pam", d(2026, 10, 2)),
        ],
        action_steps=[
            step(2, "Tia", "Met", d(2026, 11, 3), d(2026, 11, 13), d(2026, 11, 20)),
            step(3, "Tom", "In Progress", d(2026, 10, 27), d(2026, 11, 20)),
            step(4, "Uma", "Not Met", d(2026, 11, 11), d(2026, 11, 18)),
            step(5, "Bo", "Not Started", d(2026, 11, 20), d(2026, 11, 30)),
            step(6, "Lee", "Carried Over", d(2026, 11, 19)),
            step(7, "Tom", "Not Met", d(2026, 10, 27), d(2026, 11, 10), d(2026, 11, 24)),
        ],
        scores=[
            score(2, d(2026, 10, 26), "Tom", "Lee", "I.1", 5), score(2, d(2026, 10, 26), "Tom", "Lee", "LE.1", 5),
            score(3, d(2026, 11, 2), "Tia", "Lee", "I.1", 4), score(3, d(2026, 11, 2), "Tia", "Lee", "LE.1", 5),
            score(4, d(2026, 11, 16), "Tom", "Lee", "I.1", 6),
            score(5, d(2026, 11, 20), "Tia", "Lee", "I.1", 3), score(5, d(2026, 11, 20), "Tia", "Lee", "LE.1", 6),
            score(6, d(2026, 10, 1), "Bo", "Pam", "I.1", 5), score(7, d(2026, 11, 10), "Uma", "Bo", "I.1", 4),
            score(8, d(2026, 11, 10), "Uma", "Pam", "I.1", 5),
        ],
    )


def three_weeks(**update):
    """Settings for trend_records: three weekly points."""
    return settings(trend_weeks=3).model_copy(update=update)
