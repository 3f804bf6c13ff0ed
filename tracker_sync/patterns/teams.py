"""One row per team: the figures the Summary tab and the brief's team table share."""

from __future__ import annotations

import pandas as pd


def team_summary(heat: pd.DataFrame, lowest: pd.DataFrame, coverage_by_team: pd.DataFrame,
                 feedback_by_team: pd.DataFrame, steps_by_team: pd.DataFrame) -> pd.DataFrame:
    """Per team: teachers, visits in 14 days, not seen, behind on scored observations, the mean of every
    score (weighted by n across indicators) and the share below the meeting band, the lowest indicator,
    feedback within the norm and pending past it, open and overdue action steps."""
    cov = coverage_by_team.set_index("team")
    teams = sorted(set(cov.index) | set(heat["team"]))
    out = pd.DataFrame(index=pd.Index(teams, name="team"))
    out = out.join(cov[["teachers", "observations_14d", "not_seen", "behind_scored"]])
    weighted = (heat.assign(total=heat["mean"] * heat["n"], below=heat["share_below"] * heat["n"])
                .groupby("team")[["total", "below", "n"]].sum())
    out["mean"] = weighted["total"] / weighted["n"]
    out["share_below"] = weighted["below"] / weighted["n"]
    first = lowest[lowest["rank"] == 1].set_index("scope")["indicator"]
    out["lowest"] = first.reindex(out.index).fillna("")
    out = out.join(feedback_by_team.set_index("team")[["share_within", "pending_past_norm"]])
    out = out.join(steps_by_team.set_index("team")[["open", "overdue"]])
    counts = ["teachers", "observations_14d", "not_seen", "behind_scored", "pending_past_norm", "open", "overdue"]
    out[counts] = out[counts].fillna(0).astype(int)
    return out.reset_index()
