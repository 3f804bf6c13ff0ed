"""Feedback latency: school days from a visit to its feedback meeting (weekends, holidays skipped)."""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from tracker_sync.patterns.frames import Frames, school_days_between, summarise
from tracker_sync.schemas import SchoolSettings


def feedback_latency(frames: Frames, settings: SchoolSettings, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per observation: school days to the feedback meeting, or school days waited so far when none
    is logged. `within_norm`: feedback given within the norm; `overdue_pending`: still waiting past it."""
    obs = frames.observations
    out = obs[["row", "date", "teacher", "team", "observer", "feedback_date"]].copy()
    out["school_days"] = school_days_between(out["date"], out["feedback_date"], settings.holidays)
    pending = out["feedback_date"].isna()
    today = pd.Series(as_of, index=out.index)
    out["pending_school_days"] = school_days_between(out["date"], today, settings.holidays).where(pending)
    norm = settings.norms.feedback_within_school_days
    out["within_norm"] = out["school_days"] <= norm
    out["overdue_pending"] = pending & (out["pending_school_days"] > norm)
    return out.reset_index(drop=True)


def latency_summary(fb: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per observer or team: visits, feedback given, median school days, pending past the norm, and
    the share within the norm.

    The share counts only visits whose outcome is known: feedback given (on time or late) or still
    pending past the norm. A visit pending but not yet past the norm is not counted either way.
    """
    columns = [by, "observations", "given", "median_school_days", "within", "pending_past_norm", "share_within"]
    if fb.empty:
        return pd.DataFrame(columns=columns)
    out = summarise(fb, by, observations=("row", "size"), given=("school_days", "count"),
                    median_school_days=("school_days", "median"), within=("within_norm", "sum"),
                    pending_past_norm=("overdue_pending", "sum")).reset_index()
    known = out["given"] + out["pending_past_norm"]
    out["share_within"] = (out["within"] / known).where(known > 0)
    return out[columns]


class LatencyOverall(TypedDict):
    """The whole school's feedback figures (None: no feedback given or known yet)."""

    observations: int
    given: int
    median_school_days: float | None
    within: int
    pending_past_norm: int
    share_within: float | None


def latency_overall(fb: pd.DataFrame) -> LatencyOverall:
    """The whole school's figures, in the same terms as latency_summary."""
    given = fb["school_days"].dropna()
    within, late_pending = int(fb["within_norm"].sum()), int(fb["overdue_pending"].sum())
    known = len(given) + late_pending
    return {
        "observations": len(fb), "given": len(given),
        "median_school_days": float(given.median()) if len(given) else None,
        "within": within, "pending_past_norm": late_pending,
        "share_within": within / known if known else None,
    }
