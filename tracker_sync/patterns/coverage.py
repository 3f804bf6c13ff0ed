"""Who has been seen: days since the last visit, recent visits, scored-observation minimums, load."""

from __future__ import annotations

import math

import pandas as pd

from tracker_sync.patterns.frames import (
    Frames,
    days_between,
    observed_teachers,
    summarise,
)
from tracker_sync.patterns.people import with_their_coach
from tracker_sync.schemas import SchoolSettings


def scored_pace(settings: SchoolSettings, as_of: pd.Timestamp, minimum: int) -> int:
    """Scored observations a teacher should have by `as_of`, pro rata: the yearly minimum times the share
    of the school year gone, rounded to the nearest whole one (half up). 2 a year: the first is due a
    quarter into the year, the second at three quarters; 1 a year: from mid-year. (Rounded down, no
    check could fail before mid-year, and a 1-a-year minimum only on the last day.)"""
    start, end = pd.Timestamp(settings.school_year_start), pd.Timestamp(settings.school_year_end)
    gone = min(max((as_of - start).days / max((end - start).days, 1), 0.0), 1.0)
    return math.floor(float(minimum * gone) + 0.5 + 1e-9)


def coverage(frames: Frames, settings: SchoolSettings, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per active observed teacher: last visit, days since, visits in the last 14 and 30 days (today
    counts as one of them), scored observations this school year and whether they are on pace.

    A scored observation is one lesson on the scores tab (a teacher and a date, however many
    indicators): a co-observed lesson, scored by two observers, counts once, and is Full if either
    row says so.
    """
    norms = settings.norms
    roster = observed_teachers(frames, settings)[["teacher", "team", "team_lead"]]
    obs = frames.observations
    days_ago = days_between(obs["date"], as_of)
    visits = pd.DataFrame({"teacher": obs["teacher"], "date": obs["date"],
                           "in_14": days_ago < 14, "in_30": days_ago < 30})
    per_teacher = summarise(visits, "teacher", last_observed=("date", "max"), observations_14d=("in_14", "sum"),
                            observations_30d=("in_30", "sum"), observations_total=("date", "size"))
    year = frames.scores[frames.scores["date"] >= pd.Timestamp(settings.school_year_start)]
    scored_rows = year.drop_duplicates("row")
    full = scored_rows["type"].isin(norms.full_observation_types)
    lessons = (scored_rows.assign(full=full).sort_values("full", ascending=False, kind="stable")
               .drop_duplicates(["teacher", "date"]))
    scored = summarise(lessons, "teacher", scored=("row", "size"), scored_full=("full", "sum"))
    out = roster.join(per_teacher, on="teacher").join(scored, on="teacher")
    out["days_since"] = days_between(out["last_observed"], as_of)
    for col in ("observations_14d", "observations_30d", "observations_total", "scored", "scored_full"):
        out[col] = out[col].fillna(0).astype(int)
    out["not_seen"] = out["days_since"].isna() | (out["days_since"] >= norms.observation_gap_days)
    out["scored_due"] = scored_pace(settings, as_of, norms.scored_observations_per_year)
    out["full_due"] = scored_pace(settings, as_of, norms.full_observations_per_year)
    out["behind_scored"] = (out["scored"] < out["scored_due"]) | (out["scored_full"] < out["full_due"])
    return out.sort_values(["team", "teacher"]).reset_index(drop=True)


def coverage_by_team(cov: pd.DataFrame) -> pd.DataFrame:
    """Per team: teachers, visits in 14 days, not seen, median days since, behind on scored minimums."""
    if cov.empty:
        return pd.DataFrame(columns=["team", "teachers", "observations_14d", "not_seen", "median_days_since", "behind_scored"])
    return summarise(cov, "team", teachers=("teacher", "size"), observations_14d=("observations_14d", "sum"),
                     not_seen=("not_seen", "sum"), median_days_since=("days_since", "median"),
                     behind_scored=("behind_scored", "sum")).reset_index()


def coaching_load(frames: Frames, cov: pd.DataFrame, steps: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per Team Lead: teachers coached (not counting themselves), visits they made in the last 30 days,
    their teachers not seen, open action steps (`steps`: action_step_status) and active learning
    cycles of their teachers."""
    columns = ["team_lead", "teachers", "visits_30d", "not_seen", "open_steps", "active_cycles"]
    coached = with_their_coach(cov)
    if coached.empty:
        return pd.DataFrame(columns=columns)
    load = summarise(coached, "team_lead", teachers=("teacher", "size"), not_seen=("not_seen", "sum"))
    obs = frames.observations
    recent = obs[days_between(obs["date"], as_of) < 30]
    load["visits_30d"] = recent.groupby("observer").size().reindex(load.index).fillna(0).astype(int)
    lead_of = coached.set_index("teacher")["team_lead"]
    open_steps = steps.loc[steps["open"], "teacher"].map(lead_of)
    load["open_steps"] = open_steps.value_counts().reindex(load.index).fillna(0).astype(int)
    cycles = frames.learning_cycles
    active = cycles[cycles["status"] == "Active"]["teacher"].map(lead_of)
    load["active_cycles"] = active.value_counts().reindex(load.index).fillna(0).astype(int)
    load["not_seen"] = load["not_seen"].astype(int)
    return load.reset_index()[columns]
