"""Learning cycles that need a look: past their end date still Active, or with no visit inside."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import (
    DaysByName,
    Frames,
    cycle_stop,
    days_between,
    school_days_between,
)
from tracker_sync.schemas import SchoolSettings


def cycle_checks(frames: Frames, settings: SchoolSettings, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per learning cycle that has started: visits inside it, length in weeks, and three checks.

    past_end_active: status Active and the end date is before `as_of`.
    no_observation: Active or Complete, at least `cycle_observation_grace_days` old, and no visit to
    the teacher dated from the start to the end (or `as_of`, if sooner). Visits are matched by date,
    not by the optional Learning Cycle column, so an untagged visit still counts.
    odd_length: planned length outside `cycle_min_weeks`-`cycle_max_weeks` school weeks. A school week is
    five school days, counted as a person counts them: both ends included, weekends and the school's
    holidays skipped, to the nearest whole week (a Monday-to-Friday cycle of three weeks is 15 school
    days, 3 weeks; 13 school days round to 3; 12 to 2).
    """
    norms = settings.norms
    cycles = frames.learning_cycles[["row", "teacher", "team", "team_lead", "cycle", "start_date", "end_date",
                                     "focus_indicator", "status"]].copy()
    stop = cycle_stop(cycles, as_of)
    visits = DaysByName([frames.observations["teacher"]], frames.observations["date"], [cycles["teacher"]])
    inside = visits.position(stop, "right") - visits.position(cycles["start_date"], "left")
    cycles["observations"] = np.maximum(inside, 0)
    cycles["school_days"] = school_days_between(cycles["start_date"] - pd.Timedelta(days=1), cycles["end_date"],
                                                settings.holidays)
    cycles["weeks"] = cycles["school_days"] / 5
    cycles["days_past_end"] = days_between(cycles["end_date"], as_of).clip(lower=0)
    cycles["past_end_active"] = (cycles["status"] == "Active") & (cycles["end_date"] < as_of)
    old_enough = days_between(cycles["start_date"], as_of) >= norms.cycle_observation_grace_days
    cycles["no_observation"] = cycles["status"].isin(("Active", "Complete")) & old_enough & (cycles["observations"] == 0)
    whole_weeks = np.floor(cycles["weeks"] + 0.5)
    cycles["odd_length"] = (whole_weeks < norms.cycle_min_weeks) | (whole_weeks > norms.cycle_max_weeks)
    return cycles.sort_values(["team", "teacher", "start_date"]).reset_index(drop=True)
