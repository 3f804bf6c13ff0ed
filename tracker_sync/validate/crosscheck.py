"""Checks that need more than one cell: a row against its tab (duplicates, date order, overlaps, a
goal's scores against the rubric) and against other tabs (a score with no visit, a cycle the teacher
does not have, Left teachers, a Team Lead check-in with someone who leads no team).

Every check is a pure function of the rows that passed the cell checks and returns findings; the
validator then leaves out the rows that got an error, so the accounting stays whole.

Speed: the rows are held as columns (one list per field), and each check scans only the columns it
needs; a tab of 200,000 rows is checked in a few tenths of a second, without a dict per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import compress
from operator import eq, ne, not_

from tracker_sync.schemas import Rubric, TabSpec
from tracker_sync.validate.cells import name_key, score_range
from tracker_sync.validate.findings import Finding, column_letter, shown

OPEN_STEP_STATUSES = frozenset({"Not Started", "In Progress", "Carried Over"})
OPEN_CYCLE_STATUSES = frozenset({"Planned", "Active"})
OPEN_GOAL_STATUSES = frozenset({"Draft", "Active", "Carried Over"})
PRACTICE_GOAL = "Professional practice"
#: 1:1 Kinds that are meant for a Team Lead (the validator checks the person's Roster role).
LEAD_MEETING_KINDS = frozenset({"Team Lead check-in", "Leadership coaching"})


@dataclass
class TabRows:
    """The rows of one tab that passed the cell checks, as columns, and where each column sits in the sheet.

    ``columns`` maps "row" (the sheet row numbers) and every column key of the tab to a list of
    parsed values, all of the same length: entry i of each list belongs to the same sheet row.
    """

    spec: TabSpec
    positions: dict[str, int]
    columns: dict[str, list]
    usable: bool = True  # False when the tab is missing or skipped for a missing column

    @classmethod
    def empty(cls, spec: TabSpec, positions: dict[str, int] | None = None) -> TabRows:
        """A tab that could not be read: no rows, and not held against other tabs."""
        return cls(spec, positions or {}, {"row": [], **{c.key: [] for c in spec.columns}}, usable=False)

    def __len__(self) -> int:
        return len(self.columns["row"])

    def keep(self, kept: list[bool]) -> None:
        """Keep only the rows whose flag is true (one flag per row, in order)."""
        self.columns = {key: list(compress(values, kept)) for key, values in self.columns.items()}

    def finding(self, code: str, at: int, key: str, message: str, fix: str = "") -> Finding:
        """A finding on the cell of column `key` in row number `at` (0-based, of these rows)."""
        index = self.positions.get(key)
        raw = self.columns[key][at]
        return Finding(code, tab=self.spec.name, row=self.columns["row"][at],
                       column=column_letter(index) if index is not None else None,
                       header=self.spec.column(key).header, value=shown(raw) if raw is not None else "", message=message, fix=fix)

    @property
    def first_key(self) -> str:
        return self.spec.columns[0].key


def repeats(keys: list) -> list[tuple[int, int]]:
    """(at, first) for every key seen before: its position and the position where it first appeared."""
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))  # the earliest position wins
    if len(first) == len(keys):
        return []
    earliest = list(map(first.__getitem__, keys))
    return [(at, earliest[at]) for at in compress(range(len(keys)), map(ne, earliest, range(len(keys))))]


def duplicate_roster_names(roster: TabRows) -> list[Finding]:
    names, rows = roster.columns["teacher"], roster.columns["row"]
    return [roster.finding("duplicate-roster-name", at, "teacher",
                           f"'{shown(names[at])}' is already on row {rows[first]}; that row is used.")
            for at, first in repeats(list(map(name_key, names)))]


def duplicate_rows(tab: TabRows) -> list[Finding]:
    """Rows identical in every column (after parsing: '9/14/2026' equals a date cell of that day), the
    form response a row came from left out: a visit typed and also sent on the form is one visit."""
    rows = tab.columns["row"]
    keys = list(zip(*(tab.columns[c.key] for c in tab.spec.columns if not c.with_form), strict=True))
    return [tab.finding("duplicate-row", at, tab.first_key, f"This row repeats row {rows[first]} exactly; it is counted once.")
            for at, first in repeats(keys)]


def duplicate_scores(scores: TabRows) -> list[Finding]:
    """The same teacher, date and observer scored again: a copy, or a conflict when scores differ."""
    columns = scores.columns
    codes = [c.key for c in scores.spec.columns if c.type == "score"]
    findings = []
    for at, first in repeats(list(zip(columns["teacher"], columns["date"], columns["observer"], strict=True))):
        here, there = {c: columns[c][at] for c in codes}, {c: columns[c][first] for c in codes}
        earlier_row = columns["row"][first]
        differ = [c for c in codes if here[c] is not None and there[c] is not None and here[c] != there[c]]
        who = f"{columns['teacher'][at]} on {columns['date'][at].isoformat()} by {columns['observer'][at]}"
        if differ:
            detail = ", ".join(f"{c}: {here[c]:g} here, {there[c]:g} there" for c in differ[:4])
            findings.append(scores.finding("conflicting-scores", at, "teacher",
                                           f"Row {earlier_row} also scores {who}, with different scores ({detail}).",
                                           "Keep the right scores on one row and delete the other; row "
                                           f"{earlier_row} counts until then."))
        elif here == there:
            findings.append(scores.finding("duplicate-row", at, "teacher",
                                           f"Row {earlier_row} already has these scores for {who}; they count once."))
    return findings


def dates_in_order(tab: TabRows, first: str, then: str, code: str, what: str) -> list[Finding]:
    """`then` must not fall before `first` (feedback after the visit, end after start ...)."""
    earlier, later = tab.columns[first], tab.columns[then]
    backwards = [at for at, (a, b) in enumerate(zip(earlier, later, strict=True)) if a is not None and b is not None and b < a]
    return [tab.finding(code, at, then, what.format(then=later[at].isoformat(), first=earlier[at].isoformat()))
            for at in backwards]


def overlapping_cycles(cycles: TabRows, skip_rows: set[int]) -> list[Finding]:
    """Cycles of one teacher that share days (Abandoned cycles and rows already in error aside)."""
    columns = cycles.columns
    rows, starts, ends, names = columns["row"], columns["start_date"], columns["end_date"], columns["cycle"]
    by_teacher: dict[str, list[int]] = defaultdict(list)
    for at, (row, teacher, status) in enumerate(zip(rows, columns["teacher"], columns["status"], strict=True)):
        if row not in skip_rows and status != "Abandoned":
            by_teacher[teacher].append(at)
    findings = []
    for positions in by_teacher.values():
        positions.sort(key=lambda at: (starts[at], rows[at]))
        latest = None
        for at in positions:
            if latest is not None and starts[at] <= ends[latest]:
                findings.append(cycles.finding(
                    "overlapping-cycles", at, "start_date",
                    f"{names[at]} starts {starts[at].isoformat()}, before {names[latest]} (row {rows[latest]}) ends on "
                    f"{ends[latest].isoformat()}."))
            if latest is None or ends[at] > ends[latest]:
                latest = at
    return findings


def one_on_ones_with_self(meetings: TabRows) -> list[Finding]:
    """A 1:1 whose Led By is the person it is with: usually the same name picked twice."""
    columns = meetings.columns
    return [meetings.finding("one-on-one-with-self", at, "led_by",
                             f"{columns['teacher'][at]} is both the person met and who led the 1:1.")
            for at in compress(range(len(meetings)), map(eq, columns["teacher"], columns["led_by"]))]


def goal_scores_on_scale(goals: TabRows, rubric: Rubric) -> list[Finding]:
    """Practice goals: an indicator named, and a numeric baseline or target on the rubric's scale
    (goal progress compares it with the scores)."""
    columns = goals.columns
    findings = []
    scale = score_range(rubric.scale_min, rubric.scale_max)
    for at in compress(range(len(goals)), map(PRACTICE_GOAL.__eq__, columns["kind"])):
        if columns["indicator"][at] is None:
            findings.append(goals.finding("goal-without-indicator", at, "indicator",
                                          "This Professional practice goal names no rubric indicator."))
        for key in ("baseline", "target"):
            value = columns[key][at]
            if type(value) is float and not rubric.scale_min <= value <= rubric.scale_max:
                findings.append(goals.finding(
                    "goal-score-off-scale", at, key,
                    f"{value:g} is not on the {rubric.short_name} scale {scale}; goal progress ignores it"
                    + (" and compares with the first score on or after the Set Date." if key == "baseline" else ".")))
    return findings


def within_tab(tab: TabRows, rubric: Rubric) -> list[Finding]:
    """Every check of a tab's rows against each other, by kind of tab."""
    kind = tab.spec.kind
    if kind == "roster":
        return duplicate_roster_names(tab)
    if kind == "score":
        return duplicate_scores(tab)
    findings = duplicate_rows(tab)
    if kind == "observation":
        findings += dates_in_order(tab, "date", "feedback_date", "feedback-before-observation",
                                   "Feedback {then} is before the observation on {first}.")
    elif kind == "action_step":
        findings += dates_in_order(tab, "date_set", "date_completed", "completed-before-set",
                                   "Completed {then}, before the step was set on {first}.")
    elif kind == "learning_cycle":
        backwards = dates_in_order(tab, "start_date", "end_date", "cycle-ends-before-start",
                                   "The cycle ends {then}, before it starts on {first}.")
        findings += backwards + overlapping_cycles(tab, {f.row for f in [*findings, *backwards] if f.row is not None})
    elif kind == "one_on_one":
        findings += dates_in_order(tab, "date", "next_steps_due", "next-steps-due-before-meeting",
                                   "Next steps due {then}, before the 1:1 on {first}.")
        findings += one_on_ones_with_self(tab)
    elif kind == "goal":
        findings += dates_in_order(tab, "set_date", "last_check_in", "check-in-before-set",
                                   "Last check-in {then}, before the goal was set on {first}.")
        findings += goal_scores_on_scale(tab, rubric)
    return findings


def check_ins_with_leads(meetings: TabRows, role_of: dict[str, str | None], lead_roles: tuple[str, ...]) -> list[Finding]:
    """A 1:1 of a Team Lead Kind whose person's Roster role is not a lead role."""
    people, kinds = meetings.columns["teacher"], meetings.columns["kind"]
    findings = []
    for at in compress(range(len(meetings)), map(LEAD_MEETING_KINDS.__contains__, kinds)):  # most 1:1s are with teachers
        role = role_of.get(people[at])
        if role not in lead_roles:
            findings.append(meetings.finding(
                "check-in-not-a-lead", at, "kind",
                f"Kind is {kinds[at]}, but {people[at]} is {f'a {role}' if role else 'given no role'} on the Roster "
                f"(leads: {', '.join(lead_roles)})."))
    return findings


def across_tabs(tabs: dict[str, TabRows], lead_roles: tuple[str, ...]) -> list[Finding]:
    """Checks between tabs; a tab that could not be read (missing, skipped) is not held against others."""
    findings: list[Finding] = []
    obs, scores, steps, cycles = (tabs.get(k) for k in ("observation", "score", "action_step", "learning_cycle"))
    meetings, goals, roster = tabs.get("one_on_one"), tabs.get("goal"), tabs.get("roster")
    status_of = dict(zip(roster.columns["teacher"], roster.columns["status"], strict=True)) if roster else {}
    if obs and obs.usable and scores:
        visits = set(zip(obs.columns["teacher"], obs.columns["date"], strict=True))
        teachers, dates = scores.columns["teacher"], scores.columns["date"]
        for at in compress(range(len(scores)), map(not_, map(visits.__contains__, zip(teachers, dates, strict=True)))):
            findings.append(scores.finding(
                "score-without-observation", at, "date",
                f"No observation of {teachers[at]} on {dates[at].isoformat()} is logged on the {obs.spec.name} tab."))
    if obs and cycles and cycles.usable:
        key_of = {name: name_key(name) for name in {*cycles.columns["cycle"], *filter(None, obs.columns["learning_cycle"])}}
        named: dict[str, dict[str, str]] = defaultdict(dict)
        for teacher, cycle in zip(cycles.columns["teacher"], cycles.columns["cycle"], strict=True):
            named[teacher][key_of[cycle]] = cycle
        teachers, cycle_named = obs.columns["teacher"], obs.columns["learning_cycle"]
        for at in compress(range(len(obs)), cycle_named):  # the visits that name a cycle
            teacher, cycle = teachers[at], cycle_named[at]
            if key_of[cycle] not in named[teacher]:
                have = shown(", ".join(sorted(named[teacher].values())) or "none", 120)
                findings.append(obs.finding(
                    "unknown-learning-cycle", at, "learning_cycle",
                    f"{shown(teacher)} has no learning cycle named '{shown(cycle)}' (cycles: {have})."))
    if meetings and roster and roster.usable:
        findings += check_ins_with_leads(meetings, dict(zip(roster.columns["teacher"], roster.columns["role"], strict=True)),
                                         lead_roles)
    for tab, open_statuses in ((steps, OPEN_STEP_STATUSES), (cycles, OPEN_CYCLE_STATUSES), (goals, OPEN_GOAL_STATUSES)):
        if not tab:
            continue
        owner = "teacher_or_team" if tab is goals else "teacher"
        for at, (teacher, status) in enumerate(zip(tab.columns[owner], tab.columns["status"], strict=True)):
            if status in open_statuses and status_of.get(teacher) == "Left":
                findings.append(tab.finding(
                    "left-teacher-open-item", at, "status",
                    f"{teacher} is marked Left on the Roster, but this is still {status}."))
    return findings
