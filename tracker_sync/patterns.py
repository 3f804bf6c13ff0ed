"""Team-level patterns: pure functions of (records, settings, as_of) -> pandas DataFrames.

Every number on the Summary and Patterns tabs (and in the ILT brief) comes from a function here,
so each can be checked against a small hand-computed fixture. Nothing here reads or writes a sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker_sync.schemas import SchoolSettings
from tracker_sync.validate import Records

OPEN_STEP_STATUSES = frozenset({"Not Started", "In Progress", "Carried Over"})


@dataclass(frozen=True)
class Frames:
    """The validated records as DataFrames, with each teacher's team and Team Lead joined on."""

    roster: pd.DataFrame
    observations: pd.DataFrame
    scores: pd.DataFrame
    action_steps: pd.DataFrame
    learning_cycles: pd.DataFrame


_COLUMNS = {
    "roster": ["row", "teacher", "email", "team", "team_lead", "role", "subject", "grade_band", "years_experience", "status"],
    "observations": ["row", "date", "teacher", "observer", "type", "focus_indicator", "notes", "feedback_date", "learning_cycle"],
    "scores": ["row", "date", "teacher", "observer", "type", "indicator", "score"],
    "action_steps": ["row", "date_set", "teacher", "set_by", "action_step", "indicator", "due_date", "status", "date_completed", "evidence"],
    "learning_cycles": ["row", "teacher", "cycle", "start_date", "end_date", "focus_indicator", "goal", "success_indicators", "status", "reflection"],
}


def to_frames(records: Records) -> Frames:
    """Records -> DataFrames (empty tabs give empty frames with the right columns)."""
    tables = {}
    for name, columns in _COLUMNS.items():
        rows = [r.model_dump() for r in getattr(records, name)]
        tables[name] = pd.DataFrame(rows, columns=columns)
    teams = tables["roster"][["teacher", "team", "team_lead", "status"]].rename(columns={"status": "teacher_status"})
    for name in ("observations", "scores", "action_steps", "learning_cycles"):
        tables[name] = tables[name].merge(teams, on="teacher", how="left")
    return Frames(**tables)


def school_days_between(start: pd.Series, end: pd.Series, holidays: frozenset[dt.date]) -> pd.Series:
    """School days from start (exclusive) to end (inclusive): weekends and holidays skipped.

    An observation on Monday with feedback on Tuesday is 1 school day; feedback the same day is 0.
    """
    result = pd.Series(np.nan, index=start.index, dtype="float64")
    known = start.notna() & end.notna()
    if known.any():
        begin = pd.to_datetime(start[known]).values.astype("datetime64[D]")
        finish = pd.to_datetime(end[known]).values.astype("datetime64[D]")
        days = np.busday_count(begin + 1, finish + 1, holidays=sorted(holidays))
        result[known] = np.maximum(days, 0)
    return result


def heatmap(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """Team x indicator: mean score, n, and share of scores below the rubric's meeting band.

    Long form, one row per (team, indicator) with at least one score; teachers who left still count.
    """
    scores = frames.scores.dropna(subset=["team"])
    if scores.empty:
        return pd.DataFrame(columns=["team", "indicator", "mean", "n", "share_below"])
    below = scores["score"] < settings.rubric.meeting_score
    grouped = scores.assign(below=below).groupby(["team", "indicator"], sort=False)
    out = grouped.agg(mean=("score", "mean"), n=("score", "size"), share_below=("below", "mean")).reset_index()
    order = {code: i for i, code in enumerate(settings.rubric.codes)}
    return out.sort_values(["team", "indicator"], key=lambda col: col.map(order) if col.name == "indicator" else col).reset_index(drop=True)


def coverage(frames: Frames, settings: SchoolSettings, as_of: dt.date) -> pd.DataFrame:
    """Per active teacher: last observed, days since, observations in the last 14 and 30 days."""
    roster = frames.roster
    observed = roster["role"].isna() | roster["role"].isin(settings.norms.observed_roles)
    roster = roster[(roster["status"] == "Active") & observed][["teacher", "team", "team_lead"]]
    obs = frames.observations[frames.observations["date"] <= as_of]
    days_ago = obs["date"].map(lambda d: (as_of - d).days)
    per_teacher = obs.assign(days_ago=days_ago).groupby("teacher").agg(
        last_observed=("date", "max"),
        observations_14d=("days_ago", lambda s: int((s < 14).sum())),
        observations_30d=("days_ago", lambda s: int((s < 30).sum())),
        observations_total=("date", "size"),
    )
    out = roster.merge(per_teacher, left_on="teacher", right_index=True, how="left")
    out["days_since"] = out["last_observed"].map(lambda d: (as_of - d).days if isinstance(d, dt.date) else np.nan)
    for col in ("observations_14d", "observations_30d", "observations_total"):
        out[col] = out[col].fillna(0).astype(int)
    out["not_seen"] = out["days_since"].isna() | (out["days_since"] >= settings.norms.observation_gap_days)
    return out.sort_values(["team", "teacher"]).reset_index(drop=True)


def feedback_latency(frames: Frames, settings: SchoolSettings, as_of: dt.date) -> pd.DataFrame:
    """Per observation: school days to the feedback meeting, or days pending when none is logged."""
    obs = frames.observations[frames.observations["date"] <= as_of]
    out = obs[["row", "date", "teacher", "team", "observer", "feedback_date"]].copy()
    out["school_days"] = school_days_between(out["date"], out["feedback_date"], settings.holidays)
    pending = out["feedback_date"].isna()
    waited = school_days_between(out["date"], pd.Series([as_of] * len(out), index=out.index, dtype="object"), settings.holidays)
    out["pending_school_days"] = waited.where(pending)
    norm = settings.norms.feedback_within_school_days
    out["within_norm"] = out["school_days"] <= norm
    out["overdue_pending"] = pending & (out["pending_school_days"] > norm)
    return out.reset_index(drop=True)


def action_step_status(frames: Frames, as_of: dt.date) -> pd.DataFrame:
    """Per action step: open (not Met/Not Met) and overdue (open with a due date before as_of)."""
    steps = frames.action_steps[["row", "teacher", "team", "set_by", "indicator", "due_date", "status", "date_set", "date_completed"]].copy()
    steps["open"] = steps["status"].isin(OPEN_STEP_STATUSES)
    steps["overdue"] = steps["open"] & steps["due_date"].map(lambda d: isinstance(d, dt.date) and d < as_of).astype(bool)
    return steps.reset_index(drop=True)


@dataclass(frozen=True)
class Headline:
    """The three numbers the demo prints and the Summary tab leads with."""

    teachers_not_seen: int
    median_feedback_school_days: float | None
    overdue_action_steps: int


@dataclass(frozen=True)
class Patterns:
    as_of: dt.date
    heatmap: pd.DataFrame
    coverage: pd.DataFrame
    feedback: pd.DataFrame
    action_steps: pd.DataFrame
    headline: Headline


def compute_patterns(records: Records, settings: SchoolSettings, as_of: dt.date) -> Patterns:
    frames = to_frames(records)
    cov = coverage(frames, settings, as_of)
    fb = feedback_latency(frames, settings, as_of)
    steps = action_step_status(frames, as_of)
    delivered = fb["school_days"].dropna()
    headline = Headline(
        teachers_not_seen=int(cov["not_seen"].sum()),
        median_feedback_school_days=float(delivered.median()) if len(delivered) else None,
        overdue_action_steps=int(steps["overdue"].sum()),
    )
    return Patterns(as_of, heatmap(frames, settings), cov, fb, steps, headline)
