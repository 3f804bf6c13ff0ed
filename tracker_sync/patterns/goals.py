"""Goals: does every teacher have an Active goal in the rubric's language, is each goal checked
every quarter, does each team share a common indicator, and do the scores move toward the goal?
(Seed 004, objective 2: individual goals in the language of the framework, at least one common
indicator per team; seed 000, objective 3: team and individual goals checked quarterly.)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import DaysByName, Frames, rubric_order
from tracker_sync.patterns.people import coached_teachers
from tracker_sync.schemas import SchoolSettings

ACTIVE = "Active"
#: Statuses of a goal being worked on: Active, or Carried Over from last year by a rollover.
ACTIVE_STATUSES = (ACTIVE, "Carried Over")
COMMON = ["team", "teachers", "with_indicator", "common", "from_team_goal", "most_shared", "most_shared_teachers", "has_common"]
BY_TEAM = ["team", "teachers", "no_active_goal", "active_goals", "not_checked", "common", "measured", "mean_change", "reached"]
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
    """Per goal set by `as_of`: `active` (status Active or Carried Over) and `no_check_in`: Active with neither a
    check-in nor its setting inside this check-in period (setting a goal counts as checking it)."""
    period_start = pd.Timestamp(check_in_period(settings, as_of)[0])
    goals = frames.goals[["row", "teacher_or_team", "is_team", "team", "kind", "indicator", "baseline", "target",
                          "set_date", "last_check_in", "status"]].copy()
    goals["active"] = goals["status"].isin(ACTIVE_STATUSES)
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
    owners, statuses, is_team = goals["teacher_or_team"].tolist(), goals["status"].tolist(), goals["is_team"].tolist()
    with_active = {o for o, s, t in zip(owners, statuses, is_team, strict=True) if s in ACTIVE_STATUSES and not t}
    drafts = Counter(o for o, s, t in zip(owners, statuses, is_team, strict=True) if s == "Draft" and not t)
    out = cov.loc[~cov["teacher"].isin(with_active), ["teacher", "team", "team_lead"]].reset_index(drop=True)
    out["drafts"] = [drafts[name] for name in out["teacher"].tolist()]
    return out[columns]


def common_indicators(frames: Frames, settings: SchoolSettings, goals: pd.DataFrame) -> pd.DataFrame:
    """Per team with teachers (coached_teachers): a common indicator is one named by an Active team
    goal, or by an Active goal of every teacher on the team. Also: teachers whose Active goals name
    an indicator, and the indicator most of them share (ties in rubric order).

    Plain Python over a few hundred goals: several times faster than the merges it replaces."""
    members = coached_teachers(frames, settings) if frames.tracks("goals") else frames.roster.iloc[:0]
    # lists: iterating str columns is slow
    team_of = dict(zip(members["teacher"].tolist(), members["team"].tolist(), strict=True))
    sizes = Counter(team_of.values())
    named = goals[goals["active"].to_numpy(bool) & goals["indicator"].notna().to_numpy()]
    teachers_on: dict[tuple[str, str], set[str]] = {}  # (team, indicator) -> teachers whose goals name it
    common: dict[str, set[str]] = {}
    team_goal = set()
    for owner, code, is_team in zip(named["teacher_or_team"].tolist(), named["indicator"].tolist(), named["is_team"].tolist(),
                                    strict=True):
        if is_team:
            if owner in sizes:
                common.setdefault(owner, set()).add(code)
                team_goal.add(owner)
        elif owner in team_of:
            teachers_on.setdefault((team_of[owner], code), set()).add(owner)
    order = rubric_order(settings)
    rows = []
    for team in sorted(sizes):
        shared = sorted(((len(who), code) for (t, code), who in teachers_on.items() if t == team),
                        key=lambda pair: (-pair[0], order.get(pair[1], len(order))))
        codes = common.get(team, set()) | {code for count, code in shared if count == sizes[team]}
        with_indicator = len(set().union(*(who for (t, _), who in teachers_on.items() if t == team)))
        rows.append([team, sizes[team], with_indicator, ", ".join(sorted(codes, key=lambda c: order.get(c, len(order)))),
                     team in team_goal, shared[0][1] if shared else "", shared[0][0] if shared else 0, bool(codes)])
    return pd.DataFrame(rows, columns=COMMON)


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


def goals_by_team(cov: pd.DataFrame, no_active_goal: pd.DataFrame, goals: pd.DataFrame, common: pd.DataFrame,
                  progress: pd.DataFrame, tracked: bool = True) -> pd.DataFrame:
    """Per team of the coverage list: teachers, how many have no Active goal, Active goals (team goals
    included) and how many were not checked this period, the common indicator(s), and goal progress:
    goals measured (a baseline and a later score), their mean change and how many reached the target."""
    if not tracked or cov.empty:
        return pd.DataFrame(columns=BY_TEAM)
    active = goals[goals["active"].to_numpy(bool)]
    measured = progress.dropna(subset=["change"])
    teachers = Counter(cov["team"].tolist())  # lists: iterating pandas' str columns costs a call per value
    teams = sorted(teachers)
    without, goals_of = Counter(no_active_goal["team"].tolist()), Counter(active["team"].tolist())
    unchecked = Counter(active.loc[active["no_check_in"].to_numpy(bool), "team"].tolist())
    common_of = dict(zip(common["team"].tolist(), common["common"].tolist(), strict=True))
    changes: dict[str, list[float]] = {}
    for team, change in zip(measured["team"].tolist(), measured["change"].tolist(), strict=True):
        changes.setdefault(team, []).append(change)
    reached = Counter(measured.loc[measured["reached"].to_numpy(bool), "team"].tolist())
    return pd.DataFrame([[team, teachers[team], without[team], goals_of[team], unchecked[team], common_of.get(team, ""),
                          len(changes.get(team, ())), sum(changes[team]) / len(changes[team]) if team in changes else None,
                          reached[team]] for team in teams], columns=BY_TEAM)
