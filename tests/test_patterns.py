"""Patterns against the tiny hand-computed school in conftest.py (as of Wed 2026-09-30).

Hand computation, school days skip weekends and Labor Day (Mon 2026-09-07):
- feedback: Ana 9/28->9/29 = 1; Ana Fri 9/04->Tue 9/08 = 1 (Mon is a holiday); Cara Mon 9/21->Mon 9/28 = 5;
  Eve 9/10->9/10 = 0; Fay 9/15->9/16 = 1; Ben Mon 9/14->Thu 9/17 = 3. Median of 0,1,1,1,3,5 = 1.
  Pending: Dan Fri 9/25 -> Wed 9/30 = 3 (not past the norm of 3); Gus Tue 9/22 -> 9/30 = 6 (past it).
- coverage (active, observed roles): Ben last 9/14 (16 days) and Eve 9/10 (20 days) not seen in 14.
- heat map (meeting band starts at 5): Team A LE.1 {5,4} I.1 {4,5} I.5 {3,2};
  Team B LE.1 {6,6,7} I.1 {6,3 (Fay, left, still counts)} I.5 {4,5,3}.
- action steps: open = In Progress, Not Started, Carried Over x2 -> 4; overdue = Cara (due 9/28) and Dan (9/24).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import AS_OF

from tracker_sync.patterns import compute_patterns, school_days_between, to_frames
from tracker_sync.validate import validate


@pytest.fixture
def patterns(grids, leap_template, tiny_settings):
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert result.findings == []
    return compute_patterns(result.records, tiny_settings, AS_OF)


def test_headline_numbers(patterns):
    assert patterns.headline.teachers_not_seen == 2
    assert patterns.headline.median_feedback_school_days == 1.0
    assert patterns.headline.overdue_action_steps == 2


def test_heatmap_mean_n_and_share_below(patterns):
    heat = patterns.heatmap.set_index(["team", "indicator"])
    expected = {
        ("Team A", "LE.1"): (4.5, 2, 0.5), ("Team A", "I.1"): (4.5, 2, 0.5), ("Team A", "I.5"): (2.5, 2, 1.0),
        ("Team B", "LE.1"): (19 / 3, 3, 0.0), ("Team B", "I.1"): (4.5, 2, 0.5), ("Team B", "I.5"): (4.0, 3, 2 / 3),
    }
    assert set(heat.index) == set(expected)
    for key, (mean, n, below) in expected.items():
        assert heat.at[key, "mean"] == pytest.approx(mean)
        assert heat.at[key, "n"] == n
        assert heat.at[key, "share_below"] == pytest.approx(below)
    # rows come in rubric order within each team
    assert list(patterns.heatmap["indicator"][:3]) == ["LE.1", "I.1", "I.5"]


def test_coverage_per_teacher(patterns):
    cov = patterns.coverage.set_index("teacher")
    assert sorted(cov.index) == ["Ana Lopez", "Ben Ross", "Cara Diaz", "Dan Wu", "Eve Park", "Gus Hale"]  # no Left, no Principal
    assert cov.loc["Ana Lopez", ["days_since", "observations_14d", "observations_30d"]].tolist() == [2, 1, 2]
    assert cov.loc["Ben Ross", ["days_since", "observations_14d", "observations_30d"]].tolist() == [16, 0, 1]
    assert cov.loc["Eve Park", "days_since"] == 20
    assert sorted(cov.index[cov["not_seen"]]) == ["Ben Ross", "Eve Park"]


def test_feedback_latency_in_school_days(patterns):
    fb = patterns.feedback.set_index("row")
    assert fb["school_days"].dropna().to_dict() == {2: 1, 3: 1, 4: 5, 7: 0, 8: 1, 10: 3}
    assert fb.loc[5, "pending_school_days"] == 3 and not fb.loc[5, "overdue_pending"]
    assert fb.loc[6, "pending_school_days"] == 6 and fb.loc[6, "overdue_pending"]
    assert int(fb["within_norm"].sum()) == 5


def test_action_steps_open_and_overdue(patterns):
    steps = patterns.action_steps.set_index("row")
    assert sorted(steps.index[steps["open"]]) == [3, 4, 5, 6]
    assert sorted(steps.index[steps["overdue"]]) == [4, 5]


def test_school_days_skip_weekends_and_holidays():
    start = pd.Series([dt.date(2026, 9, 4), dt.date(2026, 9, 4), None], dtype="object")
    end = pd.Series([dt.date(2026, 9, 8), dt.date(2026, 9, 4), dt.date(2026, 9, 8)], dtype="object")
    days = school_days_between(start, end, frozenset({dt.date(2026, 9, 7)}))
    assert days[0] == 1 and days[1] == 0 and pd.isna(days[2])


def test_no_scores_at_all_gives_empty_heatmap(grids, leap_template, tiny_settings):
    grids["LEAP Scores"] = grids["LEAP Scores"][:1]
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    patterns = compute_patterns(result.records, tiny_settings, AS_OF)
    assert patterns.heatmap.empty
    assert patterns.headline.teachers_not_seen == 2


def test_frames_join_team_onto_records(grids, leap_template, tiny_settings):
    frames = to_frames(validate(grids, leap_template, tiny_settings, AS_OF).records)
    assert frames.scores.loc[frames.scores["teacher"] == "Fay Kim", "team"].tolist() == ["Team B"]
