"""How many printed pages each tool tab and the ILT brief take: the LEAP and Danielson demos and a 260-teacher year.

    python benchmarks/print_pages.py [--quick] [--keep DIR]

Each tracker is synced to an .xlsx; LibreOffice prints each tool tab alone (the other tabs hidden in a
copy) with the tab's own print setup (Letter landscape, one page wide, its row breaks and repeated
header rows), poppler counts the pages and reads the top line of each, which must be a heading (a
title, a section or a header row). The brief is printed to PDF by headless Chromium. --quick: the two
demos only. --keep DIR keeps the trackers and PDFs there (to look at the pages). Needs soffice,
pdfinfo and chromium; the last line is machine-readable:

    leap_patterns=... leap_flags=... leap_brief=... ... year260_patterns=... year260_brief=... pages_without_heading=0
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.check import SYNC_LOG, tabs_to_read
from tracker_sync.sheet_templates import load_template
from tracker_sync.sync import build_brief, sync_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.synthetic.year import school_year
from tracker_sync.testing.printed import (
    page_count,
    pages_without_heading,
    print_to_pdf,
    single_tab_copy,
    tab_names,
)

NOW = dt.datetime(2027, 5, 28, 22, 0, tzinfo=dt.UTC)


def trackers(folder: Path, quick: bool) -> dict[str, Path]:
    """The synced trackers by label."""
    out = {}
    for rubric in ("leap", "danielson"):
        school = synthetic_school(7, rubric=rubric)
        path = folder / f"{rubric}.xlsx"
        path.unlink(missing_ok=True)
        workbook = XlsxWorkbook(path)
        provision_school(workbook, school)
        sync_tracker(workbook, as_of=school.as_of, now=NOW)
        out[rubric] = path
    if not quick:
        year = school_year(7, teachers=260)
        path = folder / "year260.xlsx"
        path.unlink(missing_ok=True)
        workbook = XlsxWorkbook(path)
        provision_school(workbook, year)
        sync_tracker(workbook, as_of=year.as_of, now=NOW)
        out["year260"] = path
    return out


def tool_tabs_of(path: Path) -> list[str]:
    """The tabs tracker-sync writes, in tab order (all but the coach tabs, Instructions and the metadata tab)."""
    coach = {*tabs_to_read(), load_template().instructions.tab} - {SYNC_LOG}
    return [n for n in tab_names(path) if n not in coach and not n.startswith("_")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the two demos only")
    parser.add_argument("--keep", type=Path, help="keep the trackers and PDFs in this folder")
    args = parser.parse_args()
    for tool in ("soffice", "pdfinfo", "chromium"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed; .ci/run shows how to install it.")
    with tempfile.TemporaryDirectory() as temp:
        out = args.keep or Path(temp)
        out.mkdir(parents=True, exist_ok=True)
        paths = trackers(out, args.quick)
        copies = {(label, tab): single_tab_copy(path, tab, out) for label, path in paths.items() for tab in tool_tabs_of(path)}
        print_to_pdf(list(copies.values()), out)
        figures, headless = {}, 0
        for label, path in paths.items():
            book = openpyxl.load_workbook(path)
            pages = {}
            for tab in tool_tabs_of(path):
                pdf = copies[(label, tab)].with_suffix(".pdf")
                pages[tab] = page_count(pdf)
                missing = pages_without_heading(pdf, range(1, pages[tab] + 1), book[tab])
                headless += len(missing)
                for page, top in missing:
                    print(f"{label} {tab} page {page} starts without a heading: {top!r}")
                figures[f"{label}_{re.sub(r'[^a-z0-9]+', '_', tab.lower()).strip('_')}"] = pages[tab]
            brief = brief_pages(path, out)
            figures[f"{label}_brief"] = brief
            print(f"{label}: " + ", ".join(f"{tab} {n}" for tab, n in pages.items()) + f"; brief {brief}")
    print(" ".join(f"{k}={v}" for k, v in figures.items()) + f" pages_without_heading={headless}")


def brief_pages(path: Path, out: Path) -> int:
    html = out / f"{path.stem}-brief.html"
    html.write_text(build_brief(XlsxWorkbook(path)), encoding="utf-8")
    pdf = html.with_suffix(".pdf")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-first-run", f"--user-data-dir={out / 'chrome'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    return page_count(pdf)


if __name__ == "__main__":
    main()
