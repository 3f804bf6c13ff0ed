"""The ILT brief's "last year beside this year" section, already formatted (the template does no arithmetic).

Five school figures (coverage, pace, feedback timeliness, the mean score) and the mean per indicator,
this year and last year at the same week of the school year (tracker_sync.rollover.compare). A figure
from fewer than the heat map's minimum of scores shows as "*", like a blank heat-map cell.
"""

from __future__ import annotations

from typing import Any

from tracker_sync.render.heatmap import heat_color
from tracker_sync.rollover.compare import LastYearBeside, YearSide
from tracker_sync.schemas import SchoolSettings

#: (figure key, label, kind, higher is better)
_FIGURES = (
    ("observed_14d", "Teachers observed in the last 14 days", "share", True),
    ("on_pace", "Teachers on pace for scored observations", "share", True),
    ("feedback_median_days", "Median school days to feedback", "days", False),
    ("feedback_within_norm", "Feedback within the norm", "share", True),
)


Cell = dict[str, Any]  # a stored figure: {"value": float | None, "n": int}


def _cell(side: YearSide | None, key: str | None, code: str | None = None) -> Cell | None:
    if side is None:
        return None
    figures = side.figures
    found: Cell | None
    if code is not None:
        found = figures["indicators"].get(code)
    else:
        found = figures["all_indicators"] if key == "all_indicators" else figures["figures"].get(key)
    return found


def _text(cell: Cell | None, kind: str) -> str:
    if cell is None or (cell.get("value") is None and not cell.get("n")):
        return "–"
    if cell.get("value") is None:
        return "*"
    value = cell["value"]
    return f"{value:.0%}" if kind == "share" else f"{value:.1f}"


def _change(last: Cell | None, this: Cell | None, kind: str, higher_is_better: bool) -> tuple[str, bool]:
    """'+12 pts' / '−0.5' / 'same', and whether it is a change for the worse."""
    if not last or not this or last.get("value") is None or this.get("value") is None:
        return "", False
    if kind == "share":  # the difference of the numbers as shown, so "83% then 83%" is never "−1 pts"
        delta: float = round(this["value"] * 100) - round(last["value"] * 100)
    else:
        delta = round(round(this["value"], 1) - round(last["value"], 1), 1)
    if not delta:
        return "same", False
    text = f"{delta:+.0f} pts" if kind == "share" else f"{delta:+.1f}"
    return text.replace("-", "−"), (delta < 0) == higher_is_better


def last_year_context(beside: LastYearBeside | None, settings: SchoolSettings) -> dict[str, Any] | None:
    """The section's rows, or None when the tracker has no last year (the section is left out)."""
    if beside is None:
        return None
    this, last = beside.this, beside.last
    rows = []
    for key, label, kind, better in (*_FIGURES, ("all_indicators", f"Mean {settings.rubric.short_name} score", "mean", True)):
        then, now = _cell(last, key), _cell(this, key)
        change, worse = _change(then, now, kind, better)
        rows.append({"label": label, "last": _text(then, kind), "this": _text(now, kind), "change": change, "worse": worse})
    heat = []
    for side in (last, this):
        cells = []
        for code in settings.rubric.codes:
            cell = _cell(side, None, code)
            text = _text(cell, "mean")
            known = cell is not None and cell.get("value") is not None
            background, color = heat_color(cell["value"], settings) if known else ("#ffffff", "#1a1a1a")  # type: ignore[index]
            cells.append({"text": text, "background": background, "color": color})
        heat.append({"year": side.label if side else "–", "day": side.as_of.strftime("%b %-d") if side else "", "cells": cells})
    return {"this": this.label, "this_day": this.as_of.strftime("%b %-d, %Y"),
            "last": last.label if last else "last year", "last_day": last.as_of.strftime("%b %-d, %Y") if last else "",
            "rows": rows, "codes": list(settings.rubric.codes), "heat": heat, "source": beside.source,
            "missing": last is None}
