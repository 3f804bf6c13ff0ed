"""Normalized coach records: what one valid row of each coach tab means.

The validator parses cells (dates, names, codes, scores) and reports findings; these models are the
shape of what survives. `row` is the row number as the coach sees it in the sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["Active", "Left"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)
    row: int


class RosterMember(_Record):
    teacher: str
    email: str | None = None
    team: str
    team_lead: str | None = None
    role: str | None = None
    subject: str | None = None
    grade_band: str | None = None
    years_experience: int | None = None
    status: Status = "Active"
    visits_per_week: int | None = None  # a coach's capacity for the coaching plan (blank: the school's norm)


class Observation(_Record):
    date: dt.date
    teacher: str
    observer: str
    type: str
    focus_indicator: str | None = None
    notes: str | None = None
    feedback_date: dt.date | None = None
    learning_cycle: str | None = None


class Score(_Record):
    """One indicator score: the wide scores tab melted to long form."""

    date: dt.date
    teacher: str
    observer: str
    type: str
    indicator: str
    score: float


class ActionStep(_Record):
    date_set: dt.date
    teacher: str
    set_by: str | None = None
    action_step: str
    indicator: str | None = None
    due_date: dt.date | None = None
    status: str
    date_completed: dt.date | None = None
    evidence: str | None = None


class LearningCycle(_Record):
    teacher: str
    cycle: str
    start_date: dt.date
    end_date: dt.date
    focus_indicator: str
    goal: str | None = None
    success_indicators: str | None = None
    status: str
    reflection: str | None = None


class OneOnOne(_Record):
    """A 1:1: a Team Lead with a teacher, or a school leader checking in with a Team Lead."""

    date: dt.date
    teacher: str  # the teacher, or the Team Lead for a check-in
    led_by: str
    kind: str
    focus: str | None = None
    next_steps: str | None = None
    next_steps_due: dt.date | None = None
    notes: str | None = None


class Goal(_Record):
    """A goal of one teacher, or of a whole team (`teacher_or_team` names a Roster person or team)."""

    teacher_or_team: str
    kind: str
    indicator: str | None = None
    goal: str
    #: A number (a rubric score) when typed as one, else the words as typed ("42% proficient"). Read
    #: left to right, so "3.0" from a CSV file is the number 3.0 again.
    baseline: float | str | None = Field(None, union_mode="left_to_right")
    target: float | str | None = Field(None, union_mode="left_to_right")
    set_date: dt.date
    last_check_in: dt.date | None = None
    status: str
