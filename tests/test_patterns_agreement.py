"""Agreement on co-observed lessons and observers' drift month by month, worked out by hand.

Co-observed lessons (two or more observers, same teacher and date; observer pairs in name order,
diff = first - second):
  Tia 10-05, Lee and Oli: I.1 5/5 (0, exact), I.5 4/2 (+2: not adjacent), LE.1 6/5 (+1, adjacent)
  Tom 10-20, Lee, Oli and Pam: I.1 4/3/4 -> Lee-Oli +1, Lee-Pam 0, Oli-Pam -1; I.5 Lee 3, Oli 3 (0; Pam left it blank)
  Uma 11-10, Bo and Pam: I.1 4/6 (-2)
  Tia 10-06, Lee alone: not a co-observation.
8 comparisons: exact 3 (Tia I.1, Tom I.1 Lee-Pam, Tom I.5) = 37.5%; adjacent 6 (all but +2 and -2) = 75%.
By indicator: I.1 5 comparisons (0, +1, 0, -1, -2): exact 2/5, adjacent 4/5, 3 lessons;
  I.5 2 (+2, 0): exact 1/2, adjacent 1/2, 2 lessons; LE.1 1 (+1): exact 0, adjacent 1.
By pair: Lee-Oli 5 (0, +2, +1, +1, 0) on 2 lessons: exact 2/5, adjacent 4/5, mean diff 4/5;
  Lee-Pam 1 (0); Oli-Pam 1 (-1); Bo-Pam 1 (-2).
Norm 80% adjacent from 5 comparisons: the school (75%, 8) is below; I.1 and Lee-Oli sit at 80%: not below.
"""

from __future__ import annotations

import pytest
from patterns_support import AS_OF, d, lessons, person, records, school_records, settings

from tracker_sync.patterns import (
    agreement_by_indicator,
    agreement_by_pair,
    agreement_overall,
    co_observed_scores,
    compute_patterns,
    observer_drift,
    score_offsets,
    to_frames,
)
from tracker_sync.patterns.practice_flags import practice_flags
from tracker_sync.sheet_templates import load_rubric
from tracker_sync.validate import Records


@pytest.fixture
def pairs():
    return co_observed_scores(to_frames(lessons()), settings())


def test_each_indicator_two_observers_scored_on_one_lesson_is_a_comparison(pairs):
    got = sorted(zip(pairs["teacher"], pairs["indicator"], pairs["observer_a"], pairs["observer_b"], pairs["diff"], strict=True))
    assert got == sorted([
        ("Tia", "I.1", "Lee", "Oli", 0), ("Tia", "I.5", "Lee", "Oli", 2), ("Tia", "LE.1", "Lee", "Oli", 1),
        ("Tom", "I.1", "Lee", "Oli", 1), ("Tom", "I.1", "Lee", "Pam", 0), ("Tom", "I.1", "Oli", "Pam", -1),
        ("Tom", "I.5", "Lee", "Oli", 0), ("Uma", "I.1", "Bo", "Pam", -2),
    ])
    assert pairs["exact"].sum() == 3 and pairs["adjacent"].sum() == 6


def test_agreement_by_indicator_pair_and_school(pairs):
    norms = settings()
    by_indicator = agreement_by_indicator(pairs, norms).set_index("indicator")
    assert list(by_indicator.index) == ["LE.1", "I.1", "I.5"]  # rubric order
    assert by_indicator.loc["I.1", ["lessons", "comparisons", "exact", "adjacent", "below_norm"]].tolist() == [
        3, 5, 0.4, 0.8, False]
    assert by_indicator.loc["I.5", ["lessons", "comparisons", "exact", "adjacent"]].tolist() == [2, 2, 0.5, 0.5]
    assert not by_indicator.loc["I.5", "below_norm"]  # 2 comparisons: fewer than 5
    assert agreement_by_indicator(pairs, settings(agreement_min_comparisons=2)).set_index("indicator").at["I.5", "below_norm"]
    by_pair = agreement_by_pair(pairs, norms).set_index(["observer_a", "observer_b"])
    assert by_pair.loc[("Lee", "Oli"), ["lessons", "comparisons", "exact", "adjacent", "below_norm"]].tolist() == [
        2, 5, 0.4, 0.8, False]
    assert by_pair.loc[("Lee", "Oli"), "mean_diff"] == pytest.approx(0.8)
    assert by_pair.loc[("Bo", "Pam"), ["comparisons", "adjacent", "mean_diff"]].tolist() == [1, 0.0, -2.0]
    assert agreement_overall(pairs, norms) == {"lessons": 3, "comparisons": 8, "exact": 0.375, "adjacent": 0.75, "agreed": 0.75,
                                               "below_norm": True}  # LEAP: agreed = within one point


def test_agreement_flags_below_the_norm():
    relaxed = settings(agreement_min_comparisons=1, agreement_adjacent_share=0.9)
    patterns = compute_patterns(lessons(), relaxed, AS_OF)
    flags = [(f.code, f.who) for f in practice_flags(patterns, relaxed) if f.code.startswith("agreement")]
    # Below 90% within one point: Bo-Pam 0%, Lee-Oli 80%; indicators I.1 80% and I.5 50% (LE.1 100%), in one row.
    assert flags == [("agreement-pair", "Bo and Pam"), ("agreement-pair", "Lee and Oli"), ("agreement-indicator", "I.1, I.5")]
    details = {f.who: f.detail for f in practice_flags(patterns, relaxed)}
    assert details["Lee and Oli"] == "40% exact, 80% within one point, over 5 scores on 2 co-observed lessons."
    assert details["I.1, I.5"] == ("I.1 (Clearly communicates the standards-based content-language objective): 80% within one "
                                   "point over 5 co-observed scores; I.5 (Checks for understanding and adjusts instruction): 50% "
                                   "within one point over 2 co-observed scores.")


def test_no_co_observation_gives_empty_agreement():
    patterns = compute_patterns(school_records(), settings(), AS_OF)
    # school_records has Lee and Oli on Tom 10-01 (I.5 3 and 5): one lesson, one comparison, 2 apart.
    assert patterns.agreement_overall == {"lessons": 1, "comparisons": 1, "exact": 0.0, "adjacent": 0.0, "agreed": 0.0,
                                          "below_norm": False}
    empty = compute_patterns(records(), settings(), AS_OF)
    assert empty.co_observed.empty and empty.agreement_by_pair.empty and empty.agreement_overall["comparisons"] == 0


def danielson_pair(exact: int, apart: int) -> Records:
    """Ana and Ben co-observe Tia on 4 days, 5 indicators each (20 scores): Ana gives 3 everywhere; Ben
    gives 3 on the first ``exact`` scores and 2 on the next ``apart`` ones."""
    codes = load_rubric("danielson").codes
    days = [d(2026, 10, day) for day in (5, 12, 19, 26)]
    rows = []
    for k, day in enumerate(days):
        for who, row in (("Ana", 2 * k + 2), ("Ben", 2 * k + 3)):
            scores = {}
            for code in codes[:5]:
                index = k * 5 + codes.index(code)
                scores[code] = 3 if who == "Ana" or index < exact else 2 if index < exact + apart else None
            rows.append({"row": row, "date": day, "teacher": "Tia", "observer": who, "type": "Co-observation",
                         **dict.fromkeys(codes), **scores})
    roster = [person(2, "Tia", "Team A", "Ana"), person(3, "Ana", "Team A", "Ana", "Team Lead"),
              person(4, "Ben", "Office", None, "Principal")]
    return Records({"roster": [m.model_dump() for m in roster], "scores": rows}, score_codes=codes)


def test_on_danielsons_short_scale_co_observers_must_agree_exactly():
    """1 of 20 scores equal, 19 one point apart: 5% exact, 100% within one point, a mean gap of 0.95. On
    Danielson's 1-4 scale (agreement_within = 0) the pair is far below 80%; within one point it never would be."""
    danielson = settings().model_copy(update={"rubric": load_rubric("danielson")})
    patterns = compute_patterns(danielson_pair(exact=1, apart=19), danielson, AS_OF)
    pair = patterns.agreement_by_pair.iloc[0]
    assert (pair["comparisons"], pair["exact"], pair["adjacent"], pair["agreed"]) == (20, 0.05, 1.0, 0.05)
    assert pair["mean_diff"] == pytest.approx(0.95) and bool(pair["below_norm"])
    flags = [f for f in practice_flags(patterns, danielson) if f.code == "agreement-pair"]
    assert [(f.who, f.norm) for f in flags] == [("Ana and Ben", "80% of co-observed scores exact")]
    leap_rule = danielson.model_copy(update={"rubric": load_rubric("danielson").model_copy(update={"agreement_within": 1.0})})
    assert not compute_patterns(danielson_pair(exact=1, apart=19), leap_rule, AS_OF).agreement_by_pair["below_norm"].any()
    assert not compute_patterns(danielson_pair(exact=17, apart=3), danielson, AS_OF).agreement_by_pair["below_norm"].any()  # 85%


def test_drift_month_by_month_from_the_calibration_offsets():
    # tests/test_patterns_metrics.py works the offsets out: Lee +1.5 (09-10), -2 (10-01), +1 (10-20);
    # Oli -1.5 (09-12), +0.5 (10-01); Ola 0 (09-20). By month: Lee 09 +1.5 (1), 10 -0.5 (2); Oli 09 -1.5, 10 +0.5.
    frames = to_frames(school_records()).state_on(AS_OF)
    offsets = score_offsets(frames, settings())
    monthly, summary = observer_drift(offsets, settings(drift_min_scores=1))
    table = {(r.observer, r.month): (r.paired, r.mean_diff) for r in monthly.itertuples()}
    assert table == {("Lee", "2026-09"): (1, 1.5), ("Lee", "2026-10"): (2, -0.5), ("Oli", "2026-09"): (1, -1.5),
                     ("Oli", "2026-10"): (1, 0.5), ("Ola", "2026-09"): (1, 0.0)}
    # Lee moved 1.5 -> -0.5 (-2.0), Oli -1.5 -> +0.5 (+2.0): both at least 0.5; Ola has one month only.
    # The largest change first (a tie: by name).
    assert summary[["observer", "first_month", "latest_month", "change", "drifting"]].values.tolist() == [
        ["Lee", "2026-09", "2026-10", -2.0, True], ["Oli", "2026-09", "2026-10", 2.0, True]]
    _, none = observer_drift(offsets, settings())  # a month needs 5 compared scores by default
    assert none.empty
