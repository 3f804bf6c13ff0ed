"""A teacher's page as one self-contained, printable HTML file (one Letter page).

Rendered with jinja2 (autoescape on) from sheet_templates/brief/teacher.html.j2, with the brief's
stylesheet and teacher.css inlined: no scripts, fonts or images from anywhere, like the ILT brief.
Everything shown comes from :class:`~tracker_sync.pages.model.TeacherPage`; the template does no
arithmetic and sees no other teacher's records.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files

from tracker_sync.pages.model import TeacherPage
from tracker_sync.render.ilt_brief import rubric_heat_color

_BRIEF = files("tracker_sync.sheet_templates") / "brief"


def band_legend(page: TeacherPage) -> list[tuple[str, str, str, str]]:
    """The rubric's bands in its own words, each with its range and colour (text, band, background, colour)."""
    legend = []
    for band in page.rubric.bands:
        span = f"{band.min:g}" if band.min == band.max else f"{band.min:g}–{band.max:g}"
        legend.append((span, band.name, *rubric_heat_color((band.min + band.max) / 2, page.rubric)))
    return legend


def file_name(page: TeacherPage) -> str:
    """'beatriz-lee.html': the teacher's name as a file name (accents kept out of the path)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", page.teacher).encode("ascii", "ignore").decode()
    return (re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "teacher") + ".html"


def render_page_html(page: TeacherPage, *, generated: dt.datetime | None = None) -> str:
    """The page as one HTML string (CSS inlined, no external assets)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FunctionLoader(lambda name: (_BRIEF / name).read_text(encoding="utf-8")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    css = (_BRIEF / "brief.css").read_text(encoding="utf-8") + (_BRIEF / "teacher.css").read_text(encoding="utf-8")
    colors = {cell.text: rubric_heat_color(cell.score, page.rubric)
              for row in page.scores.rows for cell in row.cells if cell is not None}
    names = {i.code: i.name for i in page.rubric.indicators}
    return env.get_template("teacher.html.j2").render(
        css=css, page=page, owner=page.owner, rubric=page.rubric, legend=band_legend(page), colors=colors,
        indicator_names=names, generated=(generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"))
