"""Pure translations between tracker-sync values and Sheets API JSON (no I/O, no gspread).

* :func:`plain_value` turns a CellData read with ``effectiveValue`` + number-format type into a
  Python value (dates from serial numbers, whole numbers as int).
* :func:`cell_data` turns a ToolCell into the CellData we send: text always as ``stringValue`` (never
  parsed, so ``=IMPORTXML(...)`` or ``+1`` typed by a coach stays text), links as a HYPERLINK formula.
* :func:`validation_rule` turns a column spec into a dropdown / check rule.
* :func:`output_hash` fingerprints the tool tabs so an unchanged sync writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from tracker_sync.backends.base import Block, CellValue, Link, ToolCell, ToolTab
from tracker_sync.cells import SERIAL_EPOCH
from tracker_sync.schemas import ColumnSpec

SERIAL_START = dt.datetime.combine(SERIAL_EPOCH, dt.time())  # serial 0 as a moment, for date-times
ERROR_TEXT = {"NULL_VALUE": "#NULL!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!",
              "NAME": "#NAME?", "NUM": "#NUM!", "N_A": "#N/A", "LOADING": "#LOADING"}
GREY, LIGHT_RED, LIGHT_AMBER = {"red": 0.9, "green": 0.9, "blue": 0.9}, {"red": 0.98, "green": 0.84, "blue": 0.84}, {"red": 1.0, "green": 0.95, "blue": 0.8}
BLOCK_FORMATS: dict[str, dict] = {
    "title": {"textFormat": {"bold": True, "fontSize": 12}},
    "header": {"textFormat": {"bold": True}, "backgroundColor": GREY},
    "error": {"backgroundColor": LIGHT_RED},
    "warning": {"backgroundColor": LIGHT_AMBER},
    "note": {"textFormat": {"italic": True, "foregroundColor": {"red": 0.4, "green": 0.4, "blue": 0.4}}},
    "heatmap": {},  # a gradient conditional format, see heatmap_rule
}
#: Tool tabs whose content changes on every sync; they do not count toward "outputs unchanged".
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


def hyperlink_formula(link: Link, tab_ids: Mapping[str, int]) -> str:
    text = link.text.replace('"', '""')
    return f'=HYPERLINK("#gid={tab_ids[link.tab]}&range={link.cell}","{text}")'


def entered_value(value: ToolCell, tab_ids: Mapping[str, int]) -> tuple[dict | None, dict | None]:
    """(userEnteredValue, numberFormat) for one cell; text is a stringValue and is never parsed."""
    if value is None or value == "":
        return None, None
    if isinstance(value, Link):
        if value.tab in tab_ids:
            return {"formulaValue": hyperlink_formula(value, tab_ids)}, None
        return {"stringValue": value.text}, None
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None, None
        return {"numberValue": value}, None
    if isinstance(value, dt.datetime):
        return {"numberValue": serial(value)}, {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
    if isinstance(value, dt.date):
        return {"numberValue": serial(value)}, {"type": "DATE", "pattern": "yyyy-mm-dd"}
    return {"stringValue": str(value)}, None


def cell_data(value: ToolCell, tab_ids: Mapping[str, int], style: str | None = None) -> dict:
    entered, number_format = entered_value(value, tab_ids)
    cell: dict[str, Any] = {}
    if entered is not None:
        cell["userEnteredValue"] = entered
    cell_format = dict(BLOCK_FORMATS.get(style or "", {}))
    if number_format:
        cell_format["numberFormat"] = number_format
    if cell_format:
        cell["userEnteredFormat"] = cell_format
    return cell


def styles_by_cell(blocks: Sequence[Block]) -> dict[tuple[int, int], str]:
    styles: dict[tuple[int, int], str] = {}
    for block in blocks:
        for r in range(block.row, block.row + block.height):
            for c in range(block.col, block.col + block.width):
                styles[(r, c)] = block.style
    return styles


def row_data(rows: Sequence[Sequence[ToolCell]], blocks: Sequence[Block], tab_ids: Mapping[str, int], width: int) -> list[dict]:
    """RowData for updateCells, styled blocks included (a styled empty cell still gets its format)."""
    styles = styles_by_cell(blocks)
    height = max(len(rows), max((r + 1 for r, _ in styles), default=0))
    out = []
    for r in range(height):
        row = rows[r] if r < len(rows) else []
        out.append({"values": [cell_data(row[c] if c < len(row) else None, tab_ids, styles.get((r, c)))
                               for c in range(width)]})
    return out


def heatmap_rule(sheet_id: int, block: Block) -> dict:
    """A red-amber-green color scale over the block (low scores red)."""
    return {
        "ranges": [{"sheetId": sheet_id, "startRowIndex": block.row, "endRowIndex": block.row + block.height,
                    "startColumnIndex": block.col, "endColumnIndex": block.col + block.width}],
        "gradientRule": {
            "minpoint": {"color": {"red": 0.9, "green": 0.49, "blue": 0.45}, "type": "MIN"},
            "midpoint": {"color": {"red": 1.0, "green": 0.85, "blue": 0.4}, "type": "PERCENTILE", "value": "50"},
            "maxpoint": {"color": {"red": 0.34, "green": 0.73, "blue": 0.54}, "type": "MAX"},
        },
    }


def pixels(width_in_characters: int) -> int:
    """Column width in characters (as the templates and xlsx use) to Google's pixels."""
    return int(width_in_characters * 7 + 10)


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
    """A fingerprint of everything a write would change, leaving out volatile tabs (the Sync Log)."""
    def plain(cell: ToolCell) -> object:
        if isinstance(cell, Link):
            return ["link", cell.text, cell.tab, cell.cell]
        if isinstance(cell, (dt.date, dt.datetime)):
            return ["date", cell.isoformat()]
        return cell

    content = [
        [tab.name, [[plain(c) for c in row] for row in tab.rows],
         [[b.style, b.row, b.col, b.height, b.width] for b in tab.blocks], list(tab.column_widths), tab.frozen_rows]
        for tab in tool_tabs if not tab.volatile
    ]
    text = json.dumps([content, sorted(metadata.items())], sort_keys=True, default=str, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
