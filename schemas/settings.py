"""Per-school settings: rubric, norms, timezone, school year and holidays."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

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

    @model_validator(mode="after")
    def _check_year(self) -> "SchoolSettings":
        if self.school_year_end <= self.school_year_start:
            raise ValueError("school_year_end must be after school_year_start")
        return self
