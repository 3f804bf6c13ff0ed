"""The district report from a hand-made history: statuses, suppression as published, district rows.

The history holds the tiny school's figures (tests/test_district_figures.py has them worked out) under
three schools: one current, one whose figures are a week old (stale) and whose last sync failed, and
one that never synced. Nothing here opens a tracker: the report reads only the history.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import AS_OF, as_read
from district_support import check_of

from tracker_sync.district.figures import school_figures
from tracker_sync.district.history import History, Run
from tracker_sync.district.registry import parse_registry
from tracker_sync.district.report import (
    CURRENT,
    NEVER,
    STALE,
    SUPPRESSED,
    Shown,
    build_report,
    sync_days_after,
)

NOW = dt.datetime(2026, 9, 30, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def report(tmp_path, grids, leap_template, tiny_settings):
    registry = parse_registry({"schools": {name: {"backend": "xlsx", "location": f"{name}.xlsx"}
                                           for name in ("Alpha", "Beta", "Gamma")}},
                              tmp_path / "district.toml")
    history = History(tmp_path / "history.sqlite")
    figures = school_figures(check_of(grids, leap_template, tiny_settings))
    week_ago = {**figures, "as_of": "2026-09-23"}
    history.record(Run("alpha", "sync", NOW, 1.0, "ok", extra={"district": figures}))
    history.record(Run("beta", "sync", NOW - dt.timedelta(days=7), 1.0, "ok", extra={"district": week_ago}))
    history.record(Run("beta", "sync", NOW, 0.1, "failed", detail="TrackerNotFound: No tracker file at beta.xlsx"))
    return build_report(registry, history, as_of=AS_OF, now=NOW)


def test_every_school_is_listed_with_its_status(report):
    by_id = {s.id: s for s in report.schools}
    assert [s.id for s in report.schools] == ["alpha", "beta", "gamma"]
    assert (by_id["alpha"].status, by_id["alpha"].sync_days_missed) == (CURRENT, 0)
    # Wed 9/23 -> Wed 9/30: Thu, Fri, Mon, Tue, Wed = 5 sync days missed (stale from 2)
    assert (by_id["beta"].status, by_id["beta"].sync_days_missed, by_id["beta"].as_of) == (STALE, 5, dt.date(2026, 9, 23))
    assert by_id["beta"].last_sync_failed.startswith("TrackerNotFound")
    assert (by_id["gamma"].status, by_id["gamma"].figures, by_id["gamma"].last_success) == (NEVER, {}, None)
    assert report.counts() == {CURRENT: 1, STALE: 1, NEVER: 1}


def test_published_figures_and_the_district_row(report):
    alpha = {s.id: s for s in report.schools}["alpha"].figures
    assert alpha["teachers"] == Shown(6, 6)
    assert alpha["observed_14d"].value == pytest.approx(4 / 6)
    assert alpha["feedback_median_days"] == Shown(1.0, 5)  # 5 teachers with feedback given: at the threshold, shown
    assert alpha["observers_flagged"].value is None and not alpha["observers_flagged"].suppressed  # nobody judged: no data
    # The district row pools current schools only (Alpha), so it equals Alpha's figures.
    assert report.district_row["teachers"] == Shown(6.0, 6)
    assert report.district_row["overdue_steps"] == Shown(2.0, 6)


def test_bands_and_heat_map_as_published(report):
    """Bands 1*, 6, 6, 1*: both small bands hidden, the all-bands total (14) already hides two cells.
    Heat map LE.1 5.6 (n 5), I.1 (n 4)*, I.5 3.4 (n 5): the row's n and All mean would give I.1 away, so
    LE.1 (the smallest n, first in rubric order) is hidden too."""
    (section,) = report.rubrics
    assert section.rubric.id == "leap" and section.schools == ["alpha", "beta"]
    assert section.bands["alpha"] == [SUPPRESSED, Shown(6 / 14, 14), Shown(6 / 14, 14), SUPPRESSED]
    assert section.scores["alpha"] == Shown(14.0, 14)
    assert section.heat["alpha"] == {"LE.1": SUPPRESSED, "I.1": SUPPRESSED, "I.5": Shown(3.4, 5)}
    assert section.heat_all["alpha"] == Shown(4.5, 14)
    assert section.district_heat["I.5"] == Shown(3.4, 5) and section.district_heat["LE.1"].value is None


def test_a_higher_threshold_suppresses_from_the_stored_n(tmp_path, grids, leap_template, tiny_settings):
    """Stored under min_cell 5; reported under 7: every cell from 5 or 6 teachers or scores goes too."""
    registry = parse_registry({"district": {"report": {"min_cell": 7}},
                               "schools": {"Alpha": {"backend": "xlsx", "location": "a.xlsx"}}}, tmp_path / "d.toml")
    history = History(tmp_path / "h.sqlite")
    history.record(Run("alpha", "sync", NOW, 1.0, "ok",
                       extra={"district": school_figures(check_of(grids, leap_template, tiny_settings))}))
    (alpha,) = build_report(registry, history, as_of=AS_OF, now=NOW).schools
    assert alpha.figures["teachers"] == SUPPRESSED and alpha.figures["middle_share"] == Shown(pytest.approx(9 / 14), 14)


def test_the_report_as_of_an_earlier_day_uses_the_figures_of_that_day(report, tmp_path):
    """--as-of 9/23 reads Beta's figures of 9/23 (current then) and nothing newer of Alpha's."""
    registry = parse_registry({"schools": {n: {"backend": "xlsx", "location": f"{n}.xlsx"} for n in ("Alpha", "Beta")}},
                              tmp_path / "district.toml")
    history = History(tmp_path / "history.sqlite")
    earlier = build_report(registry, history, as_of=dt.date(2026, 9, 23), now=NOW)
    assert [s.status for s in earlier.schools] == [NEVER, CURRENT]


@pytest.mark.parametrize(("since", "until", "days", "missed"), [
    (dt.date(2026, 12, 11), dt.date(2026, 12, 14), ("mon", "tue", "wed", "thu", "fri"), 1),  # Fri -> Mon
    (dt.date(2026, 12, 10), dt.date(2026, 12, 14), ("mon", "tue", "wed", "thu", "fri"), 2),  # Thu -> Mon
    (dt.date(2026, 12, 14), dt.date(2026, 12, 14), ("mon",), 0),
    (dt.date(2026, 12, 7), dt.date(2026, 12, 21), ("mon", "wed"), 4),  # Wed 9, Mon 14, Wed 16, Mon 21
])
def test_sync_days_missed(since, until, days, missed):
    assert sync_days_after(days, since, until) == missed


def test_district_sparkline_marks_missing_and_suppressed_weeks():
    from tracker_sync.district.report import Shown
    from tracker_sync.district.sparkline import sparkline

    # shown values 0.2, 0.5, 1.0 on their own range: (0.5 - 0.2) / 0.8 * 7 = 2.6 -> level 3 of 0-7, ▄
    cells = [Shown(0.2, 9), Shown(None), Shown(0.5, 9), Shown(suppressed=True), Shown(1.0, 9)]
    assert sparkline(cells, [True, False, True, True, True]) == "▁·▄*█"
    assert sparkline(cells, [True] * 5) == "▁–▄*█"  # a week that synced but had no value (nothing due yet) is not "no sync"


def test_trends_then_and_now_come_only_from_weeks_with_a_sync(tmp_path, grids, leap_template, tiny_settings):
    """Eight weeks to Wed 9/30 (weeks ending 8/12 ... 9/30). Alpha synced in the weeks ending 8/26 (observed 50%)
    and 9/16 (75%) only; Beta in the week ending 9/30 only. Alpha's then is 8/26's 50% and its now 9/16's 75%,
    each dated (not "the first week shown", 8/12, which had no sync); Beta, with one week, has no then."""
    from tracker_sync.district.tabs import trends_tab

    registry = parse_registry({"schools": {name: {"backend": "xlsx", "location": f"{name}.xlsx"} for name in ("Alpha", "Beta")}},
                              tmp_path / "district.toml")
    history = History(tmp_path / "history.sqlite")
    figures = school_figures(check_of(grids, leap_template, tiny_settings))
    for school, day, observed in (("alpha", "2026-08-26", 0.5), ("alpha", "2026-09-16", 0.75), ("beta", "2026-09-30", 0.5)):
        stored = {**figures, "as_of": day, "figures": {**figures["figures"], "observed_14d": {"value": observed, "n": 6}}}
        history.record(Run(school, "sync", NOW, 1.0, "ok", extra={"as_of": day, "district": stored}))
    report = build_report(registry, history, as_of=AS_OF, now=NOW)
    assert report.synced["alpha"] == [False, False, True, False, False, True, False, False]
    tab = trends_tab(report)
    header = next(i for i, row in enumerate(tab.rows) if row and row[0] == "School")
    rows = {row[0]: dict(zip(map(as_read, tab.rows[header]), row, strict=True)) for row in tab.rows[header + 1:]}
    alpha, beta = rows["Alpha"], rows["Beta"]
    assert (alpha["Weeks with a sync"], alpha["Then: week of"], alpha["Now: week of"]) == (
        2, dt.date(2026, 8, 26), dt.date(2026, 9, 16))
    observed = [as_read(h) for h in tab.rows[header]].index("Observed in 14 days, 8 weeks")
    assert alpha["Observed in 14 days, 8 weeks"] == "··▁··█··"
    assert tab.rows[header + 1][observed + 1:observed + 3] == [0.5, 0.75]
    assert (beta["Weeks with a sync"], beta["Then: week of"], beta["Now: week of"]) == (1, None, dt.date(2026, 9, 30))
    assert tab.rows[header + 2][observed + 1:observed + 3] == [None, 0.5]


def test_no_on_pace_headline_while_no_scored_observation_is_due(report):
    """On 9/30, 44 of 284 days into the year, 2 a year pro rata is 0.31: none due yet. The on-pace check
    cannot fail, so the district row has no on-pace figure and the brief's card says so, not "100%"."""
    from tracker_sync.district.brief import brief_context

    assert report.district_row["scored_due"] == Shown(0, 6) and report.district_row["on_pace"] == Shown()
    cards = dict(brief_context(report)["key_numbers"])
    assert cards["Teachers on pace (scored obs.)"] == "none due yet"
