"""Sparklines as block characters, so they show in every spreadsheet app and in the brief alike."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_sync.district.report import Shown

BARS = "▁▂▃▄▅▆▇█"
NO_SYNC, SUPPRESSED = "·", "*"


def sparkline(cells: Sequence[Shown]) -> str:
    """One character per cell, scaled between the series' own lowest and highest shown value
    (a flat series sits in the middle); '·' where there is no value, '*' where it is suppressed."""
    values = [c.value for c in cells if not c.suppressed and c.value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    out = []
    for cell in cells:
        if cell.suppressed:
            out.append(SUPPRESSED)
        elif cell.value is None:
            out.append(NO_SYNC)
        elif high == low:
            out.append(BARS[3])
        else:
            out.append(BARS[round((cell.value - low) / (high - low) * (len(BARS) - 1))])
    return "".join(out)
