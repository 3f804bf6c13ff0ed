"""Pydantic models: rubric and template (as data), school settings, and normalized coach records."""

from .records import (
    ActionStep,
    Goal,
    LearningCycle,
    Observation,
    OneOnOne,
    RosterMember,
    Score,
)
from .rubric import Band, Domain, Indicator, Rubric
from .settings import Norms, SchoolSettings
from .template import ColumnSpec, TabSpec, Template, ToolTabSpec

__all__ = [
    "ActionStep", "Band", "ColumnSpec", "Domain", "Goal", "Indicator", "LearningCycle", "Norms",
    "Observation", "OneOnOne", "RosterMember", "Rubric", "SchoolSettings", "Score", "TabSpec", "Template",
    "ToolTabSpec",
]
