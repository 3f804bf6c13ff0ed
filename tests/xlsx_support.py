"""What the xlsx tests share: real trackers, LibreOffice, the openpyxl reference reader, zip members."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from look_support import SOFFICE

from tracker_sync.tabs import (
    Area,
    ColorScale,
    Link,
    ScaleRule,
    Style,
    ToolTab,
    trim_grid,
)

DEMO_AS_OF = dt.date(2026, 12, 18)


@contextmanager
def lock_held_elsewhere(lock_path: Path) -> Iterator[None]:
    """Another process holds tracker-sync's file lock (a separate interpreter: no in-process lock sharing)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, filelock; l = filelock.FileLock(sys.argv[1]); l.acquire();"
         " print('held', flush=True); time.sleep(30)", str(lock_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


def soffice_convert(source: Path, to: str, out_dir: Path) -> Path:
    """``soffice --headless --convert-to`` with a private profile; the converted file's path."""
    profile = out_dir / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", to,
         "--outdir", str(out_dir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return out_dir / f"{source.stem}.{to.split(':')[0]}"


def libreoffice_saved(source: Path, out_dir: Path) -> Path:
    """``source`` as LibreOffice saves it (every part rewritten in LibreOffice's own way)."""
    return soffice_convert(source, "xlsx:Calc MS Excel 2007 XML", out_dir)


def demo_tracker(folder: Path) -> Path:
    """The demo school (30 teachers, six typos) provisioned, typed in and synced once."""
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.sync import sync_tracker
    from tracker_sync.synthetic.demo import provision_school
    from tracker_sync.synthetic.school import synthetic_school

    path = folder / "demo.xlsx"
    workbook = XlsxWorkbook(path)
    provision_school(workbook, synthetic_school(7))
    sync_tracker(workbook, as_of=DEMO_AS_OF)
    return path


def members(path: Path) -> dict[str, tuple[bytes, bytes]]:
    """Every zip member: (uncompressed bytes, stored bytes from its local header to its data's end)."""
    data = path.read_bytes()
    found = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            header = data[info.header_offset:info.header_offset + 30]
            name_length = int.from_bytes(header[26:28], "little")
            extra_length = int.from_bytes(header[28:30], "little")
            end = info.header_offset + 30 + name_length + extra_length + info.compress_size
            found[info.filename] = (archive.read(info), data[info.header_offset:end])
    return found


def sheet_parts(path: Path) -> dict[str, str]:
    """Tab name -> its worksheet part, from xl/workbook.xml and its relationships (ElementTree)."""
    import posixpath
    import xml.etree.ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as archive:
        targets = {r.get("Id"): r.get("Target") for r in ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))}
        sheets = ET.fromstring(archive.read("xl/workbook.xml")).find(f"{main}sheets")
    return {s.get("name"): (targets[s.get(rel)].lstrip("/") if targets[s.get(rel)].startswith("/")
                            else posixpath.join("xl", targets[s.get(rel)])) for s in sheets}


def openpyxl_reading(path: Path, tabs: list[str]) -> dict[str, list[list]]:
    """The reference: grids as the openpyxl reader of tracker-sync 0.1 read them (values, then each
    formula's cached value from a second data-only pass; the formula text when there is none).

    One deliberate change is applied: a date-time at midnight is a ``date`` (the contract: a date
    without a time part is a date, whatever the cell's format).
    """
    from openpyxl import load_workbook
    from openpyxl.styles.numbers import is_datetime

    def plain(cell):
        value = cell.value
        if isinstance(value, dt.datetime):
            return value.date() if is_datetime(cell.number_format) == "date" or value.time() == dt.time() else value
        return str(value) if isinstance(value, (dt.time, dt.timedelta)) else value

    data = path.read_bytes()
    book = load_workbook(io.BytesIO(data), read_only=True)
    cached = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    grids = {}
    for name in tabs:
        sheet, values = book[name], cached[name]
        sheet.reset_dimensions()
        values.reset_dimensions()
        results = [[plain(cell) for cell in row] for row in values.iter_rows()]
        grid = []
        for r, row in enumerate(sheet.iter_rows()):
            cells = []
            for c, cell in enumerate(row):
                result = results[r][c] if r < len(results) and c < len(results[r]) else None
                cells.append(result if cell.data_type == "f" and result is not None else plain(cell))
            grid.append(cells)
        grids[name] = trim_grid(grid)
    return grids


PALETTE = (
    Style(),
    Style(bold=True, size=14),
    Style(bold=True, fill="D9E1F2", border_bottom=True, wrap=True, valign="top"),
    Style(number_format="0.0", align="center"),
    Style(color="0563C1", underline=True),
    Style(italic=True, color="808080", wrap=True),
    Style(number_format="0%"),
    Style(fill="FFC7CE"),
)
HEAT = ColorScale(((1.0, "F8696B"), (5.0, "FFEB84"), (7.0, "63BE7B")))


def full_tool_tab(name: str = "Patterns") -> ToolTab:
    """A tool tab that uses every field of the contract: styles, widths, heights, merges, a colour scale,
    a filter, frozen rows, links, dates, shares, booleans, text that looks like a formula."""
    rows = [
        ["Scores by team and indicator"],
        ["Team", "LE.1", "I.1", "Share", "Last seen", "Go to"],
        ["Team A", 4.5, 3, 0.25, dt.date(2026, 9, 14), Link("Go to cell", "Observations", "B3")],
        ["Team B", 6, 5.25, 0.5, dt.datetime(2026, 9, 14, 8, 30), Link("Go to row", "Bob's Tab", "A2")],
        ["=not a formula", "  spaced  ", "a & b < c", "_x0041_", True, None],
        ["A note that wraps over two lines\nsecond line"],
    ]
    styles = [[1], [2] * 6, [0, 3, 3, 6, 0, 4], [0, 3, 3, 6, 0, 4], [7, 7], [5]]
    return ToolTab(
        name, rows, styles=styles, palette=PALETTE, column_widths=[20, 8, 8, 9, 12, 14],
        row_heights=[None, 30, None, None, None, 32], merges=(Area(0, 0, 1, 4), Area(5, 0, 1, 6)), frozen_rows=2,
        color_scales=(ScaleRule(Area(2, 1, 2, 2), HEAT),), filter=Area(1, 0, 3, 6),
    )


STYLE_LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs")


def style_lists(path: Path) -> dict[str, list[str]]:
    """Each list of styles.xml as its children's XML, in order (coach cells point into cellXfs by index)."""
    xml = members(path)["xl/styles.xml"][0].decode()
    found = {}
    for name in STYLE_LISTS:
        child = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}[name]
        section = re.search(rf"<{name}\b[^>]*?(?:/>|>(.*?)</{name}>)", xml, re.S)
        inner = section.group(1) or "" if section else ""
        found[name] = re.findall(rf"<{child}\b[^>]*?/>|<{child}\b[^>]*>.*?</{child}>", inner, re.S)
    return found
