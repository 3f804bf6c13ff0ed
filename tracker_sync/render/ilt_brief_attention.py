"""The ILT brief's parts on what changed and who gets the attention (issue 12), already formatted: the
trend since the last ILT meeting (then -> now, sparklines), heat-map cells that moved, the equity and
step-load sentences, co-observation agreement and drift notes. Aggregates only: teams are named,
observers go by the brief's labels, no teacher is named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from tracker_sync.patterns import WHOLE_SCHOOL, Patterns
from tracker_sync.patterns.discuss import percent
from tracker_sync.render.attention import (
    TREND_MEASURES,
    agreement_norm,
    agreement_summary,
    moved_heat_cells,
    since_label,
    trends_by_scope,
)
from tracker_sync.schemas import SchoolSettings
from tracker_sync.wording import plural

#: What a jinja2 template is given: names to any values (Template.render takes them all as they are).
TemplateContext = dict[str, Any]

#: Indicators the brief names when co-observers scored many apart (the lowest agreement first).
_LOWEST_SHOWN = 3
_FORMATS = {"not_seen": "{:.0f}", "median_feedback_school_days": "{:.1f}", "overdue_steps": "{:.0f}"}


def _value(measure: str, value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return percent(value) if measure == "feedback_share_within" else _FORMATS[measure].format(value)


def then_now(measure: str, r: pd.Series) -> dict[str, str | bool]:
    """One trend figure as the brief shows it: then, now, the sparkline, and whether it got worse by
    as much as the brief shows (83% -> 83% is not marked, whatever the decimals say)."""
    then, now = _value(measure, r["then"]), _value(measure, r["now"])
    return {"then": then, "now": now, "spark": r["sparkline"], "worse": bool(r["worse"]) and then != now}


def moved_cells(patterns: Patterns) -> dict[tuple[str, str], dict[str, str]]:
    """(team, indicator) -> {"way": "up"/"down", "was": "5.8"} for the heat-map cells that moved."""
    return {(r.team, r.indicator): {"way": "up" if r.change > 0 else "down", "was": f"{r.then:.1f}"}
            for r in moved_heat_cells(patterns).itertuples()}


def attention_context(settings: SchoolSettings, patterns: Patterns, observer_labels: Mapping[str, str]) -> TemplateContext:
    """The brief's trend, equity, step-load and agreement parts; `observer_labels`: observer -> the
    label the brief's calibration section gives them ("Observer 2", or the name with --include-names)."""
    norms, dates = settings.norms, patterns.trend_dates
    trends, scopes = trends_by_scope(patterns)
    team_trends = [{"team": scope, "school": scope == WHOLE_SCHOOL,
                    "figures": [then_now(m, trends.loc[(scope, m)]) for m in TREND_MEASURES]} for scope in scopes]
    load = patterns.step_load
    heavy, shared = (int(load[c].sum()) if len(load) else 0 for c in ("too_many", "several_setters"))
    load_sentence = (f"Action-step load: {plural(heavy, 'teacher')} with more than {norms.max_open_steps} open steps, "
                     f"{plural(shared, 'teacher')} with open steps set by more than one coach, "
                     f"{plural(len(patterns.undated_steps), 'step')} open over {norms.undated_step_days} days with no due date.")
    return {"since": since_label(dates), "weeks": len(dates.points), "team_trends": team_trends,
            "key_trends": {m: then_now(m, trends.loc[(WHOLE_SCHOOL, m)]) for m in TREND_MEASURES} if scopes else {},
            "moved": moved_cells(patterns), "equity_sentence": patterns.equity_sentence, "load_sentence": load_sentence,
            "agreement_notes": agreement_notes(settings, patterns, observer_labels)}


def agreement_notes(settings: SchoolSettings, patterns: Patterns, labels: Mapping[str, str]) -> list[str]:
    """Calibration notes from co-observed lessons and the month-by-month offsets: the school's agreement,
    then one note each for the pairs and the indicators below the norm and for the observers drifting."""
    overall, norm = patterns.agreement_overall, agreement_norm(settings)
    notes = []
    if overall["comparisons"]:
        notes.append(f"{agreement_summary(overall)} (norm {norm}).")
    pairs = patterns.agreement_by_pair[patterns.agreement_by_pair["below_norm"].astype(bool)]
    if len(pairs):
        notes.append("Pairs under the norm: " + "; ".join(
            f"{labels[r.observer_a]} and {labels[r.observer_b]} {percent(r.agreed)} of {plural(r.comparisons, 'score')} "
            f"({labels[r.observer_a]} {r.mean_diff:+.2f} on average)" for r in pairs.itertuples()) + ".")
    low = patterns.agreement_by_indicator[patterns.agreement_by_indicator["below_norm"].astype(bool)]
    if len(low):  # the lowest few: the Patterns tab lists every indicator
        lowest = low.sort_values("agreed", kind="stable").head(_LOWEST_SHOWN)
        notes.append(f"{plural(len(low), 'indicator')} under the norm (lowest: "
                     + ", ".join(f"{r.indicator} {percent(r.agreed)}" for r in lowest.itertuples()) + ").")
    drifting = patterns.drift_by_observer[patterns.drift_by_observer["drifting"].astype(bool)]
    if len(drifting):
        notes.append("Offset from colleagues that moved: " + "; ".join(
            f"{labels[r.observer]} from {r.first_offset:+.2f} ({r.first_month}) to {r.latest_offset:+.2f} ({r.latest_month})"
            for r in drifting.itertuples()) + ".")
    return notes
