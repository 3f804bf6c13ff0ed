"""New form responses -> rows to append at the bottom of the coach tabs. Pure: responses and grids in,
rows, an inbox and the next cursor out; the Google backend fetches and appends (backends/google/form.py).

Each response becomes one Observations row and, when it has scores, one scores-tab row, laid out by
the tab's own header row (a coach may have moved columns) and carrying the response id in the
``Form Response`` column. The rows are validated like any other: they reach the validator at the
row numbers the append will give them.

A response is appended once: the tracker keeps a cursor (the latest ``lastSubmittedTime`` it took,
in its metadata, written in the same atomic write as the rows) and the ids in its Form Response
columns. A response listed again whose id is already in the tracker was edited on the form after
its row was added: the row is never rewritten (appended rows only), and the Flags tab names the
columns that differ until a coach changes the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker_sync.form.questions import FormMap, indicator_of
from tracker_sync.schemas import SchoolSettings, TabSpec, Template
from tracker_sync.tabs import CellValue, FormEdit, FormInbox, Grid
from tracker_sync.validate.cells import clean_text, is_blank
from tracker_sync.validate.rows import match_header

SOURCE = "form_response"  # the template's column key for the response id


@dataclass(frozen=True)
class Response:
    """One form response as responses.list gives it: answers by question id, each a list of strings."""

    id: str
    submitted: str  # lastSubmittedTime (RFC 3339, UTC)
    email: str
    answers: Mapping[str, Sequence[str]]

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Response:
        answers = {qid: [a.get("value", "") for a in answer.get("textAnswers", {}).get("answers", [])]
                   for qid, answer in (raw.get("answers") or {}).items()}
        return cls(raw["responseId"], raw.get("lastSubmittedTime") or raw.get("createTime", ""), raw.get("respondentEmail", ""),
                   answers)


def later(a: str, b: str) -> str:
    """The later of two RFC 3339 UTC timestamps ('' is the earliest), to the nanosecond."""
    return max(a, b, key=_instant)


def _instant(stamp: str) -> tuple[str, str]:
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    return whole, fraction.ljust(9, "0")


@dataclass
class _Layout:
    """Where a coach tab's columns sit, and which of its rows came from which response."""

    tab: TabSpec
    positions: dict[str, int]
    rows_now: int  # rows in the grid, header included: the next append lands below
    by_response: dict[str, int] = field(default_factory=dict)  # response id -> sheet row

    @property
    def width(self) -> int:
        return max(self.positions.values()) + 1

    def row(self, values: Mapping[str, CellValue]) -> list[CellValue]:
        cells: list[CellValue] = [None] * self.width
        for key, value in values.items():
            if key in self.positions:
                cells[self.positions[key]] = value
        while cells and cells[-1] is None:
            cells.pop()
        return cells


@dataclass(frozen=True)
class Intake:
    """What one read takes in: rows to append per tab, the inbox the pipeline sees, and the metadata
    the write stores with the rows (the next cursor, the edits still flagged)."""

    rows: dict[str, list[list[CellValue]]]
    inbox: FormInbox
    cursor: str
    edits: str


def take_in(responses: Iterable[Response], *, grids: Mapping[str, Grid], template: Template, settings: SchoolSettings,
            form: FormMap, cursor: str, stored_edits: str = "", link: str = "", form_id: str = "") -> Intake:
    """The rows the new ``responses`` add (those listed after ``cursor``), and the edited ones flagged.

    Nothing is appended, and the cursor stays, while a tab or its Form Response column is missing
    (``waiting``): the responses are taken in once provisioning has put it back.
    """
    layouts: dict[str, _Layout] = {}
    waiting_for = ""
    for kind in ("observation", "score"):
        tab = template.tab_of_kind(kind)
        grid = grids.get(tab.name)
        if not grid:
            waiting_for = waiting_for or f"the tab '{tab.name}' is missing"
            continue
        positions = match_header(tab, grid[0], [], settings).positions
        if SOURCE not in positions:
            waiting_for = waiting_for or f"the column '{tab.column(SOURCE).header}' of {tab.name} is missing"
            continue
        at = positions[SOURCE]
        layout = _Layout(tab, positions, len(grid))
        layout.by_response = {str(row[at]): number for number, row in enumerate(grid[1:], start=2)
                              if at < len(row) and not is_blank(row[at])}
        layouts[kind] = layout
    emails = _roster_emails(grids, template, settings)
    appended: dict[str, list[list[CellValue]]] = {}
    edits = _still_flagged(stored_edits, layouts, grids)
    newest, waiting = cursor, 0
    for response in sorted(responses, key=lambda r: _instant(r.submitted)):
        newest = later(newest, response.submitted)
        values = _values(response, form, settings, emails)
        if any(response.id in layout.by_response for layout in layouts.values()):
            edits.pop(response.id, None)
            if changed := _changes(response, values, layouts, grids):
                edits[response.id] = changed
            continue
        wanted = ["observation", *(["score"] if _scored(values["score"]) else [])]
        if waiting_for or any(kind not in layouts for kind in wanted):
            waiting += 1
            continue
        for kind in wanted:
            layout = layouts[kind]
            appended.setdefault(layout.tab.name, []).append(layout.row({**values[kind], SOURCE: response.id}))
    if waiting:
        appended, newest = {}, cursor  # all or nothing: the next sync after the repair takes them in order
    inbox = FormInbox(link, form_id, newest, {tab: len(rows) for tab, rows in appended.items()}, _flags(edits, layouts),
                      waiting, waiting_for if waiting else "")
    return Intake(appended, inbox, newest, json.dumps(edits, sort_keys=True) if edits else "")


def _roster_emails(grids: Mapping[str, Grid], template: Template, settings: SchoolSettings) -> dict[str, str]:
    """email (case-folded) -> the Roster's name for that person."""
    roster = template.tab_of_kind("roster")
    grid = grids.get(roster.name) or []
    if not grid:
        return {}
    positions = match_header(roster, grid[0], grid[1:], settings).positions
    name_at, email_at = positions.get("teacher"), positions.get("email")
    if name_at is None or email_at is None:
        return {}
    return {clean_text(row[email_at]).casefold(): clean_text(row[name_at]) for row in grid[1:]
            if max(name_at, email_at) < len(row) and not is_blank(row[email_at]) and not is_blank(row[name_at])}


def active_teachers(grids: Mapping[str, Grid], template: Template, settings: SchoolSettings) -> list[str]:
    """The Roster's names whose Status is not Left, as typed (the Teacher question's options)."""
    roster = template.tab_of_kind("roster")
    grid = grids.get(roster.name) or []
    if not grid:
        return []
    positions = match_header(roster, grid[0], grid[1:], settings).positions
    name_at, status_at = positions.get("teacher"), positions.get("status")
    if name_at is None:
        return []
    names = []
    for row in grid[1:]:
        name = clean_text(row[name_at]) if name_at < len(row) and not is_blank(row[name_at]) else ""
        status = (clean_text(row[status_at]).casefold() if status_at is not None and status_at < len(row) and row[status_at]
                  else "")
        if name and status != "left":
            names.append(name)
    return names


def _cell(answer: Sequence[str]) -> str | None:
    return ", ".join(answer) if answer else None


def _date(text: str | None) -> CellValue:
    """A date question's answer (YYYY-MM-DD) as a date cell; anything else as the text given."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _values(response: Response, form: FormMap, settings: SchoolSettings, emails: Mapping[str, str]) -> dict[str, dict]:
    """The response's answers as cell values, per tab kind: {'observation': {...}, 'score': {...}}."""
    by_key = {key: _cell(response.answers[qid]) for qid, key in form.questions.items() if qid in response.answers}
    observation: dict[str, CellValue] = {}
    scores: dict[str, CellValue] = {}
    for key, text in by_key.items():
        kind, _, column = key.partition(":")
        if kind == "score":
            scores[column] = int(text) if text is not None and text.isdigit() else text
        elif column in ("date", "feedback_date"):
            observation[column] = _date(text)
        elif column == "focus_indicator" and text is not None:
            observation[column] = indicator_of(text, settings.rubric)
        else:
            observation[column] = text
    observation["observer"] = emails.get(response.email.casefold(), response.email) or None
    shared = {key: observation.get(key) for key in ("date", "teacher", "observer", "type")}
    return {"observation": observation, "score": {**shared, **scores} if _scored(scores) else {}}


def _scored(scores: Mapping[str, CellValue]) -> bool:
    return any(key not in ("date", "teacher", "observer", "type") and value is not None for key, value in scores.items())


def _same(a: CellValue, b: CellValue) -> bool:
    """Whether a cell already says what the form now says (dates and numbers compared as values)."""
    def plain(value: CellValue) -> str:
        if is_blank(value):
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()[:10]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{float(value):g}"
        return clean_text(value)
    return plain(a) == plain(b)


def _row_hash(row: Sequence[CellValue]) -> str:
    trimmed = list(row)
    while trimmed and is_blank(trimmed[-1]):
        trimmed.pop()
    return hashlib.sha256(json.dumps(trimmed, default=str).encode()).hexdigest()[:16]


def _changes(response: Response, values: Mapping[str, dict], layouts: Mapping[str, _Layout],
             grids: Mapping[str, Grid]) -> dict | None:
    """For an edited response: per tab, the headers whose cells differ from its answers now, and the
    row's fingerprint (a coach's change to the row ends the flag). None when nothing differs."""
    tabs: dict[str, dict] = {}
    for kind, layout in layouts.items():
        number = layout.by_response.get(response.id)
        if number is None:
            continue
        row = grids[layout.tab.name][number - 1]
        differ = [layout.tab.column(key).header for key, value in values[kind].items()
                  if key in layout.positions
                  and not _same(row[layout.positions[key]] if layout.positions[key] < len(row) else None, value)]
        if differ:
            tabs[layout.tab.name] = {"columns": differ, "hash": _row_hash(row)}
    return {"at": response.submitted, "tabs": tabs} if tabs else None


def _still_flagged(stored: str, layouts: Mapping[str, _Layout], grids: Mapping[str, Grid]) -> dict[str, dict]:
    """The edits flagged before whose rows are still as they were then (same fingerprint)."""
    try:
        edits = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    kept: dict[str, dict] = {}
    rows_of = {layout.tab.name: layout for layout in layouts.values()}
    for response_id, edit in edits.items() if isinstance(edits, dict) else ():
        tabs = {}
        for tab, flagged in (edit.get("tabs") or {}).items():
            layout = rows_of.get(tab)
            number = layout.by_response.get(response_id) if layout else None
            if number is not None and flagged.get("hash") == _row_hash(grids[tab][number - 1]):
                tabs[tab] = flagged
        if tabs:
            kept[response_id] = {**edit, "tabs": tabs}
    return kept


def _flags(edits: Mapping[str, dict], layouts: Mapping[str, _Layout]) -> tuple[FormEdit, ...]:
    rows_of = {layout.tab.name: layout for layout in layouts.values()}
    flags = [FormEdit(tab, rows_of[tab].by_response[response_id], response_id, edit["at"], tuple(flagged["columns"]))
             for response_id, edit in edits.items() for tab, flagged in edit["tabs"].items()
             if tab in rows_of and response_id in rows_of[tab].by_response]
    return tuple(sorted(flags, key=lambda f: (f.tab, f.row)))
