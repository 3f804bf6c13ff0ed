"""The pure cell parsers: what each spelling a coach may type is read as, or why it is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker_sync.sheet_templates import load_rubric
from tracker_sync.validate.cells import (
    People,
    SchoolYear,
    name_key,
    parse_date,
    parse_indicator,
    parse_score,
)

YEAR = SchoolYear(dt.date(2026, 8, 17), dt.date(2027, 5, 28))


@pytest.mark.parametrize("typed, day, code", [
    (dt.date(2026, 9, 5), dt.date(2026, 9, 5), None),
    (dt.datetime(2026, 9, 5, 14, 30), dt.date(2026, 9, 5), None),
    (46270, dt.date(2026, 9, 5), None),
    (46270.75, dt.date(2026, 9, 5), None),              # a serial with a time of day
    ("2026-09-05", dt.date(2026, 9, 5), None),
    ("2026/9/5", dt.date(2026, 9, 5), None),
    ("9/5/2026", dt.date(2026, 9, 5), None),
    ("9/5/26", dt.date(2026, 9, 5), "ambiguous-date"),
    ("9/5", dt.date(2026, 9, 5), "ambiguous-date"),
    ("1/12", dt.date(2027, 1, 12), "ambiguous-date"),     # spring belongs to the school year's second calendar year
    ("Sept 5", dt.date(2026, 9, 5), "ambiguous-date"),
    ("sep. 5th, 2026", dt.date(2026, 9, 5), None),
    ("Friday, September 5, 2026", dt.date(2026, 9, 5), None),
    ("5 Sept 2026", dt.date(2026, 9, 5), None),
    ("5-Sep-2026", dt.date(2026, 9, 5), None),
    ("25/9/2026", dt.date(2026, 9, 25), "ambiguous-date"),
    ("  9/5/2026  ", dt.date(2026, 9, 5), None),
    ("46270", dt.date(2026, 9, 5), "ambiguous-date"),
    ("Sept 31", None, "bad-date"),
    ("2/29/2027", None, "bad-date"),
    ("13/13/2026", None, "bad-date"),
    ("next week", None, "bad-date"),
    (12, None, "bad-date"),
    (float("nan"), None, "bad-date"),
    (False, None, "bad-date"),
])
def test_date_spellings(typed, day, code):
    parsed = parse_date(typed, YEAR)
    assert parsed.value == day
    assert (parsed.problem[0] if parsed.problem else None) == code


def test_impossible_dates_say_why():
    assert "September 2026 has 30 days" in parse_date("Sept 31", YEAR).problem[1]


@pytest.mark.parametrize("rubric_id, typed, code", [
    ("leap", "I.1", "I.1"), ("leap", "i1", "I.1"), ("leap", "I 1", "I.1"), ("leap", "I-1", "I.1"),
    ("leap", "Instruction 1", "I.1"), ("leap", " le.3 ", "LE.3"), ("leap", "Learning Environment 2", "LE.2"),
    ("danielson", "1a", "1a"), ("danielson", "1 A", "1a"), ("danielson", "3b", "3b"),
])
def test_indicator_spellings(rubric_id, typed, code):
    assert parse_indicator(typed, load_rubric(rubric_id)) == (code, None)


def test_unknown_indicator_suggests():
    parsed = parse_indicator("1g", load_rubric("danielson"))
    assert parsed.value is None and parsed.problem[0] == "unknown-indicator"
    assert "Did you mean" in parsed.problem[2] and "1a ... 4f" in parsed.problem[2]


@pytest.mark.parametrize("rubric_id, typed, value, code", [
    ("leap", 5, 5.0, None), ("leap", "5.0", 5.0, None), (" leap", "  6 ", 6.0, None), ("leap", 7.0, 7.0, None),
    ("leap", 0, None, "score-out-of-range"), ("leap", "8", None, "score-out-of-range"),
    ("leap", 4.5, None, "half-point-score"), ("leap", "Effective", None, "score-band-word"),
    ("leap", "five", None, "bad-score"), ("leap", True, None, "bad-score"), ("leap", dt.date(2026, 5, 6), None, "bad-score"),
    ("danielson", "Proficient", None, "score-band-word"), ("danielson", 3, 3.0, None),
    ("danielson", 5, None, "score-out-of-range"),
])
def test_scores_on_the_rubric_scale(rubric_id, typed, value, code):
    parsed = parse_score(typed, load_rubric(rubric_id.strip()))
    assert parsed.value == value
    assert (parsed.problem[0] if parsed.problem else None) == code


def test_half_points_only_where_the_rubric_allows_them():
    halves = load_rubric("leap").model_copy(update={"half_points": True})
    assert parse_score(4.5, halves).value == 4.5
    assert parse_score(4.25, halves).problem[0] == "half-point-score"


def test_band_word_gives_the_range_it_means():
    assert "'Proficient' means 3 on the 1-4 scale" in parse_score("proficient", load_rubric("danielson")).problem[2]


def test_names_compare_without_case_accents_or_spacing_but_keep_other_scripts():
    assert name_key("  José   HERNÁNDEZ ") == name_key("jose hernandez")
    assert name_key("李明") != name_key("王芳")
    assert name_key("Zoë") == name_key("zoe")


def test_people_suggest_but_never_correct():
    people = People({name_key(n): n for n in ["Maria Garcia", "John Smith", "李明"]})
    assert people.find(" maria  GARCÍA", role="teacher").value == "Maria Garcia"
    assert people.find("李明", role="teacher").value == "李明"
    for typed, guess in [("Ms. Garcia", "Maria Garcia"), ("Jon Smith", "John Smith"), ("Garcia, Maria", "Maria Garcia")]:
        parsed = people.find(typed, role="teacher")
        assert parsed.value is None and parsed.problem[0] == "unknown-teacher"
        assert f"Did you mean '{guess}'?" in parsed.problem[2]
    observer = people.find("Jon Smith", role="observer")
    assert observer.value == "Jon Smith" and observer.problem[0] == "unknown-observer"
    assert "Did you mean" not in people.find("Zed Zulu", role="teacher").problem[2]


def test_an_integer_column_with_one_bound_says_which():
    from tracker_sync.validate.cells import parse_integer

    assert parse_integer(-1, 0, None).problem[1] == "-1 is below 0."
    assert parse_integer(99, None, 60).problem[2] == "Type a whole number of at most 60."
    assert parse_integer(61, 0, 60).problem[1] == "61 is outside 0-60."
