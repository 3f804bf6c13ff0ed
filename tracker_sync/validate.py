"""Validate the coach tabs: every raw cell becomes a typed record field or a finding, no row is lost.

``validate(grids, template, settings, as_of)`` is pure: raw grids in (header row first), a
:class:`ValidationResult` out. Per tab, accepted + excluded + blank = rows read, always (checked
before the result is returned). A row with any error finding is excluded from the patterns (it
stays, untouched, in the sheet); warnings keep the row.

Speed: coach data repeats itself (the same dates, names and dropdown values on thousands of rows),
so each column parses each distinct raw value once and every later row only looks it up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker_sync import cells
from tracker_sync.backends.base import Grid
from tracker_sync.cells import CELL_TEXT_LIMIT, SHORT_TEXT_LIMIT, Parsed, People, SchoolYear, clean_text, is_blank, name_key, problem, squash_key
from tracker_sync.crosscheck import TabRows, across_tabs, within_tab
from tracker_sync.findings import FINDING_TYPES, Finding, column_letter, shown
from tracker_sync.schemas import (
    ActionStep, ColumnSpec, LearningCycle, Observation, RosterMember, SchoolSettings, Score, TabSpec, Template,
)

#: kind of tab -> (Records field, pydantic model of one row); scores are melted instead.
RECORD_MODELS = {
    "roster": ("roster", RosterMember), "observation": ("observations", Observation),
    "action_step": ("action_steps", ActionStep), "learning_cycle": ("learning_cycles", LearningCycle),
}


class RowAccountingError(AssertionError):
    """A tab's rows do not add up: a bug in the validator, never a coach's mistake."""


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
            raise RowAccountingError(f"row accounting broken for {self.tab}: {self}")

    def exclude(self, count: int) -> None:
        """Move rows that a cross-row check found in error from accepted to excluded."""
        self.accepted -= count
        self.excluded += count

    def __str__(self) -> str:
        return f"{self.rows_read} read = {self.accepted} accepted + {self.excluded} excluded + {self.blank} blank"


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

    @property
    def accounting(self) -> dict[str, str]:
        """Per tab, the invariant spelled out for the Sync Log: '9 read = 8 accepted + 0 excluded + 1 blank'."""
        return {name: str(report) for name, report in self.tabs.items()}


@dataclass
class _Context:
    settings: SchoolSettings
    as_of: dt.date
    year: SchoolYear
    people: People


def _blank_result(column: ColumnSpec) -> Parsed:
    if column.required and column.default is None:
        return Parsed(None, problem("missing-value", f"'{column.header}' is required and empty."))
    return Parsed(column.default)


def _cell_parser(column: ColumnSpec, ctx: _Context) -> Callable[[object], Parsed]:
    """The parser of one column: raw value -> Parsed, whatever the coach put in the cell."""
    kind = column.type
    rubric = ctx.settings.rubric
    blank = _blank_result(column)
    typed: Callable[[object], Parsed]
    if kind == "date":
        typed = lambda v: _check_date_range(cells.parse_date(v, ctx.year), column, ctx)  # noqa: E731
    elif kind == "text":
        typed = lambda v: cells.check_text_length(clean_text(v), SHORT_TEXT_LIMIT)  # noqa: E731
    elif kind == "long_text":
        typed = lambda v: cells.check_text_length(v if isinstance(v, str) else clean_text(v), CELL_TEXT_LIMIT)  # noqa: E731
    elif kind == "integer":
        typed = lambda v: cells.parse_integer(v, column.min, column.max)  # noqa: E731
    elif kind == "choice":
        typed = lambda v: cells.parse_choice(v, column.choices or [])  # noqa: E731
    elif kind == "email":
        typed = cells.parse_email
    elif kind in ("teacher", "observer"):
        typed = lambda v: ctx.people.find(v, role=kind)  # noqa: E731
    elif kind == "indicator":
        typed = lambda v: cells.parse_indicator(v, rubric)  # noqa: E731
    elif kind == "score":
        typed = lambda v: cells.parse_score(v, rubric)  # noqa: E731
    else:
        raise ValueError(f"column type {kind!r} has no parser")

    def parse(value: object) -> Parsed:
        if is_blank(value):
            return blank
        return cells.cell_oddity(value) or typed(value)

    return parse


def _check_date_range(parsed: Parsed, column: ColumnSpec, ctx: _Context) -> Parsed:
    day: dt.date | None = parsed.value
    if day is None:
        return parsed
    if day > ctx.as_of and not column.allow_future:
        read_as = f" ({parsed.problem[1]})" if parsed.problem else ""
        return Parsed(None, problem("date-in-future", f"{day.isoformat()} is after the as-of date {ctx.as_of.isoformat()}{read_as}."))
    if parsed.problem is None and not (ctx.year.start <= day <= ctx.year.end):
        return Parsed(day, problem(
            "date-outside-school-year", f"{day.isoformat()} is outside the school year {ctx.year.start} to {ctx.year.end}."))
    return parsed


# --- headers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """Where each template column sits in the coach's header row."""

    positions: dict[str, int]  # column key -> 0-based index
    findings: list[Finding]
    missing_required: list[ColumnSpec]


def _header_key(text: object) -> str:
    return squash_key(clean_text(text)) if not is_blank(text) else ""


def match_header(tab: TabSpec, header_row: list[Any], data_rows: list[list[Any]], settings: SchoolSettings) -> _Header:
    """Match headers ignoring case, spacing, accents and order; report extra, blank, duplicate and missing ones."""
    wanted = {_header_key(c.header): c for c in tab.columns}
    wanted.update({squash_key(c.key): c for c in tab.columns})
    positions: dict[str, int] = {}
    findings: list[Finding] = []
    extras: list[tuple[int, str]] = []
    width = max([len(header_row), *(len(r) for r in data_rows)])
    for index in range(width):
        raw = header_row[index] if index < len(header_row) else None
        key = _header_key(raw)
        where = dict(tab=tab.name, row=1, column=column_letter(index), value=shown(raw if raw is not None else ""))
        if not key:
            if any(index < len(r) and not is_blank(r[index]) for r in data_rows):
                findings.append(Finding("blank-header", message="This column has values but no header; they are not read.", header="", **where))
            continue
        spec = wanted.get(key)
        if spec is None and (code := settings.rubric.normalize_code(clean_text(raw)[:SHORT_TEXT_LIMIT])):
            spec = next((c for c in tab.columns if c.key == code), None)
        if spec is None:
            extras.append((index, clean_text(raw)))
        elif spec.key in positions:
            first = column_letter(positions[spec.key])
            findings.append(Finding("duplicate-column", message=f"'{spec.header}' appears again; column {first} is read and this one is ignored.",
                                    header=clean_text(raw), **where))
        else:
            positions[spec.key] = index
    unmatched = [c for c in tab.columns if c.key not in positions]
    renamed = _guess_renames(extras, unmatched)
    for index, text in extras:
        guess = renamed.get(index)
        fix = f"If this is the '{guess.header}' column, rename its header to '{guess.header}'." if guess else ""
        findings.append(Finding("extra-column", tab=tab.name, row=1, column=column_letter(index), header=text, value=shown(text),
                                message=f"The column '{shown(text)}' is not part of the tracker; it is ignored.", fix=fix))
    guessed_at = {spec.key: index for index, spec in renamed.items()}
    for column in unmatched:
        at = guessed_at.get(column.key)
        hint = f"Column {column_letter(at)} may be it: rename its header to '{column.header}'." if at is not None else f"Add a column headed '{column.header}' (any position)."
        if column.required:
            findings.append(Finding("missing-column", tab=tab.name, row=1, header=column.header,
                                    message=f"The required column '{column.header}' is missing, so this tab's rows are skipped.", fix=hint))
        else:
            findings.append(Finding("missing-optional-column", tab=tab.name, row=1, header=column.header,
                                    message=f"The column '{column.header}' is missing; it reads as blank on every row.", fix=hint))
    return _Header(positions, findings, [c for c in unmatched if c.required])


def _guess_renames(extras: list[tuple[int, str]], unmatched: list[ColumnSpec]) -> dict[int, ColumnSpec]:
    """Extra headers that look like a missing column's header ('Obs Date' for 'Date'): a hint, never a match."""
    if not extras or not unmatched:
        return {}
    from rapidfuzz import fuzz, process, utils  # lazy: only needed when headers are off

    choices = {c.key: c.header for c in unmatched}
    guesses = {}
    for index, text in extras:
        best = process.extractOne(text[:SHORT_TEXT_LIMIT], choices, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=80)
        if best:
            guesses[index] = next(c for c in unmatched if c.key == best[2])
    return guesses


# --- rows --------------------------------------------------------------------------------------


def _is_blank_row(row: list[Any]) -> bool:
    for value in row:
        if value is not None and (type(value) is not str or value.strip()):
            return False
    return True


def _read_tab(tab: TabSpec, grid: Grid, ctx: _Context) -> tuple[TabRows, list[Finding], TabReport]:
    """Parse every row of one tab; returns the rows without an error (as field dicts with 'row')."""
    report = TabReport(tab.name)
    header_row, data_rows = (grid[0], grid[1:]) if grid else ([], [])
    header = match_header(tab, header_row, data_rows, ctx.settings)
    findings = list(header.findings)
    accepted: list[dict] = []
    report.rows_read = len(data_rows)
    plan = [(c.key, header.positions.get(c.key, -1), _cell_parser(c, ctx), {}) for c in tab.columns]
    letters = {c.key: column_letter(header.positions[c.key]) if c.key in header.positions else None for c in tab.columns}
    headers = {c.key: c.header for c in tab.columns}
    for offset, row in enumerate(data_rows):
        if _is_blank_row(row):
            report.blank += 1
            continue
        if header.missing_required:
            report.excluded += 1
            continue
        width = len(row)
        values: dict[str, Any] = {"row": offset + 2}
        row_error = False
        for key, index, parse, memo in plan:
            raw = row[index] if 0 <= index < width else None
            kind = type(raw)
            memo_key = raw if kind is str else (kind, raw)  # True == 1 == 1.0: keep them apart
            parsed = memo.get(memo_key)
            if parsed is None:
                parsed = memo[memo_key] = parse(raw)
            values[key] = parsed.value
            if parsed.problem is not None:
                code, message, fix = parsed.problem
                row_error = row_error or FINDING_TYPES[code].severity == "error"
                findings.append(Finding(code, tab=tab.name, row=offset + 2, column=letters[key], header=headers[key],
                                        value=shown(raw) if raw is not None else "", message=message, fix=fix))
        if row_error:
            report.excluded += 1
        else:
            accepted.append(values)
    report.accepted = len(accepted)
    report.check()
    return TabRows(tab, header.positions, accepted, usable=not header.missing_required), findings, report


def _people(roster: TabRows | None, excluded_rows: dict[str, int]) -> People:
    members = {name_key(v["teacher"]): v["teacher"] for v in roster.rows} if roster else {}
    return People(members, {k: r for k, r in excluded_rows.items() if k not in members})


def _roster_names_in_error(grid: Grid, roster: TabRows, findings: list[Finding]) -> dict[str, int]:
    """name_key -> sheet row, for Roster rows that name someone but were excluded for another error."""
    index = roster.positions.get("teacher")
    bad_rows = {f.row for f in findings if f.row and f.row > 1 and f.severity == "error"}
    names = {}
    for row_number in sorted(bad_rows):
        row = grid[row_number - 1] if row_number - 1 < len(grid) else []
        if index is not None and index < len(row) and not is_blank(row[index]):
            names.setdefault(name_key(clean_text(row[index])), row_number)
    return names


def _melt_scores(rows: list[dict], tab: TabSpec) -> list[Score]:
    codes = [c.key for c in tab.columns if c.type == "score"]
    return [
        Score(row=v["row"], date=v["date"], teacher=v["teacher"], observer=v["observer"], type=v["type"], indicator=code, score=v[code])
        for v in rows for code in codes if v[code] is not None
    ]


def _drop_rows_in_error(tab: TabRows, report: TabReport, findings: list[Finding]) -> None:
    bad = {f.row for f in findings if f.tab == tab.spec.name and f.severity == "error"}
    if bad:
        kept = [v for v in tab.rows if v["row"] not in bad]
        report.exclude(len(tab.rows) - len(kept))
        tab.rows = kept


def validate(grids: Mapping[str, Grid], template: Template, settings: SchoolSettings, as_of: dt.date) -> ValidationResult:
    """Check every coach tab of a concrete template (Template.for_rubric) against the school's settings."""
    findings: list[Finding] = []
    reports: dict[str, TabReport] = {}
    tabs: dict[str, TabRows] = {}
    ctx = _Context(settings, as_of, SchoolYear(settings.school_year_start, settings.school_year_end), People({}))
    for tab in sorted(template.tabs, key=lambda t: t.kind != "roster"):  # the Roster first: others name its people
        if tab.name not in grids:
            findings.append(Finding("missing-tab", tab=tab.name, message=f"The tab '{tab.name}' is missing."))
            reports[tab.name] = TabReport(tab.name)
            tabs[tab.kind] = TabRows(tab, {}, [], usable=False)
            continue
        rows, tab_findings, report = _read_tab(tab, grids[tab.name], ctx)
        tab_findings += within_tab(rows)
        _drop_rows_in_error(rows, report, tab_findings)
        if tab.kind == "roster":
            ctx.people = _people(rows, _roster_names_in_error(grids[tab.name], rows, tab_findings))
        findings += tab_findings
        reports[tab.name], tabs[tab.kind] = report, rows
    status_of = {v["teacher"]: v["status"] for v in tabs["roster"].rows} if "roster" in tabs else {}
    across = across_tabs(tabs, status_of)
    for kind, rows in tabs.items():
        _drop_rows_in_error(rows, reports[rows.spec.name], across)
    findings += across
    records = Records()
    for kind, rows in tabs.items():
        if kind == "score":
            records.scores = _melt_scores(rows.rows, rows.spec)
        else:
            name, model = RECORD_MODELS[kind]
            setattr(records, name, [model(**v) for v in rows.rows])
    for report in reports.values():
        report.check()
    order = {t.name: i for i, t in enumerate(template.tabs)}
    findings.sort(key=lambda f: (order.get(f.tab, 99), f.row or 0, len(f.column or ""), f.column or ""))
    return ValidationResult(records, findings, {t.name: reports[t.name] for t in template.tabs})
