"""An in-memory tracker: the first-class fake for tests and demos (like httpx's MockTransport).

It keeps the real backends' promises so code tested against it behaves the same on a file or on
Google: a read returns trimmed copies and changes nothing, a write is all-or-nothing, provisioning
adds only what is missing. Tests build a tracker from plain lists and inspect the result::

    workbook = MemoryWorkbook({"Roster": [["Teacher", "Team"], ["Ana Lopez", "Team A"]]})
    workbook.fail_next_write()          # the next write raises BackendError and changes nothing
    workbook.reads, workbook.writes     # operations so far (failed ones count, as API calls do)
    workbook.tool_tabs["Flags"]         # the last ToolTab written, with its blocks and links
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tracker_sync.backends.base import Workbook
from tracker_sync.errors import BackendError
from tracker_sync.schemas import Template
from tracker_sync.tabs import CellValue, Grid, Link, Snapshot, ToolTab, trim_grid


class MemoryWorkbook(Workbook):
    """A tracker held in dicts: grids per tab (in tab order), metadata, and stable tab ids."""

    kind = "memory"

    def __init__(
        self,
        grids: Mapping[str, Sequence[Sequence[CellValue]]] | None = None,
        metadata: Mapping[str, str] | None = None,
        *,
        name: str = "tracker",
    ) -> None:
        self.name = name
        self.grids: dict[str, Grid] = {tab: [list(row) for row in rows] for tab, rows in (grids or {}).items()}
        self.metadata: dict[str, str] = dict(metadata or {})
        self.tab_ids: dict[str, int] = {tab: index for index, tab in enumerate(self.grids)}
        self.tool_tabs: dict[str, ToolTab] = {}
        self.protected: set[str] = set()
        self.reads = 0
        self.writes = 0
        self._next_failure: BackendError | None = None

    @property
    def location(self) -> str:
        return f"memory:{self.name}"

    def fail_next_write(self, error: BackendError | None = None) -> None:
        """Make the next write raise ``error`` (a BackendError by default) before changing anything."""
        self._next_failure = error or BackendError(f"{self.location}: simulated write failure")

    def read(self, tabs: Sequence[str]) -> Snapshot:
        self.reads += 1
        return Snapshot(
            grids={tab: trim_grid(self.grids[tab]) for tab in tabs if tab in self.grids},
            metadata=dict(self.metadata),
            tab_ids=dict(self.tab_ids),
        )

    def write(self, tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str] = {}) -> list[str]:
        self.writes += 1
        if self._next_failure is not None:
            failure, self._next_failure = self._next_failure, None
            raise failure
        for tab in tool_tabs:
            self._add_tab(tab.name)
            self.grids[tab.name] = [[cell.text if isinstance(cell, Link) else cell for cell in row] for row in tab.rows]
            self.tool_tabs[tab.name] = tab
            self.protected.add(tab.name)
        self.metadata.update(metadata)
        return [tab.name for tab in tool_tabs]

    def provision(self, template: Template, metadata: Mapping[str, str]) -> None:
        instructions = template.instructions
        if instructions.tab not in self.grids:
            self._add_tab(instructions.tab, [[line] for line in instructions.text.strip().splitlines()])
            self.protected.add(instructions.tab)
        for spec in template.tabs:
            self._add_tab(spec.name)
            grid = self.grids[spec.name]
            if not grid:
                grid.append([])
            header = grid[0]
            header.extend([None] * (len(spec.columns) - len(header)))
            for index, column in enumerate(spec.columns):
                if header[index] in (None, ""):
                    header[index] = column.header
        for tool in template.tool_tabs:
            self._add_tab(tool.name)
            self.protected.add(tool.name)
        self.metadata.update(metadata)

    def seed_rows(self, rows_by_tab: Mapping[str, Sequence[Sequence[CellValue]]]) -> None:
        """Append rows below each coach tab's last non-empty row, as a coach typing them would."""
        for tab, rows in rows_by_tab.items():
            self._add_tab(tab)
            grid = self.grids[tab]
            del grid[len(trim_grid(grid)):]
            grid.extend(list(row) for row in rows)

    def _add_tab(self, tab: str, grid: Grid | None = None) -> None:
        """Create ``tab`` at the end (with a fresh id) unless it exists; never replaces a grid."""
        if tab not in self.grids:
            self.grids[tab] = grid if grid is not None else []
            self.tab_ids[tab] = max(self.tab_ids.values(), default=-1) + 1
