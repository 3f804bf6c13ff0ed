"""The one small interface every tracker backend implements (Google Sheets, local .xlsx, memory).

Contract, in the spirit of httpx's transports:

* ``read(tabs)`` reads the named tabs and the tracker's metadata in ONE operation (one API call on
  Google, one file open on xlsx) and returns a :class:`Snapshot`. Tabs that do not exist are simply
  absent from ``Snapshot.grids``; a read never creates or changes anything.
* ``write(tool_tabs, metadata)`` replaces the given tool-owned tabs and merges ``metadata`` in ONE
  atomic operation: afterwards either every tab is the new one or (on any error) every tab is the old
  one. Coach tabs are never touched by a write. It returns the names of the tool tabs it rewrote, in
  the order given: a backend may leave out a tab the tracker already holds exactly (xlsx), or skip
  the whole write (an empty list) when nothing but volatile tabs changed (Google's fingerprint).
  Callers report what was written from this list, never from what they asked for.
* ``provision(template)`` creates the tracker from a template (coach tabs with headers, dropdowns,
  frozen header row, widths; protected tool tabs; Instructions) or repairs a partial one. It never
  creates a second tracker and never changes coach-typed cells.

Cell values in a :data:`Grid` are what the coach typed, as plain Python: ``str``, ``int``, ``float``,
``bool``, ``datetime.date``/``datetime`` or ``None`` for an empty cell. Formula cells come back as
their computed value. Backends raise only :class:`tracker_sync.errors.BackendError` subclasses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from tracker_sync.schemas import Template
from tracker_sync.tabs import Snapshot, ToolTab


class Workbook(ABC):
    """A tracker in some storage. See the module docstring for the contract."""

    #: Short name shown in logs and --json output ("xlsx", "google", "memory").
    kind: str = ""

    @abstractmethod
    def read(self, tabs: Sequence[str]) -> Snapshot:
        """Read ``tabs`` and the metadata in one operation."""

    @abstractmethod
    def write(self, tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str] = {}) -> list[str]:
        """Replace ``tool_tabs`` and merge ``metadata`` in one atomic operation.

        Returns the names of the tabs whose content was rewritten (a metadata merge is not listed):
        empty when the backend skipped the write because the outputs are unchanged since its last
        write (Google keeps a fingerprint, so an idle school costs no write call).
        """

    @abstractmethod
    def provision(self, template: Template, metadata: Mapping[str, str]) -> None:
        """Create (or repair) the tracker from a concrete template (see Template.for_rubric)."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the tracker lives, for people: a file path or a spreadsheet URL."""
