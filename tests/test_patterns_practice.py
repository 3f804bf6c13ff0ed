"""1:1s, goals and one level up, against a small school built record by record; numbers by hand.

As of Tue 2026-12-01; school year 2026-08-17 to 2027-05-28 (285 days). Quarters start on day
ceil(k * 285 / 4): day 0 (08-17), 72 (10-28), 143 (01-07), 214 (03-19); so this quarter is
2026-10-28 to 2027-01-06.

Roster: Team A = Lee (Team Lead, coached by Pam), Tia, Tom; Team B = Bo (Senior Team Lead, coached by
Ann), Uma, Vic, Zed (Left); Pam (Principal), Ann (Assistant Principal).

1:1s (row: date, person, led by, next steps due):
  2: 11-20 Tia/Lee due 11-27    3: 11-24 Tia/Lee due 12-08    4: 11-10 Tom/Lee due 11-17
  5: 11-25 Uma/Bo               6: 10-01 Zed/Bo due 10-08     7: 11-30 Lee/Pam due 12-04 (check-in)
  8: 11-03 Bo/Ann due 11-10 (check-in)                        9: 11-13 Bo/Lee (peer coaching, not a school leader)
Teachers (Tia, Tom, Uma, Vic; Zed left; leads are not in this list): days since the last 1:1 =
Tia 7 (12-01 - 11-24), Tom 21, Uma 6, Vic never -> overdue (>= 14 days or never): Tom, Vic.
Per lead: Lee coaches Tia and Tom: 1 overdue, median(7, 21) = 14, led 3 of their 1:1s in the last 30
days (rows 2, 3, 4); Bo coaches Uma and Vic: 1 overdue, median of Uma's 6 only, led 1 (row 5).
Leads' check-ins with a school leader: Lee 11-30 (1 day), Bo 11-03 (28 days, overdue; row 9 is led
by Lee, no school leader). Per school leader: Ann (Bo) 1 overdue, Pam (Lee) none.
Next steps: row 2 reviewed at row 3 (11-24); row 4 has no 1:1 with Tom since: past due by 14 days;
row 8 reviewed 11-13 (row 9); rows 3 and 7 are not due yet; row 6 is Zed's, who left: not past due.

Goals (row: owner, indicator, baseline -> target, set, last check-in, status):
  2: Tia I.1 3 -> 5, 09-01, 10-15, Active (no check-in since 10-28)
  3: Tia SLO '40%' -> '70%', 09-01, 11-05, Active      4: Tom I.5 - -> 6, 11-02, -, Active (set this quarter)
  5: Uma I.1, 09-10, -, Active (no check-in this quarter)   6: Vic I.5, 09-10, Draft
  7: Team B I.8, 09-15, 11-20, Active (a team goal)          8: Lee I.5 4 -> 6, 09-01, 11-01, Met
  9: Bo I.3, 09-01, 11-15, Active                           10: Tom I.1 4 -> 6, 09-05, 11-01, Revised
No Active goal of their own: Lee (only Met) and Vic (1 Draft). Common indicators: Team A's teachers
name I.1 (Tia) and I.5 (Tom): none shared, the most shared is I.1 (1 teacher; rubric order breaks
the tie); Team B: the team goal's I.8.
Progress (daily scores): Tia I.1 08-28 2 (before the goal), 09-20 4 and 5 (same day: 4.5), 11-15 5,
12-03 7 (after as-of, ignored): typed baseline 3 -> latest 5 = +2, target 5 reached. Tom I.5 10-20 3,
11-02 4, 11-25 6: no typed baseline, so the first score on or after 11-02 (4) -> 6 = +2, reached.
Uma I.1 09-25 4 only: no pair. Bo I.3: no scores.

One level up (visits by Pam or Ann to Lee or Bo): Lee by Pam 10-20 (Scored - Full, feedback pending)
and 11-24 (feedback 11-25, 1 school day); Bo by Ann 10-05 (feedback Mon 10-12: 5 school days); Bo by
Lee 11-20 does not count. Lee: last 11-24, 7 days, 1 visit in 14 days, 1 scored (Full); Bo: last 10-05,
57 days, not seen. Pam: 2 visits, 1 given within 3, 1 pending past the norm (10-20 -> 12-01 is 28
school days, Thanksgiving Thu/Fri off) -> 1 / (1 + 1) = 50%; Ann: 1 given, 5 days, 0%.
"""

from __future__ import annotations

import pandas as pd
import pytest
from patterns_support import AS_OF, d, person, score, settings, visit

from tracker_sync.patterns import (
    cadence_by_coach,
    check_in_period,
    common_indicators,
    compute_patterns,
    coverage,
    feedback_latency,
    goal_progress,
    goal_status,
    lead_check_ins,
    lead_support,
    leader_check_ins,
    next_steps,
    one_on_one_cadence,
    teachers_without_active_goal,
    to_frames,
)
from tracker_sync.patterns.discuss import practice_gaps
from tracker_sync.patterns.practice_flags import meeting_and_goal_flags, practice_flags
from tracker_sync.schemas import Goal, OneOnOne
from tracker_sync.sheet_templates import load_rubric
from tracker_sync.validate import Records

DAY = pd.Timestamp(AS_OF)
PP, SLO = "Professional practice", "Student learning / SLO"


def meeting(row, day, who, led_by, kind="Teacher 1:1", due=None):
    return OneOnOne(row=row, date=day, teacher=who, led_by=led_by, kind=kind, next_steps_due=due)


def goal(row, owner, indicator, set_on, check=None, status="Active", baseline=None, target=None, kind=PP):
    return Goal(row=row, teacher_or_team=owner, kind=kind, indicator=indicator, goal="g", baseline=baseline, target=target,
                set_date=set_on, last_check_in=check, status=status)


ROSTER = [
    person(2, "Lee", "Team A", "Pam", "Team Lead"), person(3, "Tia", "Team A", "Lee"), person(4, "Tom", "Team A", "Lee"),
    person(5, "Bo", "Team B", "Ann", "Senior Team Lead"), person(6, "Uma", "Team B", "Bo"), person(7, "Vic", "Team B", "Bo"),
    person(8, "Zed", "Team B", "Bo", status="Left"),
    person(9, "Pam", "Leadership", None, "Principal"), person(10, "Ann", "Leadership", None, "Assistant Principal"),
]
MEETINGS = [
    meeting(2, d(2026, 11, 20), "Tia", "Lee", due=d(2026, 11, 27)), meeting(3, d(2026, 11, 24), "Tia", "Lee", due=d(2026, 12, 8)),
    meeting(4, d(2026, 11, 10), "Tom", "Lee", due=d(2026, 11, 17)), meeting(5, d(2026, 11, 25), "Uma", "Bo"),
    meeting(6, d(2026, 10, 1), "Zed", "Bo", due=d(2026, 10, 8)),
    meeting(7, d(2026, 11, 30), "Lee", "Pam", "Team Lead check-in", d(2026, 12, 4)),
    meeting(8, d(2026, 11, 3), "Bo", "Ann", "Team Lead check-in", d(2026, 11, 10)),
    meeting(9, d(2026, 11, 13), "Bo", "Lee", "Leadership coaching"),
]
GOALS = [
    goal(2, "Tia", "I.1", d(2026, 9, 1), d(2026, 10, 15), baseline=3.0, target=5.0),
    goal(3, "Tia", None, d(2026, 9, 1), d(2026, 11, 5), baseline="40%", target="70%", kind=SLO),
    goal(4, "Tom", "I.5", d(2026, 11, 2), target=6.0),
    goal(5, "Uma", "I.1", d(2026, 9, 10)),
    goal(6, "Vic", "I.5", d(2026, 9, 10), status="Draft"),
    goal(7, "Team B", "I.8", d(2026, 9, 15), d(2026, 11, 20)),
    goal(8, "Lee", "I.5", d(2026, 9, 1), d(2026, 11, 1), "Met", 4.0, 6.0),
    goal(9, "Bo", "I.3", d(2026, 9, 1), d(2026, 11, 15)),
    goal(10, "Tom", "I.1", d(2026, 9, 5), d(2026, 11, 1), "Revised", 4.0, 6.0),
]
SCORES = [
    score(2, d(2026, 8, 28), "Tia", "Lee", "I.1", 2), score(3, d(2026, 9, 20), "Tia", "Oli", "I.1", 4),
    score(4, d(2026, 9, 20), "Tia", "Lee", "I.1", 5), score(5, d(2026, 11, 15), "Tia", "Lee", "I.1", 5),
    score(6, d(2026, 12, 3), "Tia", "Lee", "I.1", 7),
    score(7, d(2026, 10, 20), "Tom", "Lee", "I.5", 3), score(8, d(2026, 11, 2), "Tom", "Lee", "I.5", 4),
    score(9, d(2026, 11, 25), "Tom", "Lee", "I.5", 6), score(10, d(2026, 9, 25), "Uma", "Bo", "I.1", 4),
    score(11, d(2026, 10, 20), "Lee", "Pam", "I.2", 5, "Scored – Full"),
]
VISITS = [
    visit(2, d(2026, 10, 20), "Lee", "Pam", kind="Scored – Full"), visit(3, d(2026, 11, 24), "Lee", "Pam", d(2026, 11, 25)),
    visit(4, d(2026, 10, 5), "Bo", "Ann", d(2026, 10, 12)), visit(5, d(2026, 11, 20), "Bo", "Lee", d(2026, 11, 20)),
    visit(6, d(2026, 11, 23), "Tia", "Lee", d(2026, 11, 24)),
]


def records(**tabs) -> Records:
    codes = load_rubric("leap").codes
    wide: dict[int, dict] = {}
    for s in tabs.pop("scores", SCORES):
        row = wide.setdefault(s.row, {**s.model_dump(exclude={"indicator", "score"}), **dict.fromkeys(codes)})
        row[s.indicator] = s.score
    tabs = {"roster": ROSTER, "observations": VISITS, "one_on_ones": MEETINGS, "goals": GOALS, **tabs}
    return Records({**{name: [m.model_dump() for m in models] for name, models in tabs.items()},
                    "scores": list(wide.values())}, score_codes=codes)


@pytest.fixture
def frames():
    return to_frames(records()).until(AS_OF)


def test_check_in_period_is_the_quarter_of_the_school_year():
    s = settings()
    assert check_in_period(s, AS_OF) == (d(2026, 10, 28), d(2027, 1, 6))
    assert check_in_period(s, d(2026, 10, 27)) == (d(2026, 8, 17), d(2026, 10, 27))  # day 71: still the first
    assert check_in_period(s, d(2026, 8, 1)) == (d(2026, 8, 17), d(2026, 10, 27))  # before the year: the first
    assert check_in_period(s, d(2027, 6, 15)) == (d(2027, 3, 19), d(2027, 5, 28))  # after it: the last
    assert check_in_period(settings(goal_check_in_periods=2), AS_OF) == (d(2026, 8, 17), d(2027, 1, 6))  # ceil(142.5)


def test_one_on_one_cadence_per_teacher(frames):
    cadence = one_on_one_cadence(frames, settings(), DAY)
    got = cadence[["teacher", "team", "team_lead", "days_since", "meetings_30d", "meetings_total", "overdue"]]
    assert got.fillna(-1).values.tolist() == [
        ["Tia", "Team A", "Lee", 7.0, 2, 2, False], ["Tom", "Team A", "Lee", 21.0, 1, 1, True],
        ["Uma", "Team B", "Bo", 6.0, 1, 1, False], ["Vic", "Team B", "Bo", -1, 0, 0, True]]
    assert one_on_one_cadence(frames, settings(one_on_one_gap_days=30), DAY)["overdue"].tolist() == [False, False, False, True]


def test_one_on_ones_per_lead(frames):
    by_lead = cadence_by_coach(one_on_one_cadence(frames, settings(), DAY), frames.one_on_ones, DAY)
    assert by_lead.values.tolist() == [["Bo", 2, 1, 1, 6.0], ["Lee", 2, 3, 1, 14.0]]


def test_team_leads_check_ins_with_school_leaders(frames):
    check_ins = lead_check_ins(frames, settings(), DAY)
    assert check_ins[["teacher", "team_lead", "days_since", "meetings_total", "overdue"]].values.tolist() == [
        ["Lee", "Pam", 1.0, 1, False], ["Bo", "Ann", 28.0, 1, True]]
    assert list(leader_check_ins(frames, settings())["row"]) == [7, 8]  # row 9 is led by Lee, no school leader
    by_leader = cadence_by_coach(check_ins, leader_check_ins(frames, settings()), DAY)
    assert by_leader.values.tolist() == [["Ann", 1, 1, 1, 28.0], ["Pam", 1, 1, 0, 1.0]]
    assert not lead_check_ins(frames, settings(lead_check_in_gap_days=30), DAY)["overdue"].any()


def test_next_steps_are_open_until_the_next_1_1(frames):
    steps = next_steps(frames, DAY).set_index("row")
    assert steps["reviewed_on"].dt.date.to_dict() == {2: d(2026, 11, 24), 3: pd.NaT, 4: pd.NaT, 6: pd.NaT, 7: pd.NaT,
                                                      8: d(2026, 11, 13)}
    assert steps.index[steps["past_due"]].tolist() == [4]
    assert steps.loc[4, "days_past_due"] == 14


def test_goal_status_and_quarterly_check_ins(frames):
    goals = goal_status(frames, settings(), AS_OF).set_index("row")
    assert goals.index[goals["active"]].tolist() == [2, 3, 4, 5, 7, 9]
    assert goals.index[goals["no_check_in"]].tolist() == [2, 5]
    assert goals.loc[7, ["is_team", "team"]].tolist() == [True, "Team B"]
    halves = goal_status(frames, settings(goal_check_in_periods=2), AS_OF)
    assert not halves["no_check_in"].any()  # the first half began 08-17: every goal was set or checked in it


def test_teachers_without_an_active_goal(frames):
    s = settings()
    goals = goal_status(frames, s, AS_OF)
    without = teachers_without_active_goal(goals, coverage(frames, s, DAY))
    assert without[["teacher", "team", "drafts"]].values.tolist() == [["Lee", "Team A", 0], ["Vic", "Team B", 1]]
    assert teachers_without_active_goal(goals, coverage(frames, s, DAY), tracked=False).empty


def test_common_indicators_per_team(frames):
    s = settings()
    common = common_indicators(frames, s, goal_status(frames, s, AS_OF))
    assert common.values.tolist() == [
        ["Team A", 2, 2, "", False, "I.1", 1, False],
        ["Team B", 2, 1, "I.8", True, "I.1", 1, True]]


def test_common_indicator_shared_by_every_teacher(frames):
    shared = [goal(11, "Tom", "I.1", d(2026, 11, 2)), *GOALS]  # now Tia and Tom both name I.1
    frames = to_frames(records(goals=shared)).until(AS_OF)
    s = settings()
    common = common_indicators(frames, s, goal_status(frames, s, AS_OF)).set_index("team")
    assert common.loc["Team A", ["common", "from_team_goal", "most_shared", "most_shared_teachers"]].tolist() == [
        "I.1", False, "I.1", 2]


def test_goal_progress_against_the_baseline_or_the_first_score(frames):
    s = settings()
    progress = goal_progress(frames, s, goal_status(frames, s, AS_OF), AS_OF)
    got = progress[["teacher", "indicator", "baseline", "baseline_from", "latest", "change", "target", "reached"]]
    assert got.fillna(-1).values.tolist() == [
        ["Tia", "I.1", 3.0, "Baseline", 5.0, 2.0, 5.0, True],
        ["Tom", "I.5", 4.0, "first score", 6.0, 2.0, 6.0, True],
        ["Bo", "I.3", -1, "", -1, -1, -1, False],
        ["Uma", "I.1", -1, "", -1, -1, -1, False]]
    assert progress.loc[1, "baseline_date"] == pd.Timestamp(2026, 11, 2)
    assert progress.loc[0, "latest_date"] == pd.Timestamp(2026, 11, 15)  # the 12-03 score comes after as-of


def test_off_scale_baselines_fall_back_to_the_first_score(frames):
    odd = [goal(2, "Tia", "I.1", d(2026, 9, 1), d(2026, 10, 15), baseline=45.0, target=70.0)]
    frames = to_frames(records(goals=odd)).until(AS_OF)
    s = settings()
    row = goal_progress(frames, s, goal_status(frames, s, AS_OF), AS_OF).iloc[0]
    # first daily score on or after 09-01: 4.5 (09-20); latest 5 (11-15); 70 is no score target
    assert (row["baseline"], row["baseline_from"], row["latest"], row["change"]) == (4.5, "first score", 5.0, 0.5)
    assert pd.isna(row["target"]) and not row["reached"]


def test_one_level_up_coverage_and_feedback(frames):
    cov, fb = lead_support(frames, settings(), DAY, feedback_latency(frames, settings(), DAY))
    got = cov[["teacher", "team_lead", "days_since", "observations_14d", "observations_total",
               "scored", "scored_full", "not_seen"]]
    assert got.values.tolist() == [["Lee", "Pam", 7.0, 1, 2, 1, 1, False], ["Bo", "Ann", 57.0, 0, 1, 0, 0, True]]
    assert fb[["observer", "observations", "given", "median_school_days", "within", "pending_past_norm",
               "share_within"]].values.tolist() == [
        ["Ann", 1, 1, 5.0, 0, 0, 0.0], ["Pam", 2, 1, 1.0, 1, 1, 0.5]]


def test_practice_flags_for_1_1s_and_goals(frames):
    s = settings()
    patterns = compute_patterns(records(), s, AS_OF)
    flags = meeting_and_goal_flags(patterns, s, {"one_on_one": "1-on-1 Meetings", "goal": "Goals"})
    assert [(f.code, f.who, f.team, f.tab, f.row) for f in flags] == [
        ("no-one-on-one", "Tom", "Team A", None, None), ("no-one-on-one", "Vic", "Team B", None, None),
        ("lead-no-check-in", "Bo", "Team B", None, None),
        ("next-steps-past-due", "Tom", "Team A", "1-on-1 Meetings", 4),
        ("no-active-goal", "Lee", "Team A", None, None), ("no-active-goal", "Vic", "Team B", None, None),
        ("goal-no-check-in", "Tia", "Team A", "Goals", 2), ("goal-no-check-in", "Uma", "Team B", "Goals", 5),
        ("team-no-common-indicator", "", "Team A", None, None),
    ]
    detail = {(f.code, f.who): f.detail for f in flags}
    assert detail[("no-one-on-one", "Tom")] == "Last 1:1 2026-11-10, 21 days ago."
    assert detail[("no-one-on-one", "Vic")] == "No 1:1 logged yet."
    assert detail[("lead-no-check-in", "Bo")] == "Last check-in with a school leader 2026-11-03, 28 days ago."
    assert detail[("next-steps-past-due", "Tom")] == ("Next steps from the 1:1 on 2026-11-10 with Lee were due 2026-11-17, "
                                                      "14 days ago; no 1:1 since.")
    assert detail[("no-active-goal", "Vic")] == "No Active goal (1 Draft)."
    assert detail[("goal-no-check-in", "Tia")] == ("Professional practice goal on I.1 set 2026-09-01, last check-in 2026-10-15; "
                                                   "none since this quarter began on 2026-10-28.")
    assert detail[("team-no-common-indicator", "")].endswith("The most shared is I.1, in the goals of 1 of 2 teachers.")
    assert set(flags) <= set(practice_flags(patterns, s))


def test_discussion_candidates_quote_their_shares(frames):
    s = settings()
    p = compute_patterns(records(), s, AS_OF)
    gaps = practice_gaps(s, one_on_ones=p.one_on_ones, next_steps=p.next_steps, lead_check_ins=p.lead_check_ins, goals=p.goals,
                         goal_period=p.goal_period, no_active_goal=p.no_active_goal, coverage=p.coverage,
                         common_indicators=p.common_indicators)
    assert [(g.topic, round(g.urgency, 3)) for g in gaps] == [
        ("one_on_ones", 0.5), ("lead_check_ins", 0.5), ("goals", 0.333), ("common_indicator", 0.5)]
    assert gaps[0].sentence == ("2 of 4 teachers (50%) have had no 1:1 in the last 14 days; the most in Team A (1). "
                                "1 next step is past its due date with no 1:1 since.")
    assert gaps[1].sentence == "1 of 2 Team Leads (50%) have had no check-in with a school leader in the last 14 days."
    # coverage list: Lee, Tia, Tom, Bo, Uma, Vic (Zed left); 6 Active goals (team goal included), rows 2 and 5 unchecked
    assert gaps[2].sentence == ("2 of 6 teachers (33%) have no Active goal; 2 of 6 Active goals have had no check-in "
                                "this quarter (since 2026-10-28).")
    assert gaps[3].sentence == "1 of 2 teams have no common indicator in their Active goals."
    assert all(name not in g.sentence for g in gaps for name in ("Tom", "Vic", "Bo", "Lee", "Tia", "Uma"))
    assert gaps[0].source.startswith("Invest Early to Provide Strong 1:1 Support")


def test_an_empty_tab_counts_but_a_tab_the_tracker_lacks_does_not():
    s = settings()
    tabs = {"one_on_ones": [], "goals": []}
    empty = compute_patterns(records(**tabs), s, AS_OF)
    assert empty.one_on_ones["overdue"].tolist() == [True] * 4 and empty.lead_check_ins["overdue"].tolist() == [True] * 2
    assert empty.no_active_goal["teacher"].tolist() == ["Lee", "Tia", "Tom", "Bo", "Uma", "Vic"]
    lacking = records(**tabs)
    lacking.untracked = frozenset(tabs)  # as the validator marks a tracker provisioned before the tabs
    p = compute_patterns(lacking, s, AS_OF)
    for name in ("one_on_ones", "lead_check_ins", "no_active_goal", "common_indicators"):
        assert getattr(p, name).empty, name
    assert meeting_and_goal_flags(p, s, {"one_on_one": "1-on-1 Meetings", "goal": "Goals"}) == []
    assert {d.topic for d in p.discuss}.isdisjoint({"one_on_ones", "lead_check_ins", "goals", "common_indicator"})
    pd.testing.assert_frame_equal(p.coverage, empty.coverage)
    pd.testing.assert_frame_equal(p.lead_coverage, empty.lead_coverage)  # visits are still read


def test_per_team_figures_for_the_summary_and_the_brief():
    p = compute_patterns(records(), settings(), AS_OF)
    # 1:1s: Team A = Tia (7 days) and Tom (21, overdue; his row-4 next steps past due); Team B = Uma (6), Vic (never)
    assert p.one_on_ones_by_team.values.tolist() == [["Team A", 2, 1, 1, 14.0, 1], ["Team B", 2, 1, 1, 6.0, 0]]
    # goals: the coverage list per team is Lee, Tia, Tom and Bo, Uma, Vic; Active goals rows 2-4 (A) and 5, 7, 9 (B);
    # not checked this quarter: row 2 (A) and row 5 (B); progress: Tia +2 and Tom +2, both at their targets
    got = p.goals_by_team.fillna(-1).values.tolist()
    assert got == [["Team A", 3, 1, 3, 1, "", 2, 2.0, 2], ["Team B", 3, 1, 3, 1, "I.8", 0, -1, 0]]


def test_a_team_leads_own_next_steps_count_the_same_in_every_place():
    """Without row 9 (Bo's coaching by Lee on 11-13), Bo's check-in with Ann (row 8, due 11-10) is past due
    with no 1:1 since, as Tom's row 4 is: 2 rows. The by-team table (Team A: Tom; Team B: Bo, the lead's
    own), the Patterns list, the Flags and the discussion sentence all count those 2."""
    from tracker_sync.render.ilt_brief import practice_context

    s = settings()
    p = compute_patterns(records(one_on_ones=[m for m in MEETINGS if m.row != 9]), s, AS_OF)
    assert p.next_steps.loc[p.next_steps["past_due"], "row"].tolist() == [4, 8]
    by_team = p.one_on_ones_by_team
    assert dict(zip(by_team["team"], by_team["next_steps_past_due"], strict=True)) == {"Team A": 1, "Team B": 1}
    flagged = [f for f in meeting_and_goal_flags(p, s, {"one_on_one": "1-on-1 Meetings", "goal": "Goals"})
               if f.code == "next-steps-past-due"]
    assert [(f.who, f.team, f.row) for f in flagged] == [("Bo", "Team B", 8), ("Tom", "Team A", 4)]  # by due date
    assert [t["past_due"] for t in practice_context(s, p)["teams"]] == [1, 1]
    gap = next(d for d in practice_gaps(s, one_on_ones=p.one_on_ones, next_steps=p.next_steps, lead_check_ins=p.lead_check_ins,
                                        goals=p.goals, goal_period=p.goal_period, no_active_goal=p.no_active_goal,
                                        coverage=p.coverage, common_indicators=p.common_indicators) if d.topic == "one_on_ones")
    assert "2 next steps are past their due date" in gap.sentence
