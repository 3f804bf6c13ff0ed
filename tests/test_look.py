"""What a person sees: the synced demo's tool tabs rendered by LibreOffice, read back from the PDF.

LibreOffice prints each tab on one page (SinglePageSheets) the way it draws it on screen; pdftotext
reads back the words it drew. A number too wide for its column prints as ``###``; text cut by the
cell to its right loses its end (``dropdo`` for ``dropdown``) or runs into its neighbour's text
(``dropdowunknown-teac``). So the check is: no ``###`` on any tool tab, and every word of every cell,
in its display format, is drawn whole; the words of neighbouring cells stand visibly apart (from the
words' boxes, ``pdftotext -bbox``); and printed on Letter pages as the tab's print setup says, every page
of Patterns and Flags starts with a heading. Skips where LibreOffice or poppler is missing (.ci/run
installs them, and Liberation Sans, the metric twin of Arial that the layout measures with).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from district_support import check_of
from look_support import NEEDS_PDFTOTEXT, PDFTOTEXT, SOFFICE, shown, words

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.district.figures import school_figures
from tracker_sync.district.history import History, Run
from tracker_sync.district.publish import publish
from tracker_sync.district.registry import parse_registry
from tracker_sync.sync import sync_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.testing.printed import (
    MIN_AIR,
    crowded_pairs,
    drawn_lines,
    page_count,
    pages_without_heading,
    print_to_pdf,
    single_tab_copy,
)

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(PDFTOTEXT is None, reason=NEEDS_PDFTOTEXT)]
TOOL_TABS = ("Summary", "Patterns", "Flags", "Plan", "Sync Log")
SYNCED = dt.datetime(2026, 12, 18, 14, 45, tzinfo=dt.UTC)



def one_page_per_tab(xlsx: Path) -> Path:
    """The workbook as LibreOffice draws it, each visible tab on one page (beside the workbook)."""
    out = xlsx.resolve().parent
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{out / 'lo-profile'}", "--convert-to",
                    'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}', "--outdir", str(out),
                    str(xlsx.resolve())], check=True, capture_output=True, timeout=240)
    return out / xlsx.with_suffix(".pdf").name


def render_pages(xlsx: Path) -> dict[str, str]:
    """Each tool tab's page as pdftotext reads it, keyed by tab name (pages follow the tab order)."""
    pdf = one_page_per_tab(xlsx)
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


def crowded_on_every_tab(path: Path, names: tuple[str, ...] | None = None) -> dict[str, list]:
    """crowded_pairs of each tab of ``path`` (or of ``names``) as LibreOffice drew it (one page per tab)."""
    book = openpyxl.load_workbook(path)
    visible = [s.title for s in book.worksheets if s.sheet_state == "visible"]
    found = {}
    for name in names or tuple(visible):
        texts = [shown(cell) for row in book[name].iter_rows() for cell in row if cell.value is not None]
        lines = drawn_lines(path.with_suffix(".pdf"), visible.index(name) + 1)
        assert len(lines) > 3, name
        found[name] = crowded_pairs(lines, texts)
    return found


def test_the_words_of_neighbouring_cells_stand_apart(synced_demo):
    """A number beside text, a date beside a status, wrapped headers side by side: two words on one
    drawn line that no single cell holds side by side come from neighbouring cells, and stand at least
    MIN_AIR of their height apart (a space inside a cell is about half that), so "12%" and "I.5" never
    read as "12%I.5"."""
    path, _ = synced_demo
    for name, crowded in crowded_on_every_tab(path, TOOL_TABS).items():
        assert not crowded, f"{name}: words of neighbouring cells closer than {MIN_AIR} of their height: {sorted(crowded)[:10]}"


def test_the_district_tabs_keep_their_columns_apart(tmp_path, grids, leap_template, tiny_settings):
    """The District workbook's numeric columns side by side ("Scored obs. done" | "Scored obs. due by now")."""
    registry = parse_registry({"schools": {name: {"backend": "xlsx", "location": f"{name}.xlsx"} for name in ("Alpha", "Beta")}},
                              tmp_path / "district.toml")
    history = History(tmp_path / "history.sqlite")
    figures = school_figures(check_of(grids, leap_template, tiny_settings))
    history.record(Run("alpha", "sync", SYNCED, 1.0, "ok", extra={"district": figures}))
    history.record(Run("beta", "sync", SYNCED, 1.0, "ok", extra={"district": {**figures, "as_of": "2026-12-11"}}))
    out = tmp_path / "district-report.xlsx"
    publish(registry, history, as_of=SYNCED.date(), now=SYNCED, out=out, brief=tmp_path / "brief.html")
    one_page_per_tab(out)
    for name, crowded in crowded_on_every_tab(out).items():
        assert not crowded, f"{name}: words of neighbouring cells closer than {MIN_AIR} of their height: {sorted(crowded)[:10]}"


def test_every_printed_page_of_patterns_and_flags_starts_with_a_heading(synced_demo, tmp_path):
    """Printed on Letter pages as each tab's print setup says (its row breaks), no page starts in the
    middle of a table without its header: each starts with a title, a heading, a section or a header row."""
    path, _ = synced_demo
    copies = [single_tab_copy(path, tab, tmp_path) for tab in ("Patterns", "Flags")]
    print_to_pdf(copies, tmp_path, soffice=SOFFICE, timeout=240)
    book = openpyxl.load_workbook(path)
    for copy, tab in zip(copies, ("Patterns", "Flags"), strict=True):
        pdf = copy.with_suffix(".pdf")
        pages = page_count(pdf)
        assert pages > 1 if tab == "Patterns" else pages >= 1
        assert not pages_without_heading(pdf, range(1, pages + 1), book[tab]), tab
