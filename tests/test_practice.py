"""Practice flags from the norms, on the tiny hand-computed school (see tests/test_patterns.py)."""

from __future__ import annotations

from conftest import AS_OF

from tracker_sync.patterns import compute_patterns
from tracker_sync.patterns.practice_flags import (
    PRACTICE_FLAG_TYPES,
    count_by_code,
    practice_flags,
)
from tracker_sync.validate import validate


def flags_for(grids, template, settings):
    result = validate(grids, template, settings, AS_OF)
    return practice_flags(compute_patterns(result.records, settings, AS_OF), settings)


def test_flags_name_who_and_point_at_the_evidence_row(grids, leap_template, tiny_settings):
    flags = flags_for(grids, leap_template, tiny_settings)
    got = [(f.code, f.who, f.tab, f.row) for f in flags]
    assert got == [
        ("not-observed", "Ben Ross", None, None), ("not-observed", "Eve Park", None, None),
        ("feedback-pending", "Gus Hale", "Observations", 6),  # 6 school days > 3
        ("step-overdue", "Dan Wu", "Action Steps", 5), ("step-overdue", "Cara Diaz", "Action Steps", 4),
        ("no-open-step", "Ben Ross", None, None), ("no-open-step", "Eve Park", None, None),
        ("cycle-past-end", "Ana Lopez", "Learning Cycles", 2),  # ended 9/29, still Active
    ]
    assert flags[2].detail == "Visit on 2026-09-22 by Eve Park: waiting 6 school days."
    assert flags[7].detail == "Cycle 1 ended 2026-09-29, 1 day ago, and is still Active."
    assert list(count_by_code(flags)) == list(PRACTICE_FLAG_TYPES)


def test_norms_are_per_school_settings(grids, leap_template, tiny_settings):
    relaxed = tiny_settings.model_copy(update={"norms": tiny_settings.norms.model_copy(
        update={"observation_gap_days": 30, "feedback_within_school_days": 10})})
    codes = count_by_code(flags_for(grids, leap_template, relaxed))
    assert codes["not-observed"] == 0 and codes["feedback-pending"] == 0 and codes["step-overdue"] == 2
