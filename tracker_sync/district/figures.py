"""One school's aggregate figures for the district view: a pure function of its check.

:func:`school_figures` turns a :class:`~tracker_sync.check.Check` into plain JSON data that the
district runner stores in the run history (``Run.extra["district"]``) after every sync. It holds
counts, shares, medians and means with the number of teachers or scores each comes from, and never
a name, an email, a note or a single score: a score figure computed from fewer than ``min_cell``
scores is stored without its value (only its n), and a band count of 1 to ``min_cell`` - 1 is not
stored at all, so the history never holds what the report would have to hide.

The District tab's per-school columns are the entries of :data:`FIGURES`; a new figure is one more
entry there and shows up in the history, the District tab, the brief and ``--json`` with no other
change (1:1 cadence and Active goals came that way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from tracker_sync.check import Check
    from tracker_sync.schemas import Rubric

#: Bump when the stored shape changes; the report ignores figures of another version.
FIGURES_VERSION = 1

Basis = Literal["teachers", "observers", "scores"]


@dataclass(frozen=True)
class Figure:
    """One per-school column of the District tab.

    ``compute(check)`` returns (value, n): n is the basis the value is computed from (teachers,
    observers or scores), which decides its suppression. ``pool`` says how the district row combines
    the schools' shown values: "sum" (counts), "weighted" (shares and means, weighted by n) or
    "median" (the median of the schools' values).
    """

    key: str
    label: str
    kind: Literal["count", "share", "days"]
    basis: Basis
    pool: Literal["sum", "weighted", "median"]
    definition: str
    compute: Callable[[Check], tuple[float | None, int]]


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _teachers(check: Check) -> tuple[float, int]:
    n = len(check.patterns.coverage)
    return n, n


def _observed_14d(check: Check) -> tuple[float | None, int]:
    cov = check.patterns.coverage
    return (_float((cov["observations_14d"] > 0).mean()) if len(cov) else None), len(cov)


def _feedback_median(check: Check) -> tuple[float | None, int]:
    fb = check.patterns.feedback
    given = fb[fb["school_days"].notna()]
    return _float(check.patterns.feedback_overall["median_school_days"]), int(given["teacher"].nunique())


def _feedback_within(check: Check) -> tuple[float | None, int]:
    fb = check.patterns.feedback
    known = fb[fb["school_days"].notna() | fb["overdue_pending"]]
    return _float(check.patterns.feedback_overall["share_within"]), int(known["teacher"].nunique())


def _scored_done(check: Check) -> tuple[float, int]:
    cov = check.patterns.coverage
    return int(cov["scored"].sum()), len(cov)


def _scored_due(check: Check) -> tuple[float, int]:
    cov = check.patterns.coverage
    return int(cov["scored_due"].sum()), len(cov)


def _on_pace(check: Check) -> tuple[float | None, int]:
    """Share of teachers with the scored observations due by now; none (no data) while nothing is due
    yet, as early in the year: a check nobody can fail is no figure."""
    cov = check.patterns.coverage
    due = len(cov) and bool((cov["scored_due"] > 0).any() or (cov["full_due"] > 0).any())
    return (_float((~cov["behind_scored"]).mean()), len(cov)) if due else (None, 0)


def _overdue_steps(check: Check) -> tuple[float, int]:
    return int(check.patterns.action_steps["overdue"].sum()), len(check.patterns.coverage)


def _active_cycles(check: Check) -> tuple[float, int]:
    return int((check.patterns.cycles["status"] == "Active").sum()), len(check.patterns.coverage)


def _one_on_one_recent(check: Check) -> tuple[float | None, int]:
    """Share of coached teachers whose last 1:1 is within the norm; none when the tracker has no 1:1 tab."""
    cadence = check.patterns.one_on_ones
    return (_float((~cadence["overdue"]).mean()) if len(cadence) else None), len(cadence)


def _active_goal(check: Check) -> tuple[float | None, int]:
    """Share of teachers with an Active goal of their own; none when the tracker has no Goals tab."""
    if "goals" in check.patterns.untracked:
        return None, 0
    teachers = len(check.patterns.coverage)
    return (_float(1 - len(check.patterns.no_active_goal) / teachers) if teachers else None), teachers


def _scores(check: Check) -> np.ndarray:
    """Every valid score up to the check's as-of date (the same scores the patterns use)."""
    columns = check.result.records.columns("scores")
    if not columns:
        return np.array([], dtype=float)
    dates = np.array([d <= check.as_of for d in columns["date"]], dtype=bool)
    return np.asarray(columns["score"], dtype=float)[dates]


def _middle_share(check: Check) -> tuple[float | None, int]:
    scores = _scores(check)
    low, high = check.settings.rubric.middle_band
    return (_float(((scores >= low) & (scores <= high)).mean()) if len(scores) else None), len(scores)


def _judged(check: Check) -> pd.DataFrame:
    calib = check.patterns.calibration
    return calib[calib["scores"] >= check.settings.norms.calibration_min_scores]


def _observers_flagged(check: Check) -> tuple[float | None, int]:
    judged = _judged(check)
    flagged = judged["offset_flag"] | judged["middle_flag"]
    return (_float(flagged.mean()) if len(judged) else None), len(judged)


FIGURES: tuple[Figure, ...] = (
    Figure("teachers", "Teachers", "count", "teachers", "sum",
           "Active staff whose classrooms are observed (the coverage list).", _teachers),
    Figure("observed_14d", "Observed in 14 days", "share", "teachers", "weighted",
           "Share of those teachers with a visit in the last 14 days (today included).", _observed_14d),
    Figure("feedback_median_days", "Median days to feedback", "days", "teachers", "median",
           "Median school days from visit to feedback meeting (n: teachers with feedback given).", _feedback_median),
    Figure("feedback_within_norm", "Feedback within norm", "share", "teachers", "weighted",
           "Feedback within the school's norm, over feedback given plus visits waiting past it "
           "(n: teachers with such visits).", _feedback_within),
    Figure("scored_done", "Scored obs. done", "count", "teachers", "sum",
           "Scored observations this school year (one scores-tab row is one).", _scored_done),
    Figure("scored_due", "Scored obs. due by now", "count", "teachers", "sum",
           "Pro rata: the yearly minimum times the share of the school year gone, rounded to the nearest whole "
           "observation, summed over teachers (2 a year: the first is due a quarter into the year).", _scored_due),
    Figure("on_pace", "Teachers on pace", "share", "teachers", "weighted",
           "Share of teachers with at least the scored (and Full) observations due by now "
           "(blank while none is due yet).", _on_pace),
    Figure("overdue_steps", "Overdue action steps", "count", "teachers", "sum",
           "Open action steps past their due date.", _overdue_steps),
    Figure("active_cycles", "Active learning cycles", "count", "teachers", "sum",
           "Learning cycles with status Active.", _active_cycles),
    Figure("one_on_one_recent", "1:1 within norm", "share", "teachers", "weighted",
           "Share of coached teachers whose last 1:1 with their lead is within the school's norm "
           "(blank: the tracker has no 1:1 tab).", _one_on_one_recent),
    Figure("active_goal", "Teachers with an Active goal", "share", "teachers", "weighted",
           "Share of teachers with an Active goal of their own (blank: the tracker has no Goals tab).", _active_goal),
    Figure("middle_share", "Scores in middle band", "share", "scores", "weighted",
           "Share of scores inside the rubric's middle band (where MET-study raters cluster).", _middle_share),
    Figure("observers_flagged", "Observers flagged", "share", "observers", "weighted",
           "Share of observers with enough scores to judge whose calibration is flagged "
           "(offset from colleagues, or never leaving the middle band).", _observers_flagged),
)


def _cell(value: float | None, n: int, basis: Basis, min_cell: int) -> dict:
    """A stored figure; a score figure from fewer than ``min_cell`` scores keeps only its n."""
    if basis == "scores" and n < min_cell:
        value = None
    return {"value": None if value is None else round(float(value), 6), "n": int(n)}


def band_counts(scores: np.ndarray, rubric: Rubric) -> list[int]:
    """Scores per band of the rubric, lowest band first (a score belongs to the last band starting at or below it)."""
    starts = np.array([band.min for band in rubric.bands])
    index = np.searchsorted(starts, scores, side="right") - 1
    return np.bincount(index, minlength=len(starts)).astype(int).tolist()


def school_figures(check: Check, *, min_cell: int = 5) -> dict:
    """The school's aggregate figures as JSON data (see the module docstring); no names, no single scores."""
    rubric = check.settings.rubric
    school = check.patterns.school_indicators.set_index("indicator")
    indicators = {code: _cell(school.at[code, "mean"], school.at[code, "n"], "scores", min_cell)
                  for code in rubric.codes if code in school.index}
    scores = _scores(check)
    counts = band_counts(scores, rubric)
    calib, judged = check.patterns.calibration, _judged(check)
    return {
        "version": FIGURES_VERSION,
        "as_of": check.as_of.isoformat(),
        "school_year": [check.settings.school_year_start.isoformat(), check.settings.school_year_end.isoformat()],
        "rubric": rubric.id,
        "min_cell": min_cell,
        "figures": {f.key: _cell(*f.compute(check), f.basis, min_cell) for f in FIGURES},
        "bands": {"names": [b.name for b in rubric.bands],
                  "counts": [c if c == 0 or c >= min_cell else None for c in counts], "n": int(len(scores))},
        "indicators": indicators,
        "all_indicators": _cell(scores.mean() if len(scores) else None, len(scores), "scores", min_cell),
        "calibration": {"observers": int(len(calib)), "judged": int(len(judged)),
                        "offset_flagged": int(judged["offset_flag"].sum()),
                        "middle_flagged": int(judged["middle_flag"].sum())},
    }
