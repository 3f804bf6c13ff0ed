"""The 1-on-1 Meetings and Goals tabs: optional for older trackers, read like every other coach tab.

Single mistakes and their cells are in test_validate_mistakes.py (PLANTS); here: what the tabs
mean as a whole (a missing tab, team names, baselines as numbers or text, Team Lead check-ins).
"""

from __future__ import annotations

import datetime as dt

from conftest import AS_OF

from tracker_sync.validate import validate

d = dt.date


def test_a_tracker_without_the_new_tabs_warns_once_each_and_reads_the_rest(grids, leap_template, tiny_settings):
    full = validate(grids, leap_template, tiny_settings, AS_OF)
    del grids["1-on-1 Meetings"], grids["Goals"]
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert [(f.code, f.tab, f.severity) for f in result.findings] == [
        ("missing-optional-tab", "1-on-1 Meetings", "warning"), ("missing-optional-tab", "Goals", "warning")]
    assert 'tracker-sync provision --school "Tiny School"' in result.findings[0].hint
    assert result.records.one_on_ones == [] and result.records.goals == []
    assert result.records.untracked == {"one_on_ones", "goals"} and full.records.untracked == set()
    assert result.records.observations == full.records.observations
    assert result.records.scores == full.records.scores
    assert result.tabs["Goals"].rows_read == 0


def test_a_missing_required_tab_is_still_an_error(grids, leap_template, tiny_settings):
    del grids["Action Steps"]
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert [(f.code, f.severity) for f in result.findings] == [("missing-tab", "error")]


def test_goal_owners_are_people_or_teams_compared_like_names(grids, leap_template, tiny_settings):
    grids["Goals"][5][0] = "  team b "       # the team goal, typed loosely
    grids["Goals"][1][0] = "ANA LÓPEZ"
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert result.findings == []
    owners = {g.row: g.teacher_or_team for g in result.records.goals}
    assert owners[6] == "Team B" and owners[2] == "Ana Lopez"  # the Roster's spelling


def test_baselines_are_numbers_when_typed_as_numbers_and_text_otherwise(grids, leap_template, tiny_settings):
    grids["Goals"][2][4] = " 3.5 "            # Cara's baseline, a number stored as text
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    goals = {g.teacher_or_team: g for g in result.records.goals}
    assert goals["Cara Diaz"].baseline == 3.5 and goals["Cara Diaz"].target == 5.0
    assert goals["Gus Hale"].baseline == "40% proficient"
    assert goals["Eve Park"].baseline == 0.0  # an SLO count: a number, never held against the rubric's scale


def test_team_lead_check_ins_follow_the_roster_roles_and_norms(grids, leap_template, tiny_settings):
    grids["Roster"][7][4] = "Specialist"        # Gus Hale
    grids["1-on-1 Meetings"][5][2:4] = ["Pat Noor", "Leadership coaching"]  # Gus's 1:1 row 6
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert [(f.code, f.cell) for f in result.findings] == [("check-in-not-a-lead", "D6")]
    assert "Gus Hale is a Specialist" in result.findings[0].message
    wider = tiny_settings.model_copy(update={"norms": tiny_settings.norms.model_copy(
        update={"lead_roles": ("Team Lead", "Senior Team Lead", "Specialist")})})
    assert validate(grids, leap_template, wider, AS_OF).findings == []


def test_rows_with_errors_leave_the_patterns_and_the_accounting_adds_up(grids, leap_template, tiny_settings):
    grids["1-on-1 Meetings"][3][6] = d(2026, 9, 1)   # Cara's next steps due before her 9/24 1:1
    grids["Goals"][3][7] = d(2026, 9, 1)             # Dan's check-in before his goal was set on 9/10
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert [(f.code, f.tab, f.row) for f in result.findings] == [
        ("next-steps-due-before-meeting", "1-on-1 Meetings", 4), ("check-in-before-set", "Goals", 4)]
    assert 4 not in {m.row for m in result.records.one_on_ones}
    assert 4 not in {g.row for g in result.records.goals}
    for name in ("1-on-1 Meetings", "Goals"):
        report = result.tabs[name]
        assert (report.rows_read, report.accepted, report.excluded) == (7, 6, 1)


def test_danielson_goals_read_danielson_codes(grids, tiny_settings):
    from tracker_sync.sheet_templates import load_rubric, load_template

    rubric = load_rubric("danielson")
    template = load_template().for_rubric(rubric)
    settings = tiny_settings.model_copy(update={"rubric": rubric})
    leap_scores = grids.pop("LEAP Scores")
    grids["FFT Scores"] = [[*leap_scores[0][:4], *rubric.codes, "Notes"]]
    for row in grids["Goals"][1:]:
        row[2] = {"I.5": "3 d", "I.8": "3b"}.get(row[2])
    grids["Goals"][2][4:6] = [2, 3]   # Cara: Danielson's 1-4 scale
    grids["Goals"][6][4:6] = [2, 4]   # Ben
    grids["Goals"][1][4:6] = [1, 9]   # Ana: 9 is off the 1-4 scale
    result = validate(grids, template, settings, AS_OF)
    assert [(f.code, f.cell) for f in result.findings if f.tab == "Goals"] == [("goal-score-off-scale", "F2")]
    assert [g.indicator for g in result.records.goals] == ["3d", "3d", "3b", None, "3b", "3d", None]
