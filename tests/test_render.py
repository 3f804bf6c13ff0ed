"""Tool tabs as data: what each tab says, in the order a person reads it, and one meaning per colour."""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise

import openpyxl
import pytest
from conftest import AS_OF, as_read, tool_table

from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.patterns import compute_patterns
from tracker_sync.patterns.practice_flags import PracticeFlag, practice_flags
from tracker_sync.render import (
    heatmap_table,
    render_flags,
    render_patterns,
    render_summary,
)
from tracker_sync.render.ilt_brief import render_brief
from tracker_sync.sync import check_tracker, sync_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.tabs import Link
from tracker_sync.validate import validate

SYNCED = dt.datetime(2026, 9, 30, 13, 45, tzinfo=dt.UTC)  # 07:45 in Denver


def rendered(grids, template, settings):
    result = validate(grids, template, settings, AS_OF)
    patterns = compute_patterns(result.records, settings, AS_OF)
    return result, patterns


def first_cells(tab):
    return [row[0] if row else None for row in tab.rows]


def test_patterns_tab_order_and_heat_map(grids, leap_template, tiny_settings):
    _, patterns = rendered(grids, leap_template, tiny_settings)
    tab = render_patterns(tiny_settings, patterns, SYNCED)[0]
    cells = first_cells(tab)
    assert cells[0] == "Tiny School: patterns for the ILT" and cells[1].startswith("As of 2026-09-30")
    assert cells[2] == "Updated 2026-09-30 07:45 MDT by tracker-sync, which rewrites this tab when a number changes."
    assert tab.stamps == ((2, 0),)  # the only cell that changes when nothing else does
    assert cells.index("Three things to discuss") < cells.index("Mean LEAP score by team and indicator")
    heat = {row["Team"]: row for row in tool_table(tab.rows, "Team", after="Mean LEAP score by team and indicator")}
    assert heat["Team B"]["LE.1"] == 6.3 and heat["Team B"]["I.5"] == 4.0 and heat["Team B"]["n"] == 8
    assert heat["Whole school"]["I.5"] == 3.4 and heat["Team A"]["I.5"] is None  # n = 2 < 3: blank
    (rule, legend) = tab.color_scales
    header = cells.index("Team", cells.index("Mean LEAP score by team and indicator"))
    assert (rule.area.row, rule.area.col, rule.area.height, rule.area.width) == (header + 1, 1, 3, 12)
    # the legend row: 1 ... 7 in the first seven indicator columns, coloured by the same scale
    assert tab.rows[header + 4][:8] == ["Colour scale", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert legend.scale == rule.scale and rule.scale.points == ((1, "F8696B"), (5, "FFEB84"), (7, "63BE7B"))
    assert all(type(v) in (str, int, float, Link) or v is None or hasattr(v, "isoformat") for row in tab.rows for v in row)


def test_patterns_sections_keep_the_heat_map_grid_and_span_wider_columns(grids, leap_template, tiny_settings):
    """The heat map sets the grid (column A plus narrow columns); a wider column of another table spans
    several grid columns as one merged cell, so nothing is squeezed into a heat-map column."""
    _, patterns = rendered(grids, leap_template, tiny_settings)
    tab = render_patterns(tiny_settings, patterns, SYNCED)[0]
    unit = tab.column_widths[1]
    assert set(tab.column_widths[1:]) == {unit} and tab.column_widths[0] > unit
    header = first_cells(tab).index("Observer")  # feedback by observer
    spans = {area.col: area.width for area in tab.merges if area.row == header}
    assert spans and all(width >= 2 for width in spans.values())  # "Observations", "Feedback given" ...


def test_flags_tab_counts_then_cells_to_fix_then_practice(grids, leap_template, tiny_settings):
    result, patterns = rendered(grids, leap_template, tiny_settings)
    flags = practice_flags(patterns, tiny_settings)
    tab = render_flags(result.findings, {"Observations": 1, "Action Steps": 2, "Learning Cycles": 3}, flags)[0]
    cells = first_cells(tab)
    assert cells.index("Count by type") < cells.index("Cells to fix (0)") < next(
        i for i, c in enumerate(cells) if isinstance(c, str) and c.startswith("Practice flags"))
    counts = {row["Code"]: row["Count"] for row in tool_table(tab.rows, "Flag")}
    assert counts == {code: sum(f.code == code for f in flags) for code in {f.code for f in flags}}
    practice = tool_table(tab.rows, "Flag", after=next(c for c in cells if isinstance(c, str) and c.startswith("Practice flags")))
    assert sum(1 for f in flags if f.tab) == sum(1 for row in practice if isinstance(row["Go to row"], Link))
    linked = next(row for row in practice if row["Code"] == "feedback-pending")
    assert linked["Go to row"] == Link("Go to row", "Observations", "A6")
    assert tab.filter is not None and tab.rows[tab.filter.row][0] == "Severity"


def test_teacher_level_flags_are_summarised_per_team_naming_everyone():
    def flag(who, team, detail):
        return PracticeFlag("no-open-step", "One open action step per teacher at a time", who, team, detail, "Set one.")

    flags = [flag("Ana", "K-2", "No step."), flag("Ben", "K-2", "No step."), flag("Cy", "3-5", "No step."),
             PracticeFlag("step-overdue", "norm", "Ana", "K-2", "Step due 09-01.", "Check it.", "Action Steps", 7),
             *(PracticeFlag("agreement-pair", "80%", pair, "", "60% within one point.", "Co-observe.")
               for pair in ("Lea and Max", "Lea and Pat"))]
    tab = render_flags([], {"Action Steps": 2}, flags, team_leads={"Ana": "Lea", "Ben": "Lea", "Cy": "Max"})[0]
    practice = tool_table(tab.rows, "Flag", after=next(c for c in first_cells(tab) if str(c).startswith("Practice flags")))
    assert [(row["Code"], row["Team"], row["Who"], row["Team Lead"]) for row in practice] == [
        ("no-open-step", "K-2", "Ana, Ben", "Lea"), ("no-open-step", "3-5", "Cy", "Max"), ("step-overdue", "K-2", "Ana", "Lea"),
        ("agreement-pair", "", "Lea and Max", ""), ("agreement-pair", "", "Lea and Pat", "")]  # observers: one row each
    assert practice[0]["What the tracker shows"] == "2 teachers: No step."
    assert practice[2]["Go to row"] == Link("Go to row", "Action Steps", "A7")


def test_summary_leads_with_the_headline_and_its_norms_then_one_line_per_team(grids, leap_template, tiny_settings):
    result, patterns = rendered(grids, leap_template, tiny_settings)
    tab = render_summary(tiny_settings, result, patterns, SYNCED)
    now, *_, norm = tool_table(tab.rows, "Headline")  # the trend rows (tests/test_render_attention.py) in between
    assert (now["Headline"], norm["Headline"]) == ("Now", "Norm")
    assert now["Teachers not observed in 14 days"] == 2 and norm["Teachers not observed in 14 days"] == 0
    teams = {row["Team"]: row for row in tool_table(tab.rows, "Team", after="By team")}
    # Team A: 3 teachers, 2 visits in 14 days, Ben not seen; scores 5,4,4,5,3,2 -> mean 3.8, 4 of 6 below
    assert [teams["Team A"][k] for k in ("Teachers", "Visits (14 days)", "Not seen 14+ days", "Mean score",
                                         "% below Effective")] == [
        3, 2, 1, 3.8333, 0.6667]
    assert (teams["Team B"]["Open steps"], teams["Team B"]["Overdue steps"]) == (2, 1)
    share = next(c for c, v in enumerate(tab.rows[first_cells(tab).index("Team")]) if as_read(v) == "% below Effective")
    assert tab.style_at(first_cells(tab).index("Team") + 1, share).number_format == "0%"


# -- one meaning per colour: the tab's rule and the brief agree -------------------------------------------------


def _rule_color(value: float, points: list[tuple[float, str]]) -> str:
    """What a spreadsheet shows for a number under a number-anchored colour scale read from a file:
    linear in each RGB channel between the two points around the value, clamped at the ends."""
    if value <= points[0][0]:
        return points[0][1]
    for (low, a), (high, b) in pairwise(points):
        if value <= high:
            t = (value - low) / (high - low)
            return "".join(f"{round(int(a[i:i + 2], 16) + (int(b[i:i + 2], 16) - int(a[i:i + 2], 16)) * t):02X}"
                           for i in (0, 2, 4))
    return points[-1][1]


def _brief_backgrounds(html: str) -> dict[tuple[str, str], str]:
    cells = re.findall(r'<td data-team="([^"]*)" data-indicator="([^"]*)" style="background:#([0-9a-f]{6})', html)
    return {(team.replace("&amp;", "&"), code): rgb.upper() for team, code, rgb in cells}


@pytest.mark.parametrize("rubric", ["leap", "danielson"])
def test_heat_map_rule_in_the_file_and_the_brief_colour_each_mean_alike(tmp_path, rubric):
    school = synthetic_school(7, rubric=rubric)
    workbook = XlsxWorkbook(tmp_path / "demo.xlsx")
    provision_school(workbook, school)
    sync_tracker(workbook, as_of=school.as_of)
    sheet = openpyxl.load_workbook(workbook.path)["Patterns"]
    def rows(cf):  # the heat map, not its one-row legend
        _, top, _, bottom = openpyxl.utils.range_boundaries(str(cf.sqref))
        return bottom - top

    rule = max(sheet.conditional_formatting, key=rows).rules[0]
    points = [(float(v.val), c.rgb[-6:]) for v, c in zip(rule.colorScale.cfvo, rule.colorScale.color, strict=True)]
    assert [t.type for t in rule.colorScale.cfvo] == ["num", "num", "num"]
    check = check_tracker(workbook, as_of=school.as_of)
    assert [p[0] for p in points] == [check.settings.rubric.scale_min, check.settings.rubric.meeting_score,
                                      check.settings.rubric.scale_max]
    brief = _brief_backgrounds(render_brief(check.settings, check.patterns, check.practice_flags()))
    codes, lines = heatmap_table(check.settings, check.patterns)
    compared = 0
    for team, values, _ in lines:
        for code, mean in zip(codes, values, strict=True):
            if mean is not None:
                assert brief[(team, code)] == _rule_color(mean, points), (team, code, mean)
                compared += 1
    assert compared > 20


def test_demo_memory_and_file_tabs_are_the_same_layout(tmp_path):
    """The layout is computed once: the in-memory backend keeps exactly what the file serialises."""
    school = synthetic_school(7)
    memory = MemoryWorkbook()
    provision_school(memory, school)
    sync_tracker(memory, as_of=school.as_of, now=SYNCED)
    widths = {name: tab.column_widths for name, tab in memory.tool_tabs.items()}
    book = XlsxWorkbook(tmp_path / "demo.xlsx")
    provision_school(book, school)
    sync_tracker(book, as_of=school.as_of, now=SYNCED)
    sheet = openpyxl.load_workbook(book.path)["Patterns"]
    assert [sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
            for i in range(len(widths["Patterns"]))] == widths["Patterns"]
