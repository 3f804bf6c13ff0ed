"""Better or worse than at the last ILT meeting? The headline numbers, per-team coverage, feedback
latency and overdue steps, and every heat-map cell: now, then, and a weekly series.

Trends are recomputed from the records, never stored: the figure on an earlier day is the figure
`compute_patterns` gives as of that day, with the tracker's state on that day as
``Frames.state_on`` defines it (feedback dated later was still pending; a step completed later was
still open). Computing the snapshot functions again at every date costs about 40 ms a date on a
school year, so this module evaluates the same definitions for all the dates in one vectorised
pass; tests check every point against ``compute_patterns`` at that date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import (
    CLOSED_STEP_STATUSES,
    OPEN_STEP_STATUSES,
    Frames,
    day_numbers,
    positions,
    school_days_between,
)
from tracker_sync.patterns.scores import WHOLE_SCHOOL
from tracker_sync.schemas import SchoolSettings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BLOCKS = "▁▂▃▄▅▆▇█"
#: measure -> True when a higher value is better (the only one: the share of feedback on time).
TREND_MEASURES = {
    "not_seen": False,
    "median_feedback_school_days": False,
    "feedback_share_within": True,
    "overdue_steps": False,
}
TREND_COLUMNS = ["scope", "measure", "then", "now", "change", "worse", "series", "sparkline"]
HEAT_TREND_COLUMNS = ["team", "indicator", "then", "then_n", "now", "now_n", "change", "moved", "series", "sparkline"]


@dataclass(frozen=True)
class TrendDates:
    """When "then" is, and the days of the weekly series (oldest first; the last one is as-of)."""

    since: dt.date
    since_meeting: bool  # True: `since` is the last ILT meeting; False: `trend_lookback_days` ago
    points: tuple[dt.date, ...]


def last_meeting(as_of: dt.date, weekday: str | None, lookback_days: int) -> tuple[dt.date, bool]:
    """The last ILT meeting before `as_of` (a meeting on the as-of day itself has not happened yet
    for the brief read before it), or `lookback_days` ago when the school's weekday is unknown."""
    if weekday is None:
        return as_of - dt.timedelta(days=lookback_days), False
    back = (as_of.weekday() - WEEKDAYS.index(weekday)) % 7 or 7
    return as_of - dt.timedelta(days=back), True


def trend_dates(settings: SchoolSettings, as_of: dt.date) -> TrendDates:
    norms = settings.norms
    since, meeting = last_meeting(as_of, settings.ilt_weekday, norms.trend_lookback_days)
    points = tuple(as_of - dt.timedelta(weeks=norms.trend_weeks - 1 - i) for i in range(norms.trend_weeks))
    return TrendDates(since, meeting, points)


def sparklines(rows: np.ndarray, min_span: float = 0.0) -> list[str]:
    """One sparkline per row of a 2-D array of values (NaN: blank); see `sparkline`."""
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    known = ~np.isnan(rows)
    low = np.where(known, rows, np.inf).min(axis=1, initial=np.inf)
    high = np.where(known, rows, -np.inf).max(axis=1, initial=-np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):  # rows with no value at all: all blank anyway
        narrow = (high - low) < min_span
        middle = (low + high) / 2
        low, high = np.where(narrow, middle - min_span / 2, low), np.where(narrow, middle + min_span / 2, high)
        span = (high - low)[:, None]
        scaled = np.where(span > 0, (rows - low[:, None]) / np.where(span > 0, span, 1) * 7, 3)
    levels = np.clip(np.round(np.nan_to_num(scaled)), 0, 7).astype(int)
    levels[~known] = 8  # a space
    alphabet = np.array(list(BLOCKS + " "))
    return ["".join(chars) for chars in alphabet[levels]]


def sparkline(values: Sequence[float | None], min_span: float = 0.0) -> str:
    """Values as block characters, lowest ▁ to highest █; a blank (None, NaN) is a space.

    The range is the values' own, widened to at least `min_span` around its middle, so a series
    that barely moves draws nearly flat (a flat series is all ▄). Text, so it shows the same in
    Excel, LibreOffice, Google Sheets and the brief.
    """
    if not len(values):
        return ""
    return sparklines(np.array([[np.nan if v is None else float(v) for v in values]]), min_span)[0]


def _counts_by(groups: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Per date (rows of `weights`, bools or numbers) the sum per group code (-1: no group, left out)."""
    keep = groups >= 0
    return np.stack([np.bincount(groups[keep], weights=row[keep], minlength=size) for row in weights])


def _median_by(groups: np.ndarray, values: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """Per date (rows of `mask`) and group code, the median of the whole numbers `values` (school
    days) where `mask` holds; NaN where none. Counted per value, so no loop over groups."""
    keep = (groups >= 0) & ~np.isnan(values)
    whole = values[keep].astype("int64")
    width = int(whole.max(initial=0)) + 1
    code = groups[keep] * width + whole
    counts = (np.stack([np.bincount(code, weights=row[keep], minlength=size * width) for row in mask])
              .reshape(len(mask), size, width))
    total = counts.sum(axis=2)
    below = np.cumsum(counts, axis=2)
    lower = (below <= ((total - 1) // 2)[..., None]).sum(axis=2)  # value at rank (n - 1) // 2
    upper = (below <= (total // 2)[..., None]).sum(axis=2)  # value at rank n // 2
    return np.where(total > 0, (lower + upper) / 2, np.nan)


def _not_seen(frames: Frames, teachers: pd.DataFrame, days: np.ndarray, gap: int) -> np.ndarray:
    """(dates, teachers): no visit in the `gap` days up to each date, that day included (coverage's
    not_seen: never seen, or last seen `gap` days ago or more)."""
    obs = frames.observations
    who = positions(obs["teacher"], teachers["teacher"])
    visit_day = day_numbers(obs["date"])
    out = np.empty((len(days), len(teachers)), dtype=bool)
    for i, day in enumerate(days):
        recent = (who >= 0) & (visit_day <= day) & (visit_day > day - gap)
        out[i] = np.bincount(who[recent], minlength=len(teachers)) == 0
    return out


def _feedback(frames: Frames, settings: SchoolSettings, days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                                   np.ndarray]:
    """Per date: which visits had feedback, which were within the norm, which waited past it."""
    obs = frames.observations
    norm = settings.norms.feedback_within_school_days
    visit_day, feedback_day = day_numbers(obs["date"]), obs["feedback_date"].to_numpy().astype("datetime64[D]")
    school_days = school_days_between(obs["date"], obs["feedback_date"], settings.holidays).to_numpy()
    given = (feedback_day[None, :] <= days.astype("datetime64[D]")[:, None])  # NaT compares False
    pending = (visit_day[None, :] <= days[:, None]) & ~given
    late = np.zeros_like(pending)
    maybe = pending.any(axis=0)
    if maybe.any():
        start = visit_day[maybe].astype("datetime64[D]") + 1
        ends = days.astype("datetime64[D]")[:, None] + 1
        holidays = np.array(sorted(settings.holidays), dtype="datetime64[D]")
        waited = np.maximum(np.busday_count(start[None, :], ends, holidays=holidays), 0)
        late[:, maybe] = pending[:, maybe] & (waited > norm)
    within = given & (school_days[None, :] <= norm)
    return school_days, given, within, late


def _share(within: np.ndarray, given: np.ndarray, late: np.ndarray) -> np.ndarray:
    known = given + late
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known > 0, within / np.where(known > 0, known, 1), np.nan)


def _steps_overdue(frames: Frames, days: np.ndarray) -> np.ndarray:
    """(dates, steps): set by then, open on that day (state_on's rule) and due before it."""
    steps = frames.action_steps
    set_day, due = day_numbers(steps["date_set"]), steps["due_date"].to_numpy().astype("datetime64[D]")
    completed = steps["date_completed"].to_numpy().astype("datetime64[D]")
    when = days.astype("datetime64[D]")[:, None]
    open_now = steps["status"].isin(OPEN_STEP_STATUSES).to_numpy()
    closed_later = steps["status"].isin(CLOSED_STEP_STATUSES).to_numpy() & (completed[None, :] > when)
    return np.asarray((set_day[None, :] <= days[:, None]) & (open_now[None, :] | closed_later) & (due[None, :] < when))


def headline_trends(frames: Frames, settings: SchoolSettings, teachers: pd.DataFrame, dates: TrendDates) -> pd.DataFrame:
    """The headline numbers (school) and per-team coverage, latency and overdue steps, now and then.

    `frames`: the state as of the last point; `teachers`: the coverage list (active observed staff,
    with their team). One row per scope (the whole school first, then teams A-Z) and measure:
    then (at `dates.since`), now, change, worse (moved the wrong way), the weekly series and its
    sparkline. Measures and their definitions are the snapshot's: not_seen (coverage),
    median_feedback_school_days and feedback_share_within (latency_overall / latency_summary),
    overdue_steps (action_step_status).
    """
    days = _days(dates)
    teams = sorted(teachers["team"].dropna().unique())
    size = len(teams)
    gone = _not_seen(frames, teachers, days, settings.norms.observation_gap_days)
    school_days, given, within, late = _feedback(frames, settings, days)
    overdue = _steps_overdue(frames, days)
    visit_team, every_visit = positions(frames.observations["team"], teams), np.zeros(len(school_days), dtype="int64")

    def both(school: np.ndarray, by_team: np.ndarray) -> np.ndarray:  # (dates, whole school + teams)
        return np.column_stack([school, by_team])

    tables = {
        "not_seen": both(gone.sum(axis=1), _counts_by(positions(teachers["team"], teams), gone, size)),
        "median_feedback_school_days": both(_median_by(every_visit, school_days, given, 1)[:, 0],
                                            _median_by(visit_team, school_days, given, size)),
        "feedback_share_within": _share(*(both(m.sum(axis=1), _counts_by(visit_team, m, size)) for m in (within, given, late))),
        "overdue_steps": both(overdue.sum(axis=1), _counts_by(positions(frames.action_steps["team"], teams), overdue, size)),
    }
    scopes, measures = [WHOLE_SCHOOL, *teams], list(tables)
    # (measures, dates, scopes) -> one row per scope and measure, scope by scope, dates along the row
    values = np.stack([tables[m].astype(float) for m in measures]).transpose(2, 0, 1).reshape(len(scopes) * len(measures), -1)
    change = values[:, -1] - values[:, 0]
    higher_is_better = np.tile([TREND_MEASURES[m] for m in measures], len(scopes))
    return pd.DataFrame({
        "scope": np.repeat(scopes, len(measures)), "measure": np.tile(measures, len(scopes)), "then": values[:, 0],
        "now": values[:, -1], "change": change, "worse": np.where(higher_is_better, change < 0, change > 0),
        "series": list(map(tuple, values[:, 1:])), "sparkline": sparklines(values[:, 1:]),
    })[TREND_COLUMNS]


def _days(dates: TrendDates) -> np.ndarray:
    """Day numbers: `since` first, then the weekly points."""
    return np.array([(day - dt.date(1970, 1, 1)).days for day in (dates.since, *dates.points)], dtype="int64")


def heatmap_trend(frames: Frames, settings: SchoolSettings, dates: TrendDates) -> pd.DataFrame:
    """Every heat-map cell (team x indicator, then the whole school per indicator): mean and n then
    and now, the change, and the weekly series of means. `moved`: both ends shown on the heat map
    (n >= `heatmap_min_n`) and the mean changed by at least `heatmap_change_threshold`."""
    norms, codes = settings.norms, settings.rubric.codes
    scores = frames.scores
    if scores.empty:
        return pd.DataFrame(columns=HEAT_TREND_COLUMNS)
    days = _days(dates)
    teams = sorted(scores["team"].dropna().unique())
    indicator = positions(scores["indicator"], codes)
    team = positions(scores["team"], teams)
    cell = np.where((team >= 0) & (indicator >= 0), team * len(codes) + indicator, -1)
    school = np.where(indicator >= 0, len(teams) * len(codes) + indicator, -1)  # after the team cells
    size = (len(teams) + 1) * len(codes)
    counted = day_numbers(scores["date"])[None, :] <= days[:, None]
    value = scores["score"].to_numpy()
    n = _counts_by(cell, counted, size) + _counts_by(school, counted, size)
    total = _counts_by(cell, counted * value[None, :], size) + _counts_by(school, counted * value[None, :], size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)
    scope = np.repeat([*teams, WHOLE_SCHOOL], len(codes))
    out = pd.DataFrame({"team": scope, "indicator": np.tile(codes, len(teams) + 1), "then": means[0], "then_n": n[0].astype(int),
                        "now": means[-1], "now_n": n[-1].astype(int)})
    out["change"] = out["now"] - out["then"]
    shown = (out["then_n"] >= norms.heatmap_min_n) & (out["now_n"] >= norms.heatmap_min_n)
    out["moved"] = shown & (out["change"].abs() >= norms.heatmap_change_threshold - 1e-9)
    out["series"] = list(map(tuple, means[1:].T))
    out["sparkline"] = sparklines(means[1:].T, min_span=2 * norms.heatmap_change_threshold)
    return out[out["now_n"] > 0].reset_index(drop=True)[HEAT_TREND_COLUMNS]
