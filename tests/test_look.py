"""What a person sees: the synced demo's tool tabs rendered by LibreOffice, read back from the PDF.

LibreOffice prints each tab on one page (SinglePageSheets) the way it draws it on screen; pdftotext
reads back the words it drew. A number too wide for its column prints as ``###``; text cut by the
cell to its right loses its end (``dropdo`` for ``dropdown``) or runs into its neighbour's text
(``dropdowunknown-teac``). So the check is: no ``###`` on any tool tab, and every word of every cell,
in its display format, is drawn whole. Skips where LibreOffice or poppler is missing (.ci/run installs
them, and Liberation Sans, the metric twin of Arial that the layout measures with).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.sync import sync_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school

SOFFICE, PDFTOTEXT = shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                                reason="LibreOffice and poppler are needed (apt-get install libreoffice-calc-nogui poppler-utils; .ci/run does it)")
TOOL_TABS = ("Summary", "Patterns", "Flags", "Plan", "Sync Log")
SYNCED = dt.datetime(2026, 12, 18, 14, 45, tzinfo=dt.UTC)


def shown(cell) -> str:
    """A cell's text as the spreadsheet shows it under its number format (the formats tool tabs use)."""
    value, fmt = cell.value, cell.number_format
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if "h" in fmt else value.date().isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        places = {"0": "1", "0.0": "0.1", "0.00": "0.01", "0%": "1"}.get(fmt)
        if places is None:
            return f"{value:g}"
        number = Decimal(repr(value * 100 if fmt == "0%" else value)).quantize(Decimal(places), ROUND_HALF_UP)  # 52.5% shows 53%
        return f"{number}%" if fmt == "0%" else str(number)
    return str(value)


def words(text: str) -> Counter:
    """The words of a text; a hyphenated word counts as its parts, since wrapping may break it after a hyphen."""
    return Counter(part for word in text.split() for part in re.split(r"(?<=-)(?=.)", word))


def render_pages(xlsx: Path) -> dict[str, str]:
    """Each tool tab's page as pdftotext reads it, keyed by tab name (pages follow the tab order)."""
    out = xlsx.resolve().parent
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{out / 'lo-profile'}", "--convert-to",
                    'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}', "--outdir", str(out), str(xlsx.resolve())],
                   check=True, capture_output=True, timeout=240)
    pdf = out / xlsx.with_suffix(".pdf").name
    visible = [s.title for s in openpyxl.load_workbook(xlsx, read_only=True).worksheets if s.sheet_state == "visible"]
    pages = {}
    for number, name in enumerate(visible, start=1):
        if name in TOOL_TABS:
            text = subprocess.run([PDFTOTEXT, "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
                                  check=True, capture_output=True, text=True).stdout
            pages[name] = text
    return pages


@pytest.fixture(scope="module", params=["leap", "danielson"])
def synced_demo(request, tmp_path_factory):
    school = synthetic_school(7, rubric=request.param)
    path = tmp_path_factory.mktemp(f"look-{request.param}") / "demo.xlsx"
    workbook = XlsxWorkbook(path)
    provision_school(workbook, school)
    sync_tracker(workbook, as_of=school.as_of, now=SYNCED)
    return path, render_pages(path)


def test_no_number_shows_as_hashes(synced_demo):
    _, pages = synced_demo
    assert set(pages) == set(TOOL_TABS)
    for name, text in pages.items():
        assert "###" not in text, name


def test_every_word_of_every_cell_is_drawn_whole(synced_demo):
    path, pages = synced_demo
    book = openpyxl.load_workbook(path)
    for name in TOOL_TABS:
        drawn = words(pages[name])
        wanted = sum((words(shown(cell)) for row in book[name].iter_rows() for cell in row), Counter())
        missing = wanted - drawn
        assert not missing, f"{name}: cut or hidden: {sorted(missing)[:20]}"
