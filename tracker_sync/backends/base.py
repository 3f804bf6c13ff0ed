"""The one small interface every tracker backend implements (Google Sheets, local .xlsx, memory).

Contract, in the spirit of httpx's transports:

* ``read(tabs)`` reads the named tabs and the tracker's metadata in ONE operation (one API call on
  Google, one file open on xlsx) and returns a :class:`Snapshot`. Tabs that do not exist are simply
  absent from ``Snapshot.grids``; a read never creates or changes anything.
* ``write(tool_tabs, metadata)`` replaces the given tool-owned tabs and merges ``metadata`` in ONE
  atomic operation: afterwards either every tab is the new one or (on any error) every tab is the old
  one. Coach tabs are never touched by a write. It returns False if it skipped an unchanged write.
* ``provision(template)`` creates the tracker from a template (coach tabs with headers, dropdowns,
  frozen header row, widths; protected tool tabs; Instructions) or repairs a partial one. It never
  creates a second tracker and never changes coach-typed cells.

Cell values in a :data:`Grid` are what the coach typed, as plain Python: ``str``, ``int``, ``float``,
``bool``, ``datetime.date``/``datetime`` or ``None`` for an empty cell. Formula cells come back as
their computed value. Backends raise only :class:`tracker_sync.errors.BackendError` subclasses.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tracker_sync.schemas import Template

CellValue = str | int | float | bool | dt.date | dt.datetime | None
Grid = list[list[CellValue]]

#: The styles a :class:`Block` may name; every backend renders each of them.
BLOCK_STYLES = ("title", "header", "heatmap", "error", "warning", "note")


def trim_grid(rows: Iterable[Sequence[CellValue]]) -> Grid:
    """Rows as every backend returns them: "" read as None, trailing empty cells and rows dropped.

    Google omits trailing empties and files keep stray formatted cells; trimming in one place makes
    grids from every backend compare equal.
    """
    grid: Grid = []
    for row in rows:
        cells = [None if value == "" else value for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        grid.append(cells)
    while grid and not grid[-1]:
        grid.pop()
    return grid



def quoted_tab(tab: str) -> str:
    """A tab name as an A1 reference writes it: single-quoted, inner quotes doubled ('O''Brien')."""
    return "'" + tab.replace("'", "''") + "'"

@dataclass(frozen=True)
class Link:
    """A cell that jumps to another cell of the same tracker (Flags -> the faulty coach cell)."""

    text: str
    tab: str
    cell: str  # A1 notation, e.g. "C5"


@dataclass(frozen=True)
class Block:
    """A styled rectangle inside a tool tab, 0-based, end-exclusive: rows [row, row+height)."""

    style: str  # "title" | "header" | "heatmap" | "error" | "warning" | "note"
    row: int
    col: int
    height: int = 1
    width: int = 1

    def __post_init__(self) -> None:
        if self.style not in BLOCK_STYLES:
            raise ValueError(f"unknown block style {self.style!r}; use one of {', '.join(BLOCK_STYLES)}")


ToolCell = CellValue | Link


@dataclass(frozen=True)
class ToolTab:
    """The complete new content of one tool-owned tab, ready for any backend to write."""

    name: str
    rows: list[list[ToolCell]]
    blocks: list[Block] = field(default_factory=list)
    column_widths: list[int] = field(default_factory=list)
    frozen_rows: int = 0
    #: New on every sync by design (the Sync Log): it never makes a write needed by itself, so a
    #: backend may skip a write whose other tabs are unchanged; a write of volatile tabs only is made.
    volatile: bool = False

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Snapshot:
    """What one read returns: raw grids per tab, tracker metadata, and tab ids (for cell links)."""

    grids: dict[str, Grid]
    metadata: dict[str, str] = field(default_factory=dict)
    tab_ids: dict[str, int] = field(default_factory=dict)


class Workbook(ABC):
    """A tracker in some storage. See the module docstring for the contract."""

    #: Short name shown in logs and --json output ("xlsx", "google", "memory").
    kind: str = ""

    @abstractmethod
    def read(self, tabs: Sequence[str]) -> Snapshot:
        """Read ``tabs`` and the metadata in one operation."""

    @abstractmethod
    def write(self, tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str] = {}) -> bool:
        """Replace ``tool_tabs`` and merge ``metadata`` in one atomic operation.

        Returns False when the backend skipped the write because the outputs are unchanged since
        its last write (Google keeps a fingerprint, so an idle school costs no write call).
        """

    @abstractmethod
    def provision(self, template: Template, metadata: Mapping[str, str]) -> None:
        """Create (or repair) the tracker from a concrete template (see Template.for_rubric)."""

    def seed_rows(self, grids: Mapping[str, Grid]) -> None:
        """Put data rows under the headers of provisioned coach tabs (demo and tests only).

        The sync never calls this: coach tabs belong to coaches. Rows go in as typed (no parsing).
        """
        raise NotImplementedError(f"{type(self).__name__} cannot seed rows")

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the tracker lives, for people: a file path or a spreadsheet URL."""
