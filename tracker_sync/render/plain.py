"""Plain cell values from pandas figures: numbers stay numbers (the layout gives them formats)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Figures are stored to this many decimals: the number formats show fewer, and every backend then
#: holds (and reads back) exactly the same number.
DECIMALS = 4


def plain(value):
    """A figure as a plain cell value: numpy scalars as Python numbers, Timestamps as dates, NaN/NaT as
    None, floats rounded to DECIMALS."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, DECIMALS)
    return value


def plain_rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    """The named columns of a frame, row by row, as plain values."""
    return [[plain(v) for v in row] for row in frame[columns].itertuples(index=False, name=None)]
