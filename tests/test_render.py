"""Tool tabs as data: the Patterns tab reads top-down, the Flags tab keeps practice flags apart."""

from __future__ import annotations

from conftest import AS_OF
from tracker_sync.backends.base import Link
from tracker_sync.patterns import compute_patterns
from tracker_sync.practice import practice_flags
from tracker_sync.render import render_flags, render_patterns, render_summary
from tracker_sync.validate import validate


def rendered(grids, template, settings):
    result = validate(grids, template, settings, AS_OF)
    patterns = compute_patterns(result.records, settings, AS_OF)
    return result, patterns


def first_cells(tab):
    return [row[0] if row else None for row in tab.rows]


def test_patterns_tab_order_and_heat_map(grids, leap_template, tiny_settings):
    _, patterns = rendered(grids, leap_template, tiny_settings)
    tab = render_patterns(tiny_settings, patterns)
    cells = first_cells(tab)
    assert cells[0] == "Tiny School: patterns for the ILT" and cells[1].startswith("As of 2026-09-30")
    assert cells.index("Three things to discuss") < cells.index("Mean LEAP score by team and indicator")
    header = cells.index("Team")
    heat = {row[0]: row[1:] for row in tab.rows[header + 1: header + 4]}
    assert heat["Team B"][0] == 6.3 and heat["Team B"][8] == 4.0 and heat["Team B"][-1] == 8
    assert heat["Whole school"][8] == 3.4 and heat["Team A"][8] == ""  # n = 2 < 3: blank
    block = next(b for b in tab.blocks if b.style == "heatmap")
    assert (block.row, block.col, block.height, block.width) == (header + 1, 1, 3, 12)
    assert all(type(v) in (str, int, float) or v is None or hasattr(v, "isoformat") for row in tab.rows for v in row)


def test_flags_tab_puts_practice_flags_after_findings(grids, leap_template, tiny_settings):
    result, patterns = rendered(grids, leap_template, tiny_settings)
    flags = practice_flags(patterns, tiny_settings)
    tab = render_flags(result.findings, {"Observations": 1, "Action Steps": 2, "Learning Cycles": 3}, flags)
    cells = first_cells(tab)
    section = next(i for i, c in enumerate(cells) if isinstance(c, str) and c.startswith("Practice flags"))
    assert cells[1:section - 1] == [""]  # "No problems found" row
    assert len(tab.rows) == section + 2 + len(flags)
    assert tab.rows[section + 4][-1] == Link("Go to row", "Observations", "A6")


def test_summary_one_line_per_team(grids, leap_template, tiny_settings):
    result, patterns = rendered(grids, leap_template, tiny_settings)
    tab = render_summary(tiny_settings, result, patterns)
    lines = {row[0]: row for row in tab.rows if row and row[0] in ("Team A", "Team B")}
    # Team A: 3 teachers, 2 visits in 14 days, Ben not seen; scores 5,4,4,5,3,2 -> mean 3.8, 4 of 6 below
    assert lines["Team A"][:7] == ["Team A", 3, 2, 1, 0, 3.8, 67.0]
    assert lines["Team B"][-2:] == [2, 1]  # open, overdue steps
