"""Pure translations between tracker-sync values and Sheets API JSON (no I/O, no gspread).

* :func:`plain_value` turns a CellData read with ``effectiveValue`` + number-format type into a
  Python value (dates from serial numbers, whole numbers as int).
* :func:`cell_data` turns a ToolCell into the CellData we send: text always as ``stringValue`` (never
  parsed, so ``=IMPORTXML(...)`` or ``+1`` typed by a coach stays text), links as a HYPERLINK formula,
  and never more than Google's 50,000 characters in a cell (:func:`within_cell_limit`).
* :func:`row_values` and :func:`format_runs` split a tool tab into its values and its formats, each
  format sent once per rectangle of equal cells (a ``repeatCell``), not once per cell.
* :func:`validation_rule` turns a column spec into a dropdown / check rule.
* :func:`output_hash` fingerprints the tool tabs so an unchanged sync writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from tracker_sync.schemas import ColumnSpec
from tracker_sync.tabs import (
    Area,
    CellValue,
    Link,
    ScaleRule,
    Style,
    ToolCell,
    ToolTab,
    rgb,
)
from tracker_sync.validate.cells import SERIAL_EPOCH

SERIAL_START = dt.datetime.combine(SERIAL_EPOCH, dt.time())  # serial 0 as a moment, for date-times
ERROR_TEXT = {"NULL_VALUE": "#NULL!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!",
              "NAME": "#NAME?", "NUM": "#NUM!", "N_A": "#N/A", "LOADING": "#LOADING"}
#: The styles provisioning gives coach headers and the Instructions title.
COACH_HEADER, INSTRUCTIONS_TITLE = Style(bold=True, fill="E6E6E6"), Style(bold=True, size=12)
#: Google refuses a whole batchUpdate with one cell over 50,000 characters (a note or a formula counts too).
CELL_LIMIT = 50_000
_CUT_MARK = "… [cut: {} characters in all]"
_DATE_FORMATS = {"DATE": {"type": "DATE", "pattern": "yyyy-mm-dd"},
                 "DATE_TIME": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}}
_NUMBER_TYPES = {"0": "NUMBER", "0.0": "NUMBER", "0.00": "NUMBER", "0%": "PERCENT", "yyyy-mm-dd": "DATE",
                 "yyyy-mm-dd hh:mm": "DATE_TIME"}


def plain_value(cell: Mapping[str, Any]) -> CellValue:
    """A CellData (effectiveValue, effectiveFormat.numberFormat.type) as the plain value a coach typed."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        return ERROR_TEXT.get(value["errorValue"].get("type", ""), "#ERROR!")
    number = value.get("numberValue", 0)
    kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
    if kind == "DATE":
        return (SERIAL_START + dt.timedelta(days=number)).date()
    if kind == "DATE_TIME":
        return SERIAL_START + dt.timedelta(days=number)
    return int(number) if float(number).is_integer() else float(number)


def serial(day: dt.date | dt.datetime) -> float:
    moment = day if isinstance(day, dt.datetime) else dt.datetime.combine(day, dt.time())
    days = (moment.replace(tzinfo=None) - SERIAL_START).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def within_cell_limit(text: str, limit: int = CELL_LIMIT) -> str:
    """``text``, or its start and a note saying how long it was when it would not fit in one cell.

    A backstop: messages quote coach cells by a short prefix already, so only a bug or an unforeseen
    path gets here, and one over-long cell must never make Google refuse a school's whole write.
    """
    if len(text) <= limit:
        return text
    mark = _CUT_MARK.format(f"{len(text):,}")
    return text[: limit - len(mark)] + mark


def hyperlink_formula(link: Link, tab_ids: Mapping[str, int]) -> str:
    text = within_cell_limit(link.text, CELL_LIMIT - 100).replace('"', '""')  # room for the formula around it
    return within_cell_limit(f'=HYPERLINK("#gid={tab_ids[link.tab]}&range={link.cell}","{text}")')


def entered_value(value: ToolCell, tab_ids: Mapping[str, int]) -> tuple[dict | None, dict | None]:
    """(userEnteredValue, numberFormat) for one cell; text is a stringValue and is never parsed."""
    if value is None or value == "":
        return None, None
    if isinstance(value, Link):
        if value.tab in tab_ids:
            return {"formulaValue": hyperlink_formula(value, tab_ids)}, None
        return {"stringValue": within_cell_limit(value.text)}, None
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None, None
        return {"numberValue": value}, None
    if isinstance(value, dt.date):
        return {"numberValue": serial(value)}, _DATE_FORMATS[_date_kind(value) or "DATE"]
    return {"stringValue": within_cell_limit(str(value))}, None


def color(hex_rgb: str) -> dict[str, float]:
    """'D9E1F2' as the Sheets API's Color (channels 0-1)."""
    return {name: round(channel / 255, 4) for name, channel in zip(("red", "green", "blue"), rgb(hex_rgb))}


def cell_format(style: Style) -> dict:
    """A Style as a CellFormat (userEnteredFormat); the plain style is {} (the spreadsheet's default)."""
    text: dict[str, Any] = {}
    if style.bold:
        text["bold"] = True
    if style.italic:
        text["italic"] = True
    if style.underline:
        text["underline"] = True
    if style.size:
        text["fontSize"] = style.size
    if style.color:
        text["foregroundColor"] = color(style.color)
    out: dict[str, Any] = {"textFormat": text} if text else {}
    if style.fill:
        out["backgroundColor"] = color(style.fill)
    if style.border_bottom:
        out["borders"] = {"bottom": {"style": "SOLID"}}
    if style.number_format:
        out["numberFormat"] = {"type": _NUMBER_TYPES[style.number_format], "pattern": style.number_format}
    if style.wrap:
        out["wrapStrategy"] = "WRAP"
    if style.align:
        out["horizontalAlignment"] = style.align.upper()
    if style.valign:
        out["verticalAlignment"] = style.valign.upper()
    return out


def _cell(value: ToolCell, tab_ids: Mapping[str, int], cell_format_: dict) -> dict:
    """One CellData: the value (text never parsed) and its format, a date's own number format when the
    style has none."""
    entered, number_format = entered_value(value, tab_ids)
    cell: dict[str, Any] = {"userEnteredValue": entered} if entered is not None else {}
    if number_format and "numberFormat" not in cell_format_:
        cell_format_ = {**cell_format_, "numberFormat": number_format}
    if cell_format_:
        cell["userEnteredFormat"] = cell_format_
    return cell


def cell_data(value: ToolCell, tab_ids: Mapping[str, int], style: Style | None = None) -> dict:
    """One CellData for updateCells."""
    return _cell(value, tab_ids, cell_format(style) if style is not None else {})


def row_values(tab: ToolTab, tab_ids: Mapping[str, int]) -> list[dict]:
    """RowData of the tab's values only (formats go by :func:`format_runs`), trailing blanks left out:
    an updateCells over a range clears what its rows do not cover."""
    out: list[dict] = []
    for row in tab.rows:
        values = [entered_value(value, tab_ids)[0] for value in row]
        while values and values[-1] is None:
            values.pop()
        out.append({"values": [{"userEnteredValue": v} if v is not None else {} for v in values]} if values else {})
    while out and not out[-1]:
        out.pop()
    return out


def _date_kind(value: ToolCell) -> str | None:
    """The number-format type a date value brings to its cell (None for anything else)."""
    return "DATE_TIME" if isinstance(value, dt.datetime) else "DATE" if isinstance(value, dt.date) else None


def format_runs(tab: ToolTab, rows: int, width: int) -> list[tuple[Area, dict]]:
    """The tab's formats as rectangles of equal cells: the most common format over the whole grid first,
    then each rectangle that differs, row by row. A cell's format is its style's, plus a date's own
    number format where the style has none (as :func:`cell_data` gives it)."""
    keys = [[(tab.styles[r][c] if r < len(tab.styles) and c < len(tab.styles[r]) else 0,
              _date_kind(tab.rows[r][c]) if r < len(tab.rows) and c < len(tab.rows[r]) else None)
             for c in range(width)] for r in range(rows)]
    base = Counter(key for row in keys for key in row).most_common(1)[0][0]
    runs: list[tuple[Area, tuple]] = []
    open_runs: dict[tuple, int] = {}  # (first column, end column, key) -> first row of the rectangle so far
    for r in range(rows + 1):
        here: dict[tuple, int] = {}
        c = 0
        while r < rows and c < width:
            end = c
            while end < width and keys[r][end] == keys[r][c]:
                end += 1
            if keys[r][c] != base:
                here[(c, end, keys[r][c])] = open_runs.get((c, end, keys[r][c]), r)
            c = end
        runs += [(Area(start, c0, r - start, c1 - c0), key)
                 for (c0, c1, key), start in open_runs.items() if (c0, c1, key) not in here]
        open_runs = here
    formats = {key: _key_format(tab, key) for key in {base, *(key for _, key in runs)}}
    return [(Area(0, 0, rows, width), formats[base]),
            *((area, formats[key]) for area, key in sorted(runs, key=lambda run: (run[0].row, run[0].col)))]


def _key_format(tab: ToolTab, key: tuple[int, str | None]) -> dict:
    style, date_kind = key
    out = cell_format(tab.palette[style])
    return {**out, "numberFormat": _DATE_FORMATS[date_kind]} if date_kind and "numberFormat" not in out else out


def grid_range(sheet_id: int, area: Area) -> dict:
    """An Area as the API's GridRange (end indexes exclusive)."""
    return {"sheetId": sheet_id, "startRowIndex": area.row, "endRowIndex": area.row + area.height,
            "startColumnIndex": area.col, "endColumnIndex": area.col + area.width}


def color_scale_rule(sheet_id: int, rule: ScaleRule) -> dict:
    """A gradient conditional format anchored on the rule's numbers (the same points the xlsx gets)."""
    points = [{"color": color(rgb), "type": "NUMBER", "value": f"{value:g}"} for value, rgb in rule.scale.points]
    gradient = {"minpoint": points[0], "maxpoint": points[-1], **({"midpoint": points[1]} if len(points) == 3 else {})}
    return {"ranges": [grid_range(sheet_id, rule.area)], "gradientRule": gradient}


def pixels(width_in_characters: float) -> int:
    """Column width in characters (as the templates and xlsx use) to Google's pixels."""
    return int(round(width_in_characters * 7 + 5))


def row_pixels(points: float | None) -> int:
    """A row height in points to Google's pixels (96 dpi); None is Google's default row, 21 pixels."""
    return 21 if points is None else int(round(points * 96 / 72))


def validation_rule(column: ColumnSpec, *, roster_range: str, indicator_codes: Sequence[str]) -> dict | None:
    """The data-validation rule for a coach column: strict where a wrong entry is surely wrong."""
    def rule(kind: str, values: Sequence[str] = (), *, strict: bool) -> dict:
        condition: dict[str, Any] = {"type": kind}
        if values:
            condition["values"] = [{"userEnteredValue": str(v)} for v in values]
        return {"condition": condition, "strict": strict, "showCustomUi": kind.startswith("ONE_OF"),
                **({"inputMessage": column.help} if column.help else {})}

    if column.type == "choice" and column.choices:
        return rule("ONE_OF_LIST", column.choices, strict=True)
    if column.type in ("teacher", "observer"):
        return rule("ONE_OF_RANGE", [roster_range], strict=False)  # a warning: the roster may lag a new hire
    if column.type == "indicator" and indicator_codes:
        return rule("ONE_OF_LIST", indicator_codes, strict=False)  # coaches type 'i5'; the validator maps it
    if column.type == "date":
        return rule("DATE_IS_VALID", strict=True)
    if column.type in ("integer", "score") and column.min is not None and column.max is not None:
        return rule("NUMBER_BETWEEN", [f"{column.min:g}", f"{column.max:g}"], strict=True)
    if column.type == "email":
        return rule("TEXT_IS_EMAIL", strict=False)
    return None


def output_hash(tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str]) -> str:
    """A fingerprint of everything a write would change, leaving out volatile tabs (the Sync Log) and
    the cells that only say when a tab was written (``ToolTab.stamps``)."""
    def plain(value: object) -> object:
        if isinstance(value, Link):
            return ["link", value.text, value.tab, value.cell]
        if isinstance(value, (dt.date, dt.datetime)):
            return ["date", value.isoformat()]
        return value

    def cells(tab: ToolTab) -> list:
        stamps = set(tab.stamps)
        return [[None if (r, c) in stamps else plain(v) for c, v in enumerate(row)] for r, row in enumerate(tab.rows)]

    content = [[tab.name, cells(tab), repr(tab.styles), repr(tab.palette),
                repr(tab.column_widths), repr(tab.row_heights), repr(tab.merges), repr(tab.color_scales), repr(tab.filter),
                tab.frozen_rows] for tab in tool_tabs if not tab.volatile]
    text = json.dumps([content, sorted(metadata.items())], sort_keys=True, default=str, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
