"""What a new school year starts with: the rows carried from last year's tracker (a pure function).

Carried: the Roster (people marked Left stay behind; Years Experience plus one), with its teams and
Team Leads; the Goals still Active, Not Met or already carried, and the action steps still open (Not
Started, In Progress, Carried Over), each with status Carried Over and the dates they had (set date,
due date, last year's last check-in). A goal or step of someone who stays behind stays behind too;
a step set by someone who left keeps no Set By. Observations, scores, learning cycles and 1:1s stay
in last year's tracker.

Cells are carried as the coach typed them, column by column in the new template's order (headers
are matched as the validator matches them, so a renamed or moved column is still found). Only the
cells the rollover decides on are read: a status, a name, the years of experience. A goal or step
whose name matches no one on the Roster (a typo) is carried as typed: next year's Flags tab points
at it, where leaving it behind would lose it quietly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tracker_sync.patterns.frames import OPEN_STEP_STATUSES
from tracker_sync.schemas import SchoolSettings, TabSpec, Template
from tracker_sync.tabs import CellValue, Grid, trim_grid
from tracker_sync.validate.cells import clean_text, is_blank, name_key, parse_choice, parse_integer
from tracker_sync.validate.rows import match_header

CARRIED = "Carried Over"
OPEN_GOALS = ("Active", "Not Met", CARRIED)
#: The kinds of tab a new year starts with; every other coach tab starts empty.
CARRIED_KINDS = ("roster", "goal", "action_step")


@dataclass
class Carried:
    """The rows for next year's tracker, per tab name (no header row), and per tab what was read."""

    rows: dict[str, Grid] = field(default_factory=dict)
    read: dict[str, int] = field(default_factory=dict)  # tab -> non-blank rows in last year's tracker
    left_emails: set[str] = field(default_factory=set)  # Roster emails of people marked Left (lower case)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per coach tab of last year: rows read, carried, and left in last year's tracker."""
        return {tab: {"read": n, "carried": len(self.rows.get(tab, [])), "stayed": n - len(self.rows.get(tab, []))}
                for tab, n in self.read.items()}


class _Tab:
    """One of last year's tabs, read through its own header row."""

    def __init__(self, spec: TabSpec, grid: Grid, settings: SchoolSettings) -> None:
        self.spec = spec
        self.rows = [row for row in grid[1:] if not all(map(is_blank, row))]
        self.positions = match_header(spec, list(grid[0]) if grid else [], self.rows, settings).positions

    def cell(self, row: list[CellValue], key: str) -> CellValue:
        index = self.positions.get(key)
        return row[index] if index is not None and index < len(row) else None

    def choice(self, row: list[CellValue], key: str) -> str | None:
        value = self.cell(row, key)
        return None if is_blank(value) else parse_choice(value, self.spec.column(key).choices or []).value

    def name(self, row: list[CellValue], key: str) -> str:
        value = self.cell(row, key)
        return "" if is_blank(value) else name_key(clean_text(value))


def _reshaped(old: _Tab, new: TabSpec, row: list[CellValue], changes: Mapping[str, CellValue]) -> list[CellValue]:
    """The row in the new tab's column order, with ``changes`` (column key -> value) applied."""
    return [changes[c.key] if c.key in changes else old.cell(row, c.key) for c in new.columns]


def carry_rows(grids: Mapping[str, Grid], old: Template, new: Template, settings: SchoolSettings) -> Carried:
    """Last year's coach grids (header row first) -> the rows next year's tracker starts with."""
    carried = Carried()
    tabs = {t.kind: _Tab(t, grids[t.name], settings) for t in old.tabs if t.name in grids}
    for tab in tabs.values():
        carried.read[tab.spec.name] = len(tab.rows)
    left: set[str] = set()  # name keys of the people marked Left
    if roster := tabs.get("roster"):
        rows = []
        for row in roster.rows:
            if roster.choice(row, "status") == "Left":
                left.add(roster.name(row, "teacher"))
                email = roster.cell(row, "email")
                if isinstance(email, str) and email.strip():
                    carried.left_emails.add(email.strip().lower())
                continue
            years = parse_integer(roster.cell(row, "years_experience"), None, None).value
            more = {} if years is None else {"years_experience": years + 1}
            rows.append(_reshaped(roster, new.tab_of_kind("roster"), row, more))
        carried.rows[new.tab_of_kind("roster").name] = rows
    if goals := tabs.get("goal"):
        spec = new.tab_of_kind("goal")
        carried.rows[spec.name] = [
            _reshaped(goals, spec, row, {"status": CARRIED}) for row in goals.rows
            if goals.choice(row, "status") in OPEN_GOALS and goals.name(row, "teacher_or_team") not in left]
    if steps := tabs.get("action_step"):
        spec = new.tab_of_kind("action_step")
        rows = []
        for row in steps.rows:
            if steps.choice(row, "status") not in OPEN_STEP_STATUSES or steps.name(row, "teacher") in left:
                continue
            gone = steps.name(row, "set_by") in left
            rows.append(_reshaped(steps, spec, row, {"status": CARRIED, **({"set_by": None} if gone else {})}))
        carried.rows[spec.name] = rows
    carried.rows = {tab: trim_grid(rows) for tab, rows in carried.rows.items()}
    return carried
