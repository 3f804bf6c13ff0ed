"""Findings are data, not exceptions (frictionless-style): a stable code, a severity, where, and a fix.

Every code is listed in FINDING_TYPES with its title and severity; the README's table is generated
from it, and a test keeps the two in step. Severity "error" keeps the row (or the one score cell) out
of the patterns; "warning" keeps it in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: Severity
    title: str
    fix: str  # the default hint, shown when the finding has no more specific one


_TYPES = [
    FindingType("missing-tab", "error", "A coach tab is missing", "Restore the tab (tracker-sync provision repairs a tracker without touching your rows)."),
    FindingType("missing-column", "error", "A required column is missing", "Add the column back with this header; the tab's rows are skipped until then."),
    FindingType("duplicate-column", "warning", "Two columns have the same header", "Rename or delete one of them; the first one is read."),
    FindingType("extra-column", "warning", "A column the tracker does not use", "Nothing to do if you keep it on purpose; it is ignored."),
    FindingType("blank-header", "warning", "A column with data but no header", "Give the column a header or move its values into the right column."),
    FindingType("missing-value", "error", "A required cell is empty", "Fill in this cell."),
    FindingType("bad-date", "error", "Not a date", "Type the date as YYYY-MM-DD or M/D/YYYY, e.g. 2026-09-14."),
    FindingType("ambiguous-date", "warning", "A date read with a guess", "Check the date; type it as YYYY-MM-DD to remove any doubt."),
    FindingType("date-in-future", "error", "A date after today", "Check the date: it is after the as-of date of this sync."),
    FindingType("date-outside-school-year", "warning", "A date outside the school year", "Check the year of this date."),
    FindingType("feedback-before-observation", "error", "Feedback dated before the observation", "Check both dates: feedback comes on or after the visit."),
    FindingType("bad-number", "error", "Not a whole number", "Type a whole number, e.g. 3."),
    FindingType("bad-choice", "error", "Not one of the dropdown values", "Pick a value from the cell's dropdown."),
    FindingType("bad-email", "warning", "Not an email address", "Type a full address, e.g. maria.garcia@school.org."),
    FindingType("unknown-teacher", "error", "A teacher who is not on the Roster", "Pick the name from the dropdown, or add the teacher to the Roster tab."),
    FindingType("unknown-observer", "warning", "An observer who is not on the Roster", "Add the observer to the Roster tab (Role: Coach, Specialist...) or fix the spelling."),
    FindingType("duplicate-roster-name", "error", "The same name twice on the Roster", "Keep one row per person; the first row is used."),
    FindingType("unknown-indicator", "error", "Not an indicator of the rubric", "Use a rubric code, e.g. I.5."),
    FindingType("score-out-of-range", "error", "A score outside the rubric's scale", "Type a score on the rubric's scale."),
    FindingType("score-band-word", "error", "A band name where a score belongs", "Type the number you gave, within the band's range."),
    FindingType("bad-score", "error", "Not a score", "Type a number on the rubric's scale, or leave the cell blank."),
    FindingType("half-point-score", "error", "A half point the rubric does not allow", "Use whole points only."),
]
FINDING_TYPES: dict[str, FindingType] = {t.code: t for t in _TYPES}


@dataclass(frozen=True)
class Finding:
    """One problem in one place. `row` is the sheet row a coach sees (header = 1); None for a tab."""

    code: str
    tab: str
    message: str
    row: int | None = None
    column: str | None = None  # column letter, e.g. "C"
    header: str | None = None
    value: str = ""
    fix: str = ""

    def __post_init__(self) -> None:
        if self.code not in FINDING_TYPES:
            raise ValueError(f"unknown finding code {self.code!r}")

    @property
    def severity(self) -> Severity:
        return FINDING_TYPES[self.code].severity

    @property
    def hint(self) -> str:
        return self.fix or FINDING_TYPES[self.code].fix

    @property
    def cell(self) -> str | None:
        return f"{self.column}{self.row}" if self.column and self.row else None

    def to_dict(self) -> dict:
        return {**asdict(self), "severity": self.severity, "fix": self.hint}


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {"error": counts.get("error", 0), "warning": counts.get("warning", 0)}


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def shown(value: object, limit: int = 60) -> str:
    """A cell value as a coach would recognise it, cut short for the Flags tab."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
