"""The layout engine: a tool tab described as lines and tables, laid out once for every backend.

A tab is a list of :class:`Line` (titles, headings of a group of sections, notes, sentences, links),
:class:`Table` (a header row and typed columns) and at most one :class:`Index`. :func:`layout_tab`
turns it into a :class:`~tracker_sync.tabs.ToolTab`; :func:`layout_tabs` also moves long lists to tabs
of their own. Any tool tab gets all of this:

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
* **Air between columns.** Every column is wider than its text by a gap; a number column followed by
  text is centred so the gap sits between them, and wrapped table cells carry the engine's own line
  breaks, each line short of the gap, so no application runs a line into the next column.
* **An index** links to every heading and titled table below it (a link to the cell).
* **Printed pages** (:mod:`.paging`): the engine places the page breaks, so a table that would break
  starts on a new page and one longer than a page repeats its header row; a tab with frozen rows (a
  list) repeats them on every printed page instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from tracker_sync.render.paging import DEFAULT_ROW_POINTS, Pager, page_points
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
     222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584), strict=True))
_ARIAL_BOLD = {**_ARIAL, **dict(zip(
    "!\"&':;?@ABJKL[]^bcdfghijklmnopqrstuvwxy{|}",
    (333, 474, 722, 238, 333, 333, 611, 975, 722, 722, 556, 722, 611, 333, 333, 584, 611, 556, 611, 333, 611, 611, 278,
     278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 389, 280, 389), strict=True))}
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
    """How many points of text fit in a column of ``width`` characters (the inverse of columns_for): its
    wrapped lines leave the air between columns free, so they never run up to the next column's text."""
    return max(1.0, (width * _CHAR_PX - _CELL_PADDING_PX - _GAP_PX) * 72 / 96)


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


def wrap_text(text: str, width: float, *, bold: bool = False, size: float = _FONT_POINTS) -> str:
    """``text`` with a line break wherever it wraps in a column of ``width`` characters (at spaces; a word
    wider than the column stays whole). Table cells are written broken this way, so every application
    shows the same lines (the row heights fit them) and no line runs into the air beside its column."""
    room = _points_in(width)
    space = text_points(" ", bold=bold, size=size)
    lines = []
    for paragraph in text.split("\n"):
        words: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            need = text_points(word, bold=bold, size=size)
            if words and used + space + need > room:
                lines.append(" ".join(words))
                words, used = [], 0.0
            used += (space if words else 0) + need
            words.append(word)
        lines.append(" ".join(words))
    return "\n".join(lines)


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
    date, datetime, link, or spark: a sparkline, text centred so it never touches a number). Numbers are stored as numbers
    and shown with the kind's number format.
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
    filterable (one per tab); ``empty`` is said when there are no rows. ``list_tab`` names a tab of its
    own for a long list (the tab is named "<this tab> - <list_tab>", at most 31 characters as Excel allows):
    :func:`layout_tabs` moves the list there when it runs over more than LIST_TAB_PAGES printed pages and
    keeps its first ``preview`` rows here, with a link to the rest. ``short`` is its entry in the tab's
    :class:`Index` (by default the title without a "(norm: ...)" part)."""

    columns: list[Column]
    rows: Sequence[Sequence[ToolCell]]  # read only: a Grid fits
    title: str | None = None
    note: str | None = None
    empty: str = "Nothing to show yet."
    marks: dict[tuple[int, int], str] = field(default_factory=dict)
    scale: tuple[int, int, ColorScale] | None = None
    legend: tuple[str, list[float]] | None = None
    filter: bool = False
    list_tab: str | None = None
    preview: int = 5
    short: str | None = None


@dataclass(frozen=True)
class Line:
    """A line of text across the tab: style "title", "heading" (a group of sections, the question they
    answer), "section", "note", "text" or "question". A ``stamp`` line only says when the tab was written
    (see ToolTab.stamps); a line with a ``target`` (tab, cell) is a link there."""

    text: str
    style: str = "text"
    stamp: bool = False
    target: tuple[str, str] | None = None


@dataclass(frozen=True)
class Index:
    """The tab's index, where it stands: a link to every heading and titled table below it, headings in
    bold, laid out in two columns when the tab is wide enough."""

    title: str = "On this tab"


GAP = Line("", "gap")  #: an empty row between sections
#: A list longer than this many printed pages moves to a tab of its own (shorter ones stay, their header
#: repeated at the top of each page they run onto).
LIST_TAB_PAGES = 2
Item = Line | Table | Index

# -- styles --------------------------------------------------------------------------------------

HEADER_FILL, ERROR_FILL, WARNING_FILL, HEADING_FILL = "D9E1F2", "FFC7CE", "FFEB9C", "2B5C8A"
NOTE_GREY, LINK_BLUE = "595959", "0563C1"
_LINE_STYLES = {
    "title": Style(bold=True, size=14, wrap=True, valign="top"),
    "heading": Style(bold=True, size=13, color="FFFFFF", fill=HEADING_FILL, wrap=True, valign="middle"),
    "section": Style(bold=True, size=12, wrap=True, valign="top"),
    "note": Style(italic=True, color=NOTE_GREY, wrap=True, valign="top"),
    "question": Style(italic=True, color=NOTE_GREY, wrap=True, valign="top"),
    "text": Style(wrap=True, valign="top"),
    "gap": Style(),
}
#: Lines that introduce what follows: a page never ends with one.
_KEPT_WITH_NEXT = {"heading", "section"}
_LINK = Style(color=LINK_BLUE, underline=True, valign="top")
#: Kinds whose cells are numbers: spreadsheets right-align them, so their headers are right-aligned too.
_NUMERIC = {"int", "mean", "mean2", "share", "date", "datetime"}
_MARKS = {"error": ERROR_FILL, "warning": WARNING_FILL}


def _alignments(columns: Sequence[Column]) -> list[str | None]:
    """Each column's alignment: numbers right, sparklines centred, text left (None), except that a number
    column followed by a text column is centred, so the number never runs into the text beside it
    ("12%I.5"): the air of both columns then sits between them."""
    aligns: list[str | None] = ["right" if c.kind in _NUMERIC else "center" if c.kind == "spark" else None for c in columns]
    for i in range(len(aligns) - 1):
        if aligns[i] == "right" and aligns[i + 1] is None:
            aligns[i] = "center"
    return aligns


@cache
def _cell_style(kind: str, mark: str | None = None, align: str | None = None) -> Style:
    """A body cell: its kind's number format and its column's alignment, long text wrapped, links blue
    and underlined; ``mark`` fills it (error, warning)."""
    return Style(number_format=_FORMATS[kind], wrap=kind == "long", valign="top", fill=_MARKS.get(mark or ""),
                 color=LINK_BLUE if kind == "link" else None, underline=kind == "link", align=align)


@cache
def _header_style(align: str | None) -> Style:
    return Style(bold=True, fill=HEADER_FILL, border_bottom=True, wrap=True, valign="top", align=align)


def _line_height(lines: int, size: float) -> float:
    return round(lines * LINE_POINTS * size / _FONT_POINTS + 3, 2)


def index_name(table: Table) -> str:
    """A table's entry in the index: ``short``, or its title without a trailing "(norm...)" part."""
    title = table.short or table.title or ""
    return re.sub(r" \(norms?\b[^()]*\)$", "", title)


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


@dataclass
class _Row:
    """One row before it is placed: its cells (first grid column, span, value, style) and the lines its
    tallest cell takes, so its printed height is known before it lands on a page."""

    cells: list[tuple[int, int, ToolCell, Style]]
    lines: int = 1
    size: float = _FONT_POINTS
    stamp: bool = False

    @property
    def height(self) -> float | None:
        """The row height to set (None: the application's default, a single line of 10-point text)."""
        return _line_height(self.lines, self.size) if self.lines > 1 or self.size > _FONT_POINTS else None

    @property
    def points(self) -> float:
        return self.height or DEFAULT_ROW_POINTS


def _row(widths: Sequence[float], cells: list[tuple[int, int, ToolCell, Style]], *, stamp: bool = False,
         broken: bool = False) -> _Row:
    """A row whose height fits its wrapped cells (no spreadsheet fits wrapped or merged rows by itself);
    ``broken``: text that wraps gets its line breaks here (see wrap_text). Text is cut at CELL_TEXT_LIMIT."""
    cells = [(col, span, value[:CELL_TEXT_LIMIT - 1] + "…" if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT else value,
              style) for col, span, value, style in cells]
    if broken:
        cells = [(col, span, wrap_text(value, sum(widths[col:col + span]), bold=style.bold, size=style.size or _FONT_POINTS)
                  if style.wrap and isinstance(value, str) else value, style) for col, span, value, style in cells]
    lines, size = 1, float(_FONT_POINTS)
    for col, span, value, style in cells:
        size = max(size, style.size or _FONT_POINTS)
        text = value.text if isinstance(value, Link) else "" if value is None else str(value)
        if style.wrap and text:
            lines = max(lines, wrapped_lines(text, sum(widths[col:col + span]), bold=style.bold, size=style.size or _FONT_POINTS))
    return _Row(cells, lines, size, stamp)


def _line_row(widths: Sequence[float], line: Line) -> _Row:
    if line.style == "gap":
        return _Row([])
    text = f"   {line.text}" if line.style == "question" else line.text
    style = _LINE_STYLES[line.style]
    if line.target:
        style = replace(style, color=LINK_BLUE, underline=True)
    value: ToolCell = Link(text, *line.target) if line.target else text
    return _row(widths, [(0, len(widths), value, style)], stamp=line.stamp)


@dataclass
class _TableRows:
    """A table as rows: its title and note, header, body (or the empty text), and the legend."""

    top: list[_Row]
    header: _Row
    body: list[_Row]
    tail: list[_Row]

    @property
    def points(self) -> float:
        return sum(r.points for r in [*self.top, self.header, *self.body, *self.tail])


def _table_rows(widths: Sequence[float], table: Table, spots: list[tuple[int, int]]) -> _TableRows:
    top = [_line_row(widths, Line(text, style)) for text, style in ((table.title, "section"), (table.note, "note")) if text]
    aligns = _alignments(table.columns)
    header = _row(widths, [(at, span, column.header, _header_style(align))
                           for column, (at, span), align in zip(table.columns, spots, aligns, strict=True)], broken=True)
    body = [_row(widths, [(at, span, values[i] if i < len(values) else None,
                           _cell_style(column.kind, table.marks.get((index, i)), align))
                          for i, (column, (at, span), align) in enumerate(zip(table.columns, spots, aligns, strict=True))],
                 broken=True)
            for index, values in enumerate(table.rows)]
    if not table.rows:
        body = [_Row([(0, 1, table.empty, Style(italic=True, color=NOTE_GREY))])]
    tail = []
    if table.legend and table.scale:
        label, values = table.legend
        first, last, _ = table.scale
        tail.append(_Row([(0, 1, label, Style(italic=True, color=NOTE_GREY, valign="top")),
                          *((at, span, value, Style(number_format="0", align="center", valign="top"))
                            for value, (at, span) in zip(values, spots[first:last], strict=False))]))
    return _TableRows(top, header, body, tail)


class _Sheet:
    """The ToolTab under construction: values, a style index per cell, merges, heights, page breaks."""

    def __init__(self, widths: list[float], paged: bool) -> None:
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
        self.pager = Pager(page_points(widths)) if paged else None

    def style(self, style: Style) -> int:
        if style not in self._index:
            self._index[style] = len(self.palette)
            self.palette.append(style)
        return self._index[style]

    def place(self, row: _Row) -> int:
        """Append ``row`` (on a new page when the current one is full); returns its index."""
        index = len(self.rows)
        if self.pager:
            self.pager.place(index, row.points)
        self.rows.append([None] * len(self.widths))
        self.styles.append([0] * len(self.widths))
        self.heights.append(row.height)
        for col, span, value, style in row.cells:
            self.rows[index][col] = value
            for c in range(col, col + span):
                self.styles[index][c] = self.style(style)
            if span > 1:
                self.merges.append(Area(index, col, 1, span))
        if row.stamp:
            self.stamps.append((index, 0))
        return index

    def keep_together(self, rows: Sequence[_Row]) -> None:
        """Start a new page unless ``rows`` fit on what is left of this one."""
        if self.pager and not self.pager.fits(sum(r.points for r in rows)):
            self.pager.new_page(len(self.rows))


def _place_table(sheet: _Sheet, table: Table, parts: _TableRows, spots: list[tuple[int, int]], kept: list[_Row]) -> int:
    """Place a table (after the heading lines ``kept`` with it); returns the row of its first line.

    A table that would break starts on a new page; one longer than a page starts on a new page too,
    and its header row is repeated at the top of every page it runs onto."""
    sheet.keep_together([*kept, *parts.top, parts.header, *parts.body, *parts.tail])
    first = len(sheet.rows)
    for row in [*kept, *parts.top]:
        sheet.place(row)
    header_row = sheet.place(parts.header)
    for row in parts.body:
        if sheet.pager and not sheet.pager.fits(row.points):
            sheet.pager.new_page(len(sheet.rows))
            sheet.place(parts.header)
        sheet.place(row)
    body_end = len(sheet.rows)
    if table.scale and table.rows:
        first_column, last_column, scale = table.scale
        at, end = spots[first_column][0], spots[last_column - 1][0] + spots[last_column - 1][1]
        sheet.scales.append(ScaleRule(Area(header_row + 1, at, body_end - header_row - 1, end - at), scale))
    for row in parts.tail:
        legend = sheet.place(row)
        if table.scale and table.legend:
            first_column, _, scale = table.scale
            last_spot = spots[first_column + len(table.legend[1]) - 1]
            at = spots[first_column][0]
            sheet.scales.append(ScaleRule(Area(legend, at, 1, last_spot[0] + last_spot[1] - at), scale))
    if table.filter:
        width = spots[-1][0] + spots[-1][1] if spots else 1
        sheet.filter = Area(header_row, 0, body_end - header_row, width)
    return first


def _index_blocks(widths: list[float], texts: Sequence[str]) -> list[tuple[int, int]]:
    """The grid columns (first, span) of each index column: two halves of the tab when each holds the
    longest entry on one line, else the whole width."""
    total, longest = sum(widths), max((columns_for(text_points(t, bold=True)) for t in texts), default=0)
    running = 0.0
    for split in range(1, len(widths)):
        running += widths[split - 1]
        if running >= total / 2:
            if min(running, total - running) >= longest:
                return [(0, split), (split, len(widths) - split)]
            break
    return [(0, len(widths))]


def _index_columns(entries: list[tuple[int, str, bool]], count: int) -> list[list[tuple[int, str, bool]]]:
    """Entries (item position, text, is a heading) in ``count`` columns, a heading's group kept whole."""
    groups: list[list[tuple[int, str, bool]]] = []
    for entry in entries:
        if entry[2] or not groups:
            groups.append([])
        groups[-1].append(entry)
    columns: list[list[tuple[int, str, bool]]] = [[] for _ in range(count)]
    half = len(entries) / count
    at = 0
    for group in groups:
        if at < count - 1 and columns[at] and len(columns[at]) + len(group) / 2 > half:
            at += 1
        columns[at].extend(group)
    return [c for c in columns if c]


def _place_index(sheet: _Sheet, index: Index, items: Sequence[Item], after: int) -> list[tuple[int, int, int, str]]:
    """Placeholder rows for the index; returns (row, column, item position, text) of each entry."""
    entries = [(i, item.text, True) if isinstance(item, Line) else (i, index_name(item), False)
               for i, item in enumerate(items) if i > after and
               ((isinstance(item, Line) and item.style == "heading") or (isinstance(item, Table) and item.title))]
    blocks = _index_blocks(sheet.widths, [text for _, text, _ in entries])
    columns = _index_columns(entries, len(blocks))
    if len(columns) < len(blocks):
        blocks = [(0, len(sheet.widths))]
    depth = max(map(len, columns), default=0)
    title = _line_row(sheet.widths, Line(index.title, "section"))
    sheet.keep_together([title, *(_Row([]) for _ in range(depth))])
    sheet.place(title)
    placed = []
    for level in range(depth):
        cells: list[tuple[int, int, ToolCell, Style]] = []
        positions: list[int] = []
        for (col, span), column in zip(blocks, columns, strict=True):
            if level < len(column):
                position, text, heading = column[level]
                cells.append((col, span, text, replace(_LINK, bold=heading)))
                positions.append(position)
        row = sheet.place(_row(sheet.widths, cells))
        placed += [(row, col, position, str(text)) for (col, _, text, _), position in zip(cells, positions, strict=True)]
    return placed


def _lay_out(name: str, items: Sequence[Item], grid: _Grid, *, frozen_rows: int, volatile: bool,
            built: Mapping[int, _TableRows] | None = None) -> tuple[ToolTab, dict[int, int]]:
    """The tab, and the row of each heading and table title by item position (what links point at).
    ``built``: tables already made into rows (by id), so none is wrapped and measured twice."""
    sheet = _Sheet(grid.widths, paged=frozen_rows == 0)
    anchors: dict[int, int] = {}
    index_cells: list[tuple[int, int, int, str]] = []
    pending: list[tuple[int, _Row]] = []  # heading and section lines (and gaps after them) waiting for what they introduce

    def flush(then: Sequence[_Row] = ()) -> None:
        if pending:
            sheet.keep_together([*(row for _, row in pending), *then])
        for position, row in pending:
            anchors[position] = sheet.place(row)
        pending.clear()

    for position, item in enumerate(items):
        if isinstance(item, Table):
            kept = [row for _, row in pending]
            rows = (built or {}).get(id(item)) or _table_rows(grid.widths, item, grid.places[id(item)])
            first = _place_table(sheet, item, rows, grid.places[id(item)], kept)
            for offset, (at, _) in enumerate(pending):
                anchors[at] = first + offset
            anchors[position] = first + len(pending)
            pending.clear()
        elif isinstance(item, Index):
            flush()
            index_cells = _place_index(sheet, item, items, position)
        else:
            row = _line_row(grid.widths, item)
            if item.style in _KEPT_WITH_NEXT or (item.style == "gap" and pending):
                pending.append((position, row))
            else:
                flush([row])
                anchors[position] = sheet.place(row)
    flush()
    for at, col, position, text in index_cells:
        sheet.rows[at][col] = Link(text, name, f"A{anchors[position] + 1}")
    tab = ToolTab(name, sheet.rows, column_widths=sheet.widths, frozen_rows=frozen_rows, volatile=volatile,
                  styles=sheet.styles, palette=tuple(sheet.palette), row_heights=sheet.heights,
                  merges=tuple(sheet.merges), color_scales=tuple(sheet.scales), filter=sheet.filter,
                  stamps=tuple(sheet.stamps), row_breaks=tuple(sheet.pager.breaks) if sheet.pager else ())
    return tab, anchors


def layout_tab(name: str, items: Sequence[Item], *, anchor: Table | None = None, frozen_rows: int = 0,
               volatile: bool = False) -> ToolTab:
    """Lay out ``items`` top to bottom on one column grid (see the module docstring). A tab with frozen
    rows is a list: they repeat on every printed page instead of page breaks and repeated headers.
    Tables keep their rows here whatever their ``list_tab`` (see :func:`layout_tabs`)."""
    tables = [item for item in items if isinstance(item, Table)]
    return _lay_out(name, items, _plan_grid(tables, anchor), frozen_rows=frozen_rows, volatile=volatile)[0]


def list_tab_name(tab: str, name: str) -> str:
    """The tab a list of ``tab`` moves to: "Patterns - Not observed" (a name no coach tab has)."""
    full = f"{tab} - {name}"
    if len(full) > 31 or any(ch in full for ch in "\\/?*[]:"):
        raise ValueError(f"{full!r} cannot name a tab: at most 31 characters, none of \\ / ? * [ ] :")
    return full


def layout_tabs(name: str, items: Sequence[Item], *, anchor: Table | None = None, keep: Collection[str] = ()) -> list[ToolTab]:
    """The tab, then a tab of its own for each long list: a table with a ``list_tab`` that runs over more
    than LIST_TAB_PAGES printed pages moves there (title, a link back, its header frozen and repeated on every printed page)
    and keeps its first ``preview`` rows here with a link to the rest. A list tab named in ``keep`` (it
    is in the tracker already) is written again even when its list fits here now, so it never goes stale."""
    tables = [item for item in items if isinstance(item, Table)]
    grid = _plan_grid(tables, anchor)
    page = page_points(grid.widths)
    shown_items: list[Item] = []
    built: dict[int, _TableRows] = {}  # the lists measured here that stay on the tab, laid out as measured
    moved: list[tuple[int, str, Table]] = []
    for item in items:
        if not (isinstance(item, Table) and item.list_tab):
            shown_items.append(item)
            continue
        tab = list_tab_name(name, item.list_tab)
        rows = _table_rows(grid.widths, item, grid.places[id(item)])
        long = rows.points > LIST_TAB_PAGES * page
        if long or tab in keep:
            moved.append((len(shown_items), tab, item))
        if not long:
            built[id(item)] = rows
            shown_items.append(item)
            continue
        preview = replace(item, rows=item.rows[:item.preview], filter=False,
                          marks={k: v for k, v in item.marks.items() if k[0] < item.preview})
        grid.places[id(preview)] = grid.places[id(item)]
        shown_items += [preview, Line(f"The first {len(preview.rows)} of {len(item.rows)} rows. All of them are on the tab "
                                      f"'{tab}' (click here).", "note", target=(tab, "A1"))]
    main, anchors = _lay_out(name, shown_items, grid, frozen_rows=0, volatile=False, built=built)
    lists = []
    for position, tab, table in moved:
        back = Line(f"{len(table.rows)} rows, from the {name} tab (click here to go back to it).", "note",
                    target=(name, f"A{anchors[position] + 1}"))
        body = replace(table, title=None, note=None, list_tab=None)
        lists.append(layout_tab(tab, [Line(table.title or tab, "section"), back, body], frozen_rows=3))
    return [main, *lists]
