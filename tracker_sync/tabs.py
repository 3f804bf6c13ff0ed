"""The values that flow between the steps: what a read returns and what a write is given.

A backend's read yields a :class:`Snapshot` of raw grids (cells as coaches typed them); the render
step lays the tool tabs out as :class:`ToolTab` data (values, styles, widths, merges, colour scales),
which every backend serialises as it is. Plain, frozen data and no I/O, so validation, patterns and
render depend on this module and never on a backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

CellValue = str | int | float | bool | dt.date | dt.datetime | None
Grid = list[list[CellValue]]



def trim_grid(rows: Iterable[Sequence[CellValue]]) -> Grid:
    """Rows as every backend returns them: "" read as None, trailing empty cells and rows dropped.

    Google omits trailing empties and files keep stray formatted cells; trimming in one place makes
    grids from every backend compare equal.
    """
    grid: Grid = []
    for row in rows:
        cells = [None if value == "" else value for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        grid.append(cells)
    while grid and not grid[-1]:
        grid.pop()
    return grid



def quoted_tab(tab: str) -> str:
    """A tab name as an A1 reference writes it: single-quoted, inner quotes doubled ('O''Brien')."""
    return "'" + tab.replace("'", "''") + "'"

@dataclass(frozen=True)
class Link:
    """A cell that jumps to another cell of the same tracker (Flags -> the faulty coach cell)."""

    text: str
    tab: str
    cell: str  # A1 notation, e.g. "C5"


ToolCell = CellValue | Link

#: Number formats a :class:`Style` may carry (spreadsheet format codes, the same in xlsx and Google).
NUMBER_FORMATS = ("0", "0.0", "0.00", "0%", "yyyy-mm-dd", "yyyy-mm-dd hh:mm")


@dataclass(frozen=True)
class Style:
    """How one cell looks. Every backend renders every field; colours are "RRGGBB" hex.

    Tool tabs are set in Arial 10 on every backend (the layout engine measures text in it); ``None``
    means that default size, bottom alignment, no fill. A date cell whose style has no number format
    shows as yyyy-mm-dd.
    """

    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float | None = None  # points
    color: str | None = None  # text colour
    fill: str | None = None  # background colour
    border_bottom: bool = False  # a thin line under the cell
    number_format: str | None = None  # one of NUMBER_FORMATS
    wrap: bool = False  # long text wraps inside the cell (the row height is set to fit)
    align: str | None = None  # "left" | "center" | "right"
    valign: str | None = None  # "top" | "middle"

    def __post_init__(self) -> None:
        if self.number_format is not None and self.number_format not in NUMBER_FORMATS:
            raise ValueError(f"unknown number format {self.number_format!r}; use one of {', '.join(NUMBER_FORMATS)}")
        for name in ("color", "fill"):
            value = getattr(self, name)
            if value is not None and not (len(value) == 6 and all(c in "0123456789ABCDEF" for c in value)):
                raise ValueError(f"{name} must be six upper-case hex digits like 'D9E1F2', not {value!r}")
        if self.align not in (None, "left", "center", "right") or self.valign not in (None, "top", "middle"):
            raise ValueError(f"unknown alignment {self.align!r}/{self.valign!r}")


@dataclass(frozen=True)
class PrintPage:
    """The printed page of every tool tab: Letter landscape, margins in inches (as the xlsx writes them).
    The layout engine breaks pages for it; the xlsx backend writes it into each tool tab's page setup."""

    width: float = 11.0
    height: float = 8.5
    left: float = 0.5
    right: float = 0.5
    top: float = 0.75
    bottom: float = 0.75
    header: float = 0.3  # where a header or footer would print, inside the top and bottom margins
    footer: float = 0.3

    @property
    def printable_points(self) -> tuple[float, float]:
        """(width, height) inside the margins, in points."""
        return (self.width - self.left - self.right) * 72, (self.height - self.top - self.bottom) * 72


PRINT_PAGE = PrintPage()


@dataclass(frozen=True)
class Area:
    """A rectangle of cells, 0-based and end-exclusive: rows [row, row + height), columns [col, col + width)."""

    row: int
    col: int
    height: int = 1
    width: int = 1


@dataclass(frozen=True)
class ColorScale:
    """A colour scale anchored on numbers: ``points`` are (value, "RRGGBB"), ascending, 2 or 3 of them.

    A cell's colour is the linear RGB interpolation between the two points around its value (clamped
    at the ends), which is how Excel, LibreOffice and Google Sheets colour a number-anchored scale; the
    ILT brief colours its heat map with :meth:`color_at`, so the tab and the brief always agree.
    """

    points: tuple[tuple[float, str], ...]

    def __post_init__(self) -> None:
        values = [v for v, _ in self.points]
        if len(self.points) not in (2, 3) or values != sorted(values) or len(set(values)) != len(values):
            raise ValueError("a colour scale needs 2 or 3 points with strictly ascending values")

    def color_at(self, value: float) -> str:
        points = self.points
        if value <= points[0][0]:
            return points[0][1]
        for (low, low_rgb), (high, high_rgb) in pairwise(points):
            if value <= high:
                t = (value - low) / (high - low)
                mixed = [round(a + (b - a) * t) for a, b in zip(rgb(low_rgb), rgb(high_rgb), strict=True)]
                return "".join(f"{c:02X}" for c in mixed)
        return points[-1][1]


def rgb(hex_color: str) -> tuple[int, int, int]:
    """'F8696B' as (248, 105, 107)."""
    return int(hex_color[0:2], 16), int(hex_color[2:4], 16), int(hex_color[4:6], 16)


@dataclass(frozen=True)
class ScaleRule:
    """Colour the numbers of ``area`` by ``scale`` (a conditional format; empty and text cells stay uncoloured)."""

    area: Area
    scale: ColorScale


@dataclass(frozen=True)
class ToolTab:
    """The complete new content of one tool-owned tab, ready for any backend to write.

    Backend-neutral: ``rows`` holds the values (ragged rows are fine); ``styles`` gives each cell an
    index into ``palette`` (a missing entry is 0, the plain style; a styled cell may be empty);
    ``column_widths`` are in characters of the default font's "0" (Excel's unit; Google gets pixels);
    ``row_heights`` in points (None: the application's default), set wherever text wraps or a merged
    cell holds more than one line, since no spreadsheet fits those by itself; ``merges`` join cells
    (the value sits in the top-left cell); ``color_scales`` colour numbers; ``filter`` is the one
    filterable table (header row included); ``frozen_rows`` stay on screen while scrolling; ``stamps``
    are the cells that say when the tab was written ("Updated 07:45"): a write whose only change is
    there is not needed, so a backend that skips unchanged writes leaves them out of its comparison.
    Backends print tool tabs on Letter landscape, one page wide, with the layout engine's page model
    (:mod:`tracker_sync.render.paging`): ``row_breaks`` are the rows that start a printed page (so a
    table never breaks without its header row), and the ``frozen_rows`` repeat at the top of every
    printed page (a list tab's title and header), as Google Sheets prints frozen rows. The Sheets API
    has no print settings, so only the xlsx backend writes the breaks.
    """

    name: str
    rows: list[list[ToolCell]]
    column_widths: list[float] = field(default_factory=list)
    frozen_rows: int = 0
    #: New on every sync by design (the Sync Log): it never makes a write needed by itself, so a
    #: backend may skip a write whose other tabs are unchanged; a write of volatile tabs only is made.
    volatile: bool = False
    styles: list[list[int]] = field(default_factory=list)
    palette: tuple[Style, ...] = (Style(),)
    row_heights: list[float | None] = field(default_factory=list)
    merges: tuple[Area, ...] = ()
    color_scales: tuple[ScaleRule, ...] = ()
    filter: Area | None = None
    stamps: tuple[tuple[int, int], ...] = ()
    row_breaks: tuple[int, ...] = ()  # 0-based rows that start a new printed page, ascending

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def style_at(self, row: int, col: int) -> Style:
        """The style of one cell (the plain style where none is set)."""
        styles = self.styles[row] if row < len(self.styles) else []
        return self.palette[styles[col] if col < len(styles) else 0]


@dataclass(frozen=True)
class FormEdit:
    """A form response edited after its row was appended: the row keeps the first answers, and a coach
    updates ``columns`` by hand (``row`` is the sheet row, 1-based, header included)."""

    tab: str
    row: int
    response: str
    edited_at: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class FormInbox:
    """What a read learned from the school's observation form (Google trackers with a form only).

    ``appended``: per tab, how many rows at the bottom of the snapshot's grid are new form responses
    that the next write appends (they are validated like every row meanwhile); ``edits``: appended
    responses edited since; ``waiting``: responses that cannot be appended yet, and ``waiting_for`` why.
    """

    link: str = ""
    form_id: str = ""
    cursor: str = ""  # the latest lastSubmittedTime taken in: what the next read lists after
    appended: dict[str, int] = field(default_factory=dict)
    edits: tuple[FormEdit, ...] = ()
    waiting: int = 0
    waiting_for: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What one read returns: raw grids per tab, tracker metadata, and tab ids (for cell links)."""

    grids: dict[str, Grid]
    metadata: dict[str, str] = field(default_factory=dict)
    tab_ids: dict[str, int] = field(default_factory=dict)
    form: FormInbox | None = None  # the observation form's new responses, when the tracker has a form
