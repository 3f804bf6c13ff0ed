"""Who gets the attention: observation equity and action-step load, worked out by hand.

As of Tue 2026-12-01 (visits in the last 30 days: 11-02 to 12-01). Roster (Years Experience):
Team A = Lee (lead, 10), Ann (1), Abe (0), Al (5), Amy (8); Team B = Bo (lead, 12), Ben (2), Bea (6), Bill (9);
Pam the principal (not observed).

Visits in 30 days (every 4 days back from 12-01, feedback the same day): Lee 2, Ann 1, Abe 1, Al 4,
Amy 4; Bo 2, Ben 3, Bea 3, Bill 2 (one old visit, 10-01, for Ann does not count). Each teacher has one
open action step due after 12-01, so no other practice gap competes with equity. Mean scores this year:
Lee 6, Ann 4, Abe 5, Al 3 (2 and 4: two scored
lessons), Amy 6, Bo 6, Ben 5, Bea 4, Bill 5. Their 25th percentile (9 means, linear): sorted
3, 4, 4, 5, 5, 5, 6, 6, 6 -> position 8 x 0.25 = 2 -> 4. Lowest quartile: Al, Ann, Bea (<= 4).
Novices (<= 2 years): Ann, Abe, Ben. Everyone else: Lee, Amy, Bo, Bill.

Whole school: novices 5 visits / 3 = 1.67 vs the other 6: 17 / 6 = 2.83 -> 0.588x (flag, < 0.75);
  lowest quartile 8 / 3 = 2.67 vs 14 / 6 = 2.33 -> 1.14x; everyone else 10 / 4 = 2.5 vs 12 / 5 = 2.4.
Team A: novices Ann + Abe 2 / 2 = 1.0 vs Lee, Al, Amy 10 / 3 = 3.33 -> 0.3x (flag); lowest quartile
  Al + Ann 5 / 2 = 2.5 vs 7 / 3 -> 1.07x.  Team B: one novice (Ben) and one in the lowest quartile
  (Bea): fewer than 2 teachers, never flagged.
Scored lessons this year: Al 2, everyone else 1 -> lowest quartile (2 + 1 + 1) / 3 = 1.33 each.
"""

from __future__ import annotations

import pandas as pd
import pytest
from patterns_support import (
    AS_OF,
    equity_records,
    load_records,
    settings,
)

from tracker_sync.patterns import (
    WHOLE_SCHOOL,
    compute_patterns,
    equity_gap,
    step_load,
    undated_steps,
)
from tracker_sync.patterns.practice_flags import practice_flags


@pytest.fixture
def patterns():
    return compute_patterns(equity_records(), settings(), AS_OF)


def test_groups_novices_and_the_lowest_quartile(patterns):
    groups = patterns.equity_groups.set_index("teacher")
    assert sorted(groups.index[groups["novice"]]) == ["Abe", "Ann", "Ben"]
    assert sorted(groups.index[groups["lowest_quartile"]]) == ["Al", "Ann", "Bea"]
    assert sorted(groups.index[groups["others"]]) == ["Amy", "Bill", "Bo", "Lee"]
    assert groups.at["Al", "mean_score"] == 3 and groups.at["Al", "observations_30d"] == 4


def test_visits_per_teacher_by_group_and_the_ratio_to_the_others(patterns):
    eq = patterns.equity.set_index(["scope", "group"])
    assert list(patterns.equity["scope"].unique()) == [WHOLE_SCHOOL, "Team A", "Team B"]
    novice = eq.loc[(WHOLE_SCHOOL, "novice")]
    assert (novice["teachers"], novice["visits_30d"], novice["others_teachers"]) == (3, 5, 6)
    assert novice["visits_per_teacher"] == pytest.approx(5 / 3) and novice["others_visits_per_teacher"] == pytest.approx(17 / 6)
    assert novice["ratio"] == pytest.approx((5 / 3) / (17 / 6)) and novice["flag"]
    lowest = eq.loc[(WHOLE_SCHOOL, "lowest_quartile")]
    assert lowest["ratio"] == pytest.approx((8 / 3) / (14 / 6)) and not lowest["flag"]
    assert lowest["scored_per_teacher"] == pytest.approx(4 / 3)
    others = eq.loc[(WHOLE_SCHOOL, "others")]
    assert others["ratio"] == pytest.approx(2.5 / 2.4) and not others["flag"]
    team_a = eq.loc[("Team A", "novice")]
    assert team_a["ratio"] == pytest.approx(1.0 / (10 / 3)) and team_a["flag"]
    assert eq.loc[("Team A", "lowest_quartile"), "ratio"] == pytest.approx(2.5 / (7 / 3))
    assert not eq.loc[("Team B", "novice"), "flag"] and eq.loc[("Team B", "novice"), "teachers"] == 1  # one teacher: too few
    assert sorted(patterns.equity.loc[patterns.equity["flag"], "scope"]) == ["Team A", WHOLE_SCHOOL]


def test_one_sentence_for_the_brief(patterns):
    assert patterns.equity_sentence == (
        "Visits per teacher in the last 30 days: novice teachers (2 years or less) 1.7, teachers in the lowest score "
        "quartile 2.7, everyone else 2.5; in Team A, novice teachers (2 years or less) get 0.30x the visits of their "
        "colleagues (norm: at least 0.75x); 1 more group below the norm.")


def test_the_widest_equity_gap_is_a_candidate_for_the_three_things(patterns):
    gap = equity_gap(settings(), patterns.equity)
    assert gap.sentence == ("In the last 30 days novice teachers (2 years or less) in Team A had 1.0 visits each, 0.30x "
                            "the 3.3 of their colleagues (norm: at least 0.75x).")
    assert gap.urgency == pytest.approx(0.7) and gap.topic == "equity"
    assert "equity" in [t.topic for t in patterns.discuss]  # 0.7: more than any other gap of this school
    lenient = settings(equity_min_ratio=0.25)  # 0.3x and 0.59x are both above a quarter
    assert equity_gap(lenient, compute_patterns(equity_records(), lenient, AS_OF).equity) is None


def test_equity_flags_name_the_group(patterns):
    flags = [f for f in practice_flags(patterns, settings()) if f.code.startswith("equity")]
    assert [(f.code, f.team, f.who) for f in flags] == [
        ("equity-novice", WHOLE_SCHOOL, "Abe, Ann, Ben"), ("equity-novice", "Team A", "Abe, Ann")]
    assert flags[1].detail == "2 novices (2 years or less): 1.0 visits each in 30 days, 0.30x the 3.3 of the other 3."


def test_equity_norms_are_per_school(patterns):
    relaxed = compute_patterns(equity_records(), settings(novice_max_years=0, equity_min_teachers=1), AS_OF)
    eq = relaxed.equity.set_index(["scope", "group"])
    assert eq.loc[(WHOLE_SCHOOL, "novice"), "teachers"] == 1  # Abe only
    assert eq.loc[("Team B", "lowest_quartile"), "flag"] == (3 / ((2 + 3 + 2) / 3) < 0.75)  # Bea 3 vs 2.33: no


def test_step_load_counts_open_steps_and_the_people_who_set_them():
    patterns = compute_patterns(load_records(), settings(), AS_OF)
    load = patterns.step_load.set_index("teacher")
    assert list(load.index) == ["Abe", "Al", "Amy", "Ann", "Bill"]  # team, then name
    assert load.loc["Ann", ["open_steps", "setters", "set_by", "too_many", "several_setters"]].tolist() == [
        3, 1, "Lee", True, False]
    assert load.loc["Abe", ["open_steps", "setters", "set_by", "too_many", "several_setters"]].tolist() == [
        2, 2, "Lee, Pam", False, True]
    assert load.loc["Al", ["open_steps", "setters", "several_setters"]].tolist() == [2, 1, False]
    assert load.loc["Amy", ["open_steps", "setters"]].tolist() == [1, 1]
    same = step_load(patterns.action_steps, patterns.coverage, settings(max_open_steps=3))
    assert not same["too_many"].any()


def test_steps_open_for_weeks_with_no_due_date():
    patterns = compute_patterns(load_records(), settings(), AS_OF)
    undated = patterns.undated_steps
    assert undated[["row", "teacher", "days_open"]].values.tolist() == [[8, "Al", 26], [4, "Ann", 22]]  # oldest first
    assert undated_steps(patterns.action_steps, pd.Timestamp(AS_OF), settings(undated_step_days=20))["row"].tolist() == [8, 4, 11]


def test_step_load_flags():
    patterns = compute_patterns(load_records(), settings(), AS_OF)
    flags = [f for f in practice_flags(patterns, settings()) if f.code.startswith("step-") and f.code != "step-overdue"]
    assert [(f.code, f.who, f.row) for f in flags] == [
        ("step-load", "Ann", None), ("step-setters", "Abe", None), ("step-no-due-date", "Al", 8), ("step-no-due-date", "Ann", 4)]
    assert flags[0].detail == "3 open steps, set by Lee."
    assert flags[1].detail == "2 open steps set by 2 people: Lee, Pam."
    assert flags[2].detail == "Step on no indicator set 2026-11-05, open 26 days, no due date."
    assert flags[2].tab == "Action Steps"
