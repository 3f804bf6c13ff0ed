"""The layout engine: a tool tab described as lines and tables, laid out once for every backend.

A tab is a list of :class:`Line` (titles, notes, sentences) and :class:`Table` (a header row and typed
columns). :func:`layout_tab` turns it into a :class:`~tracker_sync.tabs.ToolTab`:

* **Widths come from content.** Each column is as wide as its widest cell in its display format
  (a date is "2026-09-14", a mean "4.2", a share "84%") and its header, wrapped at word boundaries to
  at most three lines; long text wraps at a capped width. Text is measured with Arial's character
  widths (Google's default font; LibreOffice shows it as Liberation Sans, the same metrics) and a
  margin for fonts that run wider, so no cell is cut and no number shows as ``###``.
* **One column grid for the whole tab.** By default every table starts in column A and each grid
  column is as wide as the widest table needs it. A tab built around a grid of small numbers (the heat
  map) names that table as its ``anchor``: the grid is column A plus columns as wide as the anchor's
  widest number column, and a wider column of another table spans several grid columns (merged
  cells), so the heat map stays compact and no other table is squeezed.
* **Lines span the tab** (merged across the grid) and wrap, so a long sentence is never cut at the
  last column; every row that wraps gets a height that fits it (no spreadsheet fits merged or
  wrapped rows by itself).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from tracker_sync.tabs import (
    Area,
    ColorScale,
    Link,
    ScaleRule,
    Style,
    ToolCell,
    ToolTab,
)

# -- how text is measured ------------------------------------------------------------------------

#: Arial / Liberation Sans advance widths in 1/1000 em, regular and bold, for printable ASCII.
_ARIAL = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278, 584, 584,
     584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
     611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222,
     222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)))
_ARIAL_BOLD = {**_ARIAL, **dict(zip(
    "!\"&':;?@ABCDEJKLRbcdfghjkmnopqrstuvwxy[]|",
    (333, 474, 722, 238, 333, 333, 611, 975, 722, 722, 722, 722, 667, 278, 556, 722, 611, 722, 611, 556, 611, 611,
     333, 611, 611, 278, 556, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 333, 333, 280)))}
_WIDE = 1000  # CJK, symbols and anything else: a full em, to be safe
#: A margin for rounding and hinting; fonts that stand in for Arial without its metrics (DejaVu Sans on a
#: bare Linux) run ~12% wider, so .ci/run installs Liberation Sans (Arial's metrics) for the look test.
_SAFETY = 1.05
_CHAR_PX = 7  # Excel's column-width unit: the default font's digit, 7 pixels at 96 dpi
_CELL_PADDING_PX = 6  # what the apps keep free inside a cell, both sides together: the room wrapped text has
_GAP_PX = 14  # air between one column's text and the next (a right-aligned number beside left-aligned text), a filter button
LINE_POINTS = 12.75  # one line of 10-point text
_FONT_POINTS = 10


def _glyph(ch: str, widths: dict[str, int]) -> int:
    if ch in widths:
        return widths[ch]
    base = unicodedata.normalize("NFKD", ch)[:1]  # 'é' measures as 'e'
    if base in widths:
        return widths[base]
    return 556 if unicodedata.category(ch).startswith("L") and ord(ch) < 0x2E80 else _WIDE


@lru_cache(maxsize=1 << 16)
def text_points(text: str, *, bold: bool = False, size: float = _FONT_POINTS) -> float:
    """How wide ``text`` prints, in points, in Arial of the given size (with the safety margin).
    Cached: tabs repeat the same names, codes and words on every row."""
    widths = _ARIAL_BOLD if bold else _ARIAL
    return sum(_glyph(ch, widths) for ch in text) / 1000 * size * _SAFETY


def columns_for(points: float) -> float:
    """The column width (Excel characters) that shows ``points`` of text with padding."""
    return round((points * 96 / 72 + _CELL_PADDING_PX + _GAP_PX) / _CHAR_PX, 1)


def _points_in(width: float) -> float:
    """How many points of text fit in a column of ``width`` characters (the inverse of columns_for)."""
    return max(1.0, (width * _CHAR_PX - _CELL_PADDING_PX) * 72 / 96)


def wrapped_lines(text: str, width: float, *, bold: bool = False, size: float = _FONT_POINTS) -> int:
    """Lines ``text`` takes in a column of ``width`` characters when it wraps at spaces."""
    room = _points_in(width)
    space = text_points(" ", bold=bold, size=size)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            need = text_points(word, bold=bold, size=size)
            if used and used + space + need > room:
                lines += 1
                used = 0.0
            if need > room:  # a word wider than the cell breaks inside itself
                extra = math.ceil(need / room) - 1
                lines += extra
                used = need - extra * room
            else:
                used += (space if used else 0) + need
    return lines


# -- columns and their display formats -----------------------------------------------------------

#: kind -> (number format, how a value shows); the number formats are base.NUMBER_FORMATS.
_FORMATS = {
    "text": None, "long": None, "link": None, "spark": None,
    "int": "0", "mean": "0.0", "mean2": "0.00", "share": "0%", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
}
LONG_TEXT_WIDTH = 48  # a long-text column wraps at this width (characters)
#: The most text a tool-tab cell holds, and the widest a column gets (characters): about twice what the
#: tabs themselves ever write (a 260-teacher school: 500 and 60), so only a coach's paste quoted in a
#: label is cut. Without them one 49,990-character name made a tab 10,670 columns wide.
CELL_TEXT_LIMIT = 1_000
MAX_COLUMN_WIDTH = 120
_WRAP_SLACK = 1.15  # ... unless its longest text is at most this much wider
MAX_HEADER_LINES = 3


def shown(value: ToolCell, kind: str) -> str:
    """A cell as the spreadsheet shows it under its column's number format."""
    if value is None or value == "":
        return ""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        places = {"share": 0, "mean": 1, "mean2": 2, "int": 0}.get(kind)
        if places is None:
            return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"
        number = value * 100 if kind == "share" else value
        text = str(Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))  # as spreadsheets round
        return f"{text}%" if kind == "share" else text
    return str(value)


@dataclass(frozen=True)
class Column:
    """One table column: its header and the kind of its cells (text, long, int, mean, mean2, share,
    date, datetime, link, or spark: a sparkline, text centred so it never touches a number). Numbers are stored as numbers and shown with the kind's number format.
    Long text wraps at ``wrap_at`` characters (default LONG_TEXT_WIDTH)."""

    header: str
    kind: str = "text"
    wrap_at: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in _FORMATS:
            raise ValueError(f"unknown column kind {self.kind!r}; use one of {', '.join(_FORMATS)}")


@dataclass
class Table:
    """A titled table. ``marks`` colours cells: {(row, column): "error" or "warning"} (body rows, 0-based);
    ``scale`` colours the numbers of columns [first, last) by a colour scale; ``legend`` adds a row under
    the table with these values in the scaled columns, coloured the same way; ``filter`` makes the table
    filterable (one per tab); ``empty`` is said when there are no rows."""

    columns: list[Column]
    rows: list[list[ToolCell]]
    title: str | None = None
    note: str | None = None
    empty: str = "Nothing to show yet."
    marks: dict[tuple[int, int], str] = field(default_factory=dict)
    scale: tuple[int, int, ColorScale] | None = None
    legend: tuple[str, list[float]] | None = None
    filter: bool = False


@dataclass(frozen=True)
class Line:
    """A line of text across the tab: style "title", "section", "note", "text" or "question". A ``stamp``
    line only says when the tab was written (see ToolTab.stamps)."""

    text: str
    style: str = "text"
    stamp: bool = False


GAP = Line("", "gap")  #: an empty row between sections

# -- styles --------------------------------------------------------------------------------------

HEADER_FILL, ERROR_FILL, WARNING_FILL = "D9E1F2", "FFC7CE", "FFEB9C"
NOTE_GREY, LINK_BLUE = "595959", "0563C1"
_LINE_STYLES = {
    "title": Style(bold=True, size=14, wrap=True, valign="top"),
    "section": Style(bold=True, size=12, wrap=True, valign="top"),
    "note": Style(italic=True, color=NOTE_GREY, wrap=True, valign="top"),
    "question": Style(italic=True, color=NOTE_GREY, wrap=True, valign="top"),
    "text": Style(wrap=True, valign="top"),
    "gap": Style(),
}
_HEADER = Style(bold=True, fill=HEADER_FILL, border_bottom=True, wrap=True, valign="top")
_NUMBER_HEADER = Style(bold=True, fill=HEADER_FILL, border_bottom=True, wrap=True, valign="top", align="right")
#: Kinds whose cells are numbers: spreadsheets right-align them, so their headers are right-aligned too.
_NUMERIC = {"int", "mean", "mean2", "share", "date", "datetime"}
_MARKS = {"error": ERROR_FILL, "warning": WARNING_FILL}


@cache
def _cell_style(kind: str, mark: str | None = None) -> Style:
    """A body cell: its kind's number format; numeric columns right-aligned (a text such as "≤ 3" among
    numbers too), sparklines centred, long text wrapped, links blue and underlined; ``mark`` fills it
    (error, warning)."""
    return Style(number_format=_FORMATS[kind], wrap=kind == "long", valign="top", fill=_MARKS.get(mark or ""),
                 color=LINK_BLUE if kind == "link" else None, underline=kind == "link",
                 align="right" if kind in _NUMERIC else "center" if kind == "spark" else None)


def _line_size(style: str) -> float:
    return _LINE_STYLES[style].size or _FONT_POINTS


def _line_height(lines: int, size: float) -> float:
    return round(lines * LINE_POINTS * size / _FONT_POINTS + 3, 2)


# -- the engine ------------------------------------------------------------------------------------

def _header_width(header: str) -> float:
    """The narrowest width that keeps the header's longest word whole and its lines to three."""
    words = header.split()
    width = columns_for(max((text_points(w, bold=True) for w in words), default=0))
    whole = columns_for(text_points(header, bold=True))
    while width < whole and wrapped_lines(header, width, bold=True) > MAX_HEADER_LINES:
        width += 0.5
    return min(width, whole)


def _column_need(column: Column, values: list[ToolCell]) -> float:
    cells = {shown(v, column.kind) for v in values}
    widest = max((columns_for(text_points(text)) for text in cells if text), default=0)
    if column.kind == "long":
        cap = column.wrap_at or LONG_TEXT_WIDTH
        longest_word = max((columns_for(text_points(w)) for t in cells for w in t.split()), default=0)
        if widest > cap * _WRAP_SLACK:  # barely longer than the cap: one line reads better than two
            widest = max(cap, min(longest_word, LONG_TEXT_WIDTH))
    return min(max(widest, _header_width(column.header), 3.0), MAX_COLUMN_WIDTH)


@dataclass
class _Grid:
    """Column widths of the tab, and where each table column sits (first grid column, span)."""

    widths: list[float]
    places: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # id(table) -> per column


def _plan_grid(tables: list[Table], anchor: Table | None) -> _Grid:
    needs = {id(t): [_column_need(c, [row[i] if i < len(row) else None for row in t.rows])
                     for i, c in enumerate(t.columns)] for t in tables}
    if anchor is None:
        count = max((len(t.columns) for t in tables), default=1)
        widths = [max((needs[id(t)][i] for t in tables if i < len(t.columns)), default=3.0) for i in range(count)]
        return _Grid(widths, {id(t): [(i, 1) for i in range(len(t.columns))] for t in tables})
    unit = max(needs[id(anchor)][1:], default=3.0)
    first = max((needs[id(t)][0] for t in tables if t.columns), default=3.0)
    places, used = {}, 1
    for t in tables:
        at, spots = 1, [(0, 1)]
        for need in needs[id(t)][1:]:
            span = max(1, math.ceil(need / unit - 1e-9))
            spots.append((at, span))
            at += span
        places[id(t)] = spots
        used = max(used, at)
    return _Grid([first] + [unit] * (used - 1), places)


class _Sheet:
    """The ToolTab under construction: values, a style index per cell, merges, heights."""

    def __init__(self, widths: list[float]) -> None:
        self.widths = widths
        self.rows: list[list[ToolCell]] = []
        self.styles: list[list[int]] = []
        self.palette: list[Style] = [Style()]
        self._index: dict[Style, int] = {Style(): 0}
        self.heights: list[float | None] = []
        self.merges: list[Area] = []
        self.scales: list[ScaleRule] = []
        self.filter: Area | None = None
        self.stamps: list[tuple[int, int]] = []

    def style(self, style: Style) -> int:
        if style not in self._index:
            self._index[style] = len(self.palette)
            self.palette.append(style)
        return self._index[style]

    def new_row(self) -> int:
        self.rows.append([None] * len(self.widths))
        self.styles.append([0] * len(self.widths))
        self.heights.append(None)
        return len(self.rows) - 1

    def put(self, row: int, col: int, span: int, value: ToolCell, style: Style) -> int:
        """One cell (merged over ``span`` grid columns); returns the lines its text takes."""
        if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
            value = value[:CELL_TEXT_LIMIT - 1] + "…"
        self.rows[row][col] = value
        index = self.style(style)
        for c in range(col, col + span):
            self.styles[row][c] = index
        if span > 1:
            self.merges.append(Area(row, col, 1, span))
        text = value.text if isinstance(value, Link) else "" if value is None else str(value)
        if not style.wrap or not text:
            return 1
        width = sum(self.widths[col:col + span])
        return wrapped_lines(text, width, bold=style.bold, size=style.size or _FONT_POINTS)

    def fit(self, row: int, lines: int, size: float = _FONT_POINTS) -> None:
        if lines > 1 or size > _FONT_POINTS:
            self.heights[row] = max(self.heights[row] or 0, _line_height(lines, size))


def _add_line(sheet: _Sheet, line: Line) -> None:
    row = sheet.new_row()
    if line.style == "gap":
        return
    text = f"   {line.text}" if line.style == "question" else line.text
    lines = sheet.put(row, 0, len(sheet.widths), text, _LINE_STYLES[line.style])
    sheet.fit(row, lines, _line_size(line.style))
    if line.stamp:
        sheet.stamps.append((row, 0))


def _add_table(sheet: _Sheet, table: Table, spots: list[tuple[int, int]]) -> None:
    if table.title:
        _add_line(sheet, Line(table.title, "section"))
    if table.note:
        _add_line(sheet, Line(table.note, "note"))
    header_row = sheet.new_row()
    lines = max(sheet.put(header_row, at, span, column.header, _NUMBER_HEADER if column.kind in _NUMERIC else _HEADER)
                for column, (at, span) in zip(table.columns, spots))
    sheet.fit(header_row, lines)
    first_body = header_row + 1
    if not table.rows:
        row = sheet.new_row()
        sheet.put(row, 0, 1, table.empty, Style(italic=True, color=NOTE_GREY))
    for index, values in enumerate(table.rows):
        row = sheet.new_row()
        lines = 1
        for i, (column, (at, span)) in enumerate(zip(table.columns, spots)):
            value = values[i] if i < len(values) else None
            lines = max(lines, sheet.put(row, at, span, value, _cell_style(column.kind, table.marks.get((index, i)))))
        sheet.fit(row, lines)
    body_rows = len(table.rows)
    if table.scale and body_rows:
        first, last, scale = table.scale
        at, end = spots[first][0], spots[last - 1][0] + spots[last - 1][1]
        sheet.scales.append(ScaleRule(Area(first_body, at, body_rows, end - at), scale))
    if table.legend and table.scale:
        label, values = table.legend
        first, last, scale = table.scale
        row = sheet.new_row()
        sheet.put(row, 0, 1, label, Style(italic=True, color=NOTE_GREY, valign="top"))
        for value, (at, span) in zip(values, spots[first:last]):
            sheet.put(row, at, span, value, Style(number_format="0", align="center", valign="top"))
        last_spot = spots[first + len(values) - 1]
        sheet.scales.append(ScaleRule(Area(row, spots[first][0], 1, last_spot[0] + last_spot[1] - spots[first][0]), scale))
    if table.filter:
        width = spots[-1][0] + spots[-1][1] if spots else 1
        sheet.filter = Area(header_row, 0, 1 + max(body_rows, 1), width)


def layout_tab(name: str, items: Sequence[Line | Table], *, anchor: Table | None = None, frozen_rows: int = 0,
               volatile: bool = False) -> ToolTab:
    """Lay out ``items`` top to bottom on one column grid (see the module docstring)."""
    tables = [item for item in items if isinstance(item, Table)]
    grid = _plan_grid(tables, anchor)
    sheet = _Sheet(grid.widths)
    for item in items:
        if isinstance(item, Table):
            _add_table(sheet, item, grid.places[id(item)])
        else:
            _add_line(sheet, item)
    return ToolTab(name, sheet.rows, column_widths=sheet.widths, frozen_rows=frozen_rows, volatile=volatile,
                   styles=sheet.styles, palette=tuple(sheet.palette), row_heights=sheet.heights,
                   merges=tuple(sheet.merges), color_scales=tuple(sheet.scales), filter=sheet.filter,
                   stamps=tuple(sheet.stamps))
