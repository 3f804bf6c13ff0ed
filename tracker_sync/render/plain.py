"""Plain cell values from pandas figures: numbers stay numbers (the layout gives them formats)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from tracker_sync.tabs import Link, ToolCell

#: Figures are stored to this many decimals: the number formats show fewer, and every backend then
#: holds (and reads back) exactly the same number.
DECIMALS = 4

#: A row of DataFrame.itertuples(), its fields the frame's columns. pandas is read untyped (see the mypy
#: section of pyproject.toml), so this names what a renderer holds; it cannot check the fields.
PandasRow = Any


def plain(value: object) -> ToolCell:
    """A figure as a plain cell value: numpy scalars as Python numbers, Timestamps as dates, NaN/NaT as
    None, floats rounded to DECIMALS."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        day: dt.date = value.date()
        return day
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, DECIMALS)
    if isinstance(value, (str, int, dt.date, Link)):  # bool is an int, a datetime a date
        return value
    raise TypeError(f"{value!r} ({type(value).__name__}) is not a cell value")


def plain_rows(frame: pd.DataFrame, columns: list[str]) -> list[list[ToolCell]]:
    """The named columns of a frame, row by row, as plain values."""
    return [[plain(v) for v in row] for row in frame[columns].itertuples(index=False, name=None)]
