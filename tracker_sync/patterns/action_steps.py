"""Action steps: open, overdue, completion rate, days to complete, and teachers with no open step."""

from __future__ import annotations

import pandas as pd

from tracker_sync.patterns.frames import (
    OPEN_STEP_STATUSES,
    Frames,
    days_between,
    summarise,
)


def action_step_status(frames: Frames, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per action step: open (Not Started, In Progress, Carried Over), overdue (open, due before
    `as_of`), decided (Met, Not Met, or overdue) and calendar days from set to completed (Met only)."""
    steps = frames.action_steps[["row", "teacher", "team", "set_by", "indicator", "due_date", "status",
                                 "date_set", "date_completed"]].copy()
    steps["open"] = steps["status"].isin(OPEN_STEP_STATUSES)
    steps["overdue"] = steps["open"] & (steps["due_date"] < as_of)
    steps["met"] = steps["status"] == "Met"
    steps["decided"] = steps["status"].isin(("Met", "Not Met")) | steps["overdue"]
    steps["days_to_complete"] = days_between(steps["date_set"], steps["date_completed"]).where(steps["met"])
    return steps.reset_index(drop=True)


def steps_by_team(steps: pd.DataFrame, cov: pd.DataFrame, no_open_step: pd.DataFrame) -> pd.DataFrame:
    """Per team: steps, open, overdue, completion rate (Met / decided), median days to complete, and
    active observed teachers with no open step (`no_open_step`: teachers_without_open_step's frame)."""
    columns = ["team", "steps", "open", "overdue", "met", "decided", "completion_rate", "median_days_to_complete", "no_open_step"]
    teams = sorted(set(cov["team"].dropna()) | set(steps["team"].dropna()))
    if not teams:
        return pd.DataFrame(columns=columns)
    out = summarise(steps, "team", steps=("row", "size"), open=("open", "sum"), overdue=("overdue", "sum"),
                    met=("met", "sum"), decided=("decided", "sum"),
                    median_days_to_complete=("days_to_complete", "median")).reindex(teams)
    counts = ["steps", "open", "overdue", "met", "decided"]
    out[counts] = out[counts].fillna(0).astype(int)
    out["completion_rate"] = (out["met"] / out["decided"]).where(out["decided"] > 0)
    out["no_open_step"] = no_open_step.groupby("team").size().reindex(teams).fillna(0).astype(int)
    return out.reset_index(names="team")[columns]


def teachers_without_open_step(steps: pd.DataFrame, cov: pd.DataFrame) -> pd.DataFrame:
    """Active observed teachers (the coverage list) with no open action step."""
    with_open = set(steps.loc[steps["open"], "teacher"])
    return cov.loc[~cov["teacher"].isin(with_open), ["teacher", "team", "team_lead"]].reset_index(drop=True)
