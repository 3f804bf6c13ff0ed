"""The 1:1 and goal parts of the tool tabs: two headline measures for the Summary, and the Patterns
sections (1:1s by team and by Team Lead, who is overdue, next steps past due, goals by team, and one
level up: Team Leads supported by school leaders). A tab the tracker does not keep yet says how to
add it instead of showing a table of nobody."""

from __future__ import annotations

import pandas as pd

from tracker_sync.patterns import Patterns
from tracker_sync.render.layout import Column, Table
from tracker_sync.render.plain import plain, plain_rows
from tracker_sync.schemas import SchoolSettings
from tracker_sync.tabs import ToolCell

_ADD_TAB = "This tracker has no {tab} tab yet: run tracker-sync provision on it to add the tab (your rows are not touched)."


def summary_measures(settings: SchoolSettings, patterns: Patterns) -> list[tuple[Column, ToolCell, ToolCell, bool]]:
    """(column, now, norm, off the norm) for the Summary's headline: teachers with no 1:1 in the gap,
    teachers without an Active goal; left out for a tab the tracker does not keep."""
    measures: list[tuple[Column, ToolCell, ToolCell, bool]] = []
    if "one_on_ones" not in patterns.untracked:
        overdue = int(patterns.one_on_ones["overdue"].sum())
        measures.append((Column(f"Teachers without a 1:1 in {settings.norms.one_on_one_gap_days} days", "int"), overdue, 0,
                         overdue > 0))
    if "goals" not in patterns.untracked:
        without = len(patterns.no_active_goal)
        measures.append((Column("Teachers without an Active goal", "int"), without, 0, without > 0))
    return measures


def practice_tables(settings: SchoolSettings, patterns: Patterns) -> list[Table]:
    """The Patterns sections for 1:1s, goals and one level up, in reading order."""
    norms = settings.norms
    gap, lead_gap = norms.one_on_one_gap_days, norms.lead_check_in_gap_days
    meetings = "one_on_ones" not in patterns.untracked
    no_tab = "Nothing to show yet." if meetings else _ADD_TAB.format(tab="1-on-1 Meetings")
    cadence = patterns.one_on_ones
    overdue = cadence[cadence["overdue"]].sort_values("days_since", ascending=False, na_position="first")
    steps = patterns.next_steps
    past_due = steps[steps["past_due"]].sort_values("next_steps_due")
    first, last = patterns.goal_period
    goals_note = (f"This quarter: {first.isoformat()} to {last.isoformat()}. A goal set this quarter counts as checked. "
                  "Common indicator: named by an Active team goal, or by an Active goal of every teacher on the team. "
                  "Progress: the indicator's latest score against the typed Baseline, or the first score on "
                  "or after the Set Date.")
    return [
        Table([Column("Team"), Column("Teachers", "int"), Column(f"1:1 in {gap} days", "int"),
               Column(f"No 1:1 in {gap} days", "int"),
               Column("Median days since last 1:1", "int"), Column("Next steps past due", "int")],
              plain_rows(patterns.one_on_ones_by_team, ["team", "teachers", "met_recently", "overdue", "median_days_since",
                                                        "next_steps_past_due"]),
              title=f"1:1s by team (norm: every teacher has a 1:1 at least every {gap} days)",
              note="Teachers a Team Lead coaches (Team Leads' own check-ins are one level up, below). Next steps stay open "
                   "until the next 1:1 with the same person, where they are reviewed; past due counts every row of the list "
                   "below under the team of the person met, a Team Lead's own check-in included.", empty=no_tab),
        Table([Column("Team Lead"), Column("Teachers", "int"), Column("1:1s led (30 days)", "int"),
               Column(f"No 1:1 in {gap} days", "int"),
               Column("Median days since last 1:1", "int")],
              plain_rows(patterns.one_on_ones_by_lead, ["coach", "people", "led_30d", "overdue", "median_days_since"]),
              title="1:1s by Team Lead", empty=no_tab),
        Table([Column("Teacher"), Column("Team"), Column("Team Lead"), Column("Last 1:1", "date"), Column("Days since", "int"),
               Column("1:1s (30 days)", "int")],
              [[r.teacher, r.team, r.team_lead or "", plain(r.last_meeting) or "never", plain(r.days_since), r.meetings_30d]
               for r in overdue.itertuples()],
              title=f"Teachers without a 1:1 in {gap}+ days",
              empty="Every teacher had a 1:1 recently." if meetings else no_tab, list_tab="No recent 1-1"),
        Table([Column("Teacher"), Column("Team"), Column("Led by"), Column("1:1 on", "date"), Column("Next steps due", "date"),
               Column("Days past due", "int")],
              plain_rows(past_due, ["teacher", "team", "led_by", "date", "next_steps_due", "days_past_due"]),
              title="1:1 next steps past due, with no 1:1 since", empty="None." if meetings else no_tab,
              list_tab="1-1 steps past due"),
        Table([Column("Team"), Column("Teachers", "int"), Column("No Active goal", "int"), Column("Active goals", "int"),
               Column("Not checked this quarter", "int"), Column("Common indicator"), Column("Goals measured", "int"),
               Column("Mean change", "mean2"), Column("At target", "int")],
              plain_rows(patterns.goals_by_team, ["team", "teachers", "no_active_goal", "active_goals", "not_checked", "common",
                                                  "measured", "mean_change", "reached"]),
              title="Goals by team (norms: an Active goal per teacher, checked every quarter; a common indicator per team)",
              note=goals_note, empty=_ADD_TAB.format(tab="Goals") if "goals" in patterns.untracked else "No teams yet."),
        *lead_tables(settings, patterns, lead_gap, meetings),
    ]


def lead_tables(settings: SchoolSettings, patterns: Patterns, lead_gap: int, meetings: bool) -> list[Table]:
    """One level up: each Team Lead's check-ins and visits from school leaders, and each school
    leader's check-ins, visits and feedback to their Team Leads."""
    fb_norm, gap = settings.norms.feedback_within_school_days, settings.norms.observation_gap_days
    check_ins = patterns.lead_check_ins.set_index("teacher")
    by_leader, feedback = patterns.check_ins_by_leader.set_index("coach"), patterns.lead_feedback.set_index("observer")

    def figure(frame: pd.DataFrame, name: str, column: str) -> ToolCell:
        """One figure of `name` in a frame indexed by name, or None when the frame has no row for them."""
        return plain(frame.at[name, column]) if name in frame.index else None

    visited = patterns.lead_coverage
    leads = [[r.teacher, r.team, r.team_lead or "", figure(check_ins, r.teacher, "last_meeting"),
              figure(check_ins, r.teacher, "days_since"), plain(r.last_observed), plain(r.days_since), r.observations_30d]
             for r in visited.itertuples()]
    marks = {(i, 4): "warning" for i, name in enumerate(visited["teacher"]) if figure(check_ins, name, "overdue")}
    marks |= {(i, 6): "warning" for i, seen in enumerate(visited["not_seen"]) if seen}
    leaders = [[name, figure(by_leader, name, "people"), figure(by_leader, name, "led_30d"), figure(by_leader, name, "overdue"),
                figure(feedback, name, "observations") or 0, figure(feedback, name, "median_school_days"),
                figure(feedback, name, "share_within")]
               for name in sorted({*by_leader.index, *feedback.index})]
    return [
        Table([Column("Team Lead"), Column("Team"), Column("Coached by"), Column("Last check-in", "date"),
               Column("Days since check-in", "int"), Column("Last visit by a school leader", "date"),
               Column("Days since visit", "int"),
               Column("Visits (30 days)", "int")],
              leads, marks=marks,
              title=f"One level up: Team Leads (norms: a check-in with a school leader at least every {lead_gap} days, "
                    f"a visit every {gap} days)",
              note="Only check-ins led and visits made by school leaders (the Roster's Principal and Assistant Principal roles) "
                   "count here." + ("" if meetings else " " + _ADD_TAB.format(tab="1-on-1 Meetings")),
              empty="No Team Leads on the Roster.", list_tab="Team Leads"),
        Table([Column("School leader"), Column("Team Leads coached", "int"), Column("Check-ins led (30 days)", "int"),
               Column(f"Leads without a check-in in {lead_gap} days", "int"), Column("Visits to Team Leads", "int"),
               Column("Median school days to feedback", "mean"), Column(f"Feedback within {fb_norm} days", "share")],
              leaders, title="One level up: school leaders and their Team Leads",
              note="Team Leads coached: the Roster's Team Lead column of each Team Lead. Feedback: school days from a visit "
                   "to its feedback meeting, as for teachers.",
              empty="No school leader has visited or checked in with a Team Lead yet."),
    ]
