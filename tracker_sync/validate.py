"""Validate the coach tabs: every raw cell becomes a typed record field or a finding, no row is lost.

``validate(grids, template, settings, as_of)`` is pure: raw grids in (header row first), a
:class:`ValidationResult` out. Per tab, accepted + excluded + blank = rows read, always.
A row with any error finding is excluded from the patterns (it stays, untouched, in the sheet);
warnings keep the row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker_sync import cells
from tracker_sync.backends.base import Grid
from tracker_sync.cells import Parsed, SchoolYear, clean_text, is_blank, name_key, problem
from tracker_sync.findings import Finding, column_letter, shown
from tracker_sync.schemas import (
    ActionStep, ColumnSpec, LearningCycle, Observation, RosterMember, SchoolSettings, Score, TabSpec,
    Template,
)
from tracker_sync.schemas.rubric import _squash

RECORD_MODELS = {
    "roster": RosterMember, "observation": Observation, "action_step": ActionStep,
    "learning_cycle": LearningCycle,
}


@dataclass
class TabReport:
    """Row accounting for one tab: accepted + excluded + blank = rows_read."""

    tab: str
    rows_read: int = 0
    accepted: int = 0
    excluded: int = 0
    blank: int = 0

    def check(self) -> None:
        if self.accepted + self.excluded + self.blank != self.rows_read:
            raise AssertionError(f"row accounting broken for {self.tab}: {self}")


@dataclass
class Records:
    """The valid rows of every coach tab, as pydantic records (scores melted to long form)."""

    roster: list[RosterMember] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    action_steps: list[ActionStep] = field(default_factory=list)
    learning_cycles: list[LearningCycle] = field(default_factory=list)


@dataclass
class ValidationResult:
    records: Records
    findings: list[Finding]
    tabs: dict[str, TabReport]

    @property
    def rows_read(self) -> dict[str, int]:
        return {name: report.rows_read for name, report in self.tabs.items()}


class People:
    """The Roster as a lookup: names compare ignoring case, accents and spacing; near misses suggest."""

    def __init__(self, roster: list[RosterMember]) -> None:
        self.by_key = {name_key(m.teacher): m for m in roster}

    def find(self, value: object, *, role: str) -> Parsed:
        text = clean_text(value)
        member = self.by_key.get(name_key(text))
        if member:
            return Parsed(member.teacher)
        code = "unknown-teacher" if role == "teacher" else "unknown-observer"
        guess = self.suggest(text)
        fix = f"Did you mean '{guess}'? " if guess else ""
        fix += "Pick the name from the dropdown, or add the person to the Roster tab."
        who = "a teacher" if role == "teacher" else "an observer"
        return Parsed(None if role == "teacher" else text, problem(code, f"'{text}' is not {who} on the Roster.", fix))

    def suggest(self, text: str) -> str | None:
        if not self.by_key:
            return None
        from rapidfuzz import fuzz, process  # lazy: only needed for a near miss

        key = re.sub(r"^(mr|mrs|ms|miss|dr|mx)\.?\s+", "", name_key(text))
        best = process.extractOne(key, list(self.by_key), scorer=fuzz.WRatio, score_cutoff=70)
        return self.by_key[best[0]].teacher if best else None


@dataclass
class _Context:
    settings: SchoolSettings
    as_of: dt.date
    year: SchoolYear
    people: People


def _parse_cell(value: object, column: ColumnSpec, ctx: _Context) -> Parsed:
    kind = column.type
    rubric = ctx.settings.rubric
    if kind == "date":
        parsed = cells.parse_date(value, ctx.year)
        return _check_date_range(parsed, column, ctx) if parsed.value is not None else parsed
    if kind in ("text", "long_text"):
        return Parsed(clean_text(value) if kind == "text" else str(value))
    if kind == "integer":
        return cells.parse_integer(value, column.min, column.max)
    if kind == "choice":
        return cells.parse_choice(value, column.choices or [])
    if kind == "email":
        return cells.parse_email(value)
    if kind in ("teacher", "observer"):
        return ctx.people.find(value, role=kind)
    if kind == "indicator":
        return cells.parse_indicator(value, rubric)
    if kind == "score":
        return cells.parse_score(value, rubric)
    raise ValueError(f"column type {kind!r} has no parser")


def _check_date_range(parsed: Parsed, column: ColumnSpec, ctx: _Context) -> Parsed:
    day: dt.date = parsed.value
    if day > ctx.as_of and not column.allow_future:
        return Parsed(None, problem("date-in-future", f"{day.isoformat()} is after the as-of date {ctx.as_of.isoformat()}."))
    if parsed.problem is None and not (ctx.settings.school_year_start <= day <= ctx.settings.school_year_end):
        return Parsed(day, problem(
            "date-outside-school-year",
            f"{day.isoformat()} is outside the school year {ctx.settings.school_year_start} to {ctx.settings.school_year_end}."))
    return parsed


@dataclass(frozen=True)
class _Header:
    """Where each template column sits in the coach's header row."""

    positions: dict[str, int]  # column key -> 0-based index
    findings: list[Finding]
    missing_required: list[ColumnSpec]


def _header_key(text: object) -> str:
    return _squash(clean_text(text)) if not is_blank(text) else ""


def match_header(tab: TabSpec, header_row: list[Any], data_rows: list[list[Any]], settings: SchoolSettings) -> _Header:
    """Match headers ignoring case, spacing and order; report extra, blank and duplicate headers."""
    wanted = {_header_key(c.header): c for c in tab.columns}
    wanted.update({_squash(c.key): c for c in tab.columns})
    positions: dict[str, int] = {}
    findings: list[Finding] = []
    for index, raw in enumerate(header_row):
        key = _header_key(raw)
        column_has_data = any(index < len(r) and not is_blank(r[index]) for r in data_rows)
        where = dict(tab=tab.name, row=1, column=column_letter(index), value=shown(raw or ""))
        if not key:
            if column_has_data:
                findings.append(Finding("blank-header", message="This column has values but no header.", header="", **where))
            continue
        spec = wanted.get(key)
        if spec is None and (code := settings.rubric.normalize_code(clean_text(raw))):
            spec = next((c for c in tab.columns if c.key == code), None)
        if spec is None:
            findings.append(Finding("extra-column", message=f"The column '{clean_text(raw)}' is not part of the tracker; it is ignored.", header=clean_text(raw), **where))
        elif spec.key in positions:
            first = column_letter(positions[spec.key])
            findings.append(Finding("duplicate-column", message=f"'{spec.header}' appears again; column {first} is read.", header=clean_text(raw), **where))
        else:
            positions[spec.key] = index
    missing = [c for c in tab.columns if c.key not in positions and c.required]
    for column in missing:
        findings.append(Finding(
            "missing-column", tab=tab.name, row=1, header=column.header,
            message=f"The required column '{column.header}' is missing, so this tab's rows are skipped.",
            fix=f"Add a column headed '{column.header}' (any position)."))
    return _Header(positions, findings, missing)


def _validate_tab(tab: TabSpec, grid: Grid, ctx: _Context) -> tuple[list[dict], list[Finding], TabReport, _Header]:
    """Parse every row of one tab. Returns field dicts for the accepted rows (with 'row')."""
    report = TabReport(tab.name)
    header_row, data_rows = (grid[0], grid[1:]) if grid else ([], [])
    header = match_header(tab, header_row, data_rows, ctx.settings)
    findings = list(header.findings)
    accepted: list[dict] = []
    columns = [(c, header.positions.get(c.key)) for c in tab.columns]
    for offset, row in enumerate(data_rows):
        report.rows_read += 1
        if all(is_blank(v) for v in row):
            report.blank += 1
            continue
        if header.missing_required:
            report.excluded += 1
            continue
        sheet_row = offset + 2
        values: dict[str, Any] = {"row": sheet_row}
        row_errors = False
        for column, index in columns:
            raw = row[index] if index is not None and index < len(row) else None
            if is_blank(raw):
                values[column.key] = column.default
                if column.required and column.default is None:
                    row_errors = True
                    findings.append(Finding("missing-value", tab=tab.name, row=sheet_row, column=column_letter(index) if index is not None else None,
                                            header=column.header, message=f"'{column.header}' is required and empty."))
                continue
            parsed = _parse_cell(raw, column, ctx)
            values[column.key] = parsed.value
            if parsed.problem:
                code, message, fix = parsed.problem
                row_errors |= parsed.is_error
                findings.append(Finding(code, tab=tab.name, row=sheet_row, column=column_letter(index), header=column.header,
                                        value=shown(raw), message=message, fix=fix))
        if row_errors:
            report.excluded += 1
        else:
            report.accepted += 1
            accepted.append(values)
    report.check()
    return accepted, findings, report, header


def _where(tab: TabSpec, header: _Header, key: str) -> dict:
    """Tab, column letter and header text of one template column, for a finding about a whole row."""
    index = header.positions.get(key)
    return dict(tab=tab.name, column=column_letter(index) if index is not None else None, header=tab.column(key).header)


def _check_feedback_order(rows: list[dict], tab: TabSpec, header: _Header, findings: list[Finding]) -> list[dict]:
    """Feedback cannot come before the visit: such rows become errors and leave the accepted set."""
    kept = []
    for values in rows:
        if values.get("feedback_date") and values["feedback_date"] < values["date"]:
            findings.append(Finding(
                "feedback-before-observation", row=values["row"], **_where(tab, header, "feedback_date"),
                value=values["feedback_date"].isoformat(),
                message=f"Feedback {values['feedback_date']} is before the observation on {values['date']}."))
        else:
            kept.append(values)
    return kept


def _dedupe_roster(rows: list[dict], tab: TabSpec, header: _Header, findings: list[Finding]) -> list[dict]:
    first_row: dict[str, int] = {}
    kept = []
    for values in rows:
        key = name_key(values["teacher"])
        if key in first_row:
            findings.append(Finding(
                "duplicate-roster-name", row=values["row"], **_where(tab, header, "teacher"), value=values["teacher"], message=f"'{values['teacher']}' is already on row {first_row[key]}; that row is used."))
        else:
            first_row[key] = values["row"]
            kept.append(values)
    return kept


def _melt_scores(rows: list[dict], tab: TabSpec) -> list[Score]:
    codes = [c.key for c in tab.columns if c.type == "score"]
    return [
        Score(row=v["row"], date=v["date"], teacher=v["teacher"], observer=v["observer"], type=v["type"], indicator=code, score=v[code])
        for v in rows for code in codes if v.get(code) is not None
    ]


def validate(grids: Mapping[str, Grid], template: Template, settings: SchoolSettings, as_of: dt.date) -> ValidationResult:
    """Check every coach tab of a concrete template (Template.for_rubric) against the school's settings."""
    findings: list[Finding] = []
    reports: dict[str, TabReport] = {}
    records = Records()
    ctx = _Context(settings, as_of, SchoolYear(settings.school_year_start, settings.school_year_end), People([]))
    for tab in sorted(template.tabs, key=lambda t: t.kind != "roster"):  # the Roster first: others name its people
        if tab.name not in grids:
            findings.append(Finding("missing-tab", tab=tab.name, message=f"The tab '{tab.name}' is missing."))
            reports[tab.name] = TabReport(tab.name)
            continue
        rows, tab_findings, report, header = _validate_tab(tab, grids[tab.name], ctx)
        if tab.kind == "roster":
            unique = _dedupe_roster(rows, tab, header, tab_findings)
            report.accepted -= len(rows) - len(unique)
            report.excluded += len(rows) - len(unique)
            records.roster = [RosterMember.model_validate(v) for v in unique]
            ctx.people = People(records.roster)
        elif tab.kind == "observation":
            kept = _check_feedback_order(rows, tab, header, tab_findings)
            report.accepted -= len(rows) - len(kept)
            report.excluded += len(rows) - len(kept)
            records.observations = [Observation.model_validate(v) for v in kept]
        elif tab.kind == "score":
            records.scores = _melt_scores(rows, tab)
        elif tab.kind == "action_step":
            records.action_steps = [ActionStep.model_validate(v) for v in rows]
        elif tab.kind == "learning_cycle":
            records.learning_cycles = [LearningCycle.model_validate(v) for v in rows]
        report.check()
        findings.extend(tab_findings)
        reports[tab.name] = report
    order = {t.name: i for i, t in enumerate(template.tabs)}
    findings.sort(key=lambda f: (order.get(f.tab, 99), f.row or 0, len(f.column or ""), f.column or ""))
    return ValidationResult(records, findings, {t.name: reports[t.name] for t in template.tabs})
