"""Where the trends, equity, step load and agreement show: the Patterns tab, the Summary and the ILT brief.

The numbers are the hand-computed ones of tests/test_patterns_trends.py, test_patterns_attention.py
and test_patterns_agreement.py (their docstrings say how each was worked out); here they are read back
from the rendered tabs as a person reads them.
"""

from __future__ import annotations

import datetime as dt
import re

from conftest import tool_table
from patterns_support import (
    AS_OF,
    equity_records,
    lessons,
    load_records,
    settings,
    three_weeks,
    trend_records,
)

from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.district.history import History
from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import DistrictRunner
from tracker_sync.patterns import compute_patterns
from tracker_sync.patterns.practice_flags import practice_flags
from tracker_sync.render import render_patterns, render_summary
from tracker_sync.render.ilt_brief import render_brief
from tracker_sync.sync import build_brief
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.testing.sample_district import build_district
from tracker_sync.validate import ValidationResult

SYNCED = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)


def patterns_tab(records, school_settings):
    patterns = compute_patterns(records, school_settings, AS_OF)
    return render_patterns(school_settings, patterns, SYNCED)[0].rows


def test_patterns_tab_shows_then_now_and_sparklines_right_after_the_heat_map():
    rows = patterns_tab(trend_records(), three_weeks())
    firsts = [row[0] if row else None for row in rows]
    title = "Since 14 days ago (2026-11-17): then, now and the last 3 weeks"
    assert firsts.index("Mean LEAP score by team and indicator") < firsts.index(title) < firsts.index(
        "Lowest indicators: a theme for professional learning")
    trends = {row["Team"]: row for row in tool_table(rows, "Team", after=title)}
    school = trends["Whole school"]
    assert (school["Not seen 14+ days: then"], school["Not seen 14+ days: now"], school["Not seen 14+ days: 3 weeks"]) == (
        3, 3, "█▁█")  # 3, 2, 3
    assert (school["Overdue steps: then"], school["Overdue steps: now"]) == (2, 2)
    assert (school["% feedback within 3 days: then"], school["% feedback within 3 days: now"]) == (0.75, round(4 / 7, 4))
    assert trends["Team A"]["Median days to feedback: then"] == 3.0  # Tia 5 and Tom 1 on 11-17
    moved = tool_table(rows, "Team", after="Heat-map cells that moved by 0.3 or more since 14 days ago (2026-11-17)")
    assert moved == [{"Team": "Team A", "Indicator": "I.1", "Then": 5.0, "Scores then": 3, "Now": 4.5, "Scores now": 4,
                      "Change": -0.5, "3 weeks": "▇▂▂"}]


def test_summary_headline_has_then_and_the_weekly_sparklines():
    school_settings = three_weeks(ilt_weekday="mon")
    patterns = compute_patterns(trend_records(), school_settings, AS_OF)
    tab = render_summary(school_settings, ValidationResult(trend_records(), [], {}), patterns, SYNCED)
    now, then, weeks, norm = tool_table(tab.rows, "Headline")
    assert then["Headline"] == "Then: the ILT meeting on 2026-11-30" and weeks["Headline"] == "Last 3 weeks"
    # On 11-30: Tom, Uma and Bo not seen; only Tom's step overdue (Bo's is due that day); Tom still waiting.
    assert (then["Teachers not observed in 14 days"], then["Overdue action steps"]) == (3, 1)
    assert then["Feedback within 3 school days"] == round(4 / 7, 4)
    assert weeks["Teachers not observed in 14 days"] == "█▁█" and weeks["Rows to fix (Flags tab)"] is None
    assert (now["Headline"], norm["Headline"]) == ("Now", "Norm")


def test_each_ratio_under_the_norm_says_beside_it_why_it_is_flagged_or_not(monkeypatch):
    """With Ben (Team B's one novice) down to 1 visit, Team B's novices get 1 / (7 / 3) = 0.43x the visits of
    their colleagues, below 0.75x like Team A's 0.30x; but one teacher is too few to judge (2 on each side), and
    the row says so where the number is, not only in the note."""
    import patterns_support

    monkeypatch.setitem(patterns_support.VISITS, "Ben", 1)
    rows = patterns_tab(equity_records(), settings())
    equity = tool_table(rows, "Team", after="Who gets the visits (norm: each group at least 0.75x the visits of colleagues)")
    check = {(r["Team"], r["Group"]): (r["Ratio"], r["Check"]) for r in equity}
    assert check[("Team B", "Novice teachers")] == (0.4286, "not judged: 1 teacher in the group (compared from 2 on each side)")
    assert check[("Team A", "Novice teachers")] == (0.3, "below 0.75x")
    assert all(text for ratio, text in check.values() if ratio is not None and ratio < 0.75)  # no silent ratio under the norm
    # Pam gave all 10 scores: enough for the middle band (6 of 10 in 3-5: not flagged), none shared with a colleague
    calib = tool_table(rows, "Observer", after="Calibration by observer")
    assert [(r["Observer"], r["Scores"], r["Check"]) for r in calib] == [
        ("Pam", 10, "offset not judged: 0 shared scores (from 10)")]
    # co-observed lessons (test_patterns_agreement): Bo and Pam compared 1 score, Lee and Oli 5 at 80%: at the norm
    pairs = tool_table(patterns_tab(lessons(), settings()), "Observers",
                       after="Agreement on co-observed lessons, by observer pair (norm: 80% within one point)")
    assert {r["Observers"]: r["Check"] for r in pairs}["Bo and Pam"] == "not judged: 1 score (from 5)"
    assert {r["Observers"]: r["Check"] for r in pairs}["Lee and Oli"] == ""

def test_equity_step_load_and_agreement_sections():
    rows = patterns_tab(equity_records(), settings())
    equity = tool_table(rows, "Team", after="Who gets the visits (norm: each group at least 0.75x the visits of colleagues)")
    team_a = next(r for r in equity if r["Team"] == "Team A" and r["Group"] == "Novice teachers")
    assert (team_a["Teachers"], team_a["Visits each (30 days)"], team_a["Ratio"], team_a["Check"]) == (2, 1.0, 0.3, "below 0.75x")
    assert len(equity) == 9  # whole school, Team A, Team B x three groups

    rows = patterns_tab(load_records(), settings())
    load = tool_table(rows, "Teacher", after="Action-step load (norm: at most 2 open steps, from one coach)")
    assert [(r["Teacher"], r["Open steps"], r["Set by"], r["Check"]) for r in load] == [
        ("Abe", 2, "Lee, Pam", "set by more than one coach"), ("Ann", 3, "Lee", "more than 2 open")]
    undated = tool_table(rows, "Teacher", after="Steps open more than 21 days with no due date")
    assert [(r["Teacher"], r["Days open"]) for r in undated] == [("Al", 26), ("Ann", 22)]

    rows = patterns_tab(lessons(), settings())
    pairs = tool_table(rows, "Observers", after="Agreement on co-observed lessons, by observer pair (norm: 80% within one point)")
    lee_oli = next(r for r in pairs if r["Observers"] == "Lee and Oli")
    assert (lee_oli["Lessons"], lee_oli["Scores compared"], lee_oli["Exact"], lee_oli["Within one point"]) == (2, 5, 0.4, 0.8)
    note = rows[next(i for i, r in enumerate(rows) if r and r[0] == "Agreement on co-observed lessons, by observer pair "
                     "(norm: 80% within one point)") + 1][0]
    assert note.startswith("3 co-observed lessons, 8 scores compared: 38% exact, 75% within one point "
                           "(norm 80% within one point). "
                           "Two observers agree on an indicator when their scores are within one point "
                           "(LEAP's rule for its 1-7 scale).")
    by_indicator = tool_table(rows, "Indicator", after="Agreement on co-observed lessons, by indicator")
    assert [r["Indicator"] for r in by_indicator] == ["LE.1", "I.1", "I.5"]


def demo_brief(**kwargs) -> str:
    school = synthetic_school(7)
    workbook = MemoryWorkbook()
    provision_school(workbook, school)
    return build_brief(workbook, as_of=school.as_of, **kwargs)


def test_demo_brief_shows_trends_equity_load_and_agreement_without_names():
    page = demo_brief(ilt_weekday="tue")
    assert "Since the ILT meeting on 2026-12-15" in page  # Fri 12-18: the Tuesday before
    assert page.count('class="spark"') == 4  # the key numbers' (the teams' weekly points are on the Patterns tab)
    assert re.search(r'style="[^"]*" class="moved-(up|down)" title="\d\.\d at the ILT meeting on 2026-12-15"', page)
    assert "Visits per teacher in the last 30 days: novice teachers" in page and "Action-step load: " in page
    assert "co-observed lessons" in page and "Offset from colleagues that moved: Observer " in page
    worse = re.findall(r'<td class="worse">([^ ]+) → ([^ <]+)<', page)
    assert worse and all(then != now for then, now in worse)  # marked only when the shown figure moved
    roster = [row[0] for row in synthetic_school(7).grids["Roster"][1:]]
    assert not [name for name in roster if name.replace("'", "&#39;") in page]  # aggregates only, observers numbered


def test_brief_agreement_notes_use_the_brief_observer_labels():
    school_settings = settings(agreement_min_comparisons=1, agreement_adjacent_share=0.9)
    patterns = compute_patterns(lessons(), school_settings, AS_OF)
    plain = render_brief(school_settings, patterns, practice_flags(patterns, school_settings))
    assert "Lee and Oli" not in plain and "Bo" not in re.sub(r"<[^>]+>", " ", plain).split()
    named = render_brief(school_settings, patterns, practice_flags(patterns, school_settings), include_names=True)
    assert "(norm 90% within one point)." in named
    assert "Pairs under the norm: Bo and Pam 0% of 1 score (Bo -2.00 on average); Lee and Oli 80% of 5 scores (Lee +0.80 on " \
           "average)." in named


def test_the_registry_ilt_day_reaches_the_scheduled_brief(tmp_path):
    registry_path = build_district(tmp_path, xlsx=1, google=0, teachers=12, school={"ilt": {"day": "wed", "time": "07:30"}})
    registry = load_registry(registry_path)
    runner = DistrictRunner(registry, clock=FakeClock(dt.datetime(2026, 12, 18, 5, 0, tzinfo=dt.UTC)),
                            history=History(tmp_path / "history.sqlite"))
    school = next(iter(registry.schools.values()))
    run = runner.brief_school(school.id, as_of=dt.date(2026, 12, 18))
    assert run.outcome == "ok"
    assert "Since the ILT meeting on 2026-12-16" in open(run.detail, encoding="utf-8").read()  # Fri 12-18: Wed 12-16
