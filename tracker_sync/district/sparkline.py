"""A district trend's sparkline: the patterns' own sparkline of the values the report shows, with a
mark where a week has no value to show."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_sync.district.report import Shown
from tracker_sync.patterns.trends import sparkline as value_sparkline

NO_SYNC, NO_VALUE, SUPPRESSED = "·", "–", "*"


def sparkline(cells: Sequence[Shown], synced: Sequence[bool]) -> str:
    """One character per week, scaled between the series' own lowest and highest shown value (see
    tracker_sync.patterns.trends.sparkline); '·' for a week with no sync, '–' for a week whose sync had
    no value for the figure (nothing due yet, no 1:1 tab), '*' where it is suppressed."""
    drawn = value_sparkline([None if c.suppressed else c.value for c in cells])
    return "".join(NO_SYNC if not week else SUPPRESSED if c.suppressed else NO_VALUE if c.value is None else ch
                   for c, week, ch in zip(cells, synced, drawn, strict=True))
