"""The tracker as a local .xlsx file: the embedded default backend (openpyxl, imported lazily).

* ``read`` opens the file once (read-only mode, so a 10k-row tab stays cheap) and never writes.
* ``write`` and ``provision`` take the sibling lock ``<file>.lock``, re-load the file from disk under
  it (so coach edits made since the read survive), change only tool-owned tabs, save to a temp file in
  the same folder and ``os.replace`` it over the tracker: on any error the file stays byte-identical.
* Metadata lives in a very hidden, protected tab ``_tracker_sync``: key/value rows in columns A:B, and
  the dropdown lists (indicator codes, fixed choices) from column D on. A tab survives Excel,
  LibreOffice and Google imports where custom document properties are dropped or cut to 255 chars.

What openpyxl cannot keep on coach tabs when it re-saves a file: pictures (without Pillow), threaded
comments (plain notes are kept), form controls and Excel's extension-list validations.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_sync.backends.base import CellValue, Grid, Link, Snapshot, ToolTab, Workbook, quoted_tab, trim_grid
from tracker_sync.errors import BackendError, TrackerLocked, TrackerNotFound, TrackerSyncError
from tracker_sync.schemas import Template
from tracker_sync.schemas.template import ColumnSpec, TabSpec

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlBook
    from openpyxl.worksheet.worksheet import Worksheet

META_TAB = "_tracker_sync"
LIST_FIRST_COLUMN = 4  # dropdown lists start in column D of the metadata tab
LAST_DATA_ROW = 1000  # dropdowns and input help reach this row of every coach tab
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


# The largest number a spreadsheet cell can hold (Excel and LibreOffice); beyond it a file reads back inf.
EXCEL_MAX_NUMBER = 9.99999999999999e307

class XlsxWorkbook(Workbook):
    """A tracker in one .xlsx file. ``lock_timeout`` is how long a write waits for another writer."""

    kind = "xlsx"

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def lock_path(self) -> Path:
        """A hidden sibling file (filelock leaves it in place by design), so coaches see only their tracker."""
        return self.path.with_name(f".{self.path.name}.tracker-sync.lock")

    # -- read -----------------------------------------------------------------------------------

    def read(self, tabs: Sequence[str]) -> Snapshot:
        from openpyxl import load_workbook

        data = self._file_bytes()
        with _storage_errors(self.path, "read"):
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                names = [name for name in tabs if name in book.sheetnames and name != META_TAB]
                grids, formulas = {}, {}
                for name in names:
                    grids[name], formulas[name] = _read_sheet(book[name])
                metadata = _metadata(book[META_TAB]) if META_TAB in book.sheetnames else {}
                tab_ids = {name: index for index, name in enumerate(book.sheetnames) if name != META_TAB}
            finally:
                book.close()
            if any(formulas.values()):
                _fill_cached_values(data, grids, formulas)
        return Snapshot({name: trim_grid(grid) for name, grid in grids.items()}, metadata, tab_ids)

    def _file_bytes(self) -> bytes:
        """The whole file in one open, so the snapshot is consistent even if a writer replaces it."""
        with _storage_errors(self.path, "read"):
            try:
                return self.path.read_bytes()
            except FileNotFoundError as exc:
                raise TrackerNotFound(
                    f"No tracker at {self.path}: check the path, or create one with `tracker-sync provision`."
                ) from exc

    # -- write / provision ----------------------------------------------------------------------

    def write(self, tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str] = {}) -> bool:
        reserved = [tab.name for tab in tool_tabs if tab.name == META_TAB]
        if reserved:
            raise ValueError(f"{META_TAB!r} is reserved for the tracker's metadata")

        def replace_tool_tabs(book: OpenpyxlBook) -> None:
            for tab in tool_tabs:
                _write_tool_tab(book, tab)
            _write_meta_tab(book, metadata)

        self._change(replace_tool_tabs)
        return True

    def provision(self, template: Template, metadata: Mapping[str, str]) -> None:
        self._change(lambda book: _provision(book, template, metadata), create=not self.path.exists())

    def seed_rows(self, rows_by_tab: Mapping[str, Sequence[Sequence[CellValue]]]) -> None:
        """Append rows below each coach tab's last non-empty row, as a coach typing them would.

        For demos and tests; like a coach's save it goes through the lock and the atomic replace.
        """

        def type_rows(book: OpenpyxlBook) -> None:
            for tab, rows in rows_by_tab.items():
                sheet = book[tab] if tab in book.sheetnames else book.create_sheet(tab)
                last = max((cell.row for row in sheet.iter_rows() for cell in row if cell.value is not None), default=0)
                for offset, values in enumerate(rows, start=1):
                    for column, value in enumerate(values, start=1):
                        if value is None:
                            continue
                        if isinstance(value, float) and not abs(value) <= EXCEL_MAX_NUMBER:  # also NaN
                            raise ValueError(f"{tab}!R{last + offset}C{column}: {value!r} cannot be stored in an .xlsx "
                                             f"(Excel numbers are finite and at most {EXCEL_MAX_NUMBER:g})")
                        sheet.cell(last + offset, column, value)

        self._change(type_rows)

    def _change(self, edit: Callable[[OpenpyxlBook], None], *, create: bool = False) -> None:
        """Lock, load the file as it is now, apply ``edit``, save atomically. The only write path."""
        from filelock import FileLock, Timeout

        if not self.path.parent.is_dir():  # filelock would create the folder; a typo must not
            raise BackendError(f"Cannot save {self.path}: the folder {self.path.parent} does not exist.")
        lock = FileLock(str(self.lock_path))
        with _storage_errors(self.path, "lock"):
            try:
                lock.acquire(timeout=self.lock_timeout)
            except Timeout as exc:
                raise TrackerLocked(
                    f"{self.path} is being written by another tracker-sync run (lock {self.lock_path}); "
                    "try again in a minute."
                ) from exc
        try:
            book = self._load_for_change(create)
            edit(book)
            self._save_atomically(book)
        finally:
            lock.release()

    def _load_for_change(self, create: bool) -> OpenpyxlBook:
        from openpyxl import Workbook as NewBook, load_workbook

        if create:
            book = NewBook()
            book.remove(book.active)
            return book
        data = self._file_bytes()
        with _storage_errors(self.path, "open"):
            return load_workbook(io.BytesIO(data), rich_text=True)

    def _save_atomically(self, book: OpenpyxlBook) -> None:
        with _storage_errors(self.path, "save"):
            handle, temp_name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            os.close(handle)
            temp = Path(temp_name)
            try:
                book.save(temp)
                if self.path.exists():
                    shutil.copymode(self.path, temp)
                else:
                    temp.chmod(0o666 & ~_current_umask())  # as a plain new file would get
                with temp.open("rb+") as saved:
                    os.fsync(saved.fileno())
                os.replace(temp, self.path)
            finally:
                temp.unlink(missing_ok=True)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _storage_errors(path: Path, doing: str) -> Iterator[None]:
    """Translate OS, zip and openpyxl errors into BackendError with a hint, keeping the cause."""
    try:
        yield
    except TrackerSyncError:
        raise
    except PermissionError as exc:
        raise BackendError(
            f"Cannot {doing} {path}: permission denied. If the file is open in Excel, close it and try again."
        ) from exc
    except OSError as exc:
        raise BackendError(f"Cannot {doing} {path}: {exc.strerror or exc}. Check the folder exists and has free space.") from exc
    except Exception as exc:  # openpyxl raises many types (zip, XML, KeyError, ValueError) on a bad file
        raise BackendError(
            f"Cannot {doing} {path}: it is not a readable .xlsx file ({type(exc).__name__}: {exc}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx."
        ) from exc


# -- reading cells ----------------------------------------------------------------------------


def _read_sheet(sheet: Any) -> tuple[Grid, list[tuple[int, int]]]:
    """Values of a read-only sheet, and the (row, column) indexes of its formula cells."""
    sheet.reset_dimensions()  # some writers record a wrong used range; read every stored row
    grid: Grid = []
    formulas: list[tuple[int, int]] = []
    for r, row in enumerate(sheet.iter_rows()):
        values = []
        for c, cell in enumerate(row):
            if cell.data_type == "f":
                formulas.append((r, c))
            values.append(_plain(cell))
        grid.append(values)
    return grid, formulas


def _plain(cell: Any) -> CellValue:
    """A cell as plain Python: dates without a time part become ``date``, times become text."""
    value = cell.value
    if isinstance(value, dt.datetime):
        from openpyxl.styles.numbers import is_datetime  # lazy, and only for date cells

        return value.date() if is_datetime(cell.number_format) == "date" else value
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value


def _fill_cached_values(data: bytes, grids: dict[str, Grid], formulas: dict[str, list[tuple[int, int]]]) -> None:
    """Put each formula's cached result in place of its text; keep the text when there is none.

    openpyxl cannot give both in one pass, so this second parse of the same bytes runs only for
    trackers that hold formulas. Files saved by openpyxl carry no results: the formula text then
    reaches the validator, which flags it.
    """
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for name, cells in formulas.items():
            if not cells:
                continue
            cached, _ = _read_sheet(book[name])
            for r, c in cells:
                if r < len(cached) and c < len(cached[r]) and cached[r][c] is not None:
                    grids[name][r][c] = cached[r][c]
    finally:
        book.close()


def _metadata(sheet: Any) -> dict[str, str]:
    rows = sheet.iter_rows(min_row=2, max_col=2, values_only=True)
    return {str(key): "" if value is None else str(value) for key, value in rows if key is not None}


def _dropdown_lists(sheet: Any) -> dict[str, list[str]]:
    columns = sheet.iter_cols(min_col=LIST_FIRST_COLUMN, values_only=True)
    return {str(c[0]): [str(v) for v in c[1:] if v is not None] for c in columns if c and c[0] is not None}


# -- writing tabs -----------------------------------------------------------------------------


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


def _write_tool_tab(book: OpenpyxlBook, tab: ToolTab) -> None:
    """Replace (or create, after the last tab) one tool tab with ``tab``'s content and styles."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    if tab.name in book.sheetnames:
        old = book[tab.name]
        index = book.index(old)
        book.remove(old)
        sheet = book.create_sheet(tab.name, index)
    else:
        sheet = _new_tab(book, tab.name, None)
    styles = [_openpyxl_style(style) for style in tab.palette]
    height = max(len(tab.rows), len(tab.styles))
    for r in range(height):
        values = tab.rows[r] if r < len(tab.rows) else []
        indexes = tab.styles[r] if r < len(tab.styles) else []
        for c in range(max(len(values), len(indexes))):
            value = values[c] if c < len(values) else None
            index = indexes[c] if c < len(indexes) else 0
            if value is None and not index:
                continue
            cell = sheet.cell(r + 1, c + 1)
            if isinstance(value, Link):
                _set_text(cell, value.text)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quoted_tab(value.tab)}!{value.cell}")
            elif value is not None:
                _set_text(cell, value)
            for attribute, style in styles[index].items():
                setattr(cell, attribute, style)
    for index, width in enumerate(tab.column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index, points in enumerate(tab.row_heights, start=1):
        if points:
            sheet.row_dimensions[index].height = points
    for area in tab.merges:
        sheet.merge_cells(start_row=area.row + 1, start_column=area.col + 1,
                          end_row=area.row + area.height, end_column=area.col + area.width)
    for rule in tab.color_scales:
        area = rule.area
        ref = (f"{get_column_letter(area.col + 1)}{area.row + 1}:"
               f"{get_column_letter(area.col + area.width)}{area.row + area.height}")
        (low, low_rgb), *middle, (high, high_rgb) = rule.scale.points
        mid = {"mid_type": "num", "mid_value": middle[0][0], "mid_color": middle[0][1]} if middle else {}
        sheet.conditional_formatting.add(ref, ColorScaleRule(start_type="num", start_value=low, start_color=low_rgb,
                                                             end_type="num", end_value=high, end_color=high_rgb, **mid))
    if tab.filter is not None:
        area = tab.filter
        sheet.auto_filter.ref = (f"{get_column_letter(area.col + 1)}{area.row + 1}:"
                                 f"{get_column_letter(area.col + area.width)}{area.row + area.height}")
    if tab.frozen_rows:
        sheet.freeze_panes = sheet.cell(tab.frozen_rows + 1, 1).coordinate
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(sheet)


def _openpyxl_style(style: Any) -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    out: dict[str, Any] = {"font": Font(name="Arial", size=style.size or 10, bold=style.bold, italic=style.italic,
                                        underline="single" if style.underline else None, color=style.color)}
    if style.fill:
        out["fill"] = PatternFill("solid", start_color=style.fill, end_color=style.fill)
    if style.border_bottom:
        out["border"] = Border(bottom=Side(style="thin"))
    if style.number_format:
        out["number_format"] = style.number_format
    if style.wrap or style.align or style.valign:
        out["alignment"] = Alignment(wrap_text=style.wrap, horizontal=style.align, vertical=style.valign)
    return out


def _write_meta_tab(book: OpenpyxlBook, metadata: Mapping[str, str], lists: Mapping[str, list[str]] | None = None) -> None:
    """Rewrite the hidden metadata tab: merge ``metadata``; replace the dropdown lists when given."""
    merged: dict[str, str] = {}
    old_lists: dict[str, list[str]] = {}
    if META_TAB in book.sheetnames:
        old = book[META_TAB]
        merged, old_lists = _metadata(old), _dropdown_lists(old)
        book.remove(old)
    merged.update(metadata)
    sheet = book.create_sheet(META_TAB)
    sheet.append(["key", "value"])
    for key, value in merged.items():
        sheet.append([key, None])
        _set_text(sheet.cell(sheet.max_row, 2), str(value))
    for offset, (name, items) in enumerate((old_lists if lists is None else lists).items()):
        column = LIST_FIRST_COLUMN + offset
        for row, value in enumerate([name, *items], start=1):
            _set_text(sheet.cell(row, column), value)
    sheet.sheet_state = "veryHidden"
    _protect(sheet)


# -- provisioning -----------------------------------------------------------------------------


def _provision(book: OpenpyxlBook, template: Template, metadata: Mapping[str, str]) -> None:
    """Add what is missing: tabs, header cells, dropdowns. Coach-typed cells are never changed."""
    created = not book.sheetnames
    instructions = template.instructions
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


def _validation(tab: TabSpec, column: ColumnSpec, list_ranges: Mapping[str, str]) -> Any:
    """The dropdown or range check for one column, with its help text as the input message.

    Errors are warnings, not stops: a coach can still type an unusual value, and the validator
    reports it on the Flags tab with a fix.
    """
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    def bounds(low: float, high: float) -> dict[str, str]:
        low = low if column.min is None else column.min
        high = high if column.max is None else column.max
        return {"operator": "between", "formula1": f"{low:g}", "formula2": f"{high:g}"}

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
