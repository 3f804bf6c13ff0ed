"""Findings are data, not exceptions (frictionless-style): a stable code, a severity, where, and a fix.

Every code is listed in FINDING_TYPES with its title and severity; the documentation's table
(docs/reference/findings.md) is generated from it, and a test keeps the two in step. Severity "error" keeps the row
(or the one score cell) out of the patterns; "warning" keeps it in.
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
    # The tab and its header row
    FindingType("missing-tab", "error", "A coach tab is missing",
                "Restore the tab (tracker-sync provision repairs a tracker without touching your rows)."),
    FindingType("missing-optional-tab", "warning", "A coach tab added in a later version is missing",
                "Run tracker-sync provision on this tracker to add it; it never touches your rows. Until then its "
                "patterns are left out."),
    FindingType("missing-column", "error", "A required column is missing",
                "Add the column back with this header; the tab's rows are skipped until then."),
    FindingType("missing-optional-column", "warning", "An optional column is missing",
                "Add the column back with this header if you want its values read; until then it reads as blank."),
    FindingType("duplicate-column", "warning", "Two columns have the same header",
                "Rename or delete one of them; the first one is read."),
    FindingType("extra-column", "warning", "A column the tracker does not use",
                "Nothing to do if you keep it on purpose; it is ignored."),
    FindingType("blank-header", "warning", "A column with data but no header",
                "Give the column a header or move its values into the right column."),
    # One cell
    FindingType("missing-value", "error", "A required cell is empty",
                "Fill in this cell. If it is part of merged cells, unmerge them and type the value in each row."),
    FindingType("formula-error", "error", "A formula error (#REF!, #N/A ...)",
                "Fix or remove the formula in this cell, or type the value itself."),
    FindingType("formula-error-in-note", "warning", "A formula error in an optional notes cell",
                "Fix or remove the formula; the row still counts, the note is left empty."),
    FindingType("very-long-text", "warning", "Far more text than this cell should hold",
                "Check that the text was pasted into the right cell."),
    FindingType("bad-date", "error", "Not a date", "Type the date as YYYY-MM-DD or M/D/YYYY, e.g. 2026-09-14."),
    FindingType("ambiguous-date", "warning", "A date read with a guess",
                "Check the date; type it as YYYY-MM-DD to remove any doubt."),
    FindingType("date-in-future", "error", "A date after today", "Check the date: it is after the as-of date of this sync."),
    FindingType("date-outside-school-year", "warning", "A date outside the school year", "Check the year of this date."),
    FindingType("bad-number", "error", "Not a whole number", "Type a whole number, e.g. 3."),
    FindingType("bad-choice", "error", "Not one of the dropdown values", "Pick a value from the cell's dropdown."),
    FindingType("bad-email", "warning", "Not an email address", "Type a full address, e.g. maria.garcia@school.org."),
    FindingType("unknown-teacher", "error", "A teacher who is not on the Roster",
                "Pick the name from the dropdown, or add the teacher to the Roster tab."),
    FindingType("unknown-observer", "warning", "An observer who is not on the Roster",
                "Add the observer to the Roster tab (Role: Coach, Specialist...) or fix the spelling."),
    FindingType("unknown-teacher-or-team", "error", "A goal for a teacher or team that is not on the Roster",
                "Type a teacher's name, or a team's name, exactly as on the Roster tab."),
    FindingType("unknown-indicator", "error", "Not an indicator of the rubric", "Use a rubric code, e.g. I.5."),
    FindingType("score-out-of-range", "error", "A score outside the rubric's scale", "Type a score on the rubric's scale."),
    FindingType("score-band-word", "error", "A band name where a score belongs",
                "Type the number you gave, within the band's range."),
    FindingType("bad-score", "error", "Not a score", "Type a number on the rubric's scale, or leave the cell blank."),
    FindingType("half-point-score", "error", "A fraction of a point the rubric does not allow",
                "Use the rubric's steps only (whole points, or half points where the rubric allows them)."),
    # One row against other rows of its tab
    FindingType("duplicate-roster-name", "error", "The same name twice on the Roster",
                "Keep one row per person; the first row is used."),
    FindingType("duplicate-row", "error", "A row typed twice",
                "Delete the copy; the first row is counted and this one is left out."),
    FindingType("conflicting-scores", "error", "The same observation scored twice with different scores",
                "Keep one row with the right scores and delete the other; until then only the first row counts."),
    FindingType("feedback-before-observation", "error", "Feedback dated before the observation",
                "Check both dates: feedback comes on or after the visit."),
    FindingType("completed-before-set", "error", "An action step completed before it was set",
                "Check both dates: a step is completed on or after the day it was set."),
    FindingType("cycle-ends-before-start", "error", "A learning cycle that ends before it starts",
                "Check the Start Date and End Date."),
    FindingType("overlapping-cycles", "warning", "Two learning cycles of one teacher overlap",
                "End one cycle before the next starts, or mark the earlier one Complete or Abandoned."),
    FindingType("next-steps-due-before-meeting", "error", "Next steps due before the 1:1 that set them",
                "Check both dates: next steps fall due on or after the meeting."),
    FindingType("one-on-one-with-self", "warning", "A 1:1 led by the person it is with",
                "Check the Teacher and Led By names: one is the teacher (or Team Lead), the other who held the 1:1."),
    FindingType("check-in-before-set", "error", "A goal checked in before it was set",
                "Check both dates: the Last Check-in is on or after the Set Date."),
    FindingType("goal-without-indicator", "warning", "A professional-practice goal with no rubric indicator",
                "Pick the rubric indicator the goal works on, so it is in the rubric's language and its progress can be "
                "read from the scores."),
    FindingType("goal-score-off-scale", "warning", "A goal's baseline or target is a number off the rubric's scale",
                "For a practice goal type rubric scores (e.g. 3 and 5); put a student measure in a Student learning / SLO goal."),
    # Across tabs
    FindingType("score-without-observation", "warning", "A score row with no matching observation",
                "Log the visit on the Observations tab (same teacher and date), or fix the date here."),
    FindingType("unknown-learning-cycle", "warning", "An observation names a learning cycle the teacher does not have",
                "Use the cycle name from the Learning Cycles tab, e.g. Cycle 2."),
    FindingType("left-teacher-open-item", "warning", "Open work for a teacher marked Left",
                "Close the item (Status Met, Not Met or Abandoned) or set the teacher back to Active."),
    FindingType("check-in-not-a-lead", "warning", "A Team Lead check-in with someone who is not a Team Lead",
                "Set Kind to Teacher 1:1, or fix the Role on the Roster if this person leads a team."),
    # The observation form (Google trackers with a form)
    FindingType("form-response-edited", "warning", "A form response edited after its row was added",
                "Update the row by hand from the form's new answers (the form's Responses view shows them); the flag goes "
                "once the row changes."),
    FindingType("form-responses-waiting", "warning", "Form responses that cannot be added to the tracker yet",
                "Run tracker-sync provision --backend google for the school: it puts the missing tab or column back "
                "without touching your rows."),
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


def finding_codes_markdown() -> str:
    """The table of finding codes in docs/reference/findings.md, generated so the docs cannot drift from the catalog."""
    lines = ["| Code | Severity | What it means | How to fix |", "|---|---|---|---|"]
    lines += [f"| `{t.code}` | {t.severity} | {t.title} | {t.fix} |" for t in _TYPES]
    return "\n".join(lines)
