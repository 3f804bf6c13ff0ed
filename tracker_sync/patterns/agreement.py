"""Agreement on the same lesson: co-observers' scores side by side.

A co-observation is two or more observers scoring the same teacher on the same date (the scores
tab's Type may say "Co-observation"; the pattern goes by teacher and date, so a pair typed as two
Scored rows counts too). Every indicator both scored is one comparison: exact when the scores are
equal, adjacent when they are within one point, and agreed by the rubric's rule (its
`agreement_within`: exact on Danielson's 4 points, within one point on LEAP's 7). CLASS certifies
observers at 80 % agreement within one point of a master code on its 7-point scale;
`agreement_adjacent_share` is that norm, applied to the rubric's rule.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import Frames, day_numbers, rubric_order
from tracker_sync.schemas import SchoolSettings

COMPARISON_COLUMNS = ["teacher", "team", "date", "indicator", "observer_a", "observer_b", "score_a", "score_b", "diff",
                      "exact", "adjacent", "agreed"]
BY_INDICATOR_COLUMNS = ["indicator", "lessons", "comparisons", "exact", "adjacent", "agreed", "below_norm"]
BY_PAIR_COLUMNS = ["observer_a", "observer_b", "lessons", "comparisons", "exact", "adjacent", "agreed", "mean_diff", "below_norm"]


def co_observed_scores(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """One row per indicator scored by two observers of the same lesson (teacher and date); with
    three observers, each of the three pairs. observer_a sorts before observer_b; diff = a - b;
    agreed: within the rubric's `agreement_within` points."""
    both = frames.scores.loc[_shared_lessons(frames.scores), ["teacher", "team", "date", "observer", "indicator", "score"]]
    by_score: dict[tuple[pd.Timestamp, str, str, str], list[tuple[str, float]]] = {}
    for teacher, team, day, observer, indicator, score in both.itertuples(index=False, name=None):  # a few hundred
        by_score.setdefault((day, teacher, team, indicator), []).append((observer, score))
    rows = []
    for (day, teacher, team, indicator), scored in by_score.items():
        for i, (a, score_a) in enumerate(scored):
            for b, score_b in scored[i + 1:]:
                (a, score_a), (b, score_b) = sorted([(a, score_a), (b, score_b)])
                rows.append((day, teacher, a, b, indicator, team, score_a, score_b))
    if not rows:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    rows.sort(key=lambda r: r[:5])  # date, teacher, observer pair, indicator
    days, teachers, firsts, seconds, indicators, teams, scores_a, scores_b = map(list, zip(*rows, strict=True))
    diff = np.subtract(scores_a, scores_b, dtype=float)
    return pd.DataFrame({"teacher": teachers, "team": teams, "date": pd.to_datetime(days), "indicator": indicators,
                         "observer_a": firsts, "observer_b": seconds, "score_a": scores_a, "score_b": scores_b, "diff": diff,
                         "exact": diff == 0, "adjacent": np.abs(diff) <= 1,
                         "agreed": np.abs(diff) <= settings.rubric.agreement_within})[COMPARISON_COLUMNS]


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
    return np.asarray(scores["row"].isin(shared))


def _judged(out: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    norms = settings.norms
    out["below_norm"] = (out["comparisons"] >= norms.agreement_min_comparisons) & (out["agreed"] < norms.agreement_adjacent_share)
    return out


def _summary(pairs: pd.DataFrame, group: np.ndarray, labels: dict[str, list[str]]) -> pd.DataFrame:
    """Per group code (0..n-1, one per label): co-observed lessons, comparisons, shares exact,
    adjacent and agreed (the rubric's rule), mean difference. Counted with bincount: the frames are small,
    pandas' grouping is not."""
    teacher, _ = pd.factorize(pairs["teacher"])
    lesson = teacher.astype("int64") * (int(day_numbers(pairs["date"]).max()) + 1) + day_numbers(pairs["date"])
    size = len(next(iter(labels.values())))
    distinct = np.unique(group * (lesson.max() + 1) + lesson) // (lesson.max() + 1)  # each group and lesson once
    comparisons = np.bincount(group, minlength=size)
    return pd.DataFrame({**labels, "lessons": np.bincount(distinct, minlength=size), "comparisons": comparisons,
                         "exact": np.bincount(group, weights=pairs["exact"].to_numpy(float), minlength=size) / comparisons,
                         "adjacent": np.bincount(group, weights=pairs["adjacent"].to_numpy(float), minlength=size) / comparisons,
                         "agreed": np.bincount(group, weights=pairs["agreed"].to_numpy(float), minlength=size) / comparisons,
                         "mean_diff": np.bincount(group, weights=pairs["diff"].to_numpy(float), minlength=size) / comparisons})


def agreement_by_indicator(pairs: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    """Per indicator (rubric order): co-observed lessons, comparisons, shares exact, adjacent and
    agreed, and below_norm: agreed under `agreement_adjacent_share` on at least `agreement_min_comparisons`."""
    if pairs.empty:
        return pd.DataFrame(columns=BY_INDICATOR_COLUMNS)
    group, codes = pd.factorize(pairs["indicator"])
    out = _summary(pairs, group, {"indicator": codes})
    out = out.assign(_order=out["indicator"].map(rubric_order(settings))).sort_values("_order")
    return _judged(out, settings).reset_index(drop=True)[BY_INDICATOR_COLUMNS]


def agreement_by_pair(pairs: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    """Per observer pair: co-observed lessons, comparisons, shares exact, adjacent and agreed, mean
    difference (a - b), and below_norm as for indicators."""
    if pairs.empty:
        return pd.DataFrame(columns=BY_PAIR_COLUMNS)
    group, names = pd.factorize(pairs["observer_a"] + "\x1f" + pairs["observer_b"], sort=True)  # by a, then b
    a, b = zip(*(name.split("\x1f") for name in names), strict=True)
    return _judged(_summary(pairs, group, {"observer_a": list(a), "observer_b": list(b)}), settings)[BY_PAIR_COLUMNS]


class AgreementOverall(TypedDict):
    """The school's agreement figures (exact, adjacent and agreed are None with no comparison)."""

    lessons: int
    comparisons: int
    exact: float | None
    adjacent: float | None
    agreed: float | None
    below_norm: bool


def agreement_overall(pairs: pd.DataFrame, settings: SchoolSettings) -> AgreementOverall:
    """The school's figures in the same terms: lessons, comparisons, exact, adjacent, agreed, below_norm."""
    if pairs.empty:
        return {"lessons": 0, "comparisons": 0, "exact": None, "adjacent": None, "agreed": None, "below_norm": False}
    norms = settings.norms
    agreed = float(pairs["agreed"].mean())
    return {
        "lessons": int(len(pairs.drop_duplicates(["teacher", "date"]))), "comparisons": int(len(pairs)),
        "exact": float(pairs["exact"].mean()), "adjacent": float(pairs["adjacent"].mean()), "agreed": agreed,
        "below_norm": bool(len(pairs) >= norms.agreement_min_comparisons and agreed < norms.agreement_adjacent_share),
    }
