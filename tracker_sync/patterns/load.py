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
    chosen = steps["open"].to_numpy(bool) & steps["teacher"].isin(cov["teacher"]).to_numpy()
    mine = steps.loc[chosen, ["teacher", "set_by"]]
    if mine.empty:
        return pd.DataFrame(columns=LOAD_COLUMNS)
    opened = mine["teacher"].value_counts()
    names: dict[str, list[str]] = {}
    for teacher, setter in sorted({(t, s) for t, s in zip(mine["teacher"], mine["set_by"], strict=True) if isinstance(s, str)}):
        names.setdefault(teacher, []).append(setter)
    team = dict(zip(cov["teacher"], cov["team"], strict=True))
    teachers = sorted(opened.index, key=lambda t: (str(team[t]), t))
    out = pd.DataFrame({"teacher": teachers, "team": [team[t] for t in teachers],
                        "open_steps": [int(opened[t]) for t in teachers],
                        "setters": [len(names.get(t, ())) for t in teachers],
                        "set_by": [", ".join(names.get(t, ())) for t in teachers]})
    out["too_many"] = out["open_steps"] > settings.norms.max_open_steps
    out["several_setters"] = out["setters"] > 1
    return out[LOAD_COLUMNS]


def undated_steps(steps: pd.DataFrame, as_of: pd.Timestamp, settings: SchoolSettings) -> pd.DataFrame:
    """Open steps with no due date, set more than `undated_step_days` calendar days ago; oldest first."""
    days_open = days_between(steps["date_set"], as_of)
    old = steps[steps["open"] & steps["due_date"].isna() & (days_open > settings.norms.undated_step_days)]
    out = old.assign(days_open=days_open[old.index].astype(int))
    return out.sort_values(["date_set", "row"]).reset_index(drop=True)[UNDATED_COLUMNS]
