"""Team-level patterns: pure functions of (records, settings, as_of) -> pandas DataFrames.

Every number on the Summary and Patterns tabs, the practice flags and the ILT brief comes from a
function here, so each can be checked against a small hand-computed fixture. Nothing here reads or
writes a sheet. One module per question a leader asks:

- scores: heat map, lowest indicators (learning theme), growth
- coverage: days since last visit, recent visits, scored-observation minimums, coaching load
- feedback: latency in school days, by coach and team
- action_steps: open, overdue, completion rate, days to complete, teachers with no open step
- calibration: observers against each other, middle-band scoring
- cycles: learning cycles past their end or with no visit
- one_on_ones: 1:1 cadence per teacher and per Team Lead, leads' check-ins, next steps past due
- goals: teachers without an Active goal, quarterly check-ins, common indicators, goal progress
- leaders: one level up, Team Leads as the observed and school leaders as the observers
- teams: one row per team for the Summary tab and the brief
- trends: now, at the last ILT meeting, and a weekly series with sparklines
- equity: visits to novices and to the lowest-scoring quartile against the others
- load: too many open action steps, steps from several coaches, steps with no due date
- agreement: exact and adjacent agreement on co-observed lessons (drift is in calibration)
- discuss: the three things to discuss
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tracker_sync.patterns.action_steps import (
    action_step_status,
    steps_by_team,
    teachers_without_open_step,
)
from tracker_sync.patterns.agreement import (
    agreement_by_indicator,
    agreement_by_pair,
    agreement_overall,
    co_observed_scores,
)
from tracker_sync.patterns.calibration import calibration, observer_drift, score_offsets
from tracker_sync.patterns.coverage import (
    coaching_load,
    coverage,
    coverage_by_team,
    scored_pace,
)
from tracker_sync.patterns.cycles import cycle_checks
from tracker_sync.patterns.discuss import (
    Discussion,
    equity_gap,
    practice_gaps,
    three_things,
    trend_gap,
)
from tracker_sync.patterns.equity import (
    equity_sentence,
    observation_equity,
    teacher_groups,
)
from tracker_sync.patterns.feedback import (
    feedback_latency,
    latency_overall,
    latency_summary,
)
from tracker_sync.patterns.frames import (
    OPEN_STEP_STATUSES,
    Frames,
    school_days_between,
    to_frames,
)
from tracker_sync.patterns.goals import (
    check_in_period,
    common_indicators,
    goal_progress,
    goal_status,
    goals_by_team,
    teachers_without_active_goal,
)
from tracker_sync.patterns.leaders import lead_support
from tracker_sync.patterns.load import step_load, undated_steps
from tracker_sync.patterns.one_on_ones import (
    cadence_by_coach,
    lead_check_ins,
    leader_check_ins,
    next_steps,
    one_on_one_cadence,
    one_on_ones_by_team,
)
from tracker_sync.patterns.scores import (
    WHOLE_SCHOOL,
    cycle_growth,
    growth,
    growth_by_team,
    heatmap,
    lowest_indicators,
    school_indicators,
)
from tracker_sync.patterns.teams import team_summary
from tracker_sync.patterns.trends import (
    TrendDates,
    headline_trends,
    heatmap_trend,
    last_meeting,
    sparkline,
    trend_dates,
)
from tracker_sync.schemas import SchoolSettings

__all__ = [
    "OPEN_STEP_STATUSES", "WHOLE_SCHOOL", "Discussion", "Frames", "Headline", "Patterns", "action_step_status",
    "TrendDates", "agreement_by_indicator", "agreement_by_pair", "agreement_overall", "cadence_by_coach", "calibration",
    "check_in_period", "co_observed_scores", "coaching_load", "common_indicators", "compute_patterns", "coverage",
    "coverage_by_team", "cycle_checks", "cycle_growth", "equity_gap", "equity_sentence", "feedback_latency", "goal_progress",
    "goal_status", "goals_by_team", "growth", "growth_by_team", "headline_trends", "heatmap", "heatmap_trend",
    "last_meeting", "latency_overall", "latency_summary", "lead_check_ins", "lead_support", "leader_check_ins",
    "lowest_indicators", "next_steps", "observation_equity", "observer_drift", "one_on_one_cadence", "one_on_ones_by_team",
    "practice_gaps", "school_days_between", "school_indicators", "score_offsets", "scored_pace", "sparkline", "step_load",
    "steps_by_team", "teacher_groups", "team_summary", "teachers_without_active_goal", "teachers_without_open_step",
    "three_things", "to_frames", "trend_dates", "trend_gap", "undated_steps",
]


@dataclass(frozen=True)
class Headline:
    """The three numbers the demo prints and the Summary tab leads with."""

    teachers_not_seen: int
    median_feedback_school_days: float | None
    overdue_action_steps: int


@dataclass(frozen=True)
class Patterns:
    """Everything the leader reads, as of one date. Each frame is documented at its function."""

    as_of: dt.date
    heatmap: pd.DataFrame
    school_indicators: pd.DataFrame
    lowest_indicators: pd.DataFrame
    coverage: pd.DataFrame
    coverage_by_team: pd.DataFrame
    feedback: pd.DataFrame
    feedback_by_observer: pd.DataFrame
    feedback_by_team: pd.DataFrame
    feedback_overall: dict
    action_steps: pd.DataFrame
    steps_by_team: pd.DataFrame
    no_open_step: pd.DataFrame
    growth: pd.DataFrame
    growth_by_team: pd.DataFrame
    cycle_growth: pd.DataFrame
    coaching_load: pd.DataFrame
    calibration: pd.DataFrame
    cycles: pd.DataFrame
    teams: pd.DataFrame
    discuss: list[Discussion]
    headline: Headline
    # 1:1s and goals (both empty when the tracker lacks the tab), and one level up.
    one_on_ones: pd.DataFrame
    one_on_ones_by_lead: pd.DataFrame
    one_on_ones_by_team: pd.DataFrame
    next_steps: pd.DataFrame
    lead_check_ins: pd.DataFrame
    check_ins_by_leader: pd.DataFrame
    goals: pd.DataFrame
    goal_period: tuple[dt.date, dt.date]
    no_active_goal: pd.DataFrame
    common_indicators: pd.DataFrame
    goal_progress: pd.DataFrame
    goals_by_team: pd.DataFrame
    lead_coverage: pd.DataFrame
    lead_feedback: pd.DataFrame
    untracked: frozenset[str]  # Records names whose tab the tracker lacks (e.g. "one_on_ones", "goals")
    # issue 12 (documented at their functions): trends, equity, step load, agreement and drift
    trend_dates: TrendDates
    trends: pd.DataFrame
    heatmap_trend: pd.DataFrame
    equity_groups: pd.DataFrame
    equity: pd.DataFrame
    equity_sentence: str | None
    step_load: pd.DataFrame
    undated_steps: pd.DataFrame
    co_observed: pd.DataFrame
    agreement_by_indicator: pd.DataFrame
    agreement_by_pair: pd.DataFrame
    agreement_overall: dict
    drift: pd.DataFrame
    drift_by_observer: pd.DataFrame


def compute_patterns(records, settings: SchoolSettings, as_of: dt.date) -> Patterns:
    """All patterns from validated records (tracker_sync.validate.rows.Records), as of `as_of`."""
    frames = to_frames(records).state_on(as_of)
    day = pd.Timestamp(as_of)
    heat, school = heatmap(frames, settings), school_indicators(frames, settings)
    lowest = lowest_indicators(heat, school, settings)
    cov = coverage(frames, settings, day)
    fb = feedback_latency(frames, settings, day)
    overall = latency_overall(fb)
    steps = action_step_status(frames, day)
    no_open = teachers_without_open_step(steps, cov)
    grown = growth(frames, settings)
    offsets = score_offsets(frames, settings)
    calib = calibration(frames, settings, offsets)
    cycles = cycle_checks(frames, settings, day)
    practice = _practice_patterns(frames, settings, as_of, cov, fb)
    dates = trend_dates(settings, as_of)
    trends = headline_trends(frames, settings, cov, dates)
    groups = teacher_groups(frames, settings, cov)
    equity = observation_equity(groups, settings)
    pairs = co_observed_scores(frames, settings)
    drift, drift_by_observer = observer_drift(offsets, settings)
    more = practice_gaps(settings, coverage=cov, **{key: practice[key] for key in (
        "one_on_ones", "next_steps", "lead_check_ins", "goals", "goal_period", "no_active_goal", "common_indicators")})
    more += [gap for gap in (trend_gap(settings, trends, dates, teachers=len(cov), open_steps=int(steps["open"].sum())),
                             equity_gap(settings, equity)) if gap is not None]
    discuss = three_things(settings, lowest=lowest, coverage=cov, feedback=overall, steps=steps,
                           no_open_step=no_open, calibration=calib, cycles=cycles, more=more)
    headline = Headline(
        teachers_not_seen=int(cov["not_seen"].sum()),
        median_feedback_school_days=overall["median_school_days"],
        overdue_action_steps=int(steps["overdue"].sum()),
    )
    cov_by_team, fb_by_team = coverage_by_team(cov), latency_summary(fb, "team")
    by_team = steps_by_team(steps, cov, no_open)
    return Patterns(
        as_of=as_of, heatmap=heat, school_indicators=school, lowest_indicators=lowest,
        coverage=cov, coverage_by_team=cov_by_team,
        feedback=fb, feedback_by_observer=latency_summary(fb, "observer"), feedback_by_team=fb_by_team,
        feedback_overall=overall, action_steps=steps, steps_by_team=by_team, no_open_step=no_open,
        growth=grown, growth_by_team=growth_by_team(grown), cycle_growth=cycle_growth(frames, day),
        coaching_load=coaching_load(frames, cov, steps, day), calibration=calib, cycles=cycles,
        teams=team_summary(heat, lowest, cov_by_team, fb_by_team, by_team), discuss=discuss, headline=headline,
        trend_dates=dates, trends=trends, heatmap_trend=heatmap_trend(frames, settings, dates),
        equity_groups=groups, equity=equity, equity_sentence=equity_sentence(equity, settings),
        step_load=step_load(steps, cov, settings), undated_steps=undated_steps(steps, day, settings),
        co_observed=pairs, agreement_by_indicator=agreement_by_indicator(pairs, settings),
        agreement_by_pair=agreement_by_pair(pairs, settings), agreement_overall=agreement_overall(pairs, settings),
        drift=drift, drift_by_observer=drift_by_observer,
        **practice,
    )


def _practice_patterns(frames: Frames, settings: SchoolSettings, as_of: dt.date, cov: pd.DataFrame, fb: pd.DataFrame) -> dict:
    """The 1:1, goal and one-level-up fields of Patterns."""
    day = pd.Timestamp(as_of)
    cadence, check_ins = one_on_one_cadence(frames, settings, day), lead_check_ins(frames, settings, day)
    goals, steps = goal_status(frames, settings, as_of), next_steps(frames, day)
    lead_cov, lead_fb = lead_support(frames, settings, day, fb)
    no_goal = teachers_without_active_goal(goals, cov, frames.tracks("goals"))
    common, progress = common_indicators(frames, settings, goals), goal_progress(frames, settings, goals, as_of)
    return dict(
        one_on_ones=cadence, one_on_ones_by_lead=cadence_by_coach(cadence, frames.one_on_ones, day),
        one_on_ones_by_team=one_on_ones_by_team(cadence, steps), next_steps=steps, lead_check_ins=check_ins,
        check_ins_by_leader=cadence_by_coach(check_ins, leader_check_ins(frames, settings), day),
        goals=goals, goal_period=check_in_period(settings, as_of), no_active_goal=no_goal,
        common_indicators=common, goal_progress=progress,
        goals_by_team=goals_by_team(cov, no_goal, goals, common, progress, frames.tracks("goals")),
        lead_coverage=lead_cov, lead_feedback=lead_fb, untracked=frames.untracked,
    )
