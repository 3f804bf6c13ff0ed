"""The coaching plan's rules against a small school worked out by hand (as of Mon 2026-10-05).

Norms: visits every 14 days, every 7 for novices and the lowest score quartile; an Active cycle with
no visit is due 7 days after its start; feedback within 3 school days; 1:1s every 14 days. Pat's
visits a week come from the settings (3), Lee's from the Roster (1, over the settings' 5); meetings 2
a week. Two weeks are planned: 10/05-10/11 and 10/12-10/18.

Who coaches whom: Lee Ray (Team Lead) coaches Ana, Ben and Cal; Dee's Team Lead (Old Coach) has
left and Eli has none, so both go to the principal, Pat Noor, who also coaches Lee.

Due dates:
- Observe: Cal 9/14 + 14 = 9/28, but his Cycle 1 started 9/16 with no visit: 9/16 + 7 = 9/23.
  Ana (novice) 9/21 + 7 = 9/28. Ben (lowest quartile: means 5, 3, 6, 6, cut 4.5) 9/28 + 7 = 10/05.
  Dee 9/24 + 14 = 10/08. Eli never: 8/17 + 14 = 8/31. Lee (Pat's visit) 9/30 + 14 = 10/14.
- Feedback: Ben's 9/28 visit has none: Tue, Wed, Thu -> 10/01.
- 1:1s: Cal and Dee and Eli never: 8/31; Ana 9/14 -> 9/28; Ben 9/29 -> 10/13; Lee's check-in with Pat 9/28 -> 10/12.
- Cycle: Cal's Cycle 1 ends 10/16, within the plan.

Lee, in need order (due, then urgency, then kind): Cal 1:1 8/31, Cal observe 9/23, Ana observe 9/28
(a visit before a 1:1 due the same day), Ana 1:1 9/28, Ben feedback 10/01, Ben observe 10/05, Ben
1:1 10/13, Cal cycle 10/16. One visit a week: Cal in week 1, Ana in week 2, Ben has no room. Two
meetings a week: Cal and Ana in week 1; Ben's feedback and 1:1 are one meeting in week 2, with
Cal's cycle.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from plan_support import AS_OF, WEEK1, WEEK2, plan_grids

from tracker_sync.patterns.plan import (
    CARRIED,
    COMING,
    DONE,
    NO_ROOM,
    TO_DO,
    coaching_plan,
    weeks_to_clear,
    with_memory,
)
from tracker_sync.patterns.plan_needs import goal_needs, in_need_order, people_of
from tracker_sync.patterns.plan_weeks import Capacity, SchoolWeek, add_school_days, fit_to_capacity, school_weeks
from tracker_sync.render.plan_tab import plan_memory, render_plan
from tracker_sync.schemas import SchoolSettings
from tracker_sync.sheet_templates import default_norms, load_rubric, load_template
from tracker_sync.validate import validate

d = dt.date



@pytest.fixture
def settings() -> SchoolSettings:
    norms = default_norms().model_copy(update={
        "plan_visits_per_week": 2, "plan_meetings_per_week": 2, "plan_weeks": 2,
        "plan_coach_visits": {"Pat Noor": 3, "Lee Ray": 5}})
    return SchoolSettings(school="Plan School", rubric=load_rubric("leap"), norms=norms,
                          school_year_start=d(2026, 8, 17), school_year_end=d(2027, 5, 28))


def records_of(grids, settings, as_of=AS_OF):
    result = validate(grids, load_template().for_rubric(settings.rubric), settings, as_of)
    assert [f.code for f in result.findings if f.severity == "error"] == []
    return result.records


def plan_of(grids, settings, as_of=AS_OF, memory=None):
    return coaching_plan(records_of(grids, settings, as_of), settings, as_of, memory)


def rows(plan, coach):
    """(teacher, kind, due, week, status) of a coach's items, in the plan's order."""
    mine = plan.items[plan.items["coach"] == coach]
    return list(zip(mine["teacher"], mine["kind"], mine["due"], mine["week"], mine["status"], strict=True))


# -- weeks and capacity ----------------------------------------------------------------------------


def test_the_coming_school_week_skips_weekends_and_breaks_and_stops_at_the_year_end(settings):
    with_break = settings.model_copy(update={"holidays": frozenset(d(2026, 10, 12) + dt.timedelta(n) for n in range(5))
                                             | {d(2026, 10, 23)}})
    weeks = school_weeks(with_break, d(2026, 10, 3), 3)  # a Saturday
    assert [w.start for w in weeks] == [d(2026, 10, 5), d(2026, 10, 19), d(2026, 10, 26)]  # the break week has no school day
    assert len(weeks[0].days) == 5 and len(weeks[1].days) == 4  # Friday 10/23 is a holiday
    wednesday = school_weeks(settings, d(2026, 10, 7), 1)[0]
    assert wednesday.days == (d(2026, 10, 7), d(2026, 10, 8), d(2026, 10, 9))  # from Wednesday on
    assert [w.start for w in school_weeks(settings, d(2027, 5, 24), 4)] == [d(2027, 5, 24)]
    assert school_weeks(settings, d(2027, 5, 29), 4) == []


@pytest.mark.parametrize(("per_week", "days", "capacity"),
                         [(6, 5, 6), (6, 3, 4), (6, 1, 1), (2, 4, 2), (3, 4, 2), (5, 1, 1), (0, 5, 0)])
def test_capacity_is_per_school_day_rounded_half_up(per_week, days, capacity):
    week = SchoolWeek(d(2026, 10, 5), tuple(d(2026, 10, 5) + dt.timedelta(n) for n in range(days)))
    assert week.capacity(per_week) == capacity  # 6*3/5 = 3.6 -> 4; 6/5 = 1.2 -> 1; 3*4/5 = 2.4 -> 2


def test_feedback_is_due_in_school_days(settings):
    assert add_school_days(settings, d(2026, 9, 28), 3) == d(2026, 10, 1)
    assert add_school_days(settings, d(2026, 10, 2), 3) == d(2026, 10, 7)  # Friday -> Wednesday


def test_need_order_is_due_date_then_urgency_then_kind_and_the_name_last():
    rows = [["Lee", "Zoe", "observe", None, d(2026, 9, 28), "", 0], ["Lee", "Amy", "one_on_one", None, d(2026, 9, 28), "", 0],
            ["Lee", "Yan", "observe", None, d(2026, 9, 28), "", 2], ["Lee", "Bob", "observe", None, d(2026, 9, 20), "", 0],
            ["Lee", "Amy", "feedback", None, d(2026, 9, 28), "", 0], ["Lee", "Abe", "observe", None, d(2026, 9, 28), "", 0]]
    order = in_need_order(rows)
    assert list(zip(order["teacher"], order["kind"], strict=True)) == [
        ("Bob", "observe"), ("Yan", "observe"), ("Amy", "feedback"), ("Abe", "observe"), ("Zoe", "observe"),
        ("Amy", "one_on_one")]


def test_fitting_fills_weeks_in_order_and_merges_meetings_with_one_teacher(settings):
    weeks = school_weeks(settings, AS_OF, 2)
    items = [("Lee", "A", "observe", d(2026, 9, 20)), ("Lee", "B", "observe", d(2026, 9, 25)),
             ("Lee", "C", "observe", d(2026, 9, 28)), ("Lee", "D", "feedback", d(2026, 10, 1)),
             ("Lee", "D", "one_on_one", d(2026, 10, 2)), ("Lee", "E", "one_on_one", d(2026, 10, 3)),
             ("Lee", "F", "observe", d(2026, 10, 20)), ("Zed", "G", "observe", d(2026, 9, 1))]
    placed = fit_to_capacity(items, {"Lee": Capacity(2, 1), "Zed": Capacity(0, 2)}, weeks)
    assert [(p.week, p.day) for p in placed] == [
        (WEEK1, d(2026, 10, 5)), (WEEK1, d(2026, 10, 7)),  # two visits spread: Monday, Wednesday
        (WEEK2, d(2026, 10, 12)),  # no room in week 1: carried
        (WEEK1, d(2026, 10, 5)), (WEEK1, d(2026, 10, 5)),  # D's feedback and 1:1: one meeting
        (WEEK2, d(2026, 10, 12)),  # the one meeting of week 1 is taken
        (None, None),  # due after the plan's last week
        (None, None),  # a coach with no capacity
    ]


def test_weeks_to_clear_counts_the_plans_weeks_then_full_weeks(settings):
    short = SchoolWeek(WEEK1, (d(2026, 10, 8), d(2026, 10, 9)))  # 2 days: 6 -> 2 visits
    full = SchoolWeek(WEEK2, tuple(WEEK2 + dt.timedelta(n) for n in range(5)))
    assert weeks_to_clear(2, 6, (short, full)) == 1
    assert weeks_to_clear(8, 6, (short, full)) == 2
    assert weeks_to_clear(9, 6, (short, full)) == 3  # 2 + 6 in the plan, then a full week
    assert weeks_to_clear(0, 0, ()) == 0 and weeks_to_clear(1, 0, (full,)) is None


# -- the plan of the hand-computed school ----------------------------------------------------------


def test_each_coach_gets_what_is_due_in_need_order_within_capacity(settings):
    plan = plan_of(plan_grids(), settings)
    assert plan.week.start == WEEK1 and plan.made_on == AS_OF
    assert rows(plan, "Lee Ray") == [
        ("Cal Diaz", "one_on_one", d(2026, 8, 31), WEEK1, TO_DO),
        ("Cal Diaz", "observe", d(2026, 9, 23), WEEK1, TO_DO),
        ("Ana Lopez", "observe", d(2026, 9, 28), WEEK2, CARRIED),
        ("Ana Lopez", "one_on_one", d(2026, 9, 28), WEEK1, TO_DO),
        ("Ben Ross", "feedback", d(2026, 10, 1), WEEK2, CARRIED),
        ("Ben Ross", "observe", d(2026, 10, 5), None, NO_ROOM),
        ("Ben Ross", "one_on_one", d(2026, 10, 13), WEEK2, COMING),
        ("Cal Diaz", "cycle", d(2026, 10, 16), WEEK2, COMING),
    ]
    assert rows(plan, "Pat Noor") == [
        ("Eli Park", "observe", d(2026, 8, 31), WEEK1, TO_DO),  # due the same day: a visit before 1:1s
        ("Dee Wu", "one_on_one", d(2026, 8, 31), WEEK1, TO_DO),
        ("Eli Park", "one_on_one", d(2026, 8, 31), WEEK1, TO_DO),
        ("Dee Wu", "observe", d(2026, 10, 8), WEEK1, TO_DO),
        ("Lee Ray", "one_on_one", d(2026, 10, 12), WEEK2, COMING),
        ("Lee Ray", "observe", d(2026, 10, 14), WEEK2, COMING),
    ]
    reasons = dict(zip(zip(plan.items["teacher"], plan.items["kind"], strict=True), plan.items["reason"], strict=True))
    assert "Cycle 1 (since 2026-09-16) has no visit yet" in reasons[("Cal Diaz", "observe")]
    assert "every 7 days (novice)" in reasons[("Ana Lopez", "observe")]
    assert "every 7 days (lowest score quartile)" in reasons[("Ben Ross", "observe")]
    assert reasons[("Dee Wu", "observe")].startswith("Team Lead Old Coach has left")
    assert reasons[("Eli Park", "observe")].startswith("no Team Lead on the Roster; no visit this school year")
    assert reasons[("Lee Ray", "observe")].startswith("last a school leader's visit 2026-09-30")


def test_coaches_capacity_sources_and_the_weeks_their_overdue_visits_need(settings):
    coaches = plan_of(plan_grids(), settings).coaches.set_index("coach")
    assert list(coaches.index) == ["Pat Noor", "Lee Ray"]  # the school leader first; Old Coach has left
    assert coaches.loc["Pat Noor", ["visits", "capacity_from", "planned_visits", "planned_meetings", "carried"]].tolist() == \
        [3, "settings", 2, 2, 0]
    assert coaches.loc["Lee Ray", ["visits", "capacity_from", "planned_visits", "planned_meetings", "carried"]].tolist() == \
        [1, "Roster", 1, 2, 3]  # the Roster's 1 wins over the settings' 5
    assert coaches.loc["Lee Ray", ["overdue_visits", "weeks_to_clear"]].tolist() == [2, 2]  # Cal and Ana, one a week
    assert coaches.loc["Pat Noor", ["overdue_visits", "weeks_to_clear"]].tolist() == [1, 1]  # Eli


def test_the_plans_visits_by_equity_group_next_to_their_share_of_teachers(settings):
    equity = plan_of(plan_grids(), settings).equity.set_index("group")
    # six observed: Ana novice, Ben lowest quartile; week 1 visits Cal, Eli, Dee (Ana's is carried)
    assert equity["teachers"].tolist() == [1, 1, 4]
    assert equity["share_of_teachers"].tolist() == pytest.approx([1 / 6, 1 / 6, 4 / 6])
    assert equity["planned_visits"].tolist() == [0, 0, 3]
    assert equity["share_of_visits"].tolist() == pytest.approx([0, 0, 1])


def test_a_weekend_plan_is_a_preview_remade_until_its_week_starts(settings):
    preview = plan_of(plan_grids(), settings, as_of=d(2026, 10, 3))
    assert preview.week.start == WEEK1 and preview.made_on is None
    grids = plan_grids()
    grids["Observations"].append([d(2026, 10, 2), "Eli Park", "Pat Noor", "Informal", None, None, d(2026, 10, 2), None])
    remade = plan_of(grids, settings, as_of=d(2026, 10, 4), memory=with_memory(preview))
    assert remade.made_on is None
    eli = remade.items[(remade.items["teacher"] == "Eli Park") & (remade.items["kind"] == "observe")]
    assert eli[["since", "due", "week", "status"]].values.tolist() == [[d(2026, 10, 2), d(2026, 10, 16), WEEK2, COMING]]


# -- kept all week, then planned vs done -------------------------------------------------------------


def week_one_recorded() -> dict[str, list[list]]:
    """The school after Lee's Tuesday visit to Cal and Wednesday 1:1 with Ana."""
    grids = plan_grids()
    grids["Observations"].append([d(2026, 10, 6), "Cal Diaz", "Lee Ray", "Informal", None, None, None, None])
    grids["1-on-1 Meetings"].append([d(2026, 10, 7), "Ana Lopez", "Lee Ray", "Teacher 1:1", None, None, None, None])
    return grids


def test_the_weeks_plan_is_kept_and_only_what_is_done_moves(settings):
    made = plan_of(plan_grids(), settings)
    later = plan_of(week_one_recorded(), settings, as_of=d(2026, 10, 8), memory=with_memory(made))
    assert later.made_on == AS_OF
    assert later.items.drop(columns="status").equals(made.items.drop(columns="status"))  # Cal's new feedback is not added
    status = dict(zip(zip(later.items["teacher"], later.items["kind"], strict=True), later.items["status"], strict=True))
    assert status[("Cal Diaz", "observe")] == DONE and status[("Ana Lopez", "one_on_one")] == DONE
    assert status[("Cal Diaz", "one_on_one")] == TO_DO and status[("Ana Lopez", "observe")] == CARRIED


def test_next_week_compares_the_plan_with_what_was_recorded_and_counts_carry_overs(settings):
    made = plan_of(plan_grids(), settings)
    grids = week_one_recorded()
    kept = plan_of(grids, settings, as_of=d(2026, 10, 8), memory=with_memory(made))
    # A visit on Friday 10/09, typed in only on Monday: it still counts for its week.
    grids["Observations"].append([d(2026, 10, 9), "Dee Wu", "Pat Noor", "Informal", None, None, d(2026, 10, 9), None])
    nextweek = plan_of(grids, settings, as_of=WEEK2, memory=with_memory(kept))
    assert nextweek.previous_week == WEEK1 and nextweek.week.start == WEEK2
    review = nextweek.review.set_index("coach")
    # Lee planned Cal's 1:1 and visit and Ana's 1:1: the visit and Ana's 1:1 done; Ana's visit, Ben's feedback and
    # visit had no room.
    assert review.loc["Lee Ray"].tolist() == [3, 2, pytest.approx(2 / 3), 1, 3]
    # Pat planned Dee's and Eli's 1:1s and visits: Dee's visit done (typed late).
    assert review.loc["Pat Noor"].tolist() == [4, 1, pytest.approx(1 / 4), 3, 0]
    items = nextweek.items
    carried = dict(zip(zip(items["teacher"], items["kind"], strict=True), items["carried"], strict=True))
    assert carried[("Ana Lopez", "observe")] == carried[("Ben Ross", "feedback")] == carried[("Eli Park", "observe")] == 1
    assert carried[("Cal Diaz", "observe")] == 0  # a new need after the 10/06 visit
    assert carried[("Ben Ross", "one_on_one")] == 0  # was not due in the week of 10/05


def test_an_item_carried_over_more_than_twice_is_listed(settings):
    memory, plan = None, None
    for monday in (WEEK1, WEEK2, d(2026, 10, 19), d(2026, 10, 26)):  # nobody records anything
        plan = plan_of(plan_grids(), settings, as_of=monday, memory=memory)
        memory = with_memory(plan)
    often = plan.carried_often
    assert set(zip(often["teacher"], often["kind"], strict=True)) >= {("Eli Park", "observe"), ("Ben Ross", "feedback")}
    assert set(often["carried"]) == {3}
    assert ("Lee Ray", "observe") not in set(zip(often["teacher"], often["kind"], strict=True))  # due only from 10/14: twice


def test_goal_check_ins_are_due_at_the_end_of_the_period(settings):
    grids = plan_grids()
    records = records_of(grids, settings)
    from tracker_sync.patterns import to_frames

    frames = to_frames(records)
    people = people_of(frames.roster, ["Ana Lopez", "Ben Ross"], settings)
    goals = pd.DataFrame({"teacher_or_team": ["Ana Lopez", "Ana Lopez", "Ben Ross", "Team A"],
                          "no_check_in": [True, True, False, True], "is_team": [False, False, False, True]})
    period = (d(2026, 10, 28), d(2027, 1, 8))
    assert goal_needs(people, goals, period) == [
        ["Lee Ray", "Ana Lopez", "goal", period[0], period[1],
         "2 Active goals not checked in since 2026-10-28 (each check-in period)", 0]]


# -- the Plan tab keeps it -----------------------------------------------------------------------------


def test_the_plan_tab_reads_back_as_the_plans_memory(settings):
    made = plan_of(plan_grids(), settings)
    nextweek = plan_of(plan_grids(), settings, as_of=WEEK2, memory=with_memory(made))
    tab = render_plan(settings, nextweek, dt.datetime(2026, 10, 12, 13, 0, tzinfo=dt.UTC))
    memory = plan_memory(tab.rows)
    expected = with_memory(nextweek)
    assert (memory.week, memory.made_on, memory.previous_week) == (WEEK2, WEEK2, WEEK1)
    pd.testing.assert_frame_equal(memory.items, expected.items.reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(memory.previous, expected.previous.reset_index(drop=True), check_dtype=False)


def test_a_tab_without_a_plan_reads_as_no_memory():
    assert plan_memory(None) is None
    assert plan_memory([["Coaching plan"], ["Plan for the week of", "Made on"], ["not a date"]]) is None
