"""Checks that need more than one cell: a row against its tab (duplicates, date order, overlaps)
and against other tabs (a score with no visit, a cycle the teacher does not have, Left teachers).

Every check is a pure function of the rows that passed the cell checks and returns findings; the
validator then leaves out the rows that got an error, so the accounting stays whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter

from tracker_sync.cells import name_key
from tracker_sync.findings import Finding, column_letter, shown
from tracker_sync.schemas import TabSpec

OPEN_STEP_STATUSES = frozenset({"Not Started", "In Progress", "Carried Over"})
OPEN_CYCLE_STATUSES = frozenset({"Planned", "Active"})


@dataclass
class TabRows:
    """The rows of one tab that passed the cell checks, and where each column sits in the sheet."""

    spec: TabSpec
    positions: dict[str, int]
    rows: list[dict]
    usable: bool = True  # False when the tab is missing or skipped for a missing column

    def finding(self, code: str, values: dict, key: str, message: str, fix: str = "") -> Finding:
        index = self.positions.get(key)
        raw = values.get(key)
        return Finding(code, tab=self.spec.name, row=values["row"], column=column_letter(index) if index is not None else None,
                       header=self.spec.column(key).header, value=shown(raw) if raw is not None else "", message=message, fix=fix)

    @property
    def first_key(self) -> str:
        return self.spec.columns[0].key


def duplicate_roster_names(roster: TabRows) -> list[Finding]:
    first_row: dict[str, int] = {}
    findings = []
    for values in roster.rows:
        key = name_key(values["teacher"])
        if key in first_row:
            findings.append(roster.finding("duplicate-roster-name", values, "teacher", f"'{values['teacher']}' is already on row {first_row[key]}; that row is used."))
        else:
            first_row[key] = values["row"]
    return findings


def duplicate_rows(tab: TabRows) -> list[Finding]:
    """Rows identical in every column (after parsing: '9/14/2026' equals a date cell of that day)."""
    first_row: dict[tuple, int] = {}
    findings = []
    fields = itemgetter(*(c.key for c in tab.spec.columns))
    for values in tab.rows:
        key = fields(values)
        if key in first_row:
            findings.append(tab.finding("duplicate-row", values, tab.first_key, f"This row repeats row {first_row[key]} exactly; it is counted once."))
        else:
            first_row[key] = values["row"]
    return findings


def duplicate_scores(scores: TabRows) -> list[Finding]:
    """The same teacher, date and observer scored again: a copy, or a conflict when scores differ."""
    codes = [c.key for c in scores.spec.columns if c.type == "score"]
    first: dict[tuple, dict] = {}
    findings = []
    for values in scores.rows:
        key = (values["teacher"], values["date"], values["observer"])
        earlier = first.get(key)
        if earlier is None:
            first[key] = values
            continue
        differ = [c for c in codes if values.get(c) is not None and earlier.get(c) is not None and values[c] != earlier[c]]
        who = f"{values['teacher']} on {values['date'].isoformat()} by {values['observer']}"
        if differ:
            detail = ", ".join(f"{c}: {values[c]:g} here, {earlier[c]:g} there" for c in differ[:4])
            findings.append(scores.finding("conflicting-scores", values, "teacher",
                                           f"Row {earlier['row']} also scores {who}, with different scores ({detail}).",
                                           f"Keep the right scores on one row and delete the other; row {earlier['row']} counts until then."))
        elif all(values.get(c) == earlier.get(c) for c in codes):
            findings.append(scores.finding("duplicate-row", values, "teacher", f"Row {earlier['row']} already has these scores for {who}; they count once."))
    return findings


def dates_in_order(tab: TabRows, first: str, then: str, code: str, what: str) -> list[Finding]:
    """`then` must not fall before `first` (feedback after the visit, end after start ...)."""
    findings = []
    for values in tab.rows:
        earlier, later = values.get(first), values.get(then)
        if earlier is not None and later is not None and later < earlier:
            findings.append(tab.finding(code, values, then, what.format(then=later.isoformat(), first=earlier.isoformat())))
    return findings


def overlapping_cycles(cycles: TabRows, skip_rows: set[int]) -> list[Finding]:
    """Cycles of one teacher that share days (Abandoned cycles and rows already in error aside)."""
    by_teacher: dict[str, list[dict]] = defaultdict(list)
    for values in cycles.rows:
        if values["row"] not in skip_rows and values["status"] != "Abandoned":
            by_teacher[values["teacher"]].append(values)
    findings = []
    for rows in by_teacher.values():
        rows.sort(key=lambda v: (v["start_date"], v["row"]))
        latest = None
        for values in rows:
            if latest is not None and values["start_date"] <= latest["end_date"]:
                findings.append(cycles.finding(
                    "overlapping-cycles", values, "start_date",
                    f"{values['cycle']} starts {values['start_date'].isoformat()}, before {latest['cycle']} (row {latest['row']}) ends on {latest['end_date'].isoformat()}."))
            if latest is None or values["end_date"] > latest["end_date"]:
                latest = values
    return findings


def within_tab(tab: TabRows) -> list[Finding]:
    """Every check of a tab's rows against each other, by kind of tab."""
    kind = tab.spec.kind
    if kind == "roster":
        return duplicate_roster_names(tab)
    if kind == "score":
        return duplicate_scores(tab)
    findings = duplicate_rows(tab)
    if kind == "observation":
        findings += dates_in_order(tab, "date", "feedback_date", "feedback-before-observation", "Feedback {then} is before the observation on {first}.")
    elif kind == "action_step":
        findings += dates_in_order(tab, "date_set", "date_completed", "completed-before-set", "Completed {then}, before the step was set on {first}.")
    elif kind == "learning_cycle":
        backwards = dates_in_order(tab, "start_date", "end_date", "cycle-ends-before-start", "The cycle ends {then}, before it starts on {first}.")
        findings += backwards + overlapping_cycles(tab, {f.row for f in [*findings, *backwards]})
    return findings


def across_tabs(tabs: dict[str, TabRows], status_of: dict[str, str]) -> list[Finding]:
    """Checks between tabs; a tab that could not be read (missing, skipped) is not held against others."""
    findings: list[Finding] = []
    obs, scores, steps, cycles = (tabs.get(k) for k in ("observation", "score", "action_step", "learning_cycle"))
    if obs and obs.usable and scores:
        visits = {(v["teacher"], v["date"]) for v in obs.rows}
        for values in scores.rows:
            if (values["teacher"], values["date"]) not in visits:
                findings.append(scores.finding(
                    "score-without-observation", values, "date",
                    f"No observation of {values['teacher']} on {values['date'].isoformat()} is logged on the {obs.spec.name} tab."))
    if obs and cycles and cycles.usable:
        named: dict[str, dict[str, str]] = defaultdict(dict)
        for values in cycles.rows:
            named[values["teacher"]][name_key(values["cycle"])] = values["cycle"]
        for values in obs.rows:
            cycle = values.get("learning_cycle")
            if cycle and name_key(cycle) not in named[values["teacher"]]:
                have = ", ".join(sorted(named[values["teacher"]].values())) or "none"
                findings.append(obs.finding(
                    "unknown-learning-cycle", values, "learning_cycle",
                    f"{values['teacher']} has no learning cycle named '{cycle}' (cycles: {have})."))
    for tab, open_statuses in ((steps, OPEN_STEP_STATUSES), (cycles, OPEN_CYCLE_STATUSES)):
        for values in tab.rows if tab else []:
            if status_of.get(values["teacher"]) == "Left" and values["status"] in open_statuses:
                findings.append(tab.finding(
                    "left-teacher-open-item", values, "status",
                    f"{values['teacher']} is marked Left on the Roster, but this is still {values['status']}."))
    return findings
