"""Action-step load: one or two bite-sized steps at a time, from one coach (Get Better Faster).

Works on `action_step_status`'s frame, so "open" means what it means everywhere else.
"""

from __future__ import annotations

import pandas as pd

from tracker_sync.patterns.frames import days_between
from tracker_sync.schemas import SchoolSettings

LOAD_COLUMNS = ["teacher", "team", "open_steps", "setters", "set_by", "too_many", "several_setters"]
UNDATED_COLUMNS = ["row", "teacher", "team", "set_by", "indicator", "date_set", "days_open"]


def step_load(steps: pd.DataFrame, cov: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    """Per active observed teacher (the coverage list) with an open step: open steps, how many
    people set them (a blank Set By is not a person), who, and the two checks: more than
    `max_open_steps` open, or open steps from more than one person. Team, then teacher."""
    mine = steps[steps["open"] & steps["teacher"].isin(set(cov["teacher"]))]
    if mine.empty:
        return pd.DataFrame(columns=LOAD_COLUMNS)
    names: dict[str, list[str]] = {}
    known = mine.dropna(subset=["set_by"])
    for teacher, setter in sorted(set(zip(known["teacher"], known["set_by"]))):  # a few hundred pairs
        names.setdefault(teacher, []).append(setter)
    out = pd.DataFrame({"open_steps": mine.groupby("teacher").size()})
    out["setters"] = out.index.map(lambda t: len(names.get(t, ())))
    out["set_by"] = out.index.map(lambda t: ", ".join(names.get(t, ())))
    out = cov.set_index("teacher")[["team"]].join(out, how="inner")
    out["too_many"] = out["open_steps"] > settings.norms.max_open_steps
    out["several_setters"] = out["setters"] > 1
    return out.reset_index(names="teacher").sort_values(["team", "teacher"]).reset_index(drop=True)[LOAD_COLUMNS]


def undated_steps(steps: pd.DataFrame, as_of: pd.Timestamp, settings: SchoolSettings) -> pd.DataFrame:
    """Open steps with no due date, set more than `undated_step_days` calendar days ago; oldest first."""
    days_open = days_between(steps["date_set"], as_of)
    old = steps[steps["open"] & steps["due_date"].isna() & (days_open > settings.norms.undated_step_days)]
    out = old.assign(days_open=days_open[old.index].astype(int))
    return out.sort_values(["date_set", "row"]).reset_index(drop=True)[UNDATED_COLUMNS]
