"""A teacher's page as one self-contained, printable HTML file (one Letter page).

Rendered with jinja2 (autoescape on) from sheet_templates/brief/teacher.html.j2, with the brief's
stylesheet and teacher.css inlined: no scripts, fonts or images from anywhere, like the ILT brief.
Everything shown comes from :class:`~tracker_sync.pages.model.TeacherPage`; the template does no
arithmetic and sees no other teacher's records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from tracker_sync.pages.model import TeacherPage
from tracker_sync.render.heatmap import rubric_heat_color
from tracker_sync.render.html import render_html
from tracker_sync.wording import file_slug


def band_legend(page: TeacherPage) -> list[tuple[str, str, str, str]]:
    """The rubric's bands in its own words, each with its range and colour (text, band, background, colour)."""
    return [(band.scores, band.name, *rubric_heat_color((band.min + band.max) / 2, page.rubric)) for band in page.rubric.bands]


def file_name(page: TeacherPage) -> str:
    """'beatriz-lee.html': the teacher's name as a file name (accents kept out of the path)."""
    return (file_slug(page.teacher) or "teacher") + ".html"


def clip(text: str | None, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with an ellipsis: free text (a step, a note) could
    otherwise push the page past one printed page. The spreadsheet page keeps the whole text."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip(" ,;:.") + "…"


#: What one printed Letter page holds, in lines of the page's table text (measured with headless Chromium
#: on full pages of both rubrics, notes shown and not: tests/test_teacher_pages.py prints them).
PAGE_LINES = 64
#: The title, six section headings with their table headers, the score legend and the footer.
_FIXED_LINES = 3 + 6 * 3 + 2 + 1
#: Lines a row takes at most (free text is clamped to two lines: sheet_templates/brief/teacher.css): without
#: notes, and with the notes columns shown. The learning cycle: its line and three clamped texts.
_ROW_LINES = {"steps": (2, 2), "goals": (2, 2), "meetings": (2, 2), "visits": (1, 2)}
_CYCLE_LINES = 8


def page_lines(page: TeacherPage) -> int:
    """How many lines the printed page takes, at most. The observations sit beside the learning cycle, or above
    it when their notes show."""
    notes = int(page.show_notes)
    rows = {name: lines[notes] * len(getattr(page, name)) for name, lines in _ROW_LINES.items()}
    visits = rows.pop("visits")
    beside = visits + _CYCLE_LINES if notes else max(visits, _CYCLE_LINES)
    return _FIXED_LINES + sum(rows.values()) + len(page.scores.rows) + beside


def fit_to_page(page: TeacherPage) -> TeacherPage:
    """The page with rows left off the bottom of its lists until it prints on one Letter page: the oldest
    observations first, then the oldest 1:1s, the last goals, and the action steps last (closed ones sit
    below the open ones); one row of each kept."""
    while page_lines(page) > PAGE_LINES:
        shorter = (replace(page, **{name: getattr(page, name)[:-1]})
                   for name in ("visits", "meetings", "goals", "steps") if len(getattr(page, name)) > 1)
        fewer = next((fewer for fewer in shorter if page_lines(fewer) < page_lines(page)), None)
        if fewer is None:
            return page
        page = fewer
    return page


def render_page_html(page: TeacherPage, *, generated: dt.datetime | None = None) -> str:
    """The page as one HTML string (CSS inlined, no external assets), fitted to one printed page."""
    page = fit_to_page(page)
    colors = {cell.text: rubric_heat_color(cell.score, page.rubric)
              for row in page.scores.rows for cell in row.cells if cell is not None}
    names = {i.code: i.name for i in page.rubric.indicators}
    return render_html("teacher.html.j2", stylesheets=("brief.css", "teacher.css"), filters={"clip": clip},
                       page=page, owner=page.owner, rubric=page.rubric, legend=band_legend(page), colors=colors,
                       indicator_names=names, generated=(generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"))
