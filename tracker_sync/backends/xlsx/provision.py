"""Provisioning an .xlsx tracker and typing demo rows into it, with openpyxl (imported lazily).

Only ``provision`` and ``seed_rows`` load a whole workbook: they add coach tabs, headers, dropdowns,
help notes and the metadata tab, which a raw-zip writer would have to reimplement. Syncs never come
here (see xlsx_write). Every change is made on a loaded book the caller saves atomically.

What openpyxl cannot keep on coach tabs when it re-saves a file: pictures (without Pillow), threaded
comments (plain notes are kept), form controls and Excel's extension-list validations. Provisioning
an existing tracker is a rare repair, made under the same lock and atomic replace as every write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from tracker_sync.backends.xlsx.read import (
    LIST_FIRST_COLUMN,
    META_TAB,
    metadata_of,
    metadata_rows,
)
from tracker_sync.schemas import Template
from tracker_sync.schemas.template import ColumnSpec, TabSpec
from tracker_sync.tabs import CellValue, quoted_tab

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlBook
    from openpyxl.worksheet.worksheet import Worksheet

LAST_DATA_ROW = 1000  # dropdowns and input help reach this row of every coach tab
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
# The largest number a spreadsheet cell can hold (Excel and LibreOffice); beyond it a file reads back inf.
EXCEL_MAX_NUMBER = 9.99999999999999e307


def type_rows(book: OpenpyxlBook, rows_by_tab: Mapping[str, Sequence[Sequence[CellValue]]]) -> None:
    """Append rows below each tab's last non-empty row, as a coach typing them would."""
    for tab, rows in rows_by_tab.items():
        sheet = book[tab] if tab in book.sheetnames else book.create_sheet(tab)
        last = max((cell.row for row in sheet.iter_rows() for cell in row if cell.value is not None and cell.row is not None),
                   default=0)
        for offset, values in enumerate(rows, start=1):
            for column, value in enumerate(values, start=1):
                if value is None:
                    continue
                if isinstance(value, float) and not abs(value) <= EXCEL_MAX_NUMBER:  # also NaN
                    raise ValueError(f"{tab}!R{last + offset}C{column}: {value!r} cannot be stored in an .xlsx "
                                     f"(Excel numbers are finite and at most {EXCEL_MAX_NUMBER:g})")
                sheet.cell(last + offset, column, value)


def _set_text(cell: Any, value: CellValue) -> None:
    """Write a value exactly as given: text that starts with "=" stays text, never a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def _column_range(column: int, first_row: int, last_row: int, tab: str | None = None) -> str:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(column)
    return f"{quoted_tab(tab) + '!' if tab else ''}${letter}${first_row}:${letter}${last_row}"


def _new_tab(book: OpenpyxlBook, name: str, after: str | None) -> Worksheet:
    """Create ``name`` right after tab ``after`` (or before the metadata tab when ``after`` is None)."""
    if after in book.sheetnames:
        index = book.sheetnames.index(after) + 1
    else:
        index = book.sheetnames.index(META_TAB) if META_TAB in book.sheetnames else len(book.sheetnames)
    return book.create_sheet(name, index)


def _protect(sheet: Worksheet) -> None:
    """A guard against accidental edits, not security: no password, columns may still be widened."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False


def _write_meta_tab(book: OpenpyxlBook, metadata: Mapping[str, str], lists: Mapping[str, list[str]]) -> None:
    """Rewrite the hidden metadata tab: the stored metadata merged with ``metadata``, and ``lists``."""
    merged: dict[str, str] = {}
    if META_TAB in book.sheetnames:
        old = book[META_TAB]
        merged = metadata_of([list(row) for row in old.iter_rows(values_only=True)])
        book.remove(old)
    merged.update(metadata)
    sheet = book.create_sheet(META_TAB)
    for r, row in enumerate(metadata_rows(merged, lists), start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _set_text(sheet.cell(r, c), str(value))
    sheet.sheet_state = "veryHidden"
    _protect(sheet)


# -- provisioning -----------------------------------------------------------------------------


def provision_book(book: OpenpyxlBook, template: Template, metadata: Mapping[str, str]) -> None:
    """Add what is missing: tabs, header cells, dropdowns. Coach-typed cells are never changed."""
    created = not book.sheetnames
    instructions = template.instructions
    if (instructions.tab in book.sheetnames
            and _instruction_lines(book[instructions.tab]) != instructions.text.strip().splitlines()):
        book.remove(book[instructions.tab])  # a tool-owned tab from an older template: rewritten, as on Google
    if instructions.tab not in book.sheetnames:
        _write_instructions(book.create_sheet(instructions.tab, 0), instructions.text)
    lists = _lists_for(template)
    _write_meta_tab(book, metadata, lists)
    list_ranges = {name: _column_range(LIST_FIRST_COLUMN + i, 2, len(items) + 1, META_TAB)
                   for i, (name, items) in enumerate(lists.items())}
    roster = template.tab_of_kind("roster")
    list_ranges["roster"] = _column_range(
        [c.key for c in roster.columns].index("teacher") + 1, 2, LAST_DATA_ROW, roster.name)
    previous = instructions.tab
    for spec in template.tabs:
        is_new = spec.name not in book.sheetnames
        sheet = _new_tab(book, spec.name, previous) if is_new else book[spec.name]
        _repair_coach_tab(sheet, spec, list_ranges, is_new)
        previous = spec.name
    for tool in template.tool_tabs:
        if tool.name not in book.sheetnames:
            _protect(_new_tab(book, tool.name, previous))
        previous = tool.name
    if created:
        book.active = book.sheetnames.index(instructions.tab)
        for sheet in book.worksheets:
            sheet.sheet_view.tabSelected = sheet.title == instructions.tab


def _instruction_lines(sheet: Worksheet) -> list[str]:
    return [cell.value or "" for cell in sheet["A"]] if sheet.max_row > 1 or sheet["A1"].value else []


def _write_instructions(sheet: Worksheet, text: str) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(text.strip().splitlines(), start=1):
        cell = sheet.cell(row, 1)
        _set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    _protect(sheet)


def _list_name(tab: TabSpec, column: ColumnSpec) -> str:
    return f"{tab.name}: {column.header}"


def _lists_for(template: Template) -> dict[str, list[str]]:
    """Every dropdown list the template needs: rubric codes (the score columns' headers) and choices."""
    codes = [c.header for tab in template.tabs for c in tab.columns if c.type == "score"]
    lists = {"indicator": list(dict.fromkeys(codes))} if codes else {}
    for tab in template.tabs:
        for column in tab.columns:
            if column.choices:
                lists[_list_name(tab, column)] = list(column.choices)
    return lists


def _repair_coach_tab(sheet: Worksheet, spec: TabSpec, list_ranges: Mapping[str, str], is_new: bool) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(1, index)
        if header.value in (None, ""):
            _set_text(header, column.header)
            header.font = Font(bold=True)
            if column.help and header.comment is None:
                header.comment = Comment(column.help, "tracker-sync", width=240, height=90)
            sheet.column_dimensions[letter].width = column.width
        if is_new and column.type == "date":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if is_new and column.type == "long_text":
            sheet.column_dimensions[letter].alignment = Alignment(wrap_text=True, vertical="top")
        if not any(f"{letter}2" in dv.sqref for dv in sheet.data_validations.dataValidation):
            validation = _validation(spec, column, list_ranges)
            validation.add(f"{letter}2:{letter}{LAST_DATA_ROW}")
            sheet.add_data_validation(validation)
    if sheet.freeze_panes is None:
        sheet.freeze_panes = "A2"


class _Rule(TypedDict, total=False):
    """DataValidation's rule arguments, for the checks the tracker's columns use."""

    type: Literal["list", "date", "decimal", "whole"]
    operator: Literal["between"]
    formula1: str
    formula2: str


def _validation(tab: TabSpec, column: ColumnSpec, list_ranges: Mapping[str, str]) -> Any:
    """The dropdown or range check for one column, with its help text as the input message.

    Errors are warnings, not stops: a coach can still type an unusual value, and the validator
    reports it on the Flags tab with a fix.
    """
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    def bounds(low: float, high: float) -> _Rule:
        low = low if column.min is None else column.min
        high = high if column.max is None else column.max
        return {"operator": "between", "formula1": f"{low:g}", "formula2": f"{high:g}"}

    rule: _Rule
    if column.choices:
        rule = {"type": "list", "formula1": list_ranges[_list_name(tab, column)]}
    elif column.type in ("teacher", "observer"):
        rule = {"type": "list", "formula1": list_ranges["roster"]}
    elif column.type == "indicator" and "indicator" in list_ranges:
        rule = {"type": "list", "formula1": list_ranges["indicator"]}
    elif column.type == "date":
        rule = {"type": "date", "operator": "between",
                "formula1": str(int(to_excel(FIRST_DATE))), "formula2": str(int(to_excel(LAST_DATE)))}
    elif column.type == "score":
        rule = {"type": "decimal", **bounds(-1e9, 1e9)}
    elif column.type == "integer":
        rule = {"type": "whole", **bounds(-1e9, 1e9)}
    else:
        rule = {}
    checked = bool(rule)
    return DataValidation(
        **rule, allow_blank=True,
        showErrorMessage=checked, errorStyle="warning" if checked else None,
        errorTitle=column.header[:32] if checked else None,
        error=(column.help or f"Check the {column.header} value.")[:255] if checked else None,
        showInputMessage=bool(column.help), promptTitle=column.header[:32] if column.help else None,
        prompt=column.help[:255] or None,
    )
