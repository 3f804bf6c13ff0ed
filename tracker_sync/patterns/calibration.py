"""Calibration per observer: do coaches score the same teachers alike, do they use the scale, and
does their offset from colleagues drift month by month?

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
OFFSET_COLUMNS = ["at", "observer", "date", "diff", "own"]
DRIFT_COLUMNS = ["observer", "month", "paired", "mean_diff", "counted"]
DRIFT_SUMMARY_COLUMNS = ["observer", "first_month", "first_offset", "latest_month", "latest_offset", "change", "drifting"]


def score_offsets(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """One row per score that has something to be compared with: the mean of the scores other
    observers gave the same teacher on the same indicator within `calibration_window_days`.
    Columns: the score's row position in ``frames.scores`` (``at``), observer, date, diff (the score
    minus that mean: positive, higher than colleagues) and own (the observer is the teacher's Team
    Lead). What calibration and drift both start from."""
    scores = frames.scores.reset_index(drop=True)
    if scores.empty:
        return pd.DataFrame(columns=OFFSET_COLUMNS)
    observer, _ = pd.factorize(scores["observer"])
    mine, theirs = _same_teacher_and_indicator(scores)
    day = day_numbers(scores["date"])
    near = np.abs(day[mine] - day[theirs]) <= settings.norms.calibration_window_days
    keep = near & (observer[mine] != observer[theirs])
    mine, theirs = mine[keep], theirs[keep]
    score = scores["score"].to_numpy()
    others = pd.Series(score[theirs]).groupby(mine).mean()  # per compared score, in row order
    compared = others.index.to_numpy()
    own = scores["team_lead"].to_numpy(object)[compared] == scores["observer"].to_numpy(object)[compared]
    return pd.DataFrame({"at": compared, "observer": scores["observer"].to_numpy(object)[compared],
                         "date": scores["date"].to_numpy()[compared], "diff": score[compared] - others.to_numpy(),
                         "own": own})


def calibration(frames: Frames, settings: SchoolSettings, offsets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per observer who gave scores.

    paired / mean_diff: each of the observer's scores is compared with the mean of the scores other
    observers gave the same teacher on the same indicator within `calibration_window_days`; mean_diff
    is the mean of those differences (positive: scores higher than colleagues). own_teachers_*: the same
    for teachers the observer leads as Team Lead (MET: expect +0.1 to +0.2). middle_share: share of the
    observer's scores inside the rubric's middle band. A flag needs at least `calibration_min_scores`
    (paired scores for the offset, scores for the middle band). `offsets`: score_offsets' frame, when
    the caller has it already.
    """
    norms, rubric = settings.norms, settings.rubric
    scores = frames.scores.reset_index(drop=True)
    if scores.empty:
        return pd.DataFrame(columns=COLUMNS)
    offsets = score_offsets(frames, settings) if offsets is None else offsets
    low, high = rubric.middle_band
    observer, observers = pd.factorize(scores["observer"], sort=True)
    compared = observer[offsets["at"].to_numpy(dtype="int64")]
    diff, own = offsets["diff"].reset_index(drop=True), offsets["own"].to_numpy(dtype=bool)
    out = pd.DataFrame({"observer": observers})
    out["scores"] = np.bincount(observer, minlength=len(observers))
    out["paired"] = np.bincount(compared, minlength=len(observers))
    out["mean_diff"] = diff.groupby(compared).mean().reindex(out.index)
    out["own_teachers_paired"] = np.bincount(compared[own], minlength=len(observers))
    out["own_teachers_diff"] = diff[own].groupby(compared[own]).mean().reindex(out.index)
    middle = scores["score"].between(low, high).to_numpy()
    out["middle_share"] = np.bincount(observer, weights=middle, minlength=len(observers)) / out["scores"]
    out["offset_flag"] = (out["paired"] >= norms.calibration_min_scores) & (out["mean_diff"].abs() >= norms.calibration_threshold)
    out["middle_flag"] = ((out["scores"] >= norms.calibration_min_scores)
                          & (out["middle_share"] >= norms.calibration_middle_band_share))
    return out[COLUMNS]


def observer_drift(offsets: pd.DataFrame, settings: SchoolSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each observer's offset from colleagues month by month (score_offsets grouped by the month of
    the score), and per observer the change from their first to their latest counted month.

    A month counts with at least `drift_min_scores` compared scores. drifting: the change is at
    least `drift_threshold` either way. Offsets are relative, so when one observer drifts, those
    they were compared with most move the other way a little: the largest change comes first.

    Returns (monthly: observer, month "YYYY-MM", paired, mean_diff, counted; by observer with two
    counted months or more: observer, first_month, first_offset, latest_month, latest_offset,
    change, drifting)."""
    norms = settings.norms
    if offsets.empty:
        return pd.DataFrame(columns=DRIFT_COLUMNS), pd.DataFrame(columns=DRIFT_SUMMARY_COLUMNS)
    observer, observers = pd.factorize(offsets["observer"], sort=True)
    month = offsets["date"].to_numpy().astype("datetime64[M]").astype("int64")
    key, at = np.unique(observer * (month.max() + 1) + month, return_inverse=True)  # by observer, then month
    monthly = pd.DataFrame({"observer": observers[key // (month.max() + 1)],
                            "month": np.datetime_as_string((key % (month.max() + 1)).astype("datetime64[M]"), unit="M"),
                            "paired": np.bincount(at), "mean_diff": np.bincount(at, weights=offsets["diff"]) / np.bincount(at)})
    monthly["counted"] = monthly["paired"] >= norms.drift_min_scores
    counted = monthly[monthly["counted"]]  # by observer, then month
    who = counted["observer"].to_numpy(object)
    _, first, months = np.unique(who, return_index=True, return_counts=True)
    last, keep = first + months - 1, months >= 2
    first, last = first[keep], last[keep]
    month, offset = counted["month"].to_numpy(object), counted["mean_diff"].to_numpy(float)
    ends = pd.DataFrame({"observer": who[first], "first_month": month[first], "first_offset": offset[first],
                         "latest_month": month[last], "latest_offset": offset[last], "change": offset[last] - offset[first]})
    ends["drifting"] = ends["change"].abs() >= norms.drift_threshold
    ends = ends.assign(_size=-ends["change"].abs()).sort_values(["_size", "observer"])
    return monthly[DRIFT_COLUMNS], ends.reset_index(drop=True)[DRIFT_SUMMARY_COLUMNS]


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
