"""Who typed each coach row: the name the Flags tab's "Entered by" column shows, so a coach can filter
to the cells they typed."""

from __future__ import annotations

from collections.abc import Mapping

from tracker_sync.schemas import Template
from tracker_sync.tabs import Grid
from tracker_sync.validate.cells import clean_text, is_blank, name_key
from tracker_sync.validate.rows import TabReport


def row_authors(grids: Mapping[str, Grid], template: Template, tabs: Mapping[str, TabReport],
                team_leads: Mapping[str, str]) -> dict[tuple[str, int], str]:
    """Who typed each coach row, as the row itself says: its Observer / Set By cell, else the Team Lead
    of its teacher (``team_leads``: teacher -> Team Lead, from the Roster). Keys are (tab, sheet row)."""
    leads = {name_key(teacher): lead for teacher, lead in team_leads.items() if lead}
    authors: dict[tuple[str, int], str] = {}
    for spec in template.tabs:
        report, grid = tabs.get(spec.name), grids.get(spec.name)
        if report is None or not grid:
            continue
        by = report.positions.get(spec.author or "")
        teacher = report.positions.get("teacher", report.positions.get("teacher_or_team"))  # a team's goal: no lead
        for number, row in enumerate(grid[1:], start=2):
            name = row[by] if by is not None and by < len(row) else None
            if is_blank(name) and teacher is not None and teacher < len(row) and not is_blank(row[teacher]):
                name = leads.get(name_key(clean_text(row[teacher])))
            if not is_blank(name):
                authors[(spec.name, number)] = clean_text(name)
    return authors
