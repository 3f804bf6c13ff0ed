"""Each pattern against a small school built record by record, numbers worked out by hand below.

As of Tue 2026-12-01. Roster: Team A (lead Lee, teachers Tia, Tom), Team B (lead Bo, teacher Uma),
Zed (Team B) left in October, Pam the principal (not observed).

Scores (indicator: observer score date):
- Tia I.1: Lee 6 (09-10), Oli 4 (09-12), Ola 5 (09-20), Oli 3 (11-30)
- Tom I.5: Lee 3 and Oli 5 on 10-01 (same day: 4.0), Lee 6 on 10-20;  Tom LE.1: Lee 5 (10-01)
- Zed I.1: Bo 2 (10-05)
Calibration, window 30 days: Lee's 6 vs mean(4, 5) = +1.5; Oli's 4 vs mean(6, 5) = -1.5; Ola's 5 vs
mean(6, 4) = 0; Oli's 3 (11-30) has no one within 30 days. Tom I.5 10-01: Lee 3 vs Oli 5 = -2,
Oli 5 vs Lee's 3 (10-01) and 6 (10-20, within 30 days) = 5 - 4.5 = +0.5, Lee's 6 (10-20) vs Oli's 5 = +1.
So Lee: paired 3, mean (1.5 - 2 + 1)/3 = 1/6, own teachers (Lee leads Tia and Tom) the same;
Oli: paired 2, mean (-1.5 + 0.5)/2 = -0.5; Ola: 1, 0.
Middle band 3-5: Lee {6,3,6,5} -> 2/4; Oli {4,3,5} -> 1; Ola {5} -> 1; Bo {2} -> 0.
"""

from __future__ import annotations

import pandas as pd
import pytest
from patterns_support import (
    AS_OF,
    cycle,
    d,
    person,
    records,
    school_records,
    settings,
    visit,
)

from tracker_sync.patterns import (
    WHOLE_SCHOOL,
    action_step_status,
    calibration,
    coaching_load,
    compute_patterns,
    coverage,
    cycle_checks,
    cycle_growth,
    feedback_latency,
    growth,
    heatmap,
    latency_overall,
    latency_summary,
    lowest_indicators,
    school_indicators,
    scored_pace,
    steps_by_team,
    teachers_without_open_step,
    to_frames,
)
from tracker_sync.validate import Records

DAY = pd.Timestamp(AS_OF)


@pytest.fixture
def frames():
    return to_frames(school_records()).until(AS_OF)


def test_heatmap_and_school_wide(frames):
    heat = heatmap(frames, settings()).set_index(["team", "indicator"])
    assert heat.loc[("Team A", "I.1"), ["mean", "n", "share_below"]].tolist() == [4.5, 4, 0.5]
    assert heat.loc[("Team A", "I.5"), ["mean", "n"]].tolist() == [pytest.approx(14 / 3), 3]
    assert heat.loc[("Team B", "I.1"), ["mean", "n", "share_below"]].tolist() == [2.0, 1, 1.0]  # Zed left, still counts
    school = school_indicators(frames, settings()).set_index("indicator")
    assert school.loc["I.1", ["mean", "n", "share_below"]].tolist() == [4.0, 5, 0.6]
    assert list(school.index) == ["LE.1", "I.1", "I.5"]  # rubric order


def test_lowest_indicators_need_min_scores_and_break_ties(frames):
    s = settings(theme_min_scores=3, lowest_indicators_shown=2)
    lowest = lowest_indicators(heatmap(frames, s), school_indicators(frames, s), s)
    assert lowest[["scope", "rank", "indicator"]].values.tolist() == [
        [WHOLE_SCHOOL, 1, "I.1"], [WHOLE_SCHOOL, 2, "I.5"], ["Team A", 1, "I.1"], ["Team A", 2, "I.5"]]
    # a tie on the mean goes to the larger share below Effective
    heat = pd.DataFrame({"team": ["T"] * 3, "indicator": ["LE.1", "I.1", "I.5"], "mean": [4.0, 4.0, 4.0],
                         "n": [5, 5, 6], "share_below": [0.2, 0.6, 0.6]})
    tied = lowest_indicators(heat, heat.drop(columns="team").iloc[:0], settings(lowest_indicators_shown=3))
    assert tied["indicator"].tolist() == ["I.5", "I.1", "LE.1"]  # then more scores, then rubric order
    assert lowest_indicators(heat, heat.iloc[:0].drop(columns="team"), settings(theme_min_scores=7)).empty


def test_coverage_windows_and_scored_minimums(frames):
    cov = coverage(frames, settings(), DAY).set_index("teacher")
    assert sorted(cov.index) == ["Bo", "Lee", "Tia", "Tom", "Uma"]  # not Zed (left), not Pam/Oli/Ola
    assert cov.loc["Tia", ["days_since", "observations_14d", "observations_30d", "scored", "scored_full"]].tolist() == [
        6, 1, 1, 4, 1]
    # Tom's scored lessons: 10-01 (rows 6 and 7, Lee and Oli scored the same lesson: counted once) and 10-20 = 2
    assert cov.loc["Tom", ["days_since", "observations_14d", "observations_30d", "scored"]].tolist() == [11, 2, 2, 2]
    assert cov.loc["Lee", ["days_since", "observations_30d"]].tolist() == [48, 0]
    assert pd.isna(cov.loc["Bo", "days_since"]) and cov.loc["Bo", "not_seen"]
    assert sorted(cov.index[cov["not_seen"]]) == ["Bo", "Lee"]
    # 106 of 284 days gone: 2 x 0.373 = 0.75 -> 1 scored due (Full: 0.37 -> 0); Lee, Bo and Uma have none
    assert sorted(cov.index[cov["behind_scored"]]) == ["Bo", "Lee", "Uma"]


@pytest.mark.parametrize(("day", "scored", "full"), [
    (d(2026, 8, 17), 0, 0), (d(2026, 10, 26), 0, 0),  # 70 of 284 days: 2 x 0.246 = 0.49
    (d(2026, 10, 28), 1, 0),  # 72 days: 0.507 -> the first scored observation is due a quarter into the year
    (d(2026, 12, 1), 1, 0), (d(2027, 1, 5), 1, 0),  # 141 days: Full 0.496
    (d(2027, 1, 7), 1, 1),  # 143 days: Full 0.504 -> due from mid-year
    (d(2027, 3, 1), 1, 1),  # March: a school that has done none is behind on both
    (d(2027, 3, 30), 2, 1),  # 225 days: 2 x 0.792 = 1.58
    (d(2027, 5, 28), 2, 1), (d(2027, 6, 30), 2, 1),
])
def test_scored_pace_is_pro_rata_to_the_nearest_whole_observation(day, scored, full):
    s = settings()
    assert scored_pace(s, pd.Timestamp(day), 2) == scored
    assert scored_pace(s, pd.Timestamp(day), 1) == full


def test_behind_on_scored_observations_late_in_the_year():
    frames = to_frames(school_records())
    cov = coverage(frames, settings(), pd.Timestamp(2027, 5, 28)).set_index("teacher")
    assert cov.loc["Tia", "behind_scored"] is False or not cov.loc["Tia", "behind_scored"]  # 4 scored, 1 Full
    assert cov.loc["Tom", "behind_scored"]  # 3 scored, none Full
    assert cov.loc["Uma", "behind_scored"]  # none


def test_feedback_latency_skips_weekends_and_holidays(frames):
    fb = feedback_latency(frames, settings(), DAY).set_index("row")
    assert fb["school_days"].dropna().to_dict() == {2: 1, 3: 4, 6: 0, 7: 2}
    assert fb.loc[4, "pending_school_days"] == 5 and fb.loc[4, "overdue_pending"]
    assert fb.loc[5, "pending_school_days"] == 1 and not fb.loc[5, "overdue_pending"]
    overall = latency_overall(fb.reset_index())
    # known outcomes: 4 given + 1 pending past the norm; within: rows 2, 6, 7
    assert overall == {"observations": 6, "given": 4, "median_school_days": 1.5, "within": 3, "pending_past_norm": 1,
                       "share_within": 0.6}
    by_observer = latency_summary(fb.reset_index(), "observer").set_index("observer")
    assert by_observer.loc["Lee", ["given", "within", "share_within"]].tolist() == [2, 1, 0.5]
    assert by_observer.loc["Oli", ["given", "pending_past_norm", "share_within"]].tolist() == [0, 1, 0.0]
    assert pd.isna(by_observer.loc["Bo", "share_within"]) is False and by_observer.loc["Bo", "share_within"] == 1.0
    by_team = latency_summary(fb.reset_index(), "team").set_index("team")
    assert by_team.loc["Team B", ["observations", "given", "share_within"]].tolist() == [2, 1, 1.0]


def test_action_steps_summary(frames):
    steps = action_step_status(frames, DAY)
    cov = coverage(frames, settings(), DAY)
    assert sorted(steps.loc[steps["overdue"], "row"]) == [5, 7]
    summary = steps_by_team(steps, cov, teachers_without_open_step(steps, cov)).set_index("team")
    # Team A: Met(Tia), Not Met(Tom), overdue Carried Over(Tom) decided; In Progress not yet -> 1/3
    assert summary.loc["Team A", ["steps", "open", "overdue", "met", "decided"]].tolist() == [4, 2, 1, 1, 3]
    assert summary.loc["Team A", "completion_rate"] == pytest.approx(1 / 3)
    assert summary.loc["Team A", "median_days_to_complete"] == 10
    # Team B: Uma Met (4 days), Zed overdue -> 1/2; Bo and Uma have no open step
    assert summary.loc["Team B", ["completion_rate", "median_days_to_complete", "no_open_step"]].tolist() == [0.5, 4, 2]
    assert sorted(teachers_without_open_step(steps, cov)["teacher"]) == ["Bo", "Lee", "Uma"]


def test_growth_first_versus_latest(frames):
    grown = growth(frames, settings()).set_index(["teacher", "indicator"])
    assert sorted(grown.index) == [("Tia", "I.1"), ("Tom", "I.5")]  # LE.1 and Zed scored once
    assert grown.loc[("Tia", "I.1"), ["first", "latest", "change"]].tolist() == [6, 3, -3]
    assert grown.loc[("Tom", "I.5"), ["first", "latest", "change"]].tolist() == [4, 6, 2]  # 10-01 averaged


def test_focus_indicator_change_inside_cycles(frames):
    cg = cycle_growth(frames, DAY).set_index("row")
    assert 7 not in cg.index  # not started
    # Tia I.1 from 09-11: before = 6 (09-10), after = latest inside to 10-09 = 5 (09-20)
    assert cg.loc[2, ["before", "after", "change"]].tolist() == [6, 5, -1]
    # Tom I.5 from 09-28: nothing before, first inside 4.0 (10-01), latest 6 (10-20)
    assert cg.loc[3, ["before", "after", "change"]].tolist() == [4, 6, 2]
    assert pd.isna(cg.loc[4, "change"]) and pd.isna(cg.loc[4, "before"])


def test_cycle_checks(frames):
    cycles = cycle_checks(frames, settings(), DAY).set_index("row")
    assert sorted(cycles.index[cycles["past_end_active"]]) == [3]
    assert cycles.loc[3, "days_past_end"] == 25
    # Visits come from the Observations tab: Tia (Sep-Oct) and Tom (to 11-06) have scores but no logged
    # visit inside their cycles; Uma was seen on the end date; Lee's cycle is too new; row 7 not started
    assert sorted(cycles.index[cycles["no_observation"]]) == [2, 3, 5]
    assert cycles.loc[4, "observations"] == 1
    assert sorted(cycles.index[cycles["odd_length"]]) == [3]  # Mon 09-28 to Fri 11-06: 30 school days = 6 weeks
    # Uma, Mon 11-02 to Mon 11-30: 21 weekdays less Thanksgiving Thu/Fri = 19 school days, 3.8 weeks -> 4
    assert cycles.loc[4, ["school_days", "weeks"]].tolist() == [19, 3.8]


@pytest.mark.parametrize("start, end, school_days, flagged", [
    (d(2026, 9, 14), d(2026, 10, 2), 15, False),  # Monday to Friday, three weeks: 15 school days, 3 weeks
    (d(2026, 9, 14), d(2026, 9, 30), 13, False),  # Monday to Wednesday of the third week: 2.6 -> 3 weeks
    (d(2026, 9, 14), d(2026, 9, 29), 12, True),  # to the third Tuesday: 2.4 -> 2 weeks, short
    (d(2026, 11, 9), d(2026, 12, 4), 18, False),  # four calendar weeks over Thanksgiving Thu/Fri: 18 days -> 4
    (d(2026, 9, 14), d(2026, 10, 23), 30, True),  # six weeks: long
])
def test_cycle_length_counts_school_weeks_as_people_do(start, end, school_days, flagged):
    cycles = cycle_checks(to_frames(records(learning_cycles=[cycle(2, "Tia", "I.1", start, end)])).until(AS_OF), settings(), DAY)
    assert cycles.loc[0, "school_days"] == school_days
    assert bool(cycles.loc[0, "odd_length"]) is flagged


def test_coaching_load(frames):
    cov = coverage(frames, settings(), DAY)
    load = coaching_load(frames, cov, action_step_status(frames, DAY), DAY).set_index("team_lead")
    # Lee coaches Tia, Tom; visits by Lee in 30 days: 11-25, 11-18; open steps Tia 1, Tom 1; active cycle Tom
    assert load.loc["Lee"].tolist() == [2, 2, 0, 2, 1]
    # Bo coaches Uma (Zed left): visit 11-30; Uma has no open step, no active cycle
    assert load.loc["Bo"].tolist() == [1, 1, 0, 0, 0]


def test_calibration_against_colleagues(frames):
    calib = calibration(frames, settings(calibration_min_scores=1)).set_index("observer")
    assert calib.loc["Lee", ["scores", "paired", "own_teachers_paired"]].tolist() == [4, 3, 3]
    assert calib.loc["Lee", "mean_diff"] == pytest.approx(1 / 6)
    assert calib.loc["Lee", "own_teachers_diff"] == pytest.approx(1 / 6)
    assert calib.loc["Oli", ["paired", "mean_diff", "middle_share"]].tolist() == [2, -0.5, 1.0]
    assert calib.loc["Ola", ["paired", "mean_diff"]].tolist() == [1, 0.0]
    assert calib.loc["Bo", "paired"] == 0 and pd.isna(calib.loc["Bo", "mean_diff"])
    assert calib.loc["Lee", "middle_share"] == 0.5
    assert sorted(calib.index[calib["middle_flag"]]) == ["Ola", "Oli"]
    assert not calib["offset_flag"].any()
    flagged = calibration(frames, settings(calibration_min_scores=1, calibration_threshold=0.2))
    assert flagged.loc[flagged["offset_flag"], "observer"].tolist() == ["Oli"]
    assert not calibration(frames, settings()).loc[:, ["offset_flag", "middle_flag"]].any().any()  # min 10 scores


def test_calibration_window_excludes_distant_scores(frames):
    calib = calibration(frames, settings(calibration_min_scores=1, calibration_window_days=1)).set_index("observer")
    # only same-day or next-day pairs remain: Tom I.5 on 10-01 (Lee 3 vs Oli 5)
    assert calib.loc["Lee", ["paired", "mean_diff"]].tolist() == [1, -2.0]
    assert calib.loc["Ola", "paired"] == 0


def test_three_things_quote_the_numbers():
    patterns = compute_patterns(school_records(), settings(theme_min_scores=3), AS_OF)
    topics = [item.topic for item in patterns.discuss]
    assert topics[0] == "theme" and len(topics) == 3
    assert patterns.discuss[0].sentence.startswith("I.1 (")
    assert "mean 4.0 across 5 scores, 60% below Effective" in patterns.discuss[0].sentence
    # urgency: not seen 2/5 = 0.4; feedback 1 - 0.6 = 0.4; steps max(2/3 overdue, 3/5) = 0.67; cycles 2/5 = 0.4
    assert topics[1] == "action_steps"
    assert ("2 of 3 open action steps are past their due date; "
            "3 of 5 teachers have no open action step.") == patterns.discuss[1].sentence
    assert all(item.question and item.source for item in patterns.discuss)


def test_edge_no_records_at_all():
    patterns = compute_patterns(Records(), settings(), AS_OF)
    assert patterns.heatmap.empty and patterns.coverage.empty and patterns.calibration.empty
    assert patterns.discuss == []
    assert patterns.headline.median_feedback_school_days is None


def test_edge_one_teacher_no_scores():
    solo = records(roster=[person(2, "Solo", "Only", "Solo", "Team Lead")],
                   observations=[visit(2, d(2026, 11, 30), "Solo", "Pam")])
    patterns = compute_patterns(solo, settings(), AS_OF)
    assert patterns.heatmap.empty and patterns.lowest_indicators.empty
    assert patterns.coverage["teacher"].tolist() == ["Solo"]
    assert patterns.coaching_load.empty  # a lead coaching only themself
    # no scored observation although one is due by 12-01 (106 of 284 days), and no open step: both 100% off the norm
    assert [i.topic for i in patterns.discuss] == ["scored", "action_steps"]


def test_as_of_ignores_later_rows():
    patterns = compute_patterns(school_records(), settings(), d(2026, 9, 15))
    assert patterns.heatmap["n"].sum() == 2  # Tia's 09-10 and 09-12
    assert patterns.cycles["row"].tolist() == [2]
