"""How many printed pages each tool tab and the ILT brief take: the LEAP and Danielson demos and a 260-teacher year.

    python benchmarks/print_pages.py [--quick] [--keep DIR]

Each tracker is synced to an .xlsx; LibreOffice prints each tool tab alone (the other tabs hidden in a
copy) with the tab's own print setup (Letter landscape, one page wide, its row breaks and repeated
header rows), and poppler counts the pages. The brief is printed to PDF by headless Chromium. --quick:
the two demos only. --keep DIR keeps the trackers and PDFs there (to look at the pages). Needs soffice,
pdfinfo and chromium; the last line is machine-readable:

    leap_patterns=... leap_flags=... leap_brief=... danielson_patterns=... ... year260_patterns=... year260_flags=... year260_brief=...
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from xlsx_sync import school_year

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.metadata import to_metadata
from tracker_sync.sheet_templates import load_template
from tracker_sync.sync import SYNC_LOG, build_brief, sync_tracker, tabs_to_read
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school

NOW = dt.datetime(2027, 5, 28, 22, 0, tzinfo=dt.UTC)
_SHEET = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?/>')


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
        grids, settings = school_year(260)
        path = folder / "year260.xlsx"
        path.unlink(missing_ok=True)
        workbook = XlsxWorkbook(path)
        workbook.provision(load_template().for_rubric(settings.rubric), to_metadata(settings))
        workbook.seed_rows({tab: grid[1:] for tab, grid in grids.items()})
        sync_tracker(workbook, as_of=settings.school_year_end, now=NOW)
        out["year260"] = path
    return out


def tool_tabs_of(path: Path) -> list[str]:
    """The tabs tracker-sync writes, in tab order (everything after the coach tabs but Instructions)."""
    coach = {*tabs_to_read(), load_template().instructions.tab} - {SYNC_LOG}
    with zipfile.ZipFile(path) as book:
        names = _SHEET.findall(book.read("xl/workbook.xml").decode())
    return [n for n in names if n not in coach and not n.startswith("_")]


def only_tab(path: Path, tab: str, out: Path) -> Path:
    """A copy of ``path`` in which every tab but ``tab`` is hidden (LibreOffice prints visible tabs only)."""
    copy = out / f"{path.stem}--{re.sub(r'[^A-Za-z0-9]+', '-', tab)}.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b' tabSelected="1"', b"")
            if item.filename == "xl/workbook.xml":
                text = re.sub(r' state="\w+"', "", data.decode())
                text = _SHEET.sub(lambda m: m.group(0) if m.group(1) == tab else m.group(0).replace("<sheet ", '<sheet state="hidden" '),
                                  text)
                shown = _SHEET.findall(text).index(tab)
                text = re.sub(r'activeTab="\d+"', f'activeTab="{shown}"', text)  # LibreOffice shows the active tab even when hidden
                data = text.encode()
            target.writestr(item, data)
    return copy


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def tab_pages(paths: dict[str, Path], out: Path) -> dict[str, dict[str, int]]:
    copies = {(label, tab): only_tab(path, tab, out) for label, path in paths.items() for tab in tool_tabs_of(path)}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out / 'lo'}", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, copies.values())], check=True, capture_output=True, timeout=1800)
    pages: dict[str, dict[str, int]] = {}
    for (label, tab), copy in copies.items():
        pages.setdefault(label, {})[tab] = pdf_pages(copy.with_suffix(".pdf"))
    return pages


def brief_pages(path: Path, out: Path) -> int:
    html = out / f"{path.stem}-brief.html"
    html.write_text(build_brief(XlsxWorkbook(path)), encoding="utf-8")
    pdf = html.with_suffix(".pdf")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-first-run", f"--user-data-dir={out / 'chrome'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    return pdf_pages(pdf)


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
        pages = tab_pages(paths, out)
        figures = {}
        for label, path in paths.items():
            brief = brief_pages(path, out)
            print(f"{label}: " + ", ".join(f"{tab} {n}" for tab, n in pages[label].items()) + f"; brief {brief}")
            for tab, n in pages[label].items():
                figures[f"{label}_{re.sub(r'[^a-z0-9]+', '_', tab.lower()).strip('_')}"] = n
            figures[f"{label}_brief"] = brief
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
