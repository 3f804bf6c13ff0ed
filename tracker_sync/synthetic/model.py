"""The synthetic school's model: its people, the ingredients of its scores, and the events generated
for them (learning cycles, visits, action steps). Plain dataclasses that tracker_sync.synthetic.school fills
and tracker_sync.synthetic.meetings reads; nothing here draws a random number.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np

from tracker_sync.schemas import Rubric
from tracker_sync.synthetic.words import Theme


@dataclass(eq=False)
class Person:
    name: str
    team: str
    role: str
    years: int
    subject: str | None = None
    grade_band: str | None = None
    coach: str | None = None  # the Team Lead column: who coaches this person
    status: str = "Active"
    effect: float = 0.0  # skill relative to the school, in LEAP points (scaled to the rubric later)
    growth: float = 0.0  # LEAP points gained over the semester
    last_day: int = 10**6  # index of the last school day this person is visited (left, or not seen lately)


@dataclass
class Staff:
    principal: Person
    assistant: Person
    teams: list[tuple[str, Person, list[Person]]]  # (team, lead, everyone in the team, lead first)
    supervisor: dict[str, Person]  # team -> the administrator who oversees it
    left: Person
    not_seen: list[Person]

    @property
    def teachers(self) -> list[Person]:
        return [p for _, _, members in self.teams for p in members]


@dataclass
class Effects:
    """Every ingredient of a score, in points of the rubric's scale."""

    unit: float  # one LEAP point (a sixth of the scale's span) in this rubric's points
    base: float
    indicator: np.ndarray  # (indicators,)
    team: dict[str, np.ndarray]  # team -> (indicators,): team level plus its own weak and strong spot
    weakest: dict[str, str]  # team -> its lowest indicator
    observer: dict[str, float]
    lowest: tuple[str, str]
    highest: tuple[str, str]
    lenient: str
    middle: str
    drifter: str = ""  # scores rising from mid-October to `drift` points more by December
    drift: float = 0.0

    def offset(self, observer: str, day_index: int, semester_days: int) -> float:
        """How far `observer` scores from the school on that school day, in rubric points."""
        late = max(0.0, day_index / max(semester_days, 1) - 0.4) / 0.6
        return self.observer.get(observer, 0.0) + (self.drift * late if observer == self.drifter else 0.0)


@dataclass
class World:
    """What every generation step reads: the seeded random source, the rubric, the calendar, the staff."""

    rng: random.Random
    rubric: Rubric
    codes: list[str]
    themes: dict[str, Theme]  # indicator code -> what coaches write about it
    days: list[dt.date]  # the semester's school days
    staff: Staff
    effects: Effects

    def focus_for(self, team: str) -> str:
        """An indicator to work on: mostly where the school or the team is weakest."""
        roll = self.rng.random()
        if roll < 0.5:
            return self.rng.choice(self.effects.lowest)
        return self.effects.weakest[team] if roll < 0.7 else self.rng.choice(self.codes)


@dataclass(eq=False)
class Cycle:
    teacher: Person
    name: str
    start: dt.date
    end: dt.date
    focus: str
    status: str
    goal: str = ""
    success: str = ""
    reflection: str | None = None


@dataclass(eq=False)
class Visit:
    day: int  # index into the semester's school days
    teacher: Person
    observer: str = ""
    type: str = "Informal"
    focus: str | None = None
    notes: str = ""
    feedback: dt.date | None = None
    cycle: Cycle | None = None


@dataclass
class Step:
    date_set: dt.date
    teacher: Person
    set_by: str
    text: str
    indicator: str
    due: dt.date
    status: str
    completed: dt.date | None = None
    evidence: str | None = None
