"""Re-make the README's screenshots of the LEAP demo: each tool tab as LibreOffice draws it, and the ILT brief
and one teacher's own page as Chromium draws them. Needs soffice, pdftoppm and chromium (as .ci/run installs them).

    .venv/bin/python docs/screenshots.py            # docs/summary.png, patterns.png, flags.png, plan.png, brief.png,
                                                    # teacher-page.png

Each tab is the top of its page (one page per tab, as tests/test_look.py checks it), at a size a README shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.pages.html import render_page_html
from tracker_sync.pages.model import build_pages
from tracker_sync.sync import build_brief, check_tracker
from tracker_sync.synthetic.demo import provision_school, sync_demo
from tracker_sync.synthetic.school import synthetic_school

HERE = Path(__file__).resolve().parent
TABS = {"Summary": ("summary", 700), "Patterns": ("patterns", 1500), "Flags": ("flags", 1100),
        "Plan": ("plan", 1500)}  # name, height in pixels
TEACHER = "Amara Walker"  # open steps, goals with a baseline, three scored visits: a page with something in every section


def chromium_shot(html: Path, png: Path, size: str, profile: Path) -> None:
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                    f"--screenshot={png}", f"--window-size={size}", html.as_uri()], check=True, capture_output=True, timeout=120)


def main() -> None:
    for tool in ("soffice", "pdftoppm", "chromium"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed; .ci/run shows how to install it.")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        school = synthetic_school(7)
        workbook = XlsxWorkbook(work / "demo.xlsx")
        provision_school(workbook, school, frozen_at=school.as_of)
        sync_demo(workbook)  # as `tracker-sync demo` does: its Monday syncs make the Plan tab's weeks
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work / 'lo'}", "--convert-to",
                        'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}', "--outdir", str(work),
                        str(workbook.path)], check=True, capture_output=True, timeout=300)
        visible = [s.title for s in openpyxl.load_workbook(workbook.path, read_only=True).worksheets
                   if s.sheet_state == "visible"]
        for tab, (name, height) in TABS.items():
            page = str(visible.index(tab) + 1)
            subprocess.run(["pdftoppm", "-f", page, "-l", page, "-r", "90", "-png", "-singlefile", "-x", "0", "-y", "0",
                            "-W", "1400", "-H", str(height), str(work / "demo.pdf"), str(HERE / name)], check=True)
        brief = work / "brief.html"
        brief.write_text(build_brief(workbook, as_of=school.as_of), encoding="utf-8")
        chromium_shot(brief, HERE / "brief.png", "1060,820", work / "chrome")
        check = check_tracker(workbook, as_of=school.as_of)
        page = next(p for p in build_pages(check.result.records, check.settings, check.as_of)[0] if p.teacher == TEACHER)
        teacher = work / "teacher.html"
        teacher.write_text(render_page_html(page), encoding="utf-8")
        chromium_shot(teacher, HERE / "teacher-page.png", "860,1130", work / "chrome")
        last_year(work)
    print("wrote", ", ".join(f"docs/{n}.png" for n, _ in TABS.values()),
          "docs/brief.png, docs/teacher-page.png and docs/district/last-year.png")


def last_year(work: Path) -> None:
    """The brief of the demo one year ahead (`demo --year 2027-28`): its "last year beside this year" section alone."""
    from tracker_sync.synthetic.demo import run_demo

    path, _report = run_demo(work / "next-year", year=2027)
    html = build_brief(XlsxWorkbook(path)).replace("</head>", "<style>body > *:not(.last-year) { display: none; }</style></head>")
    page = work / "last-year.html"
    page.write_text(html, encoding="utf-8")
    chromium_shot(page, HERE / "district" / "last-year.png", "1000,250", work / "chrome")


if __name__ == "__main__":
    main()
