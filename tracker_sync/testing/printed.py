"""What a tool tab looks like once printed, read back from the PDF LibreOffice makes (poppler's pdftotext),
for tests/test_look.py and benchmarks/print_pages.py.

Two checks a person would make by eye:

* :func:`crowded_pairs`: two words drawn on one line that no single cell holds side by side come from
  neighbouring cells; they must stand clearly apart, or "12%" and "I.5" read as "12%I.5".
* :func:`pages_without_heading`: every printed page of a tab starts with a heading (a title, a section
  or a table's header row, all bold in column A), so no list runs on without one in view.
"""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Sparkline glyphs: drawn as runs of block characters that pdftotext splits anywhere.
SPARK = frozenset("▁▂▃▄▅▆▇█")
#: The least air between the words of two neighbouring cells, as a share of the words' height: a space
#: between two words of one cell is about 0.24 of it.
MIN_AIR = 0.45
_SHEET = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?/>')
_WORD = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')


@dataclass(frozen=True)
class Word:
    left: float
    top: float
    right: float
    bottom: float
    text: str


def tab_names(xlsx: Path) -> list[str]:
    """Every tab of a workbook, in order (as its workbook part lists them)."""
    with zipfile.ZipFile(xlsx) as book:
        return [html.unescape(name) for name in _SHEET.findall(book.read("xl/workbook.xml").decode("utf-8"))]


def single_tab_copy(xlsx: Path, tab: str, out: Path) -> Path:
    """A copy of ``xlsx`` in ``out`` in which every tab but ``tab`` is hidden, and ``tab`` is the active one
    (LibreOffice prints the visible tabs, and shows the active tab even when it is hidden)."""
    copy = out / f"{xlsx.stem}--{re.sub(r'[^A-Za-z0-9]+', '-', tab)}.xlsx"
    shown = tab_names(xlsx).index(tab)
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b' tabSelected="1"', b"")
            elif item.filename == "xl/workbook.xml":
                text = re.sub(r' state="\w+"', "", data.decode("utf-8"))
                text = _SHEET.sub(lambda m: m.group(0) if html.unescape(m.group(1)) == tab
                                  else m.group(0).replace("<sheet ", '<sheet state="hidden" ', 1), text)
                data = re.sub(r'activeTab="\d+"', f'activeTab="{shown}"', text).encode("utf-8")
            target.writestr(item, data)
    return copy


def print_to_pdf(copies: list[Path], out: Path, *, soffice: str = "soffice", timeout: float = 1800) -> None:
    """Print each workbook to ``out/<name>.pdf`` with LibreOffice, each tab on the pages its print setup makes."""
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out / 'lo-profile'}", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, copies)], check=True, capture_output=True, timeout=timeout)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if found is None:
        raise ValueError(f"{pdf}: pdfinfo shows no page count")
    return int(found.group(1))


def drawn_lines(pdf: Path, page: int) -> list[list[Word]]:
    """The words drawn on one page (1-based), grouped into lines (same top), each left to right."""
    text = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    lines: dict[float, list[Word]] = defaultdict(list)
    for left, top, right, bottom, word in _WORD.findall(text):
        lines[round(float(top), 1)].append(Word(float(left), float(top), float(right), float(bottom), html.unescape(word)))
    return [sorted(words, key=lambda w: w.left) for _, words in sorted(lines.items())]


def crowded_pairs(lines: list[list[Word]], cell_texts: list[str]) -> list[tuple[float, str]]:
    """Neighbouring words closer than MIN_AIR of their height that no cell holds side by side: (air, "w1 w2")."""
    texts = [" ".join(text.split()) for text in cell_texts]
    crowded = []
    for words in lines:
        for first, second in zip(words, words[1:], strict=False):
            if SPARK & set(first.text + second.text):
                continue
            air = (second.left - first.right) / max(first.bottom - first.top, 1e-6)
            pair = f"{first.text} {second.text}"
            if air < MIN_AIR and not any(pair in text for text in texts):
                crowded.append((round(air, 2), pair))
    return crowded


def top_line(pdf: Path, page: int) -> str:
    """The first text a page shows: its top line, up to the first wide gap (the first cell of that row)."""
    text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    first = next((line for line in text.splitlines() if line.strip()), "")
    return re.split(r"\s{2,}", first.strip())[0]


def headings(sheet: Any) -> list[str]:
    """The bold texts of column A of an openpyxl worksheet (titles, headings, sections, header rows), as read."""
    return [" ".join(str(cell.value).split()) for (cell,) in sheet.iter_rows(max_col=1) if cell.value and cell.font.b]


def pages_without_heading(pdf: Path, pages: range, sheet: Any) -> list[tuple[int, str]]:
    """The pages among ``pages`` whose top line is not the start of a heading of ``sheet``: (page, top line)."""
    bold = headings(sheet)
    missing = []
    for page in pages:
        top = top_line(pdf, page)
        if not any(text.startswith(top) for text in bold):
            missing.append((page, top))
    return missing
