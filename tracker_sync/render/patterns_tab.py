"""The Patterns tab the ILT reads top-down: an index, three things to discuss, then its sections grouped by
the questions an ILT asks (who needs attention, how teams are doing, are we calibrated, 1:1s and goals).
Long per-teacher lists move to tabs of their own (see layout.layout_tabs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd

from tracker_sync.patterns import Patterns
from tracker_sync.render.attention import (
    agreement_tables,
    equity_table,
    step_load_tables,
    trend_sections,
)
from tracker_sync.render.heatmap import heat_scale, heatmap_table
from tracker_sync.render.layout import GAP, Column, Index, Item, Line, Table, layout_tabs
from tracker_sync.render.plain import PandasRow, plain, plain_rows
from tracker_sync.render.practice_sections import practice_tables
from tracker_sync.render.summary import updated_line
from tracker_sync.schemas import SchoolSettings
from tracker_sync.tabs import ToolCell, ToolTab
from tracker_sync.wording import plural


def heatmap_section(settings: SchoolSettings, patterns: Patterns) -> Table:
    """Team x indicator means, coloured on the rubric's own numbers, with a legend row of the scale."""
    rubric, norms = settings.rubric, settings.norms
    codes, lines = heatmap_table(settings, patterns)
    scale = heat_scale(rubric)
    legend = [float(v) for v in range(int(rubric.scale_min), int(rubric.scale_max) + 1)]
    return Table(
        [Column("Team"), *(Column(code, "mean") for code in codes), Column("n", "int")],
        [[team, *values, n] for team, values, n in lines],
        title=f"Mean {rubric.short_name} score by team and indicator",
        note=f"Scale {rubric.scale_min:g}-{rubric.scale_max:g}: red at {rubric.scale_min:g}, yellow at "
             f"{rubric.meeting_score:g} (the first {rubric.meeting_band} score), green at {rubric.scale_max:g}. "
             f"n = number of scores; cells with fewer than {norms.heatmap_min_n} scores are blank.",
        empty="No scores yet.", scale=(1, len(codes) + 1, scale), legend=("Colour scale", legend))


def discussion_lines(patterns: Patterns) -> list[Line]:
    lines = [Line("Three things to discuss", "heading")]
    for i, item in enumerate(patterns.discuss, 1):
        lines += [Line(f"{i}. {item.sentence}"), Line(f"Ask: {item.question}", "question")]
    if not patterns.discuss:
        lines.append(Line("Nothing stands out yet: log observations, scores and action steps to see patterns here."))
    return lines


def _latency_rows(frame: pd.DataFrame, by: str) -> list[list[ToolCell]]:
    return plain_rows(frame, [by, "observations", "given", "median_school_days", "within", "pending_past_norm", "share_within"])


def scored_note(settings: SchoolSettings, patterns: Patterns) -> str:
    """What "behind on scored observations" counts, with what is due today."""
    norms, cov = settings.norms, patterns.coverage
    due, full = (int(cov[c].iloc[0]) if len(cov) else 0 for c in ("scored_due", "full_due"))
    return (f"Behind: fewer scored observations than due by now, pro rata through the school year "
            f"({norms.scored_observations_per_year} a year, {norms.full_observations_per_year} of them Full; "
            f"each due when its share of the year is half gone). Due by {patterns.as_of.isoformat()}: {due} ({full} Full).")


def _calibration_check(r: PandasRow, settings: SchoolSettings) -> str:
    """The rule beside an observer's figures: what is flagged and at what threshold, or not judged yet."""
    norms = settings.norms
    if r.offset_flag:
        way = "higher" if r.mean_diff > 0 else "lower"
        return f"scores {way} than colleagues ({abs(r.mean_diff):.2f}; flagged from {norms.calibration_threshold:g})"
    if r.middle_flag:
        return "stays in the middle band"
    if r.scores < norms.calibration_min_scores:
        return f"not judged: {plural(r.scores, 'score')} (from {norms.calibration_min_scores})"
    if r.paired < norms.calibration_min_scores:
        return f"offset not judged: {plural(r.paired, 'shared score')} (from {norms.calibration_min_scores})"
    return ""


#: The questions an ILT asks, in reading order: each heads a group of sections.
ATTENTION, TEAMS, CALIBRATION, PRACTICE = ("Who needs attention?", "How are teams doing?", "Are we calibrated?",
                                           "1:1s and goals")


def render_patterns(settings: SchoolSettings, patterns: Patterns, synced_at: dt.datetime,
                    keep: Collection[str] = ()) -> list[ToolTab]:
    """The Patterns tab (an index, three things to discuss, then the sections by question), followed by a
    tab for each list too long for two printed pages (or named in ``keep``: already in the tracker)."""
    rubric, norms = settings.rubric, settings.norms
    heat = heatmap_section(settings, patterns)
    gap, fb_norm = norms.observation_gap_days, norms.feedback_within_school_days
    feedback_columns = [Column("Observations", "int"), Column("Feedback given", "int"), Column("Median school days", "mean"),
                        Column(f"Within {fb_norm} days", "int"), Column("Waiting past the norm", "int"),
                        Column("% within norm", "share")]
    cov = patterns.coverage
    not_seen = cov[cov["not_seen"]].sort_values("days_since", ascending=False, na_position="first")
    cycles = patterns.cycles
    needs_look = cycles[cycles["past_end_active"] | cycles["no_observation"]]
    low, high = rubric.middle_band
    calib = patterns.calibration
    load, undated = step_load_tables(settings, patterns)
    attention = [
        Table([Column("Teacher"), Column("Team"), Column("Team Lead"), Column("Last observed", "date"),
               Column("Days since", "int"), Column("Visits (30 days)", "int"), Column("Scored this year", "int"),
               Column("Of them Full", "int")],
              [[r.teacher, r.team, r.team_lead or "", plain(r.last_observed) or "never", plain(r.days_since), r.observations_30d,
                r.scored, r.scored_full] for r in not_seen.itertuples()],
              title=f"Teachers not observed in {gap}+ days", empty="Every teacher was observed recently.",
              list_tab="Not observed"),
        equity_table(settings, patterns),
        load,
        undated,
        Table([Column("Teacher"), Column("Team"), Column("Cycle"), Column("Start", "date"), Column("End", "date"),
               Column("Status"), Column("Visits inside", "int"), Column("Why")],
              [[r.teacher, r.team, r.cycle, plain(r.start_date), plain(r.end_date), r.status, r.observations,
                "past end, still Active" if r.past_end_active else "no observation inside"] for r in needs_look.itertuples()],
              title="Learning cycles that need a look", empty="Every cycle is on track.", list_tab="Cycles to look at"),
    ]
    teams = [
        heat,
        *trend_sections(settings, patterns),
        Table([Column("Team"), Column("Rank", "int"), Column("Indicator"), Column("Mean", "mean"), Column("Scores", "int"),
               Column(f"% below {rubric.meeting_band}", "share"), Column("Name", "long", wrap_at=40)],
              plain_rows(patterns.lowest_indicators, ["scope", "rank", "indicator", "mean", "n", "share_below", "name"]),
              title="Lowest indicators: a theme for professional learning",
              note=f"Indicators with at least {norms.theme_min_scores} scores; ties go to the larger share below "
                   f"{rubric.meeting_band}, then more scores.", empty="Not enough scores yet.", list_tab="Lowest indicators"),
        Table([Column("Team"), Column("Teachers", "int"), Column("Visits (14 days)", "int"),
               Column(f"Not seen {gap}+ days", "int"),
               Column("Median days since last visit", "int"), Column("Behind on scored observations", "int")],
              plain_rows(patterns.coverage_by_team, ["team", "teachers", "observations_14d", "not_seen", "median_days_since",
                                                     "behind_scored"]),
              title=f"Coverage by team (norm: every teacher observed at least every {gap} days)",
              note=scored_note(settings, patterns)),
        Table([Column("Team"), *feedback_columns], _latency_rows(patterns.feedback_by_team, "team"), title="Feedback by team"),
        Table([Column("Observer"), *feedback_columns], _latency_rows(patterns.feedback_by_observer, "observer"),
              title=f"Feedback by observer (norm: feedback meeting within {fb_norm} school days)",
              note="School days skip weekends and the school's holidays. % within norm counts feedback given and visits "
                   "still waiting past the norm."),
        Table([Column("Team"), Column("Steps", "int"), Column("Open", "int"), Column("Overdue", "int"),
               Column("Completion rate", "share"),
               Column("Median days to complete", "int"), Column("Teachers with no open step", "int")],
              plain_rows(patterns.steps_by_team, ["team", "steps", "open", "overdue", "completion_rate",
                                                  "median_days_to_complete", "no_open_step"]),
              title="Action steps by team",
              note="Completion rate = Met / (Met + Not Met + overdue). Days to complete: from Date Set to Date Completed."),
        Table([Column("Team"), Column("Teacher-indicator pairs", "int"), Column("Mean change", "mean2"), Column("Rose", "int"),
               Column("Fell", "int")],
              plain_rows(patterns.growth_by_team, ["team", "pairs", "mean_change", "improved", "declined"]),
              title="Growth: first versus latest score", note="Per teacher and indicator scored on two or more days.",
              empty="No indicator scored twice yet."),
        Table([Column("Teacher"), Column("Team"), Column("Cycle"), Column("Focus"), Column("Before", "mean"),
               Column("After", "mean"),
               Column("Change", "mean")],
              plain_rows(patterns.cycle_growth.dropna(subset=["change"]), ["teacher", "team", "cycle", "focus_indicator",
                                                                           "before", "after", "change"]),
              title="Focus indicator inside learning cycles",
              note="Before: last score on the focus indicator by the cycle's start (or its first inside); after: latest inside.",
              empty="No cycle has two scores on its focus indicator yet.", list_tab="Cycle focus growth"),
        Table([Column("Team Lead"), Column("Teachers", "int"), Column("Visits made (30 days)", "int"),
               Column("Teachers not seen", "int"),
               Column("Open steps", "int"), Column("Active cycles", "int")],
              plain_rows(patterns.coaching_load, ["team_lead", "teachers", "visits_30d", "not_seen", "open_steps",
                                                  "active_cycles"]),
              title="Coaching load per Team Lead"),
    ]
    calibration = [
        Table([Column("Observer"), Column("Scores", "int"), Column("Shared scores", "int"), Column("Mean difference", "mean2"),
               Column("On own teachers", "mean2"), Column(f"% in {low:g}-{high:g}", "share"), Column("Check")],
              plain_rows(calib.assign(check=[_calibration_check(r, settings) for r in calib.itertuples()]),
                         ["observer", "scores", "paired", "mean_diff", "own_teachers_diff", "middle_share", "check"]),
              title="Calibration by observer",
              note="Difference from other observers' scores on the same teacher and indicator "
                   f"within {norms.calibration_window_days} "
                   f"days. MET study: raters rate their own teachers 0.1-0.2 higher and rarely use the extremes. "
                   f"Checked from {norms.calibration_min_scores} scores; flagged at {norms.calibration_threshold:g} points."),
        *agreement_tables(settings, patterns),
    ]
    items: list[Item] = [Line(f"{settings.school}: patterns for the ILT", "title"),
                         Line(f"As of {patterns.as_of.isoformat()}. Every number is computed from the coach tabs by "
                              "tracker-sync. Click an entry of the index to go to its section.", "note"),
                         updated_line(settings, synced_at), GAP, Index(), GAP, *discussion_lines(patterns)]
    for question, sections in ((ATTENTION, attention), (TEAMS, teams), (CALIBRATION, calibration),
                               (PRACTICE, practice_tables(settings, patterns))):
        items += [GAP, Line(question, "heading")]
        for section in sections:
            items += [GAP, section]
    return layout_tabs("Patterns", items, anchor=heat, keep=keep)
