"""Calibration per observer: do coaches score the same teachers alike, and do they use the scale?

MET study figures (tracker-spec.md): raters rarely use the extremes, and rate their own teachers
0.1-0.2 points higher than other raters do. A gap of `calibration_threshold` (0.75) is far past that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import Frames, day_numbers
from tracker_sync.schemas import SchoolSettings

COLUMNS = ["observer", "scores", "paired", "mean_diff", "own_teachers_paired", "own_teachers_diff",
           "middle_share", "offset_flag", "middle_flag"]


def calibration(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """One row per observer who gave scores.

    paired / mean_diff: each of the observer's scores is compared with the mean of the scores other
    observers gave the same teacher on the same indicator within `calibration_window_days`; mean_diff
    is the mean of those differences (positive: scores higher than colleagues). own_teachers_*: the same
    for teachers the observer leads as Team Lead (MET: expect +0.1 to +0.2). middle_share: share of the
    observer's scores inside the rubric's middle band. A flag needs at least `calibration_min_scores`
    (paired scores for the offset, scores for the middle band).
    """
    norms, rubric = settings.norms, settings.rubric
    scores = frames.scores.reset_index(drop=True)
    if scores.empty:
        return pd.DataFrame(columns=COLUMNS)
    low, high = rubric.middle_band
    observer, observers = pd.factorize(scores["observer"], sort=True)
    mine, theirs = _same_teacher_and_indicator(scores)
    day = day_numbers(scores["date"])
    near = np.abs(day[mine] - day[theirs]) <= norms.calibration_window_days
    keep = near & (observer[mine] != observer[theirs])
    mine, theirs = mine[keep], theirs[keep]
    score = scores["score"].to_numpy()
    others = pd.Series(score[theirs]).groupby(mine).mean()  # per compared score, in row order
    compared = others.index.to_numpy()
    diff = pd.Series(score[compared] - others.to_numpy())
    own = (scores["team_lead"].to_numpy(object)[compared] == scores["observer"].to_numpy(object)[compared])
    out = pd.DataFrame({"observer": observers})
    out["scores"] = np.bincount(observer, minlength=len(observers))
    out["paired"] = np.bincount(observer[compared], minlength=len(observers))
    out["mean_diff"] = diff.groupby(observer[compared]).mean().reindex(out.index)
    out["own_teachers_paired"] = np.bincount(observer[compared][own], minlength=len(observers))
    out["own_teachers_diff"] = diff[own].groupby(observer[compared][own]).mean().reindex(out.index)
    middle = scores["score"].between(low, high).to_numpy()
    out["middle_share"] = np.bincount(observer, weights=middle, minlength=len(observers)) / out["scores"]
    out["offset_flag"] = (out["paired"] >= norms.calibration_min_scores) & (out["mean_diff"].abs() >= norms.calibration_threshold)
    out["middle_flag"] = (out["scores"] >= norms.calibration_min_scores) & (out["middle_share"] >= norms.calibration_middle_band_share)
    return out[COLUMNS]


def _same_teacher_and_indicator(scores: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (i, j) of score rows on the same teacher and indicator, itself included;
    for each i the j come in row order (as a self-merge on the two columns gives them)."""
    teacher, _ = pd.factorize(scores["teacher"])
    indicator, indicators = pd.factorize(scores["indicator"])
    key = teacher * len(indicators) + indicator
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sizes = np.diff(np.append(starts, len(key)))
    group_start, group_size = np.repeat(starts, sizes), np.repeat(sizes, sizes)  # per sorted position
    first_pair = np.cumsum(group_size) - group_size
    nth = np.arange(group_size.sum()) - np.repeat(first_pair, group_size)
    mine = np.repeat(order, group_size)
    theirs = order[np.repeat(group_start, group_size) + nth]
    return mine, theirs
