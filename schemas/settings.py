"""Per-school settings: rubric, norms, timezone, school year and holidays."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .rubric import Rubric


class Norms(BaseModel):
    """Practice norms the Flags tab checks against; defaults live in sheet_templates/norms.toml."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    observation_gap_days: int = Field(14, ge=1)
    feedback_within_school_days: int = Field(3, ge=0)
    scored_observations_per_year: int = Field(2, ge=0)
    full_observations_per_year: int = Field(1, ge=0)
    cycle_min_weeks: int = Field(3, ge=1)
    cycle_max_weeks: int = Field(5, ge=1)
    calibration_threshold: float = Field(0.75, gt=0)
    calibration_min_scores: int = Field(10, ge=1)
    heatmap_min_n: int = Field(3, ge=1)
    calibration_window_days: int = Field(30, ge=0)
    calibration_middle_band_share: float = Field(1.0, gt=0, le=1)
    theme_min_scores: int = Field(5, ge=1)
    lowest_indicators_shown: int = Field(3, ge=1)
    cycle_observation_grace_days: int = Field(7, ge=0)
    one_on_one_gap_days: int = Field(14, ge=1)
    lead_check_in_gap_days: int = Field(14, ge=1)
    goal_check_in_periods: int = Field(4, ge=1, le=12)
    lead_roles: tuple[str, ...] = ("Team Lead", "Senior Team Lead")
    school_leader_roles: tuple[str, ...] = ("Principal", "Assistant Principal")
    full_observation_types: tuple[str, ...] = ("Scored – Full",)
    sync_log_max_lines: int = Field(200, ge=1)
    observed_roles: tuple[str, ...] = ("Teacher", "Team Lead", "Senior Team Lead", "Specialist")
    # Trends, observation equity, action-step load, agreement on co-observed lessons (issue 12).
    trend_weeks: int = Field(8, ge=2, le=26)
    trend_lookback_days: int = Field(14, ge=1)
    heatmap_change_threshold: float = Field(0.3, gt=0)
    novice_max_years: int = Field(2, ge=0)
    equity_min_ratio: float = Field(0.75, gt=0, le=1)
    equity_min_teachers: int = Field(2, ge=1)
    max_open_steps: int = Field(2, ge=1)
    undated_step_days: int = Field(21, ge=0)
    agreement_adjacent_share: float = Field(0.8, gt=0, le=1)
    agreement_min_comparisons: int = Field(5, ge=1)
    drift_min_scores: int = Field(5, ge=1)
    drift_threshold: float = Field(0.5, gt=0)
    # Each teacher's own 1:1 page (issue 25): observation notes, 1:1 notes, step evidence and cycle
    # reflections stay off it unless the school says they belong there.
    teacher_pages_show_notes: bool = False

    # The coaching plan (issue 23): each coach's week planned by need, within what a coach can do.
    plan_visits_per_week: int = Field(6, ge=0, le=60)
    plan_meetings_per_week: int = Field(8, ge=0, le=60)
    plan_coach_visits: dict[str, int] = Field(default_factory=dict)
    plan_priority_gap_days: int = Field(7, ge=1)
    plan_feedback_lookback_days: int = Field(30, ge=1)
    plan_weeks: int = Field(4, ge=1, le=12)

    @field_validator("plan_coach_visits")
    @classmethod
    def _visits(cls, value: dict[str, int]) -> dict[str, int]:
        for coach, visits in value.items():
            if not 0 <= visits <= 60:
                raise ValueError(f"plan_coach_visits for {coach!r} must be 0 to 60 visits a week, not {visits}")
        return value


class SchoolSettings(BaseModel):
    """Everything about one school that the validator and the patterns need besides its rows."""

    model_config = ConfigDict(frozen=True)
    school: str
    rubric: Rubric
    norms: Norms = Field(default_factory=Norms)
    timezone: str = "America/Denver"
    school_year_start: dt.date
    school_year_end: dt.date
    holidays: frozenset[dt.date] = frozenset()
    #: Weekday of the school's ILT meeting ("tue"), from the district registry's `ilt` entry; trends
    #: compare with the last meeting. None: with `trend_lookback_days` ago.
    ilt_weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] | None = None

    @model_validator(mode="after")
    def _check_year(self) -> SchoolSettings:
        if self.school_year_end <= self.school_year_start:
            raise ValueError("school_year_end must be after school_year_start")
        return self
