"""The ILT brief: what it shows, what it hides, and how it looks in a real browser (headless Chromium)."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import AS_OF
from look_support import chromium
from typer.testing import CliRunner

from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.cli import app
from tracker_sync.patterns import compute_patterns
from tracker_sync.patterns.practice_flags import practice_flags
from tracker_sync.render import heatmap_table
from tracker_sync.render.heatmap import heat_color
from tracker_sync.render.ilt_brief import render_brief
from tracker_sync.render.ilt_brief_page import BRIEF_OBSERVERS, BRIEF_TEAMS
from tracker_sync.sheet_templates import load_rubric
from tracker_sync.sync import build_brief
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.synthetic.year import school_year
from tracker_sync.validate import validate


class HeatCells(HTMLParser):
    """(team, indicator) -> the text of each heat-map cell in the page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], str] = {}
        self._key: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-indicator" in a:
            self._key = (a["data-team"], a["data-indicator"])
            self.cells[self._key] = ""

    def handle_data(self, data):
        if self._key:
            self.cells[self._key] += data.strip()

    def handle_endtag(self, tag):
        if tag == "td":
            self._key = None


def expected_cells(settings, patterns) -> dict[tuple[str, str], str]:
    codes, lines = heatmap_table(settings, patterns)
    return {(team, code): "" if v is None else f"{v:.1f}"
            for team, values, _ in lines for code, v in zip(codes, values, strict=True)}


@pytest.fixture
def tiny(grids, leap_template, tiny_settings):
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    patterns = compute_patterns(result.records, tiny_settings, AS_OF)
    return tiny_settings, patterns, practice_flags(patterns, tiny_settings)


def test_heat_map_cells_equal_the_computed_means(tiny):
    settings, patterns, practice = tiny
    page = HeatCells()
    page.feed(render_brief(settings, patterns, practice))
    assert page.cells == expected_cells(settings, patterns)
    assert page.cells[("Team B", "LE.1")] == "6.3" and page.cells[("Whole school", "I.5")] == "3.4"
    assert page.cells[("Team A", "I.5")] == ""  # n = 2 < 3


def test_aggregates_by_default_names_only_when_asked(tiny):
    settings, patterns, practice = tiny
    plain = render_brief(settings, patterns, practice)
    teachers = ["Ana Lopez", "Ben Ross", "Cara Diaz", "Dan Wu", "Eve Park", "Fay Kim", "Gus Hale", "Pat Noor"]
    assert not [name for name in teachers if name in plain]
    assert "Observer 1" in plain
    named = render_brief(settings, patterns, practice, include_names=True)
    assert "Gus Hale" in named and "Ben Ross" in named  # waiting for feedback / not seen
    assert "Who needs an action" in named
    assert "Observer 1" not in named


def test_page_is_self_contained_and_escaped(tiny):
    settings, patterns, practice = tiny
    settings = settings.model_copy(update={"school": "<script>alert(1)</script> Elementary"})
    page = render_brief(settings, patterns, practice)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page
    for item in patterns.discuss:
        assert item.sentence.replace("'", "&#39;") in page


@pytest.mark.parametrize(("rubric", "value", "background"), [
    ("leap", 1, "#f8696b"), ("leap", 5, "#ffeb84"), ("leap", 7, "#63be7b"),  # LEAP: 1-7, Effective from 5
    ("danielson", 1, "#f8696b"), ("danielson", 3, "#ffeb84"), ("danielson", 4, "#63be7b"),  # 1-4, Proficient from 3
])
def test_heat_colors_anchor_on_the_rubric(tiny_settings, rubric, value, background):
    settings = tiny_settings.model_copy(update={"rubric": load_rubric(rubric)})
    assert heat_color(value, settings)[0] == background


@pytest.fixture(scope="module")
def demo_brief(tmp_path_factory) -> tuple[Path, object, object]:
    school = synthetic_school(7)
    workbook = MemoryWorkbook()
    provision_school(workbook, school)
    path = tmp_path_factory.mktemp("brief") / "brief.html"
    path.write_text(build_brief(workbook, as_of=school.as_of), encoding="utf-8")
    from tracker_sync.sync import check_tracker

    check = check_tracker(workbook, as_of=school.as_of)
    return path, check.settings, check.patterns


@pytest.mark.chromium
def test_demo_brief_in_chromium_numbers_and_screenshot(demo_brief, tmp_path):
    path, settings, patterns = demo_brief
    dom = chromium("--dump-dom", path.as_uri(), profile=tmp_path / "p1").stdout
    page = HeatCells()
    page.feed(dom)
    assert page.cells and page.cells == expected_cells(settings, patterns)

    png = tmp_path / "brief.png"
    chromium(f"--screenshot={png}", "--window-size=1000,800", path.as_uri(), profile=tmp_path / "p2")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def tracker_of(name: str) -> tuple[MemoryWorkbook, dt.date]:
    """A demo tracker ("leap", "danielson") or a 260-teacher school year (26 teams, 28 observers), and its as-of."""
    workbook = MemoryWorkbook()
    school = school_year(7, teachers=260) if name == "year 260" else synthetic_school(7, rubric=name)
    provision_school(workbook, school)
    return workbook, school.as_of


def printed_pages(pdf: Path) -> tuple[int, str]:
    """(pages, page size) of a PDF."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)), re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)
    pypdf = pytest.importorskip("pypdf", reason="neither pdfinfo (poppler-utils) nor pypdf to count pages")
    box = pypdf.PdfReader(str(pdf)).pages[0].mediabox
    return len(pypdf.PdfReader(str(pdf)).pages), f"{box.width:g} x {box.height:g} pts"


@pytest.mark.chromium
@pytest.mark.parametrize("tracker", ["leap", "danielson", "year 260"])
def test_the_brief_prints_on_one_letter_landscape_page(tracker, tmp_path):
    """Both demos and a 260-teacher year (26 teams: the brief shows BRIEF_TEAMS of them, and says so)
    print on one Letter page, landscape, as `brief --help` says; names add a page of their own."""
    workbook, as_of = tracker_of(tracker)
    for include_names in (False, True):
        path = tmp_path / f"brief-{include_names}.html"
        html = build_brief(workbook, as_of=as_of, include_names=include_names)
        path.write_text(html, encoding="utf-8")
        pdf = tmp_path / f"brief-{include_names}.pdf"
        chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", path.as_uri(), profile=tmp_path / "chrome")
        pages, size = printed_pages(pdf)
        assert size.startswith("792 x 612")  # Letter, landscape
        assert pages == 1 if not include_names else pages >= 2, (tracker, include_names, pages)
        if tracker == "year 260" and not include_names:
            assert f"The {BRIEF_TEAMS} teams with the lowest mean score, of 26" in html


def test_brief_help_says_how_it_prints():
    text = " ".join(CliRunner().invoke(app, ["brief", "--help"], terminal_width=200).output.split())
    assert "prints on one Letter page, landscape" in text and "second page" in text
    assert f"more than {BRIEF_TEAMS} teams or {BRIEF_OBSERVERS} observers" in text

def _observer_sequence(page: str, names: list[str] | None) -> tuple[list[str], str]:
    """The observer labels in reading order, and the page's text with each one replaced by '@' (the
    people section, in the named brief only, is left out)."""
    body = re.split(r'<section class="people">|<footer>', page)[0]
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("Observer (unnamed)", "Observer")
    pattern = r"Observer \d+" if names is None else "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.findall(pattern, text), re.sub(pattern, "@", text).strip()


@pytest.mark.parametrize("rubric", ["leap", "danielson"])
def test_each_observer_has_one_label_in_every_section_of_the_brief(rubric):
    """The anonymous and the named brief say the same thing in the same places; put side by side, every
    'Observer N' stands for one observer, and each observer for one label, in every section."""
    school = synthetic_school(7, rubric=rubric)
    workbook = MemoryWorkbook()
    provision_school(workbook, school)
    plain, named = (build_brief(workbook, as_of=school.as_of, include_names=names) for names in (False, True))
    observers = sorted({row[2] for row in school.grids["Observations"][1:] if row[2]}
                       | {row[2] for row in school.grids[f"{school.settings.rubric.short_name} Scores"][1:] if row[2]})
    labels, plain_text = _observer_sequence(plain, None)
    who, named_text = _observer_sequence(named, observers)
    assert plain_text == named_text and len(labels) == len(who) >= 8  # feedback table, calibration, agreement, drift
    pairs = set(zip(labels, who, strict=True))
    assert len({label for label, _ in pairs}) == len(pairs) == len({name for _, name in pairs})
