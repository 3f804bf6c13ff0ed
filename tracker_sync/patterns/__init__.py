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
- teams: one row per team for the Summary tab and the brief
- discuss: the three things to discuss
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tracker_sync.patterns.action_steps import action_step_status, steps_by_team, teachers_without_open_step
from tracker_sync.patterns.calibration import calibration
from tracker_sync.patterns.coverage import coaching_load, coverage, coverage_by_team, scored_pace
from tracker_sync.patterns.cycles import cycle_checks
from tracker_sync.patterns.discuss import Discussion, three_things
from tracker_sync.patterns.feedback import feedback_latency, latency_overall, latency_summary
from tracker_sync.patterns.frames import OPEN_STEP_STATUSES, Frames, school_days_between, to_frames
from tracker_sync.patterns.teams import team_summary
from tracker_sync.patterns.scores import (
    WHOLE_SCHOOL, cycle_growth, growth, growth_by_team, heatmap, lowest_indicators, school_indicators,
)
from tracker_sync.schemas import SchoolSettings

__all__ = [
    "OPEN_STEP_STATUSES", "WHOLE_SCHOOL", "Discussion", "Frames", "Headline", "Patterns", "action_step_status",
    "calibration", "coaching_load", "compute_patterns", "coverage", "coverage_by_team", "cycle_checks", "cycle_growth",
    "feedback_latency", "growth", "growth_by_team", "heatmap", "latency_overall", "latency_summary",
    "lowest_indicators", "school_days_between", "school_indicators", "scored_pace", "steps_by_team",
    "team_summary", "teachers_without_open_step", "three_things", "to_frames",
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


def compute_patterns(records, settings: SchoolSettings, as_of: dt.date) -> Patterns:
    """All patterns from validated records (tracker_sync.validate.Records), as of `as_of`."""
    frames = to_frames(records).until(as_of)
    day = pd.Timestamp(as_of)
    heat, school = heatmap(frames, settings), school_indicators(frames, settings)
    lowest = lowest_indicators(heat, school, settings)
    cov = coverage(frames, settings, day)
    fb = feedback_latency(frames, settings, day)
    overall = latency_overall(fb)
    steps = action_step_status(frames, day)
    no_open = teachers_without_open_step(steps, cov)
    grown = growth(frames, settings)
    calib = calibration(frames, settings)
    cycles = cycle_checks(frames, settings, day)
    discuss = three_things(settings, lowest=lowest, coverage=cov, feedback=overall, steps=steps,
                           no_open_step=no_open, calibration=calib, cycles=cycles)
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
    )
