"""The HTML tracker-sync writes (the ILT brief, the district brief, teachers' pages): one jinja2 setup over
sheet_templates/brief, stylesheets inlined, so each page is one file with no scripts or external assets."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib.resources import files
from typing import Any

TEMPLATES = files("tracker_sync.sheet_templates") / "brief"


def render_html(template: str, *, stylesheets: Sequence[str] = ("brief.css",),
                filters: Mapping[str, Callable[..., Any]] | None = None, **context: Any) -> str:
    """``template`` rendered with ``context`` (autoescaped; an undefined name is an error, not a blank) and
    the ``stylesheets`` inlined as ``css``."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FunctionLoader(lambda name: (TEMPLATES / name).read_text(encoding="utf-8")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters.update(filters or {})
    css = "".join((TEMPLATES / sheet).read_text(encoding="utf-8") for sheet in stylesheets)
    return env.get_template(template).render(css=css, **context)
