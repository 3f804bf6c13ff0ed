"""Where a tool tab's printed pages break, so that every page starts with a heading.

Tool tabs print on :data:`~tracker_sync.tabs.PRINT_PAGE` (Letter landscape), scaled to one page wide.
The layout engine knows every row's height and every column's width, so it knows how many points of
rows a page holds and places the page breaks itself (the xlsx backend writes them as manual row
breaks): a table that would break starts on a fresh page, and a table longer than a page repeats its
header row at the top of each page it runs onto. The model is deliberately conservative, so a real
page always holds at least what the model put on it and no application adds a break of its own:

* the scale is computed from the narrowest column unit any application uses (LibreOffice draws an
  Excel width unit at about 6.5 pixels, Excel at 7 plus padding), so the real scale is never larger;
* a row with no height of its own counts as :data:`DEFAULT_ROW_POINTS` (Excel's default row; LibreOffice
  fits 10-point text in 12.8 points);
* a page is filled to :data:`_FILL` of what it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker_sync.tabs import PRINT_PAGE

DEFAULT_ROW_POINTS = 15.0
_NARROWEST_UNIT_PX = 6.4  # pixels per Excel width unit, the smallest any application draws
_FILL = 0.97


def page_points(widths: Sequence[float]) -> float:
    """How many points of rows (at 100%) one printed page holds for a tab of these column widths."""
    page_width, page_height = PRINT_PAGE.printable_points
    sheet_width = sum(widths) * _NARROWEST_UNIT_PX * 72 / 96
    scale = min(1.0, page_width / sheet_width) if sheet_width else 1.0
    return page_height / scale * _FILL


@dataclass
class Pager:
    """Rows placed so far on the current page, and the rows that start a new page."""

    capacity: float
    used: float = 0.0
    breaks: list[int] = field(default_factory=list)

    def fits(self, points: float) -> bool:
        return self.used + points <= self.capacity

    def new_page(self, row: int) -> None:
        """Start a page at ``row`` (nothing to do at the top of a page)."""
        if self.used > 0:
            self.breaks.append(row)
            self.used = 0.0

    def place(self, row: int, points: float) -> None:
        """Account for one row, breaking before it when the page is full."""
        if not self.fits(points):
            self.new_page(row)
        self.used += points
