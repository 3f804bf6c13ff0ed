"""The Sync Log tab: one line per sync, newest first, counts only (never a cell's content)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tracker_sync.render.layout import Column, Table, layout_tab
from tracker_sync.tabs import CellValue, Grid, ToolTab

SYNC_LOG_HEADER = ["Synced at", "As of", "Rows read", "Errors", "Warnings", "Duration (s)", "Outcome"]
_COLUMNS = [Column("Synced at"), Column("As of", "date"), Column("Rows read", "long", wrap_at=60), Column("Errors", "int"),
            Column("Warnings", "int"), Column("Duration (s)", "mean2"), Column("Outcome")]


@dataclass(frozen=True)
class SyncLogLine:
    synced_at: dt.datetime  # aware
    as_of: dt.date
    rows_read: dict[str, int]
    errors: int
    warnings: int
    duration_s: float
    outcome: str
    accounting: dict[str, str] | None = None  # per tab "9 read = 8 accepted + 0 excluded + 1 blank"
    timezone: str = "UTC"  # the school's: the time is shown as its people read clocks

    def when(self) -> str:
        """When the sync ran, as the school's people read clocks: '2026-12-18 07:45:00 MST'."""
        local = self.synced_at.astimezone(ZoneInfo(self.timezone))
        return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}"

    def cells(self) -> list[CellValue]:
        if self.accounting:
            rows = "\n".join(f"{tab} {text}" for tab, text in self.accounting.items())
        else:
            rows = ", ".join(f"{tab} {n}" for tab, n in self.rows_read.items())
        return [self.when(), self.as_of, rows, self.errors, self.warnings, round(self.duration_s, 2), self.outcome]


def render_sync_log(line: SyncLogLine, previous: Grid | None, max_lines: int) -> ToolTab:
    """Newest line first, then the earlier lines as they were, cut to max_lines."""
    earlier = [r for r in (previous or [])[1:] if any(c not in (None, "") for c in r)]
    rows = [line.cells(), *earlier][:max_lines]
    return layout_tab("Sync Log", [Table(_COLUMNS, rows)], frozen_rows=1, volatile=True)
