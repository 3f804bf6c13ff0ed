"""A school's district figures and their suppression, against the tiny hand-computed school (conftest.py).

Hand computation, as of Wed 2026-09-30 (see also tests/test_patterns.py):
- teachers: active staff in observed roles = Ana, Ben, Cara, Dan, Eve, Gus = 6 (Fay left, Pat is the principal).
- observed in 14 days (a visit after 9/16): Ana 9/28, Cara 9/21, Dan 9/25, Gus 9/22 -> 4 of 6; Ben 9/14, Eve 9/10 not.
- feedback given: 0, 1, 1, 1, 3, 5 school days -> median 1, from 5 teachers (Ana twice, Cara, Eve, Fay, Ben);
  within the norm of 3: 5 of 6 given + Gus pending 6 days = 5/7, from 6 teachers (Gus too).
- scored observations this year: Cara, Eve, Ana, Dan, Gus one each = 5 (Fay left); due by 9/30: 2 x 44/284 of the
  year, rounded down = 0, so every teacher is on pace.
- overdue steps: Cara (due 9/28), Dan (9/24) = 2; Active cycles: Ana, Cara = 2.
- the 14 scores: 5,4,3 6,4 4,5,2 6,6,5 7,3 3 -> bands Not Meeting (1-2) 1, Approaching (3-4) 6, Effective (5-6) 6,
  Distinguished (7) 1; in the middle band 3-5: 9/14; mean 63/14 = 4.5.
- indicators: LE.1 {5,4,6,6,7} 5.6 (n 5); I.1 {4,5,6,3} 4.5 (n 4); I.5 {3,4,2,5,3} 3.4 (n 5).
- calibration: observers Ben (6 scores), Eve (6), Pat (2): none has the 10 scores a judgement needs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from district_support import check_of

from tracker_sync.check import Check
from tracker_sync.district.figures import FIGURES, school_figures
from tracker_sync.district.suppress import Line, complementary


@pytest.fixture
def tiny_check(grids, leap_template, tiny_settings) -> Check:
    return check_of(grids, leap_template, tiny_settings)


def values(stored: dict) -> dict:
    return {key: (cell["value"], cell["n"]) for key, cell in stored["figures"].items()}


def test_school_figures_of_the_tiny_school(tiny_check):
    stored = school_figures(tiny_check, min_cell=5)
    assert values(stored) == {
        "teachers": (6, 6), "observed_14d": (pytest.approx(4 / 6), 6), "feedback_median_days": (1.0, 5),
        "feedback_within_norm": (pytest.approx(5 / 7), 6), "scored_done": (5, 6), "scored_due": (0, 6), "on_pace": (None, 0),
        "overdue_steps": (2, 6), "active_cycles": (2, 6), "middle_share": (pytest.approx(9 / 14), 14),
        "observers_flagged": (None, 0),
        # Ana, Cara, Dan and Gus are coached (Ben and Eve lead, Fay left), each had a 1:1 from 9/23 on: 4 of 4;
        # the six observed staff each have an Active goal of their own (Team B's goal is not one): 6 of 6
        "one_on_one_recent": (1.0, 4), "active_goal": (1.0, 6),
    }
    assert stored["bands"] == {"names": ["Not Meeting", "Approaching", "Effective", "Distinguished"],
                               "counts": [None, 6, 6, None], "n": 14}  # 1 and 1: fewer than 5, never stored
    assert stored["indicators"] == {"LE.1": {"value": 5.6, "n": 5}, "I.1": {"value": None, "n": 4}, "I.5": {"value": 3.4, "n": 5}}
    assert stored["all_indicators"] == {"value": 4.5, "n": 14}
    assert stored["calibration"] == {"observers": 3, "judged": 0, "offset_flagged": 0, "middle_flagged": 0}
    assert (stored["as_of"], stored["rubric"], stored["min_cell"]) == ("2026-09-30", "leap", 5)
    assert set(stored["figures"]) == {f.key for f in FIGURES}


def test_a_lower_threshold_stores_more_cells(tiny_check):
    stored = school_figures(tiny_check, min_cell=2)
    assert stored["bands"]["counts"] == [None, 6, 6, None]  # 1 < 2 still
    assert stored["indicators"]["I.1"] == {"value": 4.5, "n": 4}  # (4 + 5 + 6 + 3) / 4


def test_scored_observations_due_by_now(grids, leap_template, tiny_settings):
    """A year ending 10/31: 44 of 75 days gone -> 2 x 0.587 = 1.17, to the nearest: 1 scored observation due, and
    Full 0.587 -> 1. Ben has none, the other five one each, of them Full: Ana, Cara and Dan (Eve and Gus Partial):
    done 5, due 6 x 1 = 6, on pace 3 of 6. On 9/30 of the real year (44 of 284 days) none is due yet: no on-pace
    figure at all (the tiny school's figures above), never a 100% that nobody could miss."""
    short_year = tiny_settings.model_copy(update={"school_year_end": dt.date(2026, 10, 31)})
    figures = values(school_figures(check_of(grids, leap_template, short_year)))
    assert (figures["scored_done"], figures["scored_due"], figures["on_pace"]) == ((5, 6), (6, 6), (0.5, 6))


def test_no_name_email_or_note_in_the_figures(tiny_check, grids):
    text = repr(school_figures(tiny_check))
    people = {row[0] for row in grids["Roster"][1:]} | {row[1] for row in grids["Roster"][1:]}
    notes = {row[5] for row in grids["Observations"][1:] if row and row[5]}
    assert not [word for word in people | notes if word in text]


def test_complementary_suppression_hides_a_partner_on_each_published_line():
    """Danielson bands Unsatisfactory 2*, Basic 30, Proficient 240, Distinguished 50. The middle band (2-3) is
    Basic + Proficient, so the middle-band share publishes the total of {Basic, Proficient} and of the rest
    {Unsatisfactory*, Distinguished}: there the lone 2 would be the rest minus 50, so Distinguished goes too.
    All bands then hold two hidden cells: nothing more."""
    weights = {0: 2, 1: 30, 2: 240, 3: 50}
    lines = [Line((0, 1, 2, 3), "n"), Line((1, 2), "middle_share"), Line((0, 3), "middle_share")]
    assert complementary(weights, {0}, lines) == ({0, 3}, set())


def test_one_line_with_two_primary_cells_needs_no_complement():
    """LEAP bands 1*, 6, 6, 1* (the tiny school): the only published total is all 14 scores, and it already
    hides two cells."""
    assert complementary({0: 1, 1: 6, 2: 6, 3: 1}, {0, 3}, [Line((0, 1, 2, 3), "n")]) == ({0, 3}, set())


def test_complement_is_the_smallest_cell_then_the_first_in_line_order():
    """Heat map row LE.1 (n 5), I.1 (n 4, primary), I.5 (n 5), I.7 (n 9): LE.1 and I.5 tie on n; LE.1 comes first."""
    weights = {"LE.1": 5, "I.1": 4, "I.5": 5, "I.7": 9}
    assert complementary(weights, {"I.1"}, [Line(("LE.1", "I.1", "I.5", "I.7"), "n")]) == ({"I.1", "LE.1"}, set())


def test_a_lone_cell_with_no_partner_hides_the_total():
    """Bands 0, 3*, 0, 0: every other cell is empty, so the total (3) itself would tell; it is hidden."""
    assert complementary({0: 0, 1: 3, 2: 0, 3: 0}, {1}, [Line((0, 1, 2, 3), "n")]) == ({1}, {"n"})


def test_suppression_cascades_across_lines():
    """Cells a* (2), b (7), c (8) on line 1 {a, b}; line 2 {b, c}. Line 1 hides b; then line 2 has b alone, so c goes."""
    hidden, totals = complementary({"a": 2, "b": 7, "c": 8}, {"a"}, [Line(("a", "b"), "x"), Line(("b", "c"), "y")])
    assert (hidden, totals) == ({"a", "b", "c"}, set())
