"""The synthetic school's attention stories are there, and the patterns find each one where it was put."""

from __future__ import annotations

import pytest

from tracker_sync.patterns import compute_patterns
from tracker_sync.patterns.practice_flags import practice_flags
from tracker_sync.sheet_templates import load_template
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.validate import validate


def synced(seed: int, rubric: str = "leap"):
    school = synthetic_school(seed, rubric=rubric)
    result = validate(school.grids, load_template().for_rubric(school.settings.rubric), school.settings, school.as_of)
    assert len(result.findings) == len(school.planted)  # co-observation rows and the new steps are valid rows
    patterns = compute_patterns(result.records, school.settings, school.as_of)
    return school, patterns, practice_flags(patterns, school.settings)


@pytest.mark.parametrize(("seed", "rubric"), [(7, "leap"), (2, "leap"), (11, "danielson"), (23, "danielson")])
def test_each_story_shows_as_its_pattern_and_flag(seed, rubric):
    school, patterns, flags = synced(seed, rubric)
    story = school.attention
    codes = {(f.code, f.who) for f in flags}
    assert ("step-load", story.overloaded_teacher) in codes
    assert ("step-setters", story.two_coach_teacher) in codes
    assert ("step-no-due-date", story.undated_step_teacher) in codes
    quiet = patterns.equity.set_index(["scope", "group"]).loc[(story.quiet_team, "novice")]
    assert quiet["flag"] and quiet["ratio"] < 0.75
    assert any(f.code == "equity-novice" and f.team == story.quiet_team and set(story.quiet_novices) <= set(f.who.split(", "))
               for f in flags)
    assert patterns.agreement_overall["lessons"] == story.co_observations >= 6
    drifter = patterns.drift_by_observer.set_index("observer").loc[story.drifting_observer]
    assert drifter["drifting"] and drifter["change"] > 0  # scores rise against colleagues'


def test_the_demo_shows_disagreement_with_the_drifting_observer_and_a_moving_heat_map():
    school, patterns, flags = synced(7)
    below = patterns.agreement_by_pair[patterns.agreement_by_pair["below_norm"]]
    assert len(below) >= 1
    assert all(school.attention.drifting_observer in (r.observer_a, r.observer_b) for r in below.itertuples())
    others = patterns.agreement_by_pair[~patterns.agreement_by_pair[["observer_a", "observer_b"]].isin(
        [school.attention.drifting_observer]).any(axis=1)]
    assert (others["adjacent"] >= 0.8).all()  # the others mostly agree
    assert patterns.drift_by_observer.iloc[0]["observer"] == school.attention.drifting_observer  # the largest change
    assert patterns.heatmap_trend["moved"].any()
