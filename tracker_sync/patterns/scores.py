"""What the rubric scores say: the team x indicator heat map, the lowest indicators, and growth."""

from __future__ import annotations

import pandas as pd

from tracker_sync.patterns.frames import Frames, rubric_order, summarise
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
    scope_order = {WHOLE_SCHOOL: ""}
    both = both.assign(
        name=both["indicator"].map(names), _order=both["indicator"].map(rubric_order(settings)),
        _scope=both["scope"].map(lambda s: scope_order.get(s, "~" + str(s))),
        _neg_below=-both["share_below"], _neg_n=-both["n"],
    ).sort_values(["_scope", "mean", "_neg_below", "_neg_n", "_order"])
    both["rank"] = both.groupby("scope", sort=False).cumcount() + 1
    kept = both[both["rank"] <= settings.norms.lowest_indicators_shown]
    return kept[columns].reset_index(drop=True)


def _daily(frames: Frames) -> pd.DataFrame:
    """One score per teacher, indicator and day (two observers on one day are averaged), sorted by
    teacher, indicator and date."""
    return frames.scores.groupby(["teacher", "indicator", "date"], as_index=False)["score"].mean()


def growth(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """First versus latest score per teacher and indicator, where scored on at least two days."""
    columns = ["teacher", "team", "indicator", "first_date", "first", "latest_date", "latest", "change"]
    key = ["teacher", "indicator"]
    daily = _daily(frames)
    daily = daily[daily.duplicated(key, keep=False)]  # scored on two days or more
    first = daily.drop_duplicates(key, keep="first").rename(columns={"date": "first_date", "score": "first"})
    latest = daily.drop_duplicates(key, keep="last").rename(columns={"date": "latest_date", "score": "latest"})
    ends = first.merge(latest, on=key)
    if ends.empty:
        return pd.DataFrame(columns=columns)
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
    """
    cycles = frames.learning_cycles[["row", "teacher", "team", "cycle", "focus_indicator", "start_date", "end_date", "status"]]
    daily = _daily(frames).rename(columns={"indicator": "focus_indicator"})
    joined = cycles.merge(daily, on=["teacher", "focus_indicator"], how="inner")
    stop = joined["end_date"].where(joined["end_date"] < as_of, as_of)
    joined = joined.sort_values(["row", "date"])
    prior = joined[joined["date"] <= joined["start_date"]].drop_duplicates("row", keep="last")
    inside = joined[(joined["date"] > joined["start_date"]) & (joined["date"] <= stop)]
    first_inside = inside.drop_duplicates("row", keep="first")
    before = pd.concat([prior, first_inside[~first_inside["row"].isin(prior["row"])]])
    before = before.set_index("row")[["date", "score"]].rename(columns={"date": "before_date", "score": "before"})
    after = inside.merge(before.reset_index(), on="row")
    after = after[after["date"] > after["before_date"]].drop_duplicates("row", keep="last")
    after = after.set_index("row")[["date", "score"]].rename(columns={"date": "after_date", "score": "after"})
    out = cycles.join(before, on="row").join(after, on="row")
    out["change"] = out["after"] - out["before"]
    return out.sort_values(["team", "teacher", "start_date"]).reset_index(drop=True)
