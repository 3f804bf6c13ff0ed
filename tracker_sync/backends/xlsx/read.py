"""Reading an .xlsx into plain grids with python-calamine (Rust), the fast path for every read.

Cells come back as the base contract says: ``str``, ``int`` (a whole number), ``float``, ``bool``,
``date`` (a date cell without a time part), ``datetime``, ``None``; times and durations as text
("08:30:00", "1:05:00"); a formula as its cached value. Two things calamine reads as empty are put
back from the sheet's XML, so the validator still sees them: a formula error (``#REF!``, ``#N/A`` …,
flagged ``formula-error``) and a formula saved without a cached value (files written by scripts, not
by Excel, LibreOffice or Google), which reads as its text ``=D2*2`` and fails its column's check.
A formula whose cached result is the empty text (``t="str"``, ``=IF(G2="","",…)``) reads as empty.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import unescape

from tracker_sync.backends.xlsx.container import open_for_reading
from tracker_sync.backends.xlsx.package import Package
from tracker_sync.tabs import Grid, Snapshot, trim_grid

META_TAB = "_tracker_sync"
LIST_FIRST_COLUMN = 4  # dropdown lists start in column D of the metadata tab
_EXACT_INTEGERS = 2.0**53  # beyond this a float's integer part is not exact
_TIMES = frozenset({dt.time, dt.timedelta})  # shown as text, as the validator expects ("08:30:00")
_ENTITIES = {"&quot;": '"', "&apos;": "'"}
_CELL_REF = re.compile(rb"([A-Z]+)(\d+)")


def read_snapshot(data: bytes, tabs: Sequence[str]) -> Snapshot:
    """The named tabs (those that exist, never the metadata tab), the metadata and the tab ids."""
    from python_calamine import CalamineWorkbook

    archive = open_for_reading(data)
    package = Package(archive)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        names = book.sheet_names
        grids = {}
        for name in tabs:
            if name in names and name != META_TAB and name not in grids:
                grid = plain_grid(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                sheet = package.sheet(name)
                if sheet is not None and sheet.part in archive:
                    _restore_hidden_cells(grid, archive.read(sheet.part))
                grids[name] = grid
        meta = plain_grid(book.get_sheet_by_name(META_TAB).to_python(skip_empty_area=False)) if META_TAB in names else []
    finally:
        book.close()
    tab_ids = {name: index for index, name in enumerate(names) if name != META_TAB}
    return Snapshot(grids, metadata_of(meta), tab_ids)


def read_metadata_grid(data: bytes) -> Grid:
    """The metadata tab's cells (key/value rows and dropdown lists), for a write that merges metadata."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return (plain_grid(book.get_sheet_by_name(META_TAB).to_python(skip_empty_area=False))
                if META_TAB in book.sheet_names else [])
    finally:
        book.close()


def metadata_of(grid: Sequence[Sequence[object]]) -> dict[str, str]:
    """Key/value rows in columns A:B under a header row."""
    found = {}
    for row in grid[1:]:
        if row and row[0] is not None:
            found[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return found


def dropdown_lists(grid: Grid) -> dict[str, list[str]]:
    """Columns from D on: a list name in row 1, its items below."""
    width = max((len(row) for row in grid), default=0)
    lists = {}
    for column in range(LIST_FIRST_COLUMN - 1, width):
        cells = [row[column] if column < len(row) else None for row in grid]
        if cells and cells[0] is not None:
            lists[str(cells[0])] = [str(v) for v in cells[1:] if v is not None]
    return lists


def metadata_rows(metadata: Mapping[str, str], lists: Mapping[str, list[str]]) -> list[list]:
    """The metadata tab's cells: key/value rows in A:B, each dropdown list in its own column from D."""
    rows: list[list] = [["key", "value"], *([key, value] for key, value in metadata.items())]
    for offset, (name, items) in enumerate(lists.items()):
        column = LIST_FIRST_COLUMN - 1 + offset
        for r, value in enumerate([name, *items]):
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            row.extend([None] * (column + 1 - len(row)))
            row[column] = value
    return rows


def plain_grid(rows: list[list]) -> Grid:
    """calamine rows as the contract's grid: whole numbers are int, times are text, then trimmed as
    every backend trims ("" is None, trailing empty cells and rows dropped).

    The checks are inlined in one comprehension per row: this runs for every cell of every coach tab.
    """
    return trim_grid([
        (int(v) if v.is_integer() and -_EXACT_INTEGERS < v < _EXACT_INTEGERS else v) if v.__class__ is float
        else (str(v) if v.__class__ in _TIMES else v) for v in row] for row in rows)


# -- cells calamine reads as empty ------------------------------------------------------------

_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c\b((?:(?!t="str")[^>])*)>\s*<f\b([^>]*?)(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>\s*(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?\s*<v>([^<]*)</v>')
_SHARED_MASTER = re.compile(rb'<f\b[^>]*\bt="shared"[^>]*\bsi="(\d+)"[^>]*>([^<]+)</f>')
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_SHARED_INDEX = re.compile(rb'\bsi="(\d+)"')


def _restore_hidden_cells(grid: Grid, xml: bytes) -> None:
    """Put formula errors and uncached formulas back where calamine left an empty cell.

    Only the default-namespace form that Excel, LibreOffice, Google and openpyxl write is scanned;
    a cheap substring test skips the regex on the usual sheet that has neither.
    """
    if b't="e"' in xml:
        for match in _ERROR_CELL.finditer(xml):
            _put(grid, match.group(1), _unescape(match.group(2)))
    if b"<f>" in xml or b"<f " in xml:
        masters: dict[bytes, str] | None = None
        for match in _FORMULA_WITHOUT_VALUE.finditer(xml):
            formula = match.group(3)
            if formula is None:  # a shared formula's follower: show the master's text
                if masters is None:
                    masters = {m.group(1): _unescape(m.group(2)) for m in _SHARED_MASTER.finditer(xml)}
                index = _SHARED_INDEX.search(match.group(2))
                text = masters.get(index.group(1), "") if index else ""
            else:
                text = _unescape(formula)
            _put(grid, match.group(1), f"={text}")


def _put(grid: Grid, attributes: bytes, value: str) -> None:
    ref = _REF.search(attributes)
    if ref is None:  # a cell without its address (allowed, written by almost no one): left as read
        return
    letters, digits = _CELL_REF.fullmatch(ref.group(1)).groups()  # type: ignore[union-attr]
    row, column = int(digits) - 1, _column_index(letters.decode())
    while len(grid) <= row:
        grid.append([])
    cells = grid[row]
    if len(cells) <= column:
        cells.extend([None] * (column + 1 - len(cells)))
    if cells[column] is None:
        cells[column] = value


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _unescape(raw: bytes) -> str:
    return unescape(raw.decode("utf-8"), _ENTITIES)
