"""Normalized coach records: what one valid row of each coach tab means.

The validator parses cells (dates, names, codes, scores) and reports findings; these models are the
shape of what survives. `row` is the row number as the coach sees it in the sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

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
