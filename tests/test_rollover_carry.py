"""What a new school year starts with (tracker_sync.rollover.carry), on the tiny school worked out by hand,
and the school-year arithmetic of a rollover (tracker_sync.rollover.years)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import tiny_grids

from tracker_sync.errors import ConfigError
from tracker_sync.rollover.carry import carry_rows
from tracker_sync.rollover.school import RolloverOptions, next_settings
from tracker_sync.rollover.years import SchoolYear, parse_holidays, parse_year, same_week_last_year, year_of
from tracker_sync.validate import validate

d = dt.date


@pytest.fixture
def grids():
    grids = tiny_grids()
    grids["Goals"] += [
        ["Fay Kim", "Professional practice", "I.1", "Objectives every lesson", 3, 5, d(2026, 9, 8), None, "Active"],  # Fay left
        ["Cara Diaz", "Professional practice", "I.1", "Students restate the objective", 3, 5, d(2026, 9, 1), d(2026, 9, 20),
         "Met"],
        ["Dan Wu", "Student learning / SLO", None, "Lab reports", "30%", "60%", d(2026, 9, 2), d(2026, 9, 25), "Not Met"],
        ["Gus Hale", "Professional practice", "LE.3", "Entry routine", None, None, d(2026, 9, 2), None, "Draft"],
    ]
    return grids


def test_the_roster_carries_everyone_but_people_who_left_one_year_more_experienced(grids, leap_template, tiny_settings):
    carried = carry_rows(grids, leap_template, leap_template, tiny_settings)
    old = grids["Roster"][1:]
    expected = [[*row[:7], row[7] + 1, row[8]] for row in old if row[8] != "Left"]  # Fay Kim (Left) stays behind
    assert carried.rows["Roster"] == expected
    names = ["Ana Lopez", "Ben Ross", "Cara Diaz", "Dan Wu", "Eve Park", "Gus Hale", "Pat Noor"]
    assert [row[0] for row in carried.rows["Roster"]] == names
    assert [row[7] for row in carried.rows["Roster"]] == [2, 10, 5, 3, 13, 1, 16]
    assert carried.left_emails == {"fay.kim@tiny.org"}
    assert carried.counts()["Roster"] == {"read": 8, "carried": 7, "stayed": 1}


def test_open_action_steps_are_carried_over_with_their_dates_and_closed_ones_stay(grids, leap_template, tiny_settings):
    steps = carry_rows(grids, leap_template, leap_template, tiny_settings).rows["Action Steps"]
    # Ana's Met step and Eve's Not Met step stay; the four open ones come along, status Carried Over.
    assert steps == [
        [d(2026, 9, 21), "Ana Lopez", "Ben Ross", "Exit ticket daily", "I.5", d(2026, 10, 2), "Carried Over"],
        [d(2026, 9, 21), "Cara Diaz", "Ben Ross", "Post the objective", "I.1", d(2026, 9, 28), "Carried Over"],
        [d(2026, 9, 10), "Dan Wu", "Eve Park", "Turn and talk", "I.8", d(2026, 9, 24), "Carried Over"],
        [d(2026, 9, 16), "Gus Hale", "Eve Park", "Entry routine", "LE.3", None, "Carried Over"],
    ]


def test_goals_active_or_not_met_are_carried_with_last_years_check_in(grids, leap_template, tiny_settings):
    goals = carry_rows(grids, leap_template, leap_template, tiny_settings).rows["Goals"]
    by_owner = {(row[0], row[3]): row for row in goals}
    assert len(goals) == 8  # the 7 Active goals (a team goal among them) and Dan's Not Met one
    assert ("Fay Kim", "Objectives every lesson") not in by_owner  # she left
    assert ("Cara Diaz", "Students restate the objective") not in by_owner  # Met
    assert ("Gus Hale", "Entry routine") not in by_owner  # a Draft was never agreed
    assert by_owner[("Ana Lopez", "Check all students twice a lesson")] == [
        "Ana Lopez", "Professional practice", "I.5", "Check all students twice a lesson", 2, 4, d(2026, 9, 4), d(2026, 9, 28),
        "Carried Over"]
    assert by_owner[("Dan Wu", "Lab reports")][6:] == [d(2026, 9, 2), d(2026, 9, 25), "Carried Over"]
    assert ("Team B", "Students talk more than the teacher") in by_owner


def test_a_step_or_goal_naming_no_one_on_the_roster_is_carried_as_typed(grids, leap_template, tiny_settings):
    grids["Action Steps"].append([d(2026, 9, 15), "Jon Smth", "Ben Ross", "Wait time", "I.5", d(2026, 10, 1), "In Progress"])
    grids["Goals"].append(["Team C", "Professional practice", "I.8", "Discourse", None, None, d(2026, 9, 2), None, "Active"])
    carried = carry_rows(grids, leap_template, leap_template, tiny_settings).rows
    step = carried["Action Steps"][-1]
    assert step == [d(2026, 9, 15), "Jon Smth", "Ben Ross", "Wait time", "I.5", d(2026, 10, 1), "Carried Over"]
    assert carried["Goals"][-1][0] == "Team C" and carried["Goals"][-1][-1] == "Carried Over"  # next year's Flags show it


def test_a_step_set_by_someone_who_left_keeps_no_set_by(grids, leap_template, tiny_settings):
    step = [d(2026, 9, 15), "Gus Hale", "Fay Kim", "Greet at the door", "LE.2", d(2026, 10, 1), "Not Started"]
    grids["Action Steps"].append(step)
    steps = carry_rows(grids, leap_template, leap_template, tiny_settings).rows["Action Steps"]
    assert steps[-1] == [d(2026, 9, 15), "Gus Hale", None, "Greet at the door", "LE.2", d(2026, 10, 1), "Carried Over"]


def test_moved_and_renamed_columns_are_read_by_their_headers(grids, leap_template, tiny_settings):
    roster = grids["Roster"]
    grids["Roster"] = [[row[8], *row[:8]] for row in roster]  # Status moved to column A
    grids["Roster"][0][0] = "status"
    carried = carry_rows(grids, leap_template, leap_template, tiny_settings).rows["Roster"]
    assert carried[0] == ["Ana Lopez", "ana.lopez@tiny.org", "Team A", "Ben Ross", "Teacher", "Math", "3-5", 2, "Active"]


def test_the_carried_rows_validate_in_the_new_year_without_date_warnings(grids, leap_template, tiny_settings):
    grids["Goals"].append(["Team C", "Professional practice", "I.8", "Discourse", None, None, d(2026, 9, 2), None, "Active"])
    carried = carry_rows(grids, leap_template, leap_template, tiny_settings)
    new, _ = next_settings(tiny_settings, RolloverOptions(SchoolYear(2027), d(2027, 8, 16), d(2028, 5, 26), frozenset()))
    new_grids = {t.name: [[c.header for c in t.columns], *carried.rows.get(t.name, [])] for t in leap_template.tabs}
    result = validate(new_grids, leap_template, new, d(2027, 9, 1))
    codes = {f.code for f in result.findings}
    assert "date-outside-school-year" not in codes, [f for f in result.findings if f.code == "date-outside-school-year"]
    assert codes == {"unknown-teacher-or-team"}  # the carried typo (Team C), row 10, and no date warning even there
    assert result.rows_read["Goals"] == 9 and result.tabs["Goals"].accepted == 8
    assert result.tabs["Action Steps"].accepted == 4
    # A date typed this year before its start is still flagged: only carried rows keep last year's dates.
    new_grids["Action Steps"].append([d(2027, 5, 3), "Ana Lopez", "Ben Ross", "Typo year", "I.5", d(2027, 9, 10), "In Progress"])
    flagged = [f for f in validate(new_grids, leap_template, new, d(2027, 9, 1)).findings if f.code == "date-outside-school-year"]
    assert [(f.tab, f.row) for f in flagged] == [("Action Steps", 6)]


@pytest.mark.parametrize(("text", "start"), [("2027-28", 2027), ("2027-2028", 2027), ("1999-00", 1999), (" 2030-31 ", 2030)])
def test_year_labels(text, start):
    assert parse_year(text) == SchoolYear(start)
    assert str(SchoolYear(start)) == f"{start}-{(start + 1) % 100:02d}"


@pytest.mark.parametrize("text", ["2027", "2027-29", "27-28", "next year"])
def test_a_year_label_that_is_not_one_is_refused(text):
    with pytest.raises(ConfigError, match="--year"):
        parse_year(text)


def test_holidays_are_dates_and_ranges():
    days = {d(2027, 9, 6), d(2027, 11, 24), d(2027, 11, 25), d(2027, 11, 26)}
    assert parse_holidays("2027-09-06, 2027-11-24..2027-11-26") == days
    assert parse_holidays("") == frozenset()
    with pytest.raises(ConfigError, match="ends before it starts"):
        parse_holidays("2027-11-26..2027-11-24")


def test_next_years_dates_default_to_last_years_a_year_on_with_a_warning(tiny_settings):
    new, warnings = next_settings(tiny_settings, RolloverOptions(SchoolYear(2027)))
    assert (new.school_year_start, new.school_year_end, new.holidays) == (d(2027, 8, 17), d(2028, 5, 28), frozenset())
    assert year_of(new) == SchoolYear(2027)
    assert len(warnings) == 2 and "--first-day" in warnings[0] and "--holidays" in warnings[1]
    assert (new.rubric, new.norms, new.timezone) == (tiny_settings.rubric, tiny_settings.norms, tiny_settings.timezone)


def test_a_first_day_outside_the_year_is_refused(tiny_settings):
    with pytest.raises(ConfigError, match="not in the 2027-28 school year"):
        next_settings(tiny_settings, RolloverOptions(SchoolYear(2027), d(2028, 8, 14), d(2029, 5, 25)))


def test_the_same_week_of_last_year_counts_from_each_years_first_day():
    # 2027-12-17 is 123 days after 2027-08-16; 123 days after 2026-08-17 is 2026-12-18.
    assert same_week_last_year(d(2027, 12, 17), d(2027, 8, 16), d(2026, 8, 17), d(2027, 5, 28)) == d(2026, 12, 18)
    assert same_week_last_year(d(2028, 6, 20), d(2027, 8, 16), d(2026, 8, 17), d(2027, 5, 28)) == d(2027, 5, 28)  # kept inside
