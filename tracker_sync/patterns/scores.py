"""What the rubric scores say: the team x indicator heat map, the lowest indicators, and growth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import (
    DaysByName,
    Frames,
    cycle_stop,
    rubric_order,
    summarise,
)
from tracker_sync.schemas import SchoolSettings

WHOLE_SCHOOL = "Whole school"
_STATS = ["mean", "n", "share_below"]


def _indicator_stats(scores: pd.DataFrame, by: list[str], settings: SchoolSettings) -> pd.DataFrame:
    if scores.empty:
        return pd.DataFrame(columns=[*by, *_STATS])
    below = scores["score"] < settings.rubric.meeting_score
    out = summarise(scores.assign(below=below), by, mean=("score", "mean"), n=("score", "size"),
                    share_below=("below", "mean")).reset_index()
    order = rubric_order(settings)
    out = out.assign(_order=out["indicator"].map(order)).sort_values([*by[:-1], "_order"])
    return out.drop(columns="_order").reset_index(drop=True)


def heatmap(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """Team x indicator: mean score, n (scores), and share of scores below the meeting band.

    Long form, one row per (team, indicator) with at least one score, rubric order within a team.
    Every score counts (a teacher seen three times weighs three times); teachers who left still count.
    """
    return _indicator_stats(frames.scores.dropna(subset=["team"]), ["team", "indicator"], settings)


def school_indicators(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """The same figures for the whole school, one row per indicator."""
    return _indicator_stats(frames.scores, ["indicator"], settings)


def lowest_indicators(heat: pd.DataFrame, school: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    """The lowest indicators per team and school-wide: the suggested professional-learning theme.

    Only indicators with at least `theme_min_scores` scores qualify. Lowest mean first; ties go to
    the larger share below the meeting band, then the larger n (more evidence), then rubric order.
    Keeps `lowest_indicators_shown` per scope; scope is a team or WHOLE_SCHOOL (listed first).
    """
    columns = ["scope", "rank", "indicator", "name", *_STATS]
    both = pd.concat([school.assign(scope=WHOLE_SCHOOL), heat.rename(columns={"team": "scope"})], ignore_index=True)
    both = both[both["n"] >= settings.norms.theme_min_scores]
    if both.empty:
        return pd.DataFrame(columns=columns)
    names = {i.code: i.name for i in settings.rubric.indicators}
    both = both.assign(
        name=both["indicator"].map(names), _order=both["indicator"].map(rubric_order(settings)),
        _scope=np.where(both["scope"] == WHOLE_SCHOOL, "", "~" + both["scope"].astype(str)),  # the school first
        _neg_below=-both["share_below"], _neg_n=-both["n"],
    ).sort_values(["_scope", "mean", "_neg_below", "_neg_n", "_order"])
    both["rank"] = both.groupby("scope", sort=False).cumcount() + 1
    kept = both[both["rank"] <= settings.norms.lowest_indicators_shown]
    return kept[columns].reset_index(drop=True)


def _pair_starts(daily: pd.DataFrame) -> np.ndarray:
    """Where each teacher-indicator run of the (sorted) daily scores begins."""
    teacher, indicator = daily["teacher"].to_numpy(), daily["indicator"].to_numpy()
    starts = np.ones(len(daily), dtype=bool)
    starts[1:] = (teacher[1:] != teacher[:-1]) | (indicator[1:] != indicator[:-1])
    return np.flatnonzero(starts)


def growth(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """First versus latest score per teacher and indicator, where scored on at least two days."""
    columns = ["teacher", "team", "indicator", "first_date", "first", "latest_date", "latest", "change"]
    daily = frames.daily_scores
    starts = _pair_starts(daily)
    stops = np.append(starts[1:], len(daily)) - 1
    twice = stops > starts  # scored on two days or more
    first, latest = daily.take(starts[twice]), daily.take(stops[twice])
    if first.empty:
        return pd.DataFrame(columns=columns)
    ends = pd.DataFrame({"teacher": first["teacher"].array, "indicator": first["indicator"].array,
                         "first_date": first["date"].array, "first": first["score"].array,
                         "latest_date": latest["date"].array, "latest": latest["score"].array})
    ends = ends.merge(frames.roster[["teacher", "team"]], on="teacher", how="left")
    ends["change"] = ends["latest"] - ends["first"]
    order = rubric_order(settings)
    ends = ends.assign(_order=ends["indicator"].map(order)).sort_values(["team", "teacher", "_order"])
    return ends[columns].reset_index(drop=True)


def growth_by_team(grown: pd.DataFrame) -> pd.DataFrame:
    """Per team: teacher-indicator pairs with growth data, mean change, and how many rose or fell."""
    if grown.empty:
        return pd.DataFrame(columns=["team", "pairs", "mean_change", "improved", "declined"])
    signs = grown.assign(rose=grown["change"] > 0, fell=grown["change"] < 0)
    return summarise(signs, "team", pairs=("change", "size"), mean_change=("change", "mean"),
                     improved=("rose", "sum"), declined=("fell", "sum")).reset_index()


def cycle_growth(frames: Frames, as_of: pd.Timestamp) -> pd.DataFrame:
    """Focus-indicator change inside each learning cycle that has started.

    Before: the teacher's last score on the focus indicator on or before the start date, or else the
    first score inside the cycle. After: the latest score inside the cycle (up to `as_of`) dated after
    the "before" score. No pair -> blank change (the cycle is still listed).

    Each cycle is a binary search in the daily scores of its teacher and focus indicator.
    """
    cycles = frames.learning_cycles[["row", "teacher", "team", "cycle", "focus_indicator", "start_date", "end_date", "status"]]
    daily = frames.daily_scores
    stop = cycle_stop(cycles, as_of)
    search = DaysByName([daily["teacher"], daily["indicator"]], daily["date"], [cycles["teacher"], cycles["focus_indicator"]])
    last_before = search.position(cycles["start_date"], "right") - 1
    last_inside = search.position(stop, "right") - 1
    has_prior, has_inside = last_before >= search.first(), last_inside > last_before
    before = np.where(has_prior, last_before, np.where(has_inside, last_before + 1, -1))
    after = np.where(has_inside & (last_inside > before), last_inside, -1)
    out = cycles.reset_index(drop=True)
    for name, at in (("before", before), ("after", after)):
        rows = np.full(len(at), -1)
        rows[at >= 0] = search.order[at[at >= 0]]
        out[f"{name}_date"] = daily["date"].array.take(rows, allow_fill=True)
        out[name] = daily["score"].array.take(rows, allow_fill=True)
    out["change"] = out["after"] - out["before"]
    return out.sort_values(["team", "teacher", "start_date"]).reset_index(drop=True)
