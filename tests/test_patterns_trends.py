"""Trends: now, at the last ILT meeting, and a weekly series, against a small school worked out by hand.

As of Tue 2026-12-01, 3 weekly points (11-17, 11-24, 12-01), "then" = 14 days ago = 11-17 unless the
school has an ILT weekday. Thanksgiving Thu 11-26 and Fri 11-27 are holidays; norms: not seen in 14
days, feedback within 3 school days, heat-map cells shown from 3 scores, moved from 0.3.

Roster: Team A = Lee (lead), Tia, Tom; Team B = Bo (lead), Uma; Pam the principal (not observed).

Visits (row: date teacher -> feedback, school days):
  2: 11-02 Tia -> 11-09 = 5     3: 11-20 Tia -> 11-30 = 4 (Mon 23, Tue 24, Wed 25, Mon 30)
  4: 10-26 Tom -> 10-27 = 1     5: 11-16 Tom, no feedback
  6: 11-10 Uma -> 11-11 = 1     7: 11-19 Lee -> 11-19 = 0     8: 10-01 Bo -> 10-02 = 1
Not seen in 14 days (last visit on or before the day, 14+ days before it, or none):
  11-17: Tia (11-02, 15 days), Lee (none yet), Bo (10-01) = 3; A 2, B 1
  11-24: Uma (11-10, 14 days), Bo = 2; A 0, B 2
  12-01: Tom (11-16, 15 days), Uma, Bo = 3; A 1, B 2
Feedback on each day (given by then; Tom's 11-16 visit waits 1 school day on 11-17, 6 on 11-24 (17, 18,
19, 20, 23, 24) and 9 on 12-01: past the norm from 11-24 on; Tia's 11-20 visit waits on 11-24, 2 days):
  11-17: given 5, 1, 1, 1 -> median 1, within 3 of 4 = 75%;   A: 5, 1 -> median 3.0, 1 of 2 = 50%
  11-24: given 5, 1, 1, 1, 0 -> median 1, within 4 of 5 + 1 waiting = 4/6;   A: 5, 1, 0 -> 1, 2/4 = 50%
  12-01: given 5, 4, 1, 1, 1, 0 -> median 1, 4/7;   A: 5, 4, 1, 0 -> median 2.5, 2/5 = 40%;   B: 1, 1 always
Action steps (row: teacher status, set, due, completed) and overdue (set by then, open then, due before):
  2: Tia Met 11-03 due 11-13 done 11-20: open (overdue) on 11-17, closed after
  3: Tom In Progress 10-27 due 11-20: overdue 11-24 and 12-01
  4: Uma Not Met 11-11 due 11-18, no Date Completed: Not Met from the day it was set, never overdue
  5: Bo Not Started 11-20 due 11-30: overdue 12-01 only      6: Lee Carried Over 11-19, no due date
  7: Tom Not Met 10-27 due 11-10 done 11-24: open (overdue) on 11-17, closed from 11-24
  -> school 2, 1, 2; A 2, 1, 1; B 0, 0, 1
Scores: A I.1 Tom 5 (10-26), Tia 4 (11-02), Tom 6 (11-16), Tia 3 (11-20) -> 11-17: 15/3 = 5.0, later 18/4 = 4.5
  A LE.1 Tom 5 (10-26), Tia 5 (11-02), Tia 6 (11-20) -> 11-17: n 2 (not shown), later 16/3
  B I.1 Bo 5 (10-01), Uma 4 and 5 (11-10, Bo and Pam) -> 14/3 throughout
  Whole school I.1: 29/6 on 11-17, 32/7 later (change -0.26: under 0.3)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest
from patterns_support import (
    AS_OF,
    d,
    records,
    settings,
    three_weeks,
    trend_records,
)

from tracker_sync.patterns import (
    WHOLE_SCHOOL,
    compute_patterns,
    last_meeting,
    sparkline,
    three_things,
    to_frames,
    trend_dates,
    trend_gap,
)
from tracker_sync.patterns.trends import sparklines
from tracker_sync.sheet_templates import load_template
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.validate import validate


@pytest.fixture
def patterns():
    return compute_patterns(trend_records(), three_weeks(), AS_OF)


def figure(trends: pd.DataFrame, scope: str, measure: str) -> pd.Series:
    return trends.set_index(["scope", "measure"]).loc[(scope, measure)]


def test_sparkline_maps_the_range_to_eight_blocks():
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"  # (v - 1) / 7 * 7 = v - 1 levels
    assert sparkline([3, 2, 3]) == "█▁█"
    assert sparkline([5, 5, 5]) == "▄▄▄"  # flat: the middle block
    assert sparkline([None, 1, math.nan, 2]) == " ▁ █"  # blanks are spaces
    assert sparkline([]) == "" and sparkline([None, None]) == "  "
    # min_span 0.6 around the middle of 4.5..5.0: 4.45..5.05; 5.0 -> 0.55 / 0.6 * 7 = 6.4 -> ▇, 4.5 -> 0.6 -> ▂
    assert sparkline([5.0, 4.5, 4.5], min_span=0.6) == "▇▂▂"
    assert sparklines([[1, 2], [2, 1]]) == ["▁█", "█▁"]


@pytest.mark.parametrize(("weekday", "since", "meeting"), [
    ("mon", d(2026, 11, 30), True),  # the day before Tue 12-01
    ("tue", d(2026, 11, 24), True),  # a meeting on the as-of day itself has not happened yet: a week ago
    ("wed", d(2026, 11, 25), True),
    (None, d(2026, 11, 17), False),  # no ILT day: 14 days ago
])
def test_last_meeting_is_the_ilt_weekday_before_as_of_or_the_lookback(weekday, since, meeting):
    assert last_meeting(AS_OF, weekday, 14) == (since, meeting)


def test_trend_dates_are_weekly_ending_today():
    dates = trend_dates(settings(), AS_OF)  # default 8 weeks
    assert dates.points[0] == d(2026, 10, 13) and dates.points[-1] == AS_OF and len(dates.points) == 8
    assert dates.since == d(2026, 11, 17) and not dates.since_meeting
    assert trend_dates(three_weeks(ilt_weekday="thu"), AS_OF).since == d(2026, 11, 26)


def test_state_on_an_earlier_day():
    frames = to_frames(trend_records())
    on_24 = frames.state_on(d(2026, 11, 24))
    assert pd.isna(on_24.observations.set_index("row").at[3, "feedback_date"])  # Tia's 11-20 feedback came 11-30
    assert on_24.observations.set_index("row").at[2, "feedback_date"] == pd.Timestamp(2026, 11, 9)
    steps = on_24.action_steps.set_index("row")
    assert steps.at[2, "status"] == "Met" and steps.at[7, "status"] == "Not Met"  # completed 11-20 and 11-24
    assert 5 in steps.index  # set 11-20
    on_17 = frames.state_on(d(2026, 11, 17)).action_steps.set_index("row")
    assert on_17.at[2, "status"] == "In Progress" and pd.isna(on_17.at[2, "date_completed"])
    assert on_17.at[7, "status"] == "In Progress"
    assert on_17.at[4, "status"] == "Not Met"  # no Date Completed: closed since it was set
    assert 5 not in on_17.index


def test_headline_and_team_trends(patterns):
    trends = patterns.trends
    assert list(trends["scope"].unique()) == [WHOLE_SCHOOL, "Team A", "Team B"]
    expected = {
        (WHOLE_SCHOOL, "not_seen"): (3, 2, 3), ("Team A", "not_seen"): (2, 0, 1), ("Team B", "not_seen"): (1, 2, 2),
        (WHOLE_SCHOOL, "median_feedback_school_days"): (1, 1, 1), ("Team A", "median_feedback_school_days"): (3, 1, 2.5),
        ("Team B", "median_feedback_school_days"): (1, 1, 1),
        (WHOLE_SCHOOL, "feedback_share_within"): (3 / 4, 4 / 6, 4 / 7),
        ("Team A", "feedback_share_within"): (1 / 2, 2 / 4, 2 / 5),
        ("Team B", "feedback_share_within"): (1, 1, 1),
        (WHOLE_SCHOOL, "overdue_steps"): (2, 1, 2), ("Team A", "overdue_steps"): (2, 1, 1),
        ("Team B", "overdue_steps"): (0, 0, 1),
    }
    for (scope, measure), series in expected.items():
        row = figure(trends, scope, measure)
        assert row["series"] == pytest.approx(series), (scope, measure)
        assert row["then"] == pytest.approx(series[0]) and row["now"] == pytest.approx(series[-1])  # then = 11-17, a point
    share = figure(trends, WHOLE_SCHOOL, "feedback_share_within")
    assert share["change"] == pytest.approx(4 / 7 - 3 / 4) and share["worse"]  # a share that falls is worse
    assert not figure(trends, WHOLE_SCHOOL, "not_seen")["worse"]  # 3 -> 3
    assert figure(trends, "Team B", "not_seen")["worse"]  # 1 -> 2
    assert figure(trends, WHOLE_SCHOOL, "not_seen")["sparkline"] == "█▁█"


def test_now_is_the_snapshot_and_then_is_the_snapshot_at_the_meeting(patterns):
    school = patterns.trends[patterns.trends["scope"] == WHOLE_SCHOOL].set_index("measure")["now"]
    assert school["not_seen"] == patterns.headline.teachers_not_seen == 3
    assert school["median_feedback_school_days"] == patterns.headline.median_feedback_school_days == 1.0
    assert school["overdue_steps"] == patterns.headline.overdue_action_steps == 2
    # With a Monday ILT, "then" is 11-30: Tom (11-16) and Uma and Bo not seen = 3; only Tom's step 3 overdue
    # (Bo's step is due 11-30, not before it) = 1.
    monday = compute_patterns(trend_records(), three_weeks(ilt_weekday="mon"), AS_OF)
    at_meeting = compute_patterns(trend_records(), three_weeks(), d(2026, 11, 30))
    then = monday.trends[monday.trends["scope"] == WHOLE_SCHOOL].set_index("measure")["then"]
    assert then["not_seen"] == at_meeting.headline.teachers_not_seen == 3
    assert then["overdue_steps"] == at_meeting.headline.overdue_action_steps == 1
    assert then["feedback_share_within"] == pytest.approx(at_meeting.feedback_overall["share_within"])


def test_heatmap_cells_then_now_and_which_moved(patterns):
    heat = patterns.heatmap_trend.set_index(["team", "indicator"])
    a_i1 = heat.loc[("Team A", "I.1")]
    assert (a_i1["then"], a_i1["then_n"], a_i1["now"], a_i1["now_n"]) == (5.0, 3, 4.5, 4)
    assert a_i1["moved"] and a_i1["change"] == pytest.approx(-0.5)
    assert a_i1["series"] == pytest.approx((5.0, 4.5, 4.5)) and a_i1["sparkline"] == "▇▂▂"
    a_le1 = heat.loc[("Team A", "LE.1")]
    assert a_le1["then_n"] == 2 and a_le1["now"] == pytest.approx(16 / 3) and not a_le1["moved"]  # not shown then
    assert heat.loc[("Team B", "I.1"), "change"] == pytest.approx(0) and not heat.loc[("Team B", "I.1"), "moved"]
    school = heat.loc[(WHOLE_SCHOOL, "I.1")]
    assert (school["then"], school["now"]) == pytest.approx((29 / 6, 32 / 7)) and not school["moved"]  # -0.26
    assert sorted(patterns.heatmap_trend.loc[patterns.heatmap_trend["moved"], "indicator"]) == ["I.1"]
    assert len(heat) == 5  # only cells with a score: A I.1, A LE.1, B I.1, school I.1 and LE.1


def test_the_trend_that_worsened_most_is_a_candidate_for_the_three_things():
    # Since 11-17 the share of feedback on time fell from 75% to 57% (urgency 3/4 - 4/7 = 0.18); nothing else got worse.
    patterns = compute_patterns(trend_records(), three_weeks(), AS_OF)
    gap = trend_gap(three_weeks(), patterns.trends, patterns.trend_dates, teachers=5, open_steps=3)
    assert gap.sentence == "Since 2026-11-17, feedback within 3 school days fell from 75% to 57% of visits."
    assert gap.urgency == pytest.approx(3 / 4 - 4 / 7) and "Team Leads" in gap.question
    # Since the Monday meeting, overdue steps went 1 -> 2 of the 3 open (Tom's 3, Bo's 5, Lee's 6): urgency 1/3.
    monday = compute_patterns(trend_records(), three_weeks(ilt_weekday="mon"), AS_OF)
    gap = trend_gap(three_weeks(), monday.trends, monday.trend_dates, teachers=5, open_steps=3)
    assert gap.sentence == "Since the ILT meeting on 2026-11-30, overdue action steps went from 1 to 2 (of 3 open)."
    assert gap.urgency == pytest.approx(1 / 3)
    # The other gaps here: 2 of 3 open steps overdue (0.67), 3 of 5 teachers not seen (0.6); the trend (0.33)
    # comes fourth and is left out, as it is in compute_patterns; it is chosen once it is the largest.
    inputs = dict(lowest=monday.lowest_indicators, coverage=monday.coverage, feedback=monday.feedback_overall,
                  steps=monday.action_steps, no_open_step=monday.no_open_step, calibration=monday.calibration,
                  cycles=monday.cycles)
    assert [t.topic for t in three_things(three_weeks(), **inputs, more=[gap])] == ["theme", "action_steps", "coverage"]
    assert [t.topic for t in monday.discuss] == ["theme", "action_steps", "coverage"]
    larger = dataclasses.replace(gap, urgency=0.9)
    assert [t.topic for t in three_things(three_weeks(), **inputs, more=[larger])] == ["theme", "trend", "action_steps"]


def test_no_records_give_empty_trends():
    patterns = compute_patterns(records(), settings(), AS_OF)
    assert patterns.heatmap_trend.empty
    school = patterns.trends[patterns.trends["scope"] == WHOLE_SCHOOL].set_index("measure")
    assert school.loc["not_seen", "now"] == 0 and pd.isna(school.loc["median_feedback_school_days", "now"])


@pytest.mark.parametrize(("seed", "rubric"), [(7, "leap"), (3, "danielson")])
def test_every_point_of_the_demo_school_equals_the_snapshot_on_that_day(seed, rubric):
    """The vectorised trend against compute_patterns run as of each date: same definitions, same numbers."""
    school = synthetic_school(seed, rubric=rubric)
    records_ = validate(school.grids, load_template().for_rubric(school.settings.rubric), school.settings, school.as_of).records
    now = compute_patterns(records_, school.settings, school.as_of)
    for i, day in enumerate([now.trend_dates.since, *now.trend_dates.points]):
        then = compute_patterns(records_, school.settings, day)
        expected = {(WHOLE_SCHOOL, "not_seen"): then.headline.teachers_not_seen,
                    (WHOLE_SCHOOL, "median_feedback_school_days"): then.feedback_overall["median_school_days"],
                    (WHOLE_SCHOOL, "feedback_share_within"): then.feedback_overall["share_within"],
                    (WHOLE_SCHOOL, "overdue_steps"): then.headline.overdue_action_steps}
        expected |= {(r.team, "not_seen"): r.not_seen for r in then.coverage_by_team.itertuples()}
        expected |= {(r.team, "median_feedback_school_days"): r.median_school_days for r in then.feedback_by_team.itertuples()}
        expected |= {(r.team, "feedback_share_within"): r.share_within for r in then.feedback_by_team.itertuples()}
        expected |= {(r.team, "overdue_steps"): r.overdue for r in then.steps_by_team.itertuples()}
        for r in now.trends.itertuples():
            got = r.then if i == 0 else r.series[i - 1]
            want = expected.get((r.scope, r.measure), 0 if r.measure in ("not_seen", "overdue_steps") else None)
            assert got == pytest.approx(math.nan if want is None else want, nan_ok=True), (day, r.scope, r.measure)
        cells = {(WHOLE_SCHOOL, r.indicator): r.mean for r in then.school_indicators.itertuples()}
        cells |= {(r.team, r.indicator): r.mean for r in then.heatmap.itertuples()}
        for r in now.heatmap_trend.itertuples():
            got = r.then if i == 0 else r.series[i - 1]
            assert got == pytest.approx(cells.get((r.team, r.indicator), math.nan), nan_ok=True), (day, r.team, r.indicator)
    assert now.heatmap_trend["moved"].any()  # the demo's heat map moved in the last two weeks


def test_trend_frames_for_the_demo_have_one_row_per_team_and_measure():
    school = synthetic_school(7)
    records_ = validate(school.grids, load_template().for_rubric(school.settings.rubric), school.settings, school.as_of).records
    patterns = compute_patterns(records_, school.settings, school.as_of)
    teams = sorted(patterns.coverage_by_team["team"])
    assert len(patterns.trends) == 4 * (1 + len(teams))
    assert all(len(s) == 8 and len(line) == 8
               for s, line in zip(patterns.trends["series"], patterns.trends["sparkline"], strict=True))
    assert patterns.trend_dates.points[-1] == dt.date(2026, 12, 18)
