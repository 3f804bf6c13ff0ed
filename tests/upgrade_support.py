"""A tracker as an older tracker-sync made it: the template without the tabs added since (optional
tabs), and a school's coach rows for a template's tabs."""

from __future__ import annotations

from tracker_sync.sheet_templates import load_template


def old_template(school):
    template = load_template().for_rubric(school.settings.rubric)
    return template.model_copy(update={"tabs": [tab for tab in template.tabs if not tab.optional]})


def coach_rows(school, template) -> dict[str, list]:
    return {tab.name: school.grids[tab.name][1:] for tab in template.tabs}
