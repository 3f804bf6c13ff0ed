"""Calibration per observer: do coaches score the same teachers alike, and do they use the scale?

MET study figures (tracker-spec.md): raters rarely use the extremes, and rate their own teachers
0.1-0.2 points higher than other raters do. A gap of `calibration_threshold` (0.75) is far past that.
"""

from __future__ import annotations

import pandas as pd

from tracker_sync.patterns.frames import Frames, summarise
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
    mine = scores[["teacher", "indicator", "date", "observer", "score", "team_lead"]].rename_axis("score_id").reset_index()
    theirs = scores[["teacher", "indicator", "date", "observer", "score"]]
    pairs = mine.merge(theirs, on=["teacher", "indicator"], suffixes=("", "_other"))
    near = (pairs["date"] - pairs["date_other"]).abs().dt.days <= norms.calibration_window_days
    pairs = pairs[near & (pairs["observer"] != pairs["observer_other"])]
    others = pairs.groupby("score_id")["score_other"].mean()
    compared = mine.loc[others.index, ["observer", "team_lead", "score"]]
    compared["diff"] = compared["score"] - others
    compared["own"] = compared["team_lead"] == compared["observer"]
    per_observer = summarise(compared, "observer", paired=("diff", "size"), mean_diff=("diff", "mean"))
    own = summarise(compared[compared["own"]], "observer", own_teachers_paired=("diff", "size"), own_teachers_diff=("diff", "mean"))
    middle = scores["score"].between(low, high)
    totals = summarise(scores.assign(middle=middle), "observer", scores=("score", "size"), middle_share=("middle", "mean"))
    out = totals.join(per_observer).join(own)
    out[["paired", "own_teachers_paired"]] = out[["paired", "own_teachers_paired"]].fillna(0).astype(int)
    out["offset_flag"] = (out["paired"] >= norms.calibration_min_scores) & (out["mean_diff"].abs() >= norms.calibration_threshold)
    out["middle_flag"] = (out["scores"] >= norms.calibration_min_scores) & (out["middle_share"] >= norms.calibration_middle_band_share)
    return out.reset_index()[COLUMNS].sort_values("observer").reset_index(drop=True)
