"""A :class:`ToolTab` as one worksheet part (SpreadsheetML), written as text in one pass.

Strings are inline (``t="inlineStr"``), so the workbook's shared-string table is never touched and
text that starts with "=" stays text. Links are internal hyperlinks (a ``location``, no relationship
part). The tab is protected without a password (a guard against accidental edits; columns may still
be widened and the filter used) and prints on Letter landscape, one page wide, with the layout
engine's page breaks as manual row breaks (its frozen rows repeat on every page: see write.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from tracker_sync.tabs import PRINT_PAGE, Area, Link, Style, ToolTab, quoted_tab
from tracker_sync.validate.findings import column_letter

#: Excel's limit for the text of one cell; longer text is cut (and flagged by the validator upstream).
CELL_TEXT_LIMIT = 32_767
_EPOCH_1900, _EPOCH_1904 = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")  # text like "_x000D_" would be read as an escaped character

#: The style index grid maps to a cell format: (palette entry, default number format) -> cellXfs index.
XfOf = Callable[[Style, "str | None"], int]


def area_ref(area: Area) -> str:
    first = f"{column_letter(area.col)}{area.row + 1}"
    last = f"{column_letter(area.col + area.width - 1)}{area.row + area.height}"
    return first if first == last else f"{first}:{last}"


def sheet_xml(tab: ToolTab, xf_of: XfOf, *, tab_selected: bool = False, date1904: bool = False,
              print_setup: bool = True) -> bytes:
    """The complete worksheet part for ``tab``."""
    width = max(tab.width, max((len(r) for r in tab.styles), default=0), 1)
    letters = [column_letter(c) for c in range(width)]
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    palette = tab.palette
    formats: dict[tuple[int, str | None], int] = {}

    def xf(index: int, default_format: str | None) -> int:
        key = (index, default_format)
        found = formats.get(key)
        if found is None:
            found = formats[key] = xf_of(palette[index], default_format)
        return found

    links: list[str] = []
    rows_xml: list[str] = []
    for r in range(max(len(tab.rows), len(tab.styles), len(tab.row_heights))):
        values = tab.rows[r] if r < len(tab.rows) else []
        styles = tab.styles[r] if r < len(tab.styles) else []
        number = r + 1
        cells = []
        for c in range(max(len(values), len(styles))):
            value = values[c] if c < len(values) else None
            index = styles[c] if c < len(styles) else 0
            ref = f"{letters[c]}{number}"
            if value is None or value == "":
                if index:  # a styled empty cell (a filled header, a merged title's other cells)
                    cells.append(f'<c r="{ref}" s="{xf(index, None)}"/>')
            elif value.__class__ is str:
                cells.append(_text_cell(ref, xf(index, None), value))
            elif isinstance(value, Link):
                location = f"{quoted_tab(value.tab)}!{value.cell}"
                links.append(f'<hyperlink ref="{ref}" location={quoteattr(location)} display={quoteattr(_clean(value.text))}/>')
                cells.append(_text_cell(ref, xf(index, None), value.text))
            else:
                cells.append(_value_cell(ref, value, index, xf, epoch))
        height = tab.row_heights[r] if r < len(tab.row_heights) else None
        if cells or height is not None:
            size = f' ht="{height:g}" customHeight="1"' if height is not None else ""
            rows_xml.append(f'<row r="{number}"{size}>{"".join(cells)}</row>')
    last = f"{letters[max(tab.width, 1) - 1]}{max(len(tab.rows), 1)}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if print_setup else "",
        f'<dimension ref="{"A1" if last == "A1" else "A1:" + last}"/>',
        _views(tab.frozen_rows, tab_selected),
        '<sheetFormatPr defaultRowHeight="15"/>',
        _columns(tab.column_widths),
        f"<sheetData>{''.join(rows_xml)}</sheetData>",
        _protection(tab.filter is not None),
        f'<autoFilter ref="{area_ref(tab.filter)}"/>' if tab.filter else "",
        _merges(tab.merges),
        "".join(_color_scale(rule.area, rule.scale.points, priority) for priority, rule in enumerate(tab.color_scales, 1)),
        f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "",
        _MARGINS,
        '<pageSetup paperSize="1" orientation="landscape" fitToWidth="1" fitToHeight="0"/>' if print_setup else "",
        _row_breaks(tab.row_breaks) if print_setup else "",
        "</worksheet>",
    ]
    return "".join(parts).encode("utf-8")


_MARGINS = (f'<pageMargins left="{PRINT_PAGE.left:g}" right="{PRINT_PAGE.right:g}" top="{PRINT_PAGE.top:g}" '
            f'bottom="{PRINT_PAGE.bottom:g}" header="{PRINT_PAGE.header:g}" footer="{PRINT_PAGE.footer:g}"/>')


def _row_breaks(rows: tuple[int, ...]) -> str:
    """Manual page breaks above these 0-based rows (a break's id is the 0-based row it comes before)."""
    if not rows:
        return ""
    breaks = "".join(f'<brk id="{row}" max="16383" man="1"/>' for row in rows)
    return f'<rowBreaks count="{len(rows)}" manualBreakCount="{len(rows)}">{breaks}</rowBreaks>'


def _text_cell(ref: str, xf: int, text: str) -> str:
    if not (text.isascii() and text.isprintable()) or "_x" in text or len(text) > CELL_TEXT_LIMIT:
        text = _clean(text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() or "\n" in text else ""
    styled = f' s="{xf}"' if xf else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _value_cell(ref: str, value: object, index: int, xf: Callable[[int, str | None], int], epoch: dt.datetime) -> str:
    """A number, yes/no or date cell (dates are serial numbers shown through a date format)."""
    if isinstance(value, bool):
        body, kind, default_format = f"<v>{int(value)}</v>", ' t="b"', None
    elif isinstance(value, (int, float)):
        if not math.isfinite(value):  # no spreadsheet can hold NaN or infinity: an empty cell, as on Google
            return f'<c r="{ref}" s="{xf(index, None)}"/>' if index else ""
        body, kind, default_format = f"<v>{_number(value)}</v>", "", None
    elif isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - epoch) / dt.timedelta(days=1)
        body, kind, default_format = f"<v>{_number(serial)}</v>", "", "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        body, kind, default_format = f"<v>{(value - epoch.date()).days}</v>", "", "yyyy-mm-dd"
    else:
        raise TypeError(f"{ref}: a tool-tab cell holds text, numbers, dates or links, not {type(value).__name__}")
    styled = xf(index, default_format)
    style = f' s="{styled}"' if styled else ""
    return f'<c r="{ref}"{style}{kind}>{body}</c>'


def _number(value: float) -> str:
    """The shortest text that reads back as the same number ("6" for 6.0, as Excel writes it)."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else repr(value)


def _clean(text: str) -> str:
    """Text as a cell can hold it: no XML-illegal characters, escape look-alikes kept literal, cut at Excel's limit."""
    text = _ILLEGAL.sub("", text)
    if "_x" in text:
        text = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", text)
    return text[:CELL_TEXT_LIMIT]


def _protection(with_filter: bool) -> str:
    """No password; widening columns (and using the filter) stays allowed: "0" means not protected."""
    return '<sheetProtection sheet="1" formatColumns="0"' + (' autoFilter="0"' if with_filter else "") + "/>"


def _views(frozen_rows: int, selected: bool) -> str:
    selected_attr = ' tabSelected="1"' if selected else ""
    if not frozen_rows:
        return f'<sheetViews><sheetView workbookViewId="0"{selected_attr}/></sheetViews>'
    top = f"A{frozen_rows + 1}"
    return (f'<sheetViews><sheetView workbookViewId="0"{selected_attr}>'
            f'<pane ySplit="{frozen_rows}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/></sheetView></sheetViews>')


def _columns(widths: list[float]) -> str:
    if not widths:
        return ""
    cols = "".join(f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>' for i, width in enumerate(widths, 1))
    return f"<cols>{cols}</cols>"


def _merges(merges: tuple[Area, ...]) -> str:
    if not merges:
        return ""
    cells = "".join(f'<mergeCell ref="{area_ref(area)}"/>' for area in merges)
    return f'<mergeCells count="{len(merges)}">{cells}</mergeCells>'


def _color_scale(area: Area, points: tuple[tuple[float, str], ...], priority: int) -> str:
    anchors = "".join(f'<cfvo type="num" val="{_number(value)}"/>' for value, _ in points)
    colors = "".join(f'<color rgb="FF{rgb}"/>' for _, rgb in points)
    return (f'<conditionalFormatting sqref="{area_ref(area)}"><cfRule type="colorScale" priority="{priority}">'
            f"<colorScale>{anchors}{colors}</colorScale></cfRule></conditionalFormatting>")
