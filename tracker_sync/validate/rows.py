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
import gc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, compress, cycle, repeat
from operator import is_not, itemgetter, ne, not_
from typing import Any

from tracker_sync.schemas import (
    ActionStep,
    ColumnSpec,
    Goal,
    LearningCycle,
    Observation,
    OneOnOne,
    RosterMember,
    SchoolSettings,
    Score,
    TabSpec,
    Template,
)
from tracker_sync.tabs import Grid
from tracker_sync.validate import cells
from tracker_sync.validate.cells import (
    CELL_TEXT_LIMIT,
    SHORT_TEXT_LIMIT,
    Parsed,
    People,
    SchoolYear,
    clean_text,
    is_blank,
    name_key,
    problem,
    squash_key,
)
from tracker_sync.validate.crosscheck import TabRows, across_tabs, within_tab
from tracker_sync.validate.findings import FINDING_TYPES, Finding, column_letter, shown

#: kind of tab -> (Records field, pydantic model of one row); scores are melted instead.
RECORD_MODELS = {
    "roster": ("roster", RosterMember), "observation": ("observations", Observation),
    "action_step": ("action_steps", ActionStep), "learning_cycle": ("learning_cycles", LearningCycle),
    "one_on_one": ("one_on_ones", OneOnOne), "goal": ("goals", Goal),
}


class RowAccountingError(AssertionError):
    """A tab's rows do not add up: a bug in the validator, never a coach's mistake."""


@dataclass
class TabReport:
    """Row accounting for one tab: accepted + excluded + blank = rows_read; and where each column of the
    template sits in the coach's header row (column key -> 0-based index), for the Flags tab."""

    tab: str
    rows_read: int = 0
    accepted: int = 0
    excluded: int = 0
    blank: int = 0
    positions: dict[str, int] = field(default_factory=dict)

    def check(self) -> None:
        if self.accepted + self.excluded + self.blank != self.rows_read:
            raise RowAccountingError(f"row accounting broken for {self.tab}: {self}")

    def exclude(self, count: int) -> None:
        """Move rows that a cross-row check found in error from accepted to excluded."""
        self.accepted -= count
        self.excluded += count

    def __str__(self) -> str:
        return f"{self.rows_read} read = {self.accepted} accepted + {self.excluded} excluded + {self.blank} blank"


class Records:
    """The valid rows of every coach tab, as pydantic records (scores melted to long form).

    The validator hands over columns of values already typed by the cell parsers. A caller that
    reads columns (``columns(name)``, e.g. to build a DataFrame) never pays for a dict or a model
    per row; ``rows(name)`` gives field dicts, and the lists of models are built (and checked by
    pydantic) on first access.
    """

    NAMES = ("roster", "observations", "scores", "action_steps", "learning_cycles", "one_on_ones", "goals")

    def __init__(self, rows: Mapping[str, list[dict]] | None = None, score_codes: list[str] | None = None,
                 untracked: frozenset[str] | None = None) -> None:
        """From field dicts per tab (scores wide, one dict per visit with a key per indicator code).
        `untracked`: the names whose tab the tracker lacks or could not read, which is not the same
        as an empty tab (default: the names `rows` leaves out)."""
        rows = rows or {}
        self._columns = {name: _columns_of(rows.get(name, [])) for name in self.NAMES}
        self._score_codes = score_codes or []
        self.untracked = frozenset(name for name in self.NAMES if name not in rows) if untracked is None else untracked
        self._melted = False
        self._rows: dict[str, list[dict]] = {}
        self._models: dict[str, list] = {}

    @classmethod
    def from_columns(cls, columns: Mapping[str, dict[str, list]], score_codes: list[str],
                     untracked: frozenset[str] = frozenset()) -> Records:
        """From one list per field per tab, as the validator holds them (scores wide)."""
        records = cls(score_codes=score_codes, untracked=untracked)
        records._columns.update(columns)
        return records

    def columns(self, name: str) -> dict[str, list]:
        """The records of one tab as columns: field -> list of values, all lists of one length
        (an empty tab may have no fields at all)."""
        if name == "scores" and not self._melted:
            self._columns["scores"] = _melt_scores(self._columns["scores"], self._score_codes)
            self._melted = True
        return self._columns[name]

    def rows(self, name: str) -> list[dict]:
        """The records of one tab as field dicts (the same fields as the pydantic models)."""
        if name not in self._rows:
            columns = self.columns(name)
            self._rows[name] = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
        return self._rows[name]

    def _models_of(self, name: str) -> list:
        if name not in self._models:
            model = Score if name == "scores" else next(m for field_name, m in RECORD_MODELS.values() if field_name == name)
            self._models[name] = [model(**values) for values in self.rows(name)]
        return self._models[name]

    roster = property(lambda self: self._models_of("roster"), doc="list[RosterMember]")
    observations = property(lambda self: self._models_of("observations"), doc="list[Observation]")
    scores = property(lambda self: self._models_of("scores"), doc="list[Score], one per scored indicator")
    action_steps = property(lambda self: self._models_of("action_steps"), doc="list[ActionStep]")
    learning_cycles = property(lambda self: self._models_of("learning_cycles"), doc="list[LearningCycle]")
    one_on_ones = property(lambda self: self._models_of("one_on_ones"), doc="list[OneOnOne]")
    goals = property(lambda self: self._models_of("goals"), doc="list[Goal]")


def _columns_of(rows: list[dict]) -> dict[str, list]:
    """Field dicts -> one list per field (a field a dict lacks reads as None there)."""
    fields = dict.fromkeys(key for values in rows for key in values)
    return {key: [values.get(key) for values in rows] for key in fields}


#: The fields of a score row that every melted score repeats.
_SCORE_FIELDS = ("row", "date", "teacher", "observer", "type")


def _melt_scores(wide: dict[str, list], codes: list[str]) -> dict[str, list]:
    """Wide score columns -> the fields of Score, one entry per scored indicator (row by row, in
    rubric order). Flattened row-major, so each list is built in one pass."""
    if not wide:
        return {}
    width = len(codes)
    marks = list(chain.from_iterable(zip(*(wide[code] for code in codes), strict=True)))
    scored = list(map(is_not, marks, repeat(None)))

    def spread(values: list) -> list:
        return list(compress(chain.from_iterable(map(repeat, values, repeat(width))), scored))

    return {**{key: spread(wide[key]) for key in _SCORE_FIELDS},
            "indicator": list(compress(cycle(codes), scored)), "score": list(compress(marks, scored))}


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
    elif kind == "teacher_or_team":
        typed = lambda v: ctx.people.find_owner(v)  # noqa: E731
    elif kind == "measure":
        typed = cells.parse_measure
    elif kind == "indicator":
        typed = lambda v: cells.parse_indicator(v, rubric)  # noqa: E731
    elif kind == "score":
        typed = lambda v: cells.parse_score(v, rubric)  # noqa: E731
    else:
        raise ValueError(f"column type {kind!r} has no parser")

    optional_note = kind == "long_text" and not column.required

    def parse(value: object) -> Parsed:
        if is_blank(value):
            return blank
        return cells.cell_oddity(value, optional_note=optional_note) or typed(value)

    return parse


def _check_date_range(parsed: Parsed, column: ColumnSpec, ctx: _Context) -> Parsed:
    day: dt.date | None = parsed.value
    if day is None:
        return parsed
    if day > ctx.as_of and not column.allow_future:
        read_as = f" ({parsed.problem[1]})" if parsed.problem else ""
        return Parsed(None, problem("date-in-future",
                                    f"{day.isoformat()} is after the as-of date {ctx.as_of.isoformat()}{read_as}."))
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
    width = max(len(header_row), max(map(len, data_rows), default=0))
    for index in range(width):
        raw = header_row[index] if index < len(header_row) else None
        key = _header_key(raw)
        here = partial(Finding, tab=tab.name, row=1, column=column_letter(index), value=shown(raw if raw is not None else ""))
        if not key:
            if any(index < len(r) and not is_blank(r[index]) for r in data_rows):
                findings.append(here("blank-header", message="This column has values but no header; they are not read.",
                                     header=""))
            continue
        spec = wanted.get(key)
        if spec is None and (code := settings.rubric.normalize_code(clean_text(raw)[:SHORT_TEXT_LIMIT])):
            spec = next((c for c in tab.columns if c.key == code), None)
        if spec is None:
            extras.append((index, clean_text(raw)))
        elif spec.key in positions:
            first = column_letter(positions[spec.key])
            findings.append(here("duplicate-column",
                                 message=f"'{spec.header}' appears again; column {first} is read and this one is ignored.",
                                 header=clean_text(raw)))
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
    for column in (c for c in unmatched if not c.with_form):  # a tracker without a form has no form columns
        at = guessed_at.get(column.key)
        hint = (f"Column {column_letter(at)} may be it: rename its header to '{column.header}'." if at is not None
                else f"Add a column headed '{column.header}' (any position).")
        if column.required:
            findings.append(Finding("missing-column", tab=tab.name, row=1, header=column.header,
                                    message=f"The required column '{column.header}' is missing, so this tab's rows are skipped.",
                                    fix=hint))
        elif not column.optional:  # a column newer than the tracker reads as blank until provision adds it
            findings.append(Finding("missing-optional-column", tab=tab.name, row=1, header=column.header,
                                    message=f"The column '{column.header}' is missing; it reads as blank on every row.",
                                    fix=hint))
    return _Header(positions, findings, [c for c in unmatched if c.required])


def _guess_renames(extras: list[tuple[int, str]], unmatched: list[ColumnSpec]) -> dict[int, ColumnSpec]:
    """Extra headers that look like a missing column's header ('Obs Date' for 'Date'): a hint, never a match."""
    if not extras or not unmatched:
        return {}
    from rapidfuzz import fuzz, process, utils  # lazy: only needed when headers are off

    choices = {c.key: c.header for c in unmatched}
    guesses = {}
    for index, text in extras:
        best = process.extractOne(text[:SHORT_TEXT_LIMIT], choices, scorer=fuzz.WRatio, processor=utils.default_process,
                                  score_cutoff=80)
        if best:
            guesses[index] = next(c for c in unmatched if c.key == best[2])
    return guesses


# --- rows --------------------------------------------------------------------------------------


def _parse_column(raw: list[Any], parse: Callable[[object], Parsed]) -> tuple[list[Any], list[tuple[int, tuple]]]:
    """Parse one column, each distinct raw value once: (values, (position, problem) per cell with a problem)."""
    distinct = dict.fromkeys(raw)
    # True == 1 == 1.0 share a key: tag values with their type
    if (0 in distinct or 1 in distinct) and bool in set(map(type, raw)):
        keys: list[Any] = [v if type(v) is str else (type(v), v) for v in raw]
        distinct = dict.fromkeys(keys)
        untag = True
    else:
        keys, untag = raw, False
    value_of: dict[Any, Any] = {}
    problems: dict[Any, tuple] = {}
    for key in distinct:
        parsed = parse(key[1] if untag and type(key) is tuple else key)
        value_of[key] = parsed.value
        if parsed.problem is not None:
            problems[key] = parsed.problem
    at = compress(range(len(keys)), map(problems.__contains__, keys)) if problems else ()
    found = [(i, problems[keys[i]]) for i in at]
    if not untag and all(type(value) is type(key) and value == key for key, value in value_of.items()):
        return list(raw), found  # every cell reads as itself (dates, names as on the Roster): no lookup per row
    return list(map(value_of.__getitem__, keys)), found


def _parse_odd_text(raw: list[Any], parse: Callable[[object], Parsed]) -> tuple[list[Any], list[tuple[int, tuple]]]:
    """_parse_column for free text, where nearly every value differs: plain strings are their own
    value; only odd cells (blank, not text, padded with spaces, '#N/A' and other spreadsheet errors,
    very long) go through the parser, each distinct one once. The tests run over the column in C."""
    texts = raw if set(map(type, raw)) <= {str} else [v if type(v) is str else "" for v in raw]  # not text: "" is odd
    odd_flags = map(any, zip(map(not_, texts), map(ne, texts, map(str.strip, texts)), map(str.startswith, texts, repeat("#")),
                             strict=True))
    odd = list(compress(range(len(texts)), odd_flags))
    if max(map(len, texts), default=0) > CELL_TEXT_LIMIT:
        odd = sorted({*odd, *(i for i, text in enumerate(texts) if len(text) > CELL_TEXT_LIMIT)})
    if len(odd) == len(raw):
        return _parse_column(raw, parse)
    values = list(raw)
    odd_values, problems = _parse_column([raw[i] for i in odd], parse)
    for i, value in zip(odd, odd_values, strict=True):
        values[i] = value
    return values, [(odd[j], found) for j, found in problems]


def _read_tab(tab: TabSpec, grid: Grid, ctx: _Context) -> tuple[TabRows, list[Finding], TabReport]:
    """Parse every row of one tab, column by column; returns the columns of the rows without an error."""
    report = TabReport(tab.name)
    header_row, data_rows = (grid[0], grid[1:]) if grid else ([], [])
    header = match_header(tab, header_row, data_rows, ctx.settings)
    report.positions = header.positions
    findings = list(header.findings)
    report.rows_read = len(data_rows)
    maybe_blank = [i for i, row in enumerate(data_rows) if not row or row[0] is None
                   or (type(row[0]) is str and not row[0].strip())]
    blank = {i for i in maybe_blank if all(map(is_blank, data_rows[i]))}
    report.blank = len(blank)
    if header.missing_required:  # never misread a tab whose columns cannot all be found
        report.excluded = report.rows_read - report.blank
        report.check()
        return TabRows.empty(tab, header.positions), findings, report
    live = [row for i, row in enumerate(data_rows) if i not in blank] if blank else data_rows
    sheet_rows = [i + 2 for i in range(len(data_rows)) if i not in blank] if blank else list(range(2, len(data_rows) + 2))
    width = max(map(len, live), default=0)
    padded = (live if set(map(len, live)) <= {width}
              else [row if len(row) == width else [*row, *([None] * (width - len(row)))] for row in live])
    bad_rows: set[int] = set()
    columns = {"row": sheet_rows}
    for column in tab.columns:
        index = header.positions.get(column.key)
        raw = list(map(itemgetter(index), padded)) if index is not None and index < width else [None] * len(live)
        if column.type == "long_text":  # notes are all different: only odd cells go through the parser
            columns[column.key], problems = _parse_odd_text(raw, _cell_parser(column, ctx))
        else:
            columns[column.key], problems = _parse_column(raw, _cell_parser(column, ctx))
        letter = column_letter(index) if index is not None else None
        for i, (code, message, fix) in problems:
            if FINDING_TYPES[code].severity == "error":
                bad_rows.add(i)
            findings.append(Finding(code, tab=tab.name, row=sheet_rows[i], column=letter, header=column.header,
                                    value=shown(raw[i]) if raw[i] is not None else "", message=message, fix=fix))
    rows = TabRows(tab, header.positions, columns)
    if bad_rows:
        rows.keep([i not in bad_rows for i in range(len(sheet_rows))])
    report.excluded = len(bad_rows)
    report.accepted = len(rows)
    report.check()
    return rows, findings, report


def _people(roster: TabRows | None, excluded_rows: dict[str, int]) -> People:
    members = {name_key(name): name for name in roster.columns["teacher"]} if roster else {}
    teams: dict[str, str] = {}
    for team in roster.columns["team"] if roster else ():
        teams.setdefault(name_key(team), team)  # the first spelling of a team names it
    return People(members, {k: r for k, r in excluded_rows.items() if k not in members}, teams)


def _roster_names_in_error(grid: Grid, roster: TabRows, findings: list[Finding]) -> dict[str, int]:
    """name_key -> sheet row, for Roster rows that name someone but were excluded for another error."""
    index = roster.positions.get("teacher")
    bad_rows = {f.row for f in findings if f.row and f.row > 1 and f.severity == "error"}
    names: dict[str, int] = {}
    for row_number in sorted(bad_rows):
        row = grid[row_number - 1] if row_number - 1 < len(grid) else []
        if index is not None and index < len(row) and not is_blank(row[index]):
            names.setdefault(name_key(clean_text(row[index])), row_number)
    return names


def _drop_rows_in_error(tab: TabRows, report: TabReport, findings: list[Finding]) -> None:
    bad = {f.row for f in findings if f.tab == tab.spec.name and f.severity == "error"}
    if bad:
        kept = [row not in bad for row in tab.columns["row"]]
        dropped = kept.count(False)  # `bad` also names rows the cell checks already left out
        if dropped:
            report.exclude(dropped)
            tab.keep(kept)


def _carried_dates_kept(rows: TabRows, grid: Grid, findings: list[Finding], ctx: _Context) -> list[Finding]:
    """A goal or action step Carried Over from last year keeps last year's dates (set, due, check-in):
    a date before this school year is expected there, not 'outside the school year'. Read from the
    row as typed, so a carried row with another mistake keeps this exemption too."""
    status_at = rows.positions.get("status")
    if rows.spec.kind not in ("goal", "action_step") or status_at is None:
        return findings
    position = {c.header: rows.positions.get(c.key) for c in rows.spec.columns}

    def expected(f: Finding) -> bool:
        if f.code != "date-outside-school-year" or not f.row or f.row > len(grid):
            return False
        row = grid[f.row - 1]
        status = row[status_at] if status_at < len(row) else None
        at = position.get(f.header) if f.header else None
        if at is None or at >= len(row) or is_blank(status) or squash_key(clean_text(status)) != "carriedover":
            return False
        day = cells.parse_date(row[at], ctx.year).value
        return isinstance(day, dt.date) and day < ctx.year.start

    return [f for f in findings if not expected(f)]


def _missing_tab(tab: TabSpec, settings: SchoolSettings) -> Finding:
    """A missing coach tab: an error, or for an optional tab (new since the tracker was made) one
    warning that says how to add it."""
    if not tab.optional:
        return Finding("missing-tab", tab=tab.name, message=f"The tab '{tab.name}' is missing.")
    return Finding("missing-optional-tab", tab=tab.name,
                   message=f"The tab '{tab.name}' is missing, so its patterns are left out; the other tabs are read as usual.",
                   fix=f'Run tracker-sync provision --school "{settings.school}" --out <this file> (a Google tracker: '
                       "--backend google) to add it; it never touches your rows.")


def validate(grids: Mapping[str, Grid], template: Template, settings: SchoolSettings, as_of: dt.date) -> ValidationResult:
    """Check every coach tab of a concrete template (Template.for_rubric) against the school's settings."""
    collecting = gc.isenabled()
    gc.disable()  # a big tracker allocates millions of small objects and no cycles: the cycle collector only slows it
    try:
        return _validate(grids, template, settings, as_of)
    finally:
        if collecting:
            gc.enable()


def _validate(grids: Mapping[str, Grid], template: Template, settings: SchoolSettings, as_of: dt.date) -> ValidationResult:
    findings: list[Finding] = []
    reports: dict[str, TabReport] = {}
    tabs: dict[str, TabRows] = {}
    ctx = _Context(settings, as_of, SchoolYear(settings.school_year_start, settings.school_year_end), People({}))
    for tab in sorted(template.tabs, key=lambda t: t.kind != "roster"):  # the Roster first: others name its people
        if tab.name not in grids:
            findings.append(_missing_tab(tab, settings))
            reports[tab.name] = TabReport(tab.name)
            tabs[tab.kind] = TabRows.empty(tab)
            continue
        rows, tab_findings, report = _read_tab(tab, grids[tab.name], ctx)
        tab_findings = _carried_dates_kept(rows, grids[tab.name], tab_findings, ctx) + within_tab(rows, settings.rubric)
        _drop_rows_in_error(rows, report, tab_findings)
        if tab.kind == "roster":
            ctx.people = _people(rows, _roster_names_in_error(grids[tab.name], rows, tab_findings))
        findings += tab_findings
        reports[tab.name], tabs[tab.kind] = report, rows
    across = across_tabs(tabs, settings.norms.lead_roles)
    for rows in tabs.values():
        _drop_rows_in_error(rows, reports[rows.spec.name], across)
    findings += across
    scores = tabs.get("score")
    name_of = {kind: RECORD_MODELS[kind][0] if kind != "score" else "scores" for kind in tabs}
    records = Records.from_columns(
        {name_of[kind]: rows.columns for kind, rows in tabs.items()},
        score_codes=[c.key for c in scores.spec.columns if c.type == "score"] if scores else [],
        untracked=frozenset(name_of[kind] for kind, rows in tabs.items() if not rows.usable),
    )
    for report in reports.values():
        report.check()
    sort_findings(findings, template)
    return ValidationResult(records, findings, {t.name: reports[t.name] for t in template.tabs})


def sort_findings(findings: list[Finding], template: Template) -> None:
    """In place, as the Flags tab lists them: by tab (the template's order), row, then column."""
    order = {t.name: i for i, t in enumerate(template.tabs)}
    findings.sort(key=lambda f: (order.get(f.tab, 99), f.row or 0, len(f.column or ""), f.column or ""))
