"""The one-page ILT brief (Letter landscape): a self-contained, printable HTML page of the school's patterns.

Rendered with jinja2 (autoescape on) from sheet_templates/brief/brief.html.j2 with brief.css inlined:
no scripts, fonts or images from anywhere, so it prints and mails as one file.

When names appear: by default the brief shows aggregates only. Teams are named; observers appear as
"Observer 1, 2..." (numbered once per brief by their figures, not by name, and the same in every
section) and no teacher is named. With
`include_names=True` observers are named and a last section lists the teachers who need an action
(not seen, waiting for feedback, a learning cycle to close or visit, no recent 1:1, no Active goal).
No teacher's score ever appears in the brief, with or without names: goal progress is reported
school-wide, and only from MIN_PROGRESS_GOALS measured goals up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tracker_sync.patterns import WHOLE_SCHOOL, Patterns
from tracker_sync.patterns.discuss import discussion_question, discussion_questions, percent
from tracker_sync.patterns.plan import Plan
from tracker_sync.patterns.practice_flags import PracticeFlag
from tracker_sync.render import heatmap_table
from tracker_sync.render.heatmap import heat_color
from tracker_sync.render.html import render_html
from tracker_sync.render.ilt_brief_attention import TemplateContext, attention_context, moved_cells
from tracker_sync.render.ilt_brief_last_year import last_year_context
from tracker_sync.render.ilt_brief_page import page_context
from tracker_sync.render.plain import PandasRow
from tracker_sync.render.plan_brief import plan_sentences
from tracker_sync.rollover.compare import LastYearBeside
from tracker_sync.schemas import SchoolSettings

#: Goal progress appears in the brief only from this many measured goals (fewer could reveal one
#: teacher's change in scores).
MIN_PROGRESS_GOALS = 3
#: Practice flags that name someone in the --include-names list.
_ACTION_FLAGS = ("not-observed", "feedback-pending", "cycle-past-end", "cycle-no-observation", "scored-behind",
                 "no-one-on-one", "lead-no-check-in", "next-steps-past-due", "no-active-goal")


def _n(value: object, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}"




@dataclass(frozen=True)
class HeatCell:
    indicator: str
    text: str
    background: str
    color: str
    moved: str = ""  # "up" or "down": moved by heatmap_change_threshold since the last ILT meeting
    was: str = ""  # the mean then, when it moved


def _heat_rows(settings: SchoolSettings, patterns: Patterns) -> tuple[list[str], list[TemplateContext]]:
    codes, lines = heatmap_table(settings, patterns)
    moved = moved_cells(patterns)
    rows = []
    for team, values, n in lines:
        cells = []
        for code, value in zip(codes, values, strict=True):
            if value is None:
                cells.append(HeatCell(code, "", "#ffffff", "#1a1a1a"))
            else:
                background, color = heat_color(value, settings)
                change = moved.get((team, code), {})
                cells.append(HeatCell(code, f"{value:.1f}", background, color, change.get("way", ""), change.get("was", "")))
        rows.append({"team": team, "cells": cells, "n": n, "school": team == WHOLE_SCHOOL})
    return codes, rows


def observer_labels(patterns: Patterns, include_names: bool) -> dict[str, str]:
    """Observer -> the one label the brief gives them in every section: the name, or "Observer 1, 2..."
    numbered by visits made (most first, then by score count), so the number tells nothing of the name."""
    visits = patterns.feedback_by_observer.set_index("observer")["observations"]
    scores = patterns.calibration.set_index("observer")["scores"]
    pairs = patterns.agreement_by_pair
    everyone = {*visits.index, *scores.index, *pairs["observer_a"], *pairs["observer_b"], *patterns.drift_by_observer["observer"]}
    ordered = sorted(everyone, key=lambda o: (-int(visits.get(o, 0)), -int(scores.get(o, 0)), o))
    return {o: o if include_names else f"Observer {i}" for i, o in enumerate(ordered, 1)}


def _by_label(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The observer rows in label order (Observer 1 first), each with its label."""
    order = {observer: i for i, observer in enumerate(labels)}
    frame = frame.assign(label=frame["observer"].map(labels), _order=frame["observer"].map(order))
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _latency_row(label: str, r: PandasRow) -> TemplateContext:
    """One row of a feedback-latency table (by team or by observer)."""
    return {"label": label, "observations": r.observations, "given": r.given, "median": _n(r.median_school_days),
            "within": percent(r.share_within), "waiting": r.pending_past_norm}


def brief_context(settings: SchoolSettings, patterns: Patterns, practice: list[PracticeFlag], *,
                  include_names: bool = False, generated: dt.datetime | None = None, plan: Plan | None = None) -> TemplateContext:
    """Everything the template shows, already formatted: the template does no arithmetic."""
    norms, rubric = settings.norms, settings.rubric
    codes, heat_rows = _heat_rows(settings, patterns)
    overall = patterns.feedback_overall
    labels = observer_labels(patterns, include_names)
    fb_by_observer = _by_label(patterns.feedback_by_observer, labels)
    calib = _by_label(patterns.calibration, labels)
    attention = attention_context(settings, patterns, labels)
    trend = attention["key_trends"]
    low, high = rubric.middle_band
    calibration_notes = []
    for r in calib.itertuples():
        if r.offset_flag:
            way = "higher" if r.mean_diff > 0 else "lower"
            calibration_notes.append(f"{r.label} scores {abs(r.mean_diff):.2f} points {way} than colleagues on the same "
                                     f"teachers and indicators ({r.paired} shared scores).")
        if r.middle_flag:
            share = "all" if r.middle_share >= 1 else percent(r.middle_share) + " of"
            calibration_notes.append(f"{r.label} gave {share} {r.scores} scores between {low:g} and {high:g}.")
    lowest = patterns.lowest_indicators
    school_low = lowest[lowest["scope"] == WHOLE_SCHOOL]
    team_low = lowest[(lowest["scope"] != WHOLE_SCHOOL) & (lowest["rank"] == 1)]
    people = []
    if include_names:
        people = [{"who": f.who, "team": f.team, "detail": f.detail} for f in practice if f.code in _ACTION_FLAGS]
    shown_topics = {d.topic for d in patterns.discuss}
    more_questions = [dict(zip(("question", "source"), discussion_question(settings, topic), strict=True), topic=topic)
                      for topic in discussion_questions() if topic not in shown_topics and topic != "theme"]
    return {
        "school": settings.school, "as_of": patterns.as_of,
        "generated": (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
        "include_names": include_names, "rubric": rubric, "norms": norms,
        "key_numbers": [
            ("Teachers in observed roles", str(len(patterns.coverage)), None),
            (f"Not seen in {norms.observation_gap_days}+ days", str(patterns.headline.teachers_not_seen), trend.get("not_seen")),
            ("Median school days to feedback", _n(overall["median_school_days"]), trend.get("median_feedback_school_days")),
            (f"Feedback within {norms.feedback_within_school_days} days", percent(overall["share_within"]),
             trend.get("feedback_share_within")),
            ("Overdue action steps", str(patterns.headline.overdue_action_steps), trend.get("overdue_steps")),
        ],
        **attention,
        "discuss": patterns.discuss,
        "codes": codes, "heat_rows": heat_rows, "indicator_names": {i.code: i.name for i in rubric.indicators},
        "legend": [(f"{v:g}", *heat_color(v, settings)) for v in range(int(rubric.scale_min), int(rubric.scale_max) + 1)],
        "school_low": [{"indicator": r.indicator, "name": r.name, "mean": _n(r.mean), "n": int(r.n),
                        "below": percent(r.share_below)}
                       for r in school_low.itertuples()],
        "team_low": [{"team": r.scope, "indicator": r.indicator, "mean": _n(r.mean)} for r in team_low.itertuples()],
        "feedback_observers": [_latency_row(r.label, r) for r in fb_by_observer.itertuples()],
        "calibration_notes": calibration_notes,
        "calibrated_observers": int(len(calib)),
        "cycles": {"started": len(patterns.cycles), "past_end": int(patterns.cycles["past_end_active"].sum()),
                   "no_observation": int(patterns.cycles["no_observation"].sum())},
        "more_questions": more_questions,
        "people": people,
        "practice": practice_context(settings, patterns),
        "plan": plan_sentences(plan, include_names=include_names) if plan is not None else [],
    }


def practice_context(settings: SchoolSettings, patterns: Patterns) -> TemplateContext:
    """The 1:1 and goals section: per team, and one level up as counts (no one is named)."""
    norms = settings.norms
    kept = {"meetings": "one_on_ones" not in patterns.untracked, "goals": "goals" not in patterns.untracked}
    goals = {r.team: r for r in patterns.goals_by_team.itertuples()}
    teams = []
    for r in patterns.one_on_ones_by_team.itertuples() if kept["meetings"] else ():
        teams.append({"team": r.team, "met": f"{r.met_recently} of {r.teachers}", "past_due": r.next_steps_past_due})
    if not teams:  # no 1:1 tab: one row per team of the goals
        teams = [{"team": team, "met": "–", "past_due": "–"} for team in goals]
    for row in teams:
        g = goals.get(row["team"])
        row.update(no_goal=g.no_active_goal if g else "–", unchecked=g.not_checked if g else "–",
                   common=(g.common or "none") if g else "–")
    checks, visits = patterns.lead_check_ins, patterns.lead_coverage
    leads = [f"{int((~checks['overdue']).sum())} of {len(checks)} Team Leads had a check-in with a school leader in the last "
             f"{norms.lead_check_in_gap_days} days" if kept["meetings"] and len(checks) else None,
             f"{int((~visits['not_seen']).sum())} of {len(visits)} were visited by a school leader in the last "
             f"{norms.observation_gap_days} days" if len(visits) else None]
    measured = patterns.goal_progress.dropna(subset=["change"])
    change = measured["change"]
    if len(measured) >= MIN_PROGRESS_GOALS:
        progress = (f"Of {len(measured)} Active practice goals with a baseline and a later score, "
                    f"{int((change > 0).sum())} rose, "
                    f"{int((change == 0).sum())} held and {int((change < 0).sum())} fell (mean change {change.mean():+.2f}); "
                    f"{int(measured['reached'].sum())} are at their target.")
    else:
        progress = f"Goal progress shows from {MIN_PROGRESS_GOALS} measured goals ({len(measured)} so far)."
    return {"kept": kept, "teams": teams, "leads": "; ".join(filter(None, leads)), "progress": progress,
            "quarter": patterns.goal_period[0], "gap": norms.one_on_one_gap_days}


def render_brief(settings: SchoolSettings, patterns: Patterns, practice: list[PracticeFlag], *,
                 include_names: bool = False, generated: dt.datetime | None = None, plan: Plan | None = None,
                 last_year: LastYearBeside | None = None) -> str:
    """The brief as one HTML string (CSS inlined, no external assets); ``plan`` adds its sentences;
    ``last_year``: the section that puts last year beside this year (a tracker made by a rollover)."""
    context = brief_context(settings, patterns, practice, include_names=include_names, generated=generated, plan=plan)
    context = page_context(context, patterns)
    context["last_year"] = last_year_context(last_year, settings)
    return render_html("brief.html.j2", **context)
