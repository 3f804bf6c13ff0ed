"""A district trend's sparkline: the patterns' own sparkline of the values the report shows, with a
mark where a week has no value to show."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_sync.district.report import Shown
from tracker_sync.patterns.trends import sparkline as value_sparkline

NO_SYNC, SUPPRESSED = "·", "*"


def sparkline(cells: Sequence[Shown]) -> str:
    """One character per cell, scaled between the series' own lowest and highest shown value (see
    tracker_sync.patterns.trends.sparkline); '·' where there is no value, '*' where it is suppressed."""
    drawn = value_sparkline([None if c.suppressed else c.value for c in cells])
    return "".join(SUPPRESSED if c.suppressed else NO_SYNC if c.value is None else ch for c, ch in zip(cells, drawn, strict=True))
