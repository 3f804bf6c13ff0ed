"""Looking at what we make as a person would: the outside programs that draw it (LibreOffice, poppler,
Chromium) and how a spreadsheet shows a cell's text. A test that needs LibreOffice or Chromium carries
the ``libreoffice`` or ``chromium`` marker; conftest.py skips it, saying what to install, where the
program is missing."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = {  # marker -> why its tests skip here (None: the program is installed)
    "libreoffice": None if SOFFICE else ("LibreOffice (soffice) is not installed: "
                                         "apt-get install libreoffice-calc-nogui (.ci/run does it)"),
    "chromium": None if CHROMIUM else "Chromium is not installed: apt-get install chromium (.ci/run does it)",
}
NEEDS_PDFTOTEXT = "poppler (pdftotext) is not installed: apt-get install poppler-utils (.ci/run does it)"


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


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    """Headless Chromium with its own profile (so parallel tests do not share one); raises if it fails."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
