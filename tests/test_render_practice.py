"""Where the 1:1 and goal patterns show: two Summary headline figures, the Patterns sections (the
numbers are the pattern frames', cell for cell), and the brief's section (teams only, unless
--include-names). A tracker without the tabs says how to add them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from conftest import as_read

from tracker_sync.patterns import compute_patterns
from tracker_sync.patterns.practice_flags import practice_flags
from tracker_sync.render import render_patterns, render_summary
from tracker_sync.render.ilt_brief import render_brief
from tracker_sync.render.plain import plain_rows
from tracker_sync.sheet_templates import load_template
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.validate import validate

SYNCED = dt.datetime(2026, 12, 18, 14, 0, tzinfo=dt.UTC)


def checked(school, *, drop=()):
    grids = {tab: grid for tab, grid in school.grids.items() if tab not in drop}
    result = validate(grids, load_template().for_rubric(school.settings.rubric), school.settings, school.as_of)
    return result, compute_patterns(result.records, school.settings, school.as_of)


@pytest.fixture(scope="module")
def demo():
    school = synthetic_school(7)
    return (school, *checked(school))


def rows_after(tab, title: str, first_header: str) -> list[list]:
    """The body rows of the table titled `title` on a rendered tab: after its header row (whose first
    cell is `first_header`) up to the next empty row, empty (merged) cells left out."""
    rows = tab.rows
    at = next(i for i, row in enumerate(rows) if row and row[0] == title)
    header = next(i for i in range(at + 1, len(rows)) if rows[i] and rows[i][0] == first_header)
    body = []
    for row in rows[header + 1:]:
        if not any(cell not in (None, "") for cell in row):
            break
        body.append([cell for cell in row if cell is not None])
    return body


def test_summary_leads_with_the_1_1_and_goal_figures(demo):
    school, result, patterns = demo
    rows = render_summary(school.settings, result, patterns, SYNCED).rows
    header = next(row for row in rows if row and row[0] == "Headline")
    now = rows[rows.index(header) + 1]
    figures = dict(zip(map(as_read, header), now, strict=True))
    assert figures["Teachers without a 1:1 in 14 days"] == int(patterns.one_on_ones["overdue"].sum()) == 4
    assert figures["Teachers without an Active goal"] == len(patterns.no_active_goal) == 2


def test_patterns_sections_hold_the_pattern_frames(demo):
    school, _, patterns = demo
    tab = render_patterns(school.settings, patterns, SYNCED)[0]
    by_team = rows_after(tab, "1:1s by team (norm: every teacher has a 1:1 at least every 14 days)", "Team")
    expected = plain_rows(patterns.one_on_ones_by_team, ["team", "teachers", "met_recently", "overdue", "median_days_since",
                                                         "next_steps_past_due"])
    assert by_team == [[v for v in row if v is not None] for row in expected]
    goals = rows_after(tab, "Goals by team (norms: an Active goal per teacher, checked every quarter; "
                            "a common indicator per team)", "Team")
    assert [row[0] for row in goals] == list(patterns.goals_by_team["team"])
    leads = rows_after(tab, "One level up: Team Leads (norms: a check-in with a school leader at least every 14 days, "
                            "a visit every 14 days)", "Team Lead")
    assert sorted(row[0] for row in leads) == sorted(patterns.lead_coverage["teacher"])
    overdue_lead = patterns.lead_check_ins.set_index("teacher")["overdue"]
    assert overdue_lead.sum() == 1  # the lead whose check-ins lapsed


def test_a_tracker_without_the_tabs_says_how_to_add_them(demo):
    school = demo[0]
    result, patterns = checked(school, drop=("1-on-1 Meetings", "Goals"))
    summary = render_summary(school.settings, result, patterns, SYNCED).rows
    assert not any("without a 1:1" in str(cell) for row in summary for cell in row)
    text = " ".join(str(cell) for row in render_patterns(school.settings, patterns, SYNCED)[0].rows for cell in row if cell)
    assert "This tracker has no 1-on-1 Meetings tab yet: run tracker-sync provision" in text
    assert "This tracker has no Goals tab yet" in text
    page = render_brief(school.settings, patterns, practice_flags(patterns, school.settings))
    assert "This tracker has no 1-on-1 Meetings tab yet." in page and "Run tracker-sync provision on it to add them." in page


def test_the_brief_shows_teams_and_counts_and_names_only_when_asked(demo):
    school, _, patterns = demo
    flags = practice_flags(patterns, school.settings)
    page = render_brief(school.settings, patterns, flags)
    assert "1:1s and goals" in page
    for r in patterns.one_on_ones_by_team.itertuples():
        row = rf"<th>{r.team}</th>(?:(?!</tr>).)*<td>{r.met_recently} of {r.teachers}</td>"  # in the team's by-team row
        assert re.search(row, page, re.S)
    assert "3 of 4 Team Leads had a check-in with a school leader in the last 14 days" in page
    measured = patterns.goal_progress.dropna(subset=["change"])
    assert f"Of {len(measured)} Active practice goals with a baseline and a later score" in page
    staff = [row[0] for row in school.grids["Roster"][1:]]
    assert not [name for name in staff if name in page]
    named = render_brief(school.settings, patterns, flags, include_names=True)
    lapsed = patterns.one_on_ones.loc[patterns.one_on_ones["overdue"], "teacher"]
    assert all(name in named for name in lapsed)


def test_goal_progress_is_held_back_below_three_measured_goals():
    school = synthetic_school(7)
    _, patterns = checked(school)
    thin = replace(patterns, goal_progress=patterns.goal_progress.dropna(subset=["change"]).head(2))
    page = render_brief(school.settings, thin, [])
    assert "Goal progress shows from 3 measured goals (2 so far)." in page
    assert "Active practice goals with a baseline" not in page
