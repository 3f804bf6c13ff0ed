"""Tracker backends: one small Workbook interface (base.py), one module per storage."""

from __future__ import annotations

from pathlib import Path

from tracker_sync.backends.base import Workbook
from tracker_sync.errors import ConfigError
from tracker_sync.tabs import (
    Area,
    CellValue,
    ColorScale,
    Grid,
    Link,
    ScaleRule,
    Snapshot,
    Style,
    ToolTab,
)

__all__ = ["Area", "CellValue", "ColorScale", "Grid", "Link", "ScaleRule", "Snapshot", "Style", "ToolTab", "Workbook",
           "open_workbook"]


def open_workbook(location: str, *, act_as: str | None = None) -> Workbook:
    """A tracker from what a person types: a path to an .xlsx file, or a Google Sheets URL or id (read and
    written as ``act_as``, a district user, when given: domain-wide delegation)."""
    if location.lower().endswith((".xlsx", ".xlsm")):
        if act_as:
            raise ConfigError(f"--as acts as a Google user: '{location}' is an .xlsx file. Leave out --as.")
        from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

        return XlsxWorkbook(Path(location))
    from tracker_sync.backends.google.workbook import looks_like_google, open_google

    if looks_like_google(location):
        return open_google(location, subject=act_as)
    raise ConfigError(f"'{location}' is not a tracker: give a path to an .xlsx file, or a Google Sheets URL or spreadsheet id.")
