"""The synthetic school: deterministic, shaped like the template, realistic, with its typos where it says."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from itertools import pairwise

import pytest

from tracker_sync.errors import ConfigError
from tracker_sync.sheet_templates import load_template
from tracker_sync.synthetic.school import (
    FIRST_VISIT,
    HOLIDAYS,
    PlantedTypo,
    SyntheticSchool,
    synthetic_school,
)

RUBRICS = ["leap", "danielson"]


def rows_of(school: SyntheticSchool, tab: str) -> list[dict]:
    """A tab's non-blank rows as dicts keyed by header."""
    header, *rows = school.grids[tab]
    return [dict(zip(header, r, strict=True)) for r in rows if any(v is not None for v in r)]


def school_days_between(first: dt.date, last: dt.date) -> int:
    days = (first + dt.timedelta(n) for n in range(1, (last - first).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in HOLIDAYS)


@pytest.fixture(scope="module", params=RUBRICS)
def clean(request) -> SyntheticSchool:
    return synthetic_school(11, rubric=request.param, typos=False)


def test_same_seed_same_school_and_other_seed_another():
    first, again, other = synthetic_school(5), synthetic_school(5), synthetic_school(6)
    assert first.grids == again.grids
    assert first.planted == again.planted
    assert first.grids != other.grids



def test_demo_seeds_1_to_10_are_ten_different_schools():
    """A district of demos (tracker-sync demo --seed 1 ... --seed 10) must not hold two schools of one name."""
    names = [synthetic_school(seed, teachers=12).name for seed in range(1, 11)]
    assert len(set(names)) == 10
    assert synthetic_school(7, teachers=12).name == "Cottonwood Community School"  # the README's demo

@pytest.mark.parametrize("rubric", RUBRICS)
def test_tabs_and_headers_are_the_templates(rubric):
    school = synthetic_school(3, rubric=rubric)
    template = load_template().for_rubric(school.settings.rubric)
    assert list(school.grids) == template.coach_tab_names
    for tab in template.tabs:
        assert school.grids[tab.name][0] == [c.header for c in tab.columns]
        assert all(len(row) == len(tab.columns) for row in school.grids[tab.name])
    assert school.settings.rubric.id == rubric
    assert school.settings.timezone == "America/Denver"
    assert school.as_of == dt.date(2026, 12, 18)
    assert {dt.date(2026, 9, 7), dt.date(2026, 10, 19), dt.date(2026, 11, 25), dt.date(2026, 12, 21)} <= school.settings.holidays


@pytest.mark.parametrize("seed", [1, 7, 23])
def test_roster_has_teams_with_one_lead_each(seed):
    roster = rows_of(synthetic_school(seed), "Roster")
    teachers = [r for r in roster if r["Team"] != "Leadership"]
    assert 20 <= len(teachers) <= 40
    teams = defaultdict(list)
    for r in teachers:
        teams[r["Team"]].append(r)
    assert 3 <= len(teams) <= 5
    for members in teams.values():
        leads = [r for r in members if r["Role"] in ("Team Lead", "Senior Team Lead")]
        assert len(leads) == 1
        assert all(r["Team Lead"] == leads[0]["Teacher"] for r in members if r is not leads[0])
    assert sorted(r["Role"] for r in roster if r["Team"] == "Leadership") == ["Assistant Principal", "Principal"]
    names = [r["Teacher"] for r in roster]
    assert len(set(names)) == len(names)
    assert {"José Hernández", "Maria Garcia"} <= set(names)
    assert [r["Status"] for r in roster].count("Left") == 1
    assert any(r["Years Experience"] == 0 for r in teachers)
    for r in roster:
        assert re.fullmatch(r"[a-z-]+\.[a-z]+@[a-z0-9]+\.example\.org", r["Email"]), r["Email"]


def test_observations_follow_the_calendar(clean):
    visits = rows_of(clean, "Observations")
    for v in visits:
        assert dt.date(2026, 8, 24) <= v["Date"] <= clean.as_of
        assert v["Date"].weekday() < 5 and v["Date"] not in HOLIDAYS
        if v["Feedback Date"] is not None:
            assert v["Date"] <= v["Feedback Date"] <= clean.as_of
        assert v["Focus Indicator"] is None or v["Focus Indicator"] in clean.settings.rubric.codes
    latency = [school_days_between(v["Date"], v["Feedback Date"]) for v in visits if v["Feedback Date"]]
    assert statistics.median(latency) <= 2
    assert sum(d >= 5 for d in latency) >= 5  # some late feedback
    assert any(v["Feedback Date"] is None for v in visits)  # and some still pending
    types = Counter(v["Type"] for v in visits)
    assert types["Informal"] + types["Walkthrough"] > 0.6 * len(visits)
    assert types["Scored – Partial"] and types["Scored – Full"]


def test_coverage_is_uneven_and_the_leaver_stops_in_october(clean):
    roster = rows_of(clean, "Roster")
    visits = rows_of(clean, "Observations")
    last_seen: dict[str, dt.date] = {}
    counts = Counter(v["Teacher"] for v in visits)
    for v in visits:
        last_seen[v["Teacher"]] = max(v["Date"], last_seen.get(v["Teacher"], v["Date"]))
    active = [r["Teacher"] for r in roster if r["Team"] != "Leadership" and r["Status"] == "Active"]
    assert all(counts[t] >= 4 for t in active)
    assert sum((clean.as_of - last_seen[t]).days >= 21 for t in active) >= 2
    assert sum((clean.as_of - last_seen[t]).days < 14 for t in active) > 0.65 * len(active)
    left = next(r["Teacher"] for r in roster if r["Status"] == "Left")
    assert counts[left] and last_seen[left] < dt.date(2026, 10, 17)


def test_scores_tab_has_one_row_per_scored_observation(clean):
    rubric = clean.settings.rubric
    scored = {(v["Date"], v["Teacher"], v["Observer"], v["Type"])
              for v in rows_of(clean, "Observations") if v["Type"].startswith("Scored")}
    every_score = rows_of(clean, rubric.scores_tab)
    scores = [s for s in every_score if s["Type"] != "Co-observation"]
    assert {(s["Date"], s["Teacher"], s["Observer"], s["Type"]) for s in scores} == scored
    # A co-observer's row scores a scored visit of someone else: same teacher and date.
    co = [s for s in every_score if s["Type"] == "Co-observation"]
    assert len(co) >= 6
    for s in co:
        assert any(t == s["Teacher"] and d == s["Date"] and o != s["Observer"] for d, t, o, _ in scored)
    per_teacher = Counter(s["Teacher"] for s in scores)
    assert set(per_teacher.values()) <= {1, 2, 3}
    assert sum(n >= 2 for n in per_teacher.values()) >= 0.9 * len(per_teacher)
    cells = [s[code] for s in scores for code in rubric.codes]
    filled = [c for c in cells if c is not None]
    assert 0.6 * len(cells) < len(filled) < len(cells)
    assert all(isinstance(c, int) and rubric.scale_min <= c <= rubric.scale_max for c in filled)


def test_action_steps_have_realistic_statuses(clean):
    steps = rows_of(clean, "Action Steps")
    per_teacher = Counter(s["Teacher"] for s in steps)
    teachers = [r["Teacher"] for r in rows_of(clean, "Roster") if r["Team"] != "Leadership"]
    assert set(per_teacher) == set(teachers)
    assert set(per_teacher.values()) <= {1, 2, 3}
    undated = [s for s in steps if s["Due Date"] is None]  # the one step left open with no due date
    assert len(undated) == 1 and undated[0]["Status"] == "In Progress"
    assert (clean.as_of - undated[0]["Date Set"]).days > 21
    for s in steps:
        assert s["Date Set"] <= clean.as_of and (s in undated or s["Due Date"] > s["Date Set"])
        assert s["Indicator"] in clean.settings.rubric.codes
        if s["Status"] == "Met":
            assert s["Date Set"] < s["Date Completed"] <= clean.as_of
        else:
            assert s["Date Completed"] is None
    overdue = [s for s in steps
               if s not in undated and s["Due Date"] < clean.as_of and s["Status"] in ("Not Started", "In Progress")]
    assert overdue
    assert Counter(s["Status"] for s in steps)["Met"] > len(steps) / 3


def test_learning_cycles_have_one_stale_and_one_unobserved(clean):
    cycles = rows_of(clean, "Learning Cycles")
    visits = rows_of(clean, "Observations")
    assert set(Counter(c["Teacher"] for c in cycles).values()) <= {1, 2, 3}
    stale = []
    for c in cycles:
        assert 3 * 7 - 4 <= (c["End Date"] - c["Start Date"]).days <= 5 * 7
        if c["End Date"] < clean.as_of and c["Status"] == "Active":
            stale.append(c)
        elif c["Status"] != "Abandoned":
            expected = "Complete" if c["End Date"] < clean.as_of else "Active" if c["Start Date"] <= clean.as_of else "Planned"
            assert c["Status"] == expected
    assert len(stale) == 1
    unobserved = [c for c in cycles if c["Status"] != "Planned"
                  and not any(v["Teacher"] == c["Teacher"] and c["Start Date"] <= v["Date"] <= c["End Date"] for v in visits)]
    assert unobserved
    named = {(c["Teacher"], c["Cycle"]) for c in cycles}
    assert all((v["Teacher"], v["Learning Cycle"]) in named for v in visits if v["Learning Cycle"])


@pytest.mark.parametrize("rubric, unknown_code, band_word", [("leap", "I.9", "Effective"), ("danielson", "5a", "Proficient")])
def test_typos_sit_where_planted_and_nowhere_else(rubric, unknown_code, band_word):
    school = synthetic_school(4, rubric=rubric)
    scores_tab = school.settings.rubric.scores_tab
    planted = {(p.kind, p.tab): p for p in school.planted}
    meeting_due_early = planted["next_steps_before_meeting", "1-on-1 Meetings"].value
    check_in_early = planted["check_in_before_set", "Goals"].value
    meeting_near_miss, team_typo = planted["near_miss_name", "1-on-1 Meetings"], planted["unknown_team", "Goals"]
    assert meeting_due_early < school.grids["1-on-1 Meetings"][planted["next_steps_before_meeting", "1-on-1 Meetings"].row - 1][0]
    goal_row = school.grids["Goals"][planted["check_in_before_set", "Goals"].row - 1]
    assert check_in_early < goal_row[school.grids["Goals"][0].index("Set Date")]
    assert sorted((p.kind, p.tab, p.value) for p in school.planted) == sorted([
        ("bad_date", "Observations", "13/45/2026"),
        ("unknown_teacher", "Observations", "Jon Smth"),
        ("unknown_indicator", "Observations", unknown_code),
        ("score_out_of_range", scores_tab, 9),
        ("band_word", scores_tab, band_word),
        ("near_miss_name", "Action Steps", "Ms. Garcia"),
        ("next_steps_before_meeting", "1-on-1 Meetings", meeting_due_early),
        ("near_miss_name", "1-on-1 Meetings", meeting_near_miss.value),
        ("unknown_team", "Goals", team_typo.value),
        ("check_in_before_set", "Goals", check_in_early),
    ])
    assert meeting_near_miss.value == "Ms. " + meeting_near_miss.original.split(" ", 1)[1]  # 'Ms. Patel' for 'Priya Patel'
    assert team_typo.value == f"{team_typo.original} team" and team_typo.original in {
        r["Team"] for r in rows_of(school, "Roster")}
    near_miss = next(p for p in school.planted if p.kind == "near_miss_name")
    assert near_miss.original == "Maria Garcia"
    for p in school.planted:
        grid = school.grids[p.tab]
        assert grid[p.row - 1][grid[0].index(p.column)] == p.value
        assert p.original is not None and p.original != p.value

    # Undo the typos and drop the cleared rows: what is left is exactly the clean school.
    clean = synthetic_school(4, rubric=rubric, typos=False)
    repaired = {tab: [list(r) for r in grid] for tab, grid in school.grids.items()}
    for p in school.planted:
        repaired[p.tab][p.row - 1][repaired[p.tab][0].index(p.column)] = p.original
    blank = [i for i, r in enumerate(repaired["Observations"]) if all(v is None for v in r)]
    assert 2 <= len(blank) <= 3 and min(blank) > 5 and max(blank) < len(repaired["Observations"]) - 5
    repaired["Observations"] = [r for r in repaired["Observations"] if any(v is not None for v in r)]
    assert repaired == clean.grids
    assert clean.planted == []


def test_planted_typo_is_a_plain_record():
    typo = PlantedTypo("Observations", 12, "Date", "13/45/2026", "bad_date", dt.date(2026, 9, 1))
    assert (typo.tab, typo.row, typo.column, typo.kind) == ("Observations", 12, "Date", "bad_date")


def indicator_and_observer_means(school: SyntheticSchool) -> tuple[dict[str, float], dict[str, list[float]], float]:
    rubric = school.settings.rubric
    by_code, by_observer, every = defaultdict(list), defaultdict(list), []
    for s in rows_of(school, rubric.scores_tab):
        for code in rubric.codes:
            if s[code] is not None:
                by_code[code].append(s[code])
                by_observer[s["Observer"]].append(s[code])
                every.append(s[code])
    return {c: statistics.mean(v) for c, v in by_code.items()}, by_observer, statistics.mean(every)


@pytest.mark.parametrize("rubric", RUBRICS)
@pytest.mark.parametrize("seed", [2, 7, 19, 40])
def test_scores_carry_the_built_in_structure(rubric, seed):
    school = synthetic_school(seed, rubric=rubric, typos=False)
    means, by_observer, school_mean = indicator_and_observer_means(school)
    ranked = sorted(means, key=means.get)
    assert set(ranked[:2]) == set(school.lowest_indicators)
    assert set(school.highest_indicators) <= set(ranked[-5:])
    lenient = by_observer[school.lenient_observer]
    assert len(lenient) >= 10 and statistics.mean(lenient) > school_mean + 0.25
    low, high = school.settings.rubric.middle_band
    middle = by_observer[school.middle_band_observer]
    assert len(middle) >= 10 and all(low <= v <= high for v in middle)


def test_leap_weak_spots_are_checks_for_understanding_and_differentiation():
    school = synthetic_school(7)
    assert set(school.lowest_indicators) == {"I.5", "I.6"}
    assert set(school.highest_indicators) == {"LE.2", "LE.3"}


@pytest.mark.parametrize("rubric", RUBRICS)
def test_teachers_grow_from_first_to_latest_scored_observation(rubric):
    gains = []
    for seed in range(1, 6):
        school = synthetic_school(seed, rubric=rubric, typos=False)
        codes = school.settings.rubric.codes
        visits = defaultdict(list)
        for s in rows_of(school, school.settings.rubric.scores_tab):
            visits[s["Teacher"]].append((s["Date"], statistics.mean(s[c] for c in codes if s[c] is not None)))
        gains += [max(v)[1] - min(v)[1] for v in visits.values() if len(v) >= 2]
    span = school.settings.rubric.scale_max - school.settings.rubric.scale_min
    assert statistics.mean(gains) > 0.04 * span


def test_teachers_scales_the_school_and_too_few_is_refused():
    big = synthetic_school(2, teachers=150, name="Big K-8")
    roster = rows_of(big, "Roster")
    assert big.name == big.settings.school == "Big K-8"
    assert len(roster) == 152
    assert len({r["Team"] for r in roster}) - 1 >= 15
    assert len(rows_of(big, "Observations")) > 150 * 6
    with pytest.raises(ConfigError):
        synthetic_school(2, teachers=5)


def test_one_on_ones_are_weekly_or_bi_weekly_with_a_few_lapses(clean):
    roster = {r["Teacher"]: r for r in rows_of(clean, "Roster")}
    meetings = rows_of(clean, "1-on-1 Meetings")
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for m in meetings:
        assert FIRST_VISIT <= m["Date"] <= clean.as_of and m["Date"].weekday() < 5 and m["Date"] not in HOLIDAYS
        assert m["Next Steps Due"] is None or m["Next Steps Due"] > m["Date"]
        dates[m["Teacher"]].append(m["Date"])
        person, leader = roster[m["Teacher"]], roster[m["Led By"]]
        if person["Role"] == "Teacher":
            assert m["Kind"] == "Teacher 1:1" and m["Led By"] in (person["Team Lead"], *leaders(roster))
        else:  # a Team Lead: checked in with by the school leader who coaches them
            assert m["Kind"] in ("Team Lead check-in", "Leadership coaching") and leader["Role"] in (
                "Principal", "Assistant Principal")
    active = [name for name, r in roster.items() if r["Status"] == "Active" and r["Team"] != "Leadership"]
    assert set(active) <= set(dates)
    gaps = [(b - a).days for days in dates.values() for a, b in pairwise(days)]
    assert statistics.median(gaps) <= 14
    lapsed = [name for name in active if (clean.as_of - max(dates[name])).days >= 21]
    assert 1 <= len(lapsed) <= len(active) // 4
    left = next(name for name, r in roster.items() if r["Status"] == "Left")
    assert max(dates[left]) < dt.date(2026, 10, 17)


def leaders(roster: dict) -> list[str]:
    return [name for name, r in roster.items() if r["Role"] in ("Principal", "Assistant Principal")]


def test_goals_per_teacher_team_goals_and_common_indicators(clean):
    roster = {r["Teacher"]: r for r in rows_of(clean, "Roster")}
    goals = rows_of(clean, "Goals")
    codes = clean.settings.rubric.codes
    teams = {r["Team"] for r in roster.values()} - {"Leadership"}
    per_person = Counter(g["Teacher or Team"] for g in goals if g["Teacher or Team"] in roster)
    staff = [name for name, r in roster.items() if r["Team"] != "Leadership"]
    assert set(per_person.values()) <= {1, 2} and len(per_person) == len(staff) - 1  # one teacher has no goal yet
    assert any(g["Status"] == "Draft" for g in goals) and any(g["Teacher or Team"] in teams for g in goals)
    for g in goals:
        assert dt.date(2026, 9, 1) <= g["Set Date"] <= dt.date(2026, 9, 30)
        assert g["Last Check-in"] is None or g["Set Date"] < g["Last Check-in"] <= clean.as_of
        if g["Kind"] == "Professional practice":
            assert g["Indicator"] in codes
            for measure in ("Baseline", "Target"):
                assert g[measure] is None or clean.settings.rubric.scale_min <= g[measure] <= clean.settings.rubric.scale_max
        else:
            assert g["Indicator"] is None and g["Baseline"].endswith("proficient (BOY)")
    practice = defaultdict(set)
    for g in goals:
        if (g["Kind"] == "Professional practice" and g["Teacher or Team"] in roster
                and roster[g["Teacher or Team"]]["Role"] == "Teacher"):
            practice[roster[g["Teacher or Team"]]["Team"]].add(g["Indicator"])
    shared = [team for team, found in practice.items() if len(found) == 1]
    assert 1 <= len(shared) < len(teams)  # most teams share one indicator, one team does not
