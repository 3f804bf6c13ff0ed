"""Agreement on the same lesson: co-observers' scores side by side.

A co-observation is two or more observers scoring the same teacher on the same date (the scores
tab's Type may say "Co-observation"; the pattern goes by teacher and date, so a pair typed as two
Scored rows counts too). Every indicator both scored is one comparison: exact when the scores are
equal, adjacent when they are within one point. CLASS certifies observers at 80 % adjacent
agreement with a master code; `agreement_adjacent_share` is that norm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import Frames, day_numbers, rubric_order, summarise
from tracker_sync.schemas import SchoolSettings

COMPARISON_COLUMNS = ["teacher", "team", "date", "indicator", "observer_a", "observer_b", "score_a", "score_b", "diff",
                      "exact", "adjacent"]
BY_INDICATOR_COLUMNS = ["indicator", "lessons", "comparisons", "exact", "adjacent", "below_norm"]
BY_PAIR_COLUMNS = ["observer_a", "observer_b", "lessons", "comparisons", "exact", "adjacent", "mean_diff", "below_norm"]


def co_observed_scores(frames: Frames) -> pd.DataFrame:
    """One row per indicator scored by two observers of the same lesson (teacher and date); with
    three observers, each of the three pairs. observer_a sorts before observer_b; diff = a - b."""
    scores = frames.scores[["teacher", "team", "date", "observer", "indicator", "score"]]
    both = scores[_shared_lessons(frames.scores)]
    if both.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    pairs = both.merge(both[["teacher", "date", "indicator", "observer", "score"]], on=["teacher", "date", "indicator"],
                       suffixes=("_a", "_b"))
    pairs = pairs[pairs["observer_a"] < pairs["observer_b"]]
    pairs = pairs.assign(diff=pairs["score_a"] - pairs["score_b"])
    pairs["exact"] = pairs["diff"] == 0
    pairs["adjacent"] = pairs["diff"].abs() <= 1
    return pairs.sort_values(["date", "teacher", "observer_a", "observer_b", "indicator"]).reset_index(drop=True)[COMPARISON_COLUMNS]


def _shared_lessons(scores: pd.DataFrame) -> np.ndarray:
    """Which score rows belong to a lesson (teacher and date) that two or more observers scored.
    Worked out on the scores tab's rows (one per visit, not per indicator) and integer codes, as a
    school year has tens of thousands of scores and a few such lessons."""
    visits = scores.drop_duplicates("row")
    teacher, _ = pd.factorize(visits["teacher"])
    observer, observers = pd.factorize(visits["observer"])
    day = day_numbers(visits["date"])
    lesson = teacher.astype("int64") * (int(day.max(initial=0)) + 1) + day
    seen = np.unique(lesson * (len(observers) + 1) + observer)  # each lesson and observer once
    lessons, observers_per_lesson = np.unique(seen // (len(observers) + 1), return_counts=True)
    shared = visits["row"].to_numpy()[np.isin(lesson, lessons[observers_per_lesson >= 2])]
    return scores["row"].isin(shared).to_numpy()


def _judged(out: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    norms = settings.norms
    out["below_norm"] = (out["comparisons"] >= norms.agreement_min_comparisons) & (out["adjacent"] < norms.agreement_adjacent_share)
    return out


def _summary(pairs: pd.DataFrame, by: list[str], **extra: tuple[str, str]) -> pd.DataFrame:
    lessons = pairs.drop_duplicates([*by, "teacher", "date"]).groupby(by).size()
    out = summarise(pairs, by, comparisons=("diff", "size"), exact=("exact", "mean"), adjacent=("adjacent", "mean"), **extra)
    out.insert(0, "lessons", lessons)
    return out.reset_index()


def agreement_by_indicator(pairs: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    """Per indicator (rubric order): co-observed lessons, comparisons, shares exact and adjacent,
    and below_norm: adjacent under `agreement_adjacent_share` on at least `agreement_min_comparisons`."""
    if pairs.empty:
        return pd.DataFrame(columns=BY_INDICATOR_COLUMNS)
    out = _summary(pairs, ["indicator"])
    out = out.assign(_order=out["indicator"].map(rubric_order(settings))).sort_values("_order")
    return _judged(out, settings).reset_index(drop=True)[BY_INDICATOR_COLUMNS]


def agreement_by_pair(pairs: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    """Per observer pair: co-observed lessons, comparisons, shares exact and adjacent, mean
    difference (a - b), and below_norm as for indicators."""
    if pairs.empty:
        return pd.DataFrame(columns=BY_PAIR_COLUMNS)
    out = _summary(pairs, ["observer_a", "observer_b"], mean_diff=("diff", "mean"))
    return _judged(out, settings)[BY_PAIR_COLUMNS]


def agreement_overall(pairs: pd.DataFrame, settings: SchoolSettings) -> dict[str, float | int | bool | None]:
    """The school's figures in the same terms: lessons, comparisons, exact, adjacent, below_norm."""
    if pairs.empty:
        return {"lessons": 0, "comparisons": 0, "exact": None, "adjacent": None, "below_norm": False}
    norms = settings.norms
    adjacent = float(pairs["adjacent"].mean())
    return {
        "lessons": int(len(pairs.drop_duplicates(["teacher", "date"]))), "comparisons": int(len(pairs)),
        "exact": float(pairs["exact"].mean()), "adjacent": adjacent,
        "below_norm": bool(len(pairs) >= norms.agreement_min_comparisons and adjacent < norms.agreement_adjacent_share),
    }
