"""Goals: does every teacher have an Active goal in the rubric's language, is each goal checked
every quarter, does each team share a common indicator, and do the scores move toward the goal?
(Seed 004, objective 2: individual goals in the language of the framework, at least one common
indicator per team; seed 000, objective 3: team and individual goals checked quarterly.)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import DaysByName, Frames, rubric_order
from tracker_sync.patterns.people import coached_teachers
from tracker_sync.schemas import SchoolSettings

ACTIVE = "Active"
COMMON = ["team", "teachers", "with_indicator", "common", "from_team_goal", "most_shared", "most_shared_teachers", "has_common"]
PROGRESS = ["row", "teacher", "team", "indicator", "set_date", "baseline", "baseline_from", "baseline_date",
            "latest", "latest_date", "change", "target", "reached"]


def check_in_period(settings: SchoolSettings, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the check-in period holding `as_of`: the school year's days split into
    `goal_check_in_periods` (4: quarters) runs of equal length, period k starting on day
    ceil(k * days / periods). Before the year starts: the first period; after it ends: the last."""
    start, end = settings.school_year_start, settings.school_year_end
    days, periods = (end - start).days + 1, settings.norms.goal_check_in_periods
    k = min(max((as_of - start).days, 0), days - 1) * periods // days

    def first_day(n: int) -> dt.date:
        return start + dt.timedelta(days=-(-n * days // periods))

    return first_day(k), first_day(k + 1) - dt.timedelta(days=1)


def goal_status(frames: Frames, settings: SchoolSettings, as_of: dt.date) -> pd.DataFrame:
    """Per goal set by `as_of`: `active` (status Active) and `no_check_in`: Active with neither a
    check-in nor its setting inside this check-in period (setting a goal counts as checking it)."""
    period_start = pd.Timestamp(check_in_period(settings, as_of)[0])
    goals = frames.goals[["row", "teacher_or_team", "is_team", "team", "kind", "indicator", "baseline", "target",
                          "set_date", "last_check_in", "status"]].copy()
    goals["active"] = goals["status"] == ACTIVE
    last_seen = goals["last_check_in"].fillna(goals["set_date"])
    goals["no_check_in"] = goals["active"] & (last_seen < period_start)
    return goals.reset_index(drop=True)


def teachers_without_active_goal(goals: pd.DataFrame, cov: pd.DataFrame, tracked: bool = True) -> pd.DataFrame:
    """Active observed staff (the coverage list) with no Active goal of their own (a team goal does
    not count: each teacher sets individual goals), and how many Draft goals they have. Empty when
    the tracker has no Goals tab (`tracked` False)."""
    columns = ["teacher", "team", "team_lead", "drafts"]
    if not tracked:
        return pd.DataFrame(columns=columns)
    own = goals[~goals["is_team"]]
    with_active = set(own.loc[own["active"], "teacher_or_team"])
    out = cov.loc[~cov["teacher"].isin(with_active), ["teacher", "team", "team_lead"]].reset_index(drop=True)
    drafts = own[own["status"] == "Draft"].groupby("teacher_or_team").size()
    out["drafts"] = out["teacher"].map(drafts).fillna(0).astype(int)
    return out[columns]


def common_indicators(frames: Frames, settings: SchoolSettings, goals: pd.DataFrame) -> pd.DataFrame:
    """Per team with teachers (coached_teachers): a common indicator is one named by an Active team
    goal, or by an Active goal of every teacher on the team. Also: teachers whose Active goals name
    an indicator, and the indicator most of them share (ties in rubric order)."""
    if not frames.tracks("goals"):
        return pd.DataFrame(columns=COMMON)
    members = coached_teachers(frames, settings)[["teacher", "team"]]
    if members.empty:
        return pd.DataFrame(columns=COMMON)
    sizes = members.groupby("team").size()
    named = goals[goals["active"] & goals["indicator"].notna()]
    own = named[~named["is_team"]][["teacher_or_team", "indicator"]].drop_duplicates()
    own = own.merge(members, left_on="teacher_or_team", right_on="teacher")
    shared = own.groupby(["team", "indicator"]).size().rename("teachers").reset_index()
    shared["_order"] = shared["indicator"].map(rubric_order(settings))
    shared = shared.sort_values(["team", "teachers", "_order"], ascending=[True, False, True])
    everyone = shared[shared["teachers"] == shared["team"].map(sizes)]
    team_goals = named[named["is_team"] & named["team"].isin(sizes.index)]
    order = rubric_order(settings)
    common: dict[str, set[str]] = {}
    for team, code in [*zip(everyone["team"], everyone["indicator"]), *zip(team_goals["team"], team_goals["indicator"])]:
        common.setdefault(team, set()).add(code)
    top = shared.drop_duplicates("team").set_index("team")
    out = pd.DataFrame({"team": sizes.index, "teachers": sizes.to_numpy()})
    out["with_indicator"] = out["team"].map(own.groupby("team")["teacher"].nunique()).fillna(0).astype(int)
    out["common"] = [", ".join(sorted(common.get(t, ()), key=order.get)) for t in out["team"]]
    out["from_team_goal"] = out["team"].isin(set(team_goals["team"]))
    out["most_shared"] = [top["indicator"].get(team, "") for team in out["team"]]
    out["most_shared_teachers"] = out["team"].map(top["teachers"]).fillna(0).astype(int)
    out["has_common"] = out["common"] != ""
    return out[COMMON]


def goal_progress(frames: Frames, settings: SchoolSettings, goals: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per Active goal of one teacher that names an indicator: the indicator's latest daily score
    (to `as_of`, on or after the Set Date) against the baseline.

    The baseline is the Baseline typed on the goal when it is a number on the rubric's scale;
    otherwise the first daily score on the indicator on or after the Set Date (the observation a
    goal is set from is often scored that day), and then the latest must come after it. No pair ->
    a blank change (the goal is still listed). `reached`: the latest score is at or above a Target
    on the scale.
    """
    rubric = settings.rubric
    mine = goals[goals["active"] & ~goals["is_team"] & goals["indicator"].notna()].reset_index(drop=True)
    daily = frames.daily_scores
    search = DaysByName([daily["teacher"], daily["indicator"]], daily["date"], [mine["teacher_or_team"], mine["indicator"]])
    first = search.position(mine["set_date"], "left")  # the first daily score on or after the Set Date
    end = search.position(pd.Series(pd.Timestamp(as_of), index=mine.index), "right")
    typed = _on_scale(mine["baseline"], rubric.scale_min, rubric.scale_max)
    has_typed = typed.notna().to_numpy()
    latest_at = np.where(end > np.where(has_typed, first, first + 1), end - 1, -1)
    baseline_at = np.where(~has_typed & (latest_at >= 0), first, -1)
    out = mine[["row", "teacher_or_team", "team", "indicator", "set_date"]].rename(columns={"teacher_or_team": "teacher"})
    scores, dates = daily["score"].array, daily["date"].array
    for name, at in (("latest", latest_at), ("baseline_score", baseline_at)):
        rows = np.full(len(at), -1)
        rows[at >= 0] = search.order[at[at >= 0]]
        out[name], out[f"{name}_date"] = scores.take(rows, allow_fill=True), dates.take(rows, allow_fill=True)
    out["baseline"] = typed.where(has_typed, out["baseline_score"])
    out["baseline_from"] = np.where(has_typed, "Baseline", np.where(baseline_at >= 0, "first score", ""))
    out["baseline_date"] = out["baseline_score_date"]
    out["change"] = out["latest"] - out["baseline"]
    out["target"] = _on_scale(mine["target"], rubric.scale_min, rubric.scale_max)
    out["reached"] = out["latest"] >= out["target"]
    return out.sort_values(["team", "teacher", "indicator"]).reset_index(drop=True)[PROGRESS]


def _on_scale(values: pd.Series, low: float, high: float) -> pd.Series:
    """The numbers among a Baseline or Target column (text such as '42% proficient' is NaN) that lie
    on the rubric's scale."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    return numbers.where(numbers.between(low, high))
