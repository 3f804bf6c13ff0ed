"""Pydantic models: rubric and template (as data), school settings, and normalized coach records."""

from .records import ActionStep, LearningCycle, Observation, RosterMember, Score
from .rubric import Band, Domain, Indicator, Rubric
from .settings import Norms, SchoolSettings
from .template import ColumnSpec, TabSpec, Template, ToolTabSpec

__all__ = [
    "ActionStep", "Band", "ColumnSpec", "Domain", "Indicator", "LearningCycle", "Norms",
    "Observation", "RosterMember", "Rubric", "SchoolSettings", "Score", "TabSpec", "Template",
    "ToolTabSpec",
]
