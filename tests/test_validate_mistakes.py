"""Every mistake coaches make, planted in one workbook: each reaches the Flags tab at its own row and
column with a useful hint, and every good value survives (issue 3, "A validator coaches can trust").

Each plant is a whole row appended to the clean tiny school, so its sheet row is known exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as d

import pytest
from conftest import AS_OF, tiny_grids, tool_table

from tracker_sync.metadata import to_metadata
from tracker_sync.tabs import Link
from tracker_sync.validate import validate
from tracker_sync.validate.findings import column_letter

N = None


@dataclass(frozen=True)
class Plant:
    tab: str
    row: list
    code: str
    header: str  # the column the finding must point at
    says: str  # a phrase the message or the hint must contain
    kept: bool = False  # a warning: the row must still be accepted


def _obs(date=d(2026, 9, 14), teacher="Ben Ross", observer="Pat Noor", type_="Informal", focus="LE.1", feedback=None,
         cycle=None, *, note):
    return [date, teacher, observer, type_, focus, note, feedback, cycle]


def _score(le1, date=d(2026, 9, 28), teacher="Ana Lopez", observer="Ben Ross"):
    return [date, teacher, observer, "Scored – Full", le1, N, N, N, N, N, N, N, N, N, N, N, N]


def _step(teacher="Gus Hale", status="In Progress", completed=None, *, what):
    return [d(2026, 9, 21), teacher, "Eve Park", what, "I.5", d(2026, 10, 2), status, completed, N]


def _meeting(date=d(2026, 9, 16), teacher="Cara Diaz", led_by="Ben Ross", kind="Teacher 1:1", due=None, *, focus):
    return [date, teacher, led_by, kind, focus, N, due, N]


def _goal(owner="Cara Diaz", kind="Professional practice", indicator="I.1", baseline=3, target=5, check=None,
          status="Active", *, goal):
    return [owner, kind, indicator, goal, baseline, target, d(2026, 9, 20), check, status]


PLANTS = [
    # dates
    Plant("Observations", _obs("13/45/2026", note="p1"), "bad-date", "Date", "YYYY-MM-DD"),
    Plant("Observations", _obs("2/30/2026", note="p2"), "bad-date", "Date", "February 2026 has 28 days"),
    Plant("Observations", _obs("21/9/2026", note="p3"), "ambiguous-date", "Date", "2026-09-21 (day/month", kept=True),
    Plant("Observations", _obs("9/14", note="p4"), "ambiguous-date", "Date", "took 2026 from the school year", kept=True),
    Plant("Observations", _obs("  Sept 5 ", note="p5"), "ambiguous-date", "Date", "2026-09-05", kept=True),
    Plant("Observations", _obs("46279", note="p6"), "ambiguous-date", "Date", "date serial: 2026-09-14", kept=True),
    Plant("Observations", _obs("9/14/26", note="p7"), "ambiguous-date", "Date", "two-digit year", kept=True),
    Plant("Observations", _obs(d(2026, 10, 5), note="p8"), "date-in-future", "Date", "after the as-of date"),
    Plant("Observations", _obs(d(2026, 8, 3), note="p9"),
          "date-outside-school-year", "Date", "outside the school year", kept=True),
    Plant("Observations", _obs(feedback=d(2026, 9, 10), note="p10"),
          "feedback-before-observation", "Feedback Date", "before the observation"),
    Plant("Observations", _obs(True, note="p11"), "bad-date", "Date", "yes/no"),
    # people
    Plant("Observations", _obs(teacher="Ben Ros", note="p12"), "unknown-teacher", "Teacher", "Did you mean 'Ben Ross'?"),
    Plant("Observations", _obs(teacher="Mr. Ross", note="p13"), "unknown-teacher", "Teacher", "Did you mean 'Ben Ross'?"),
    Plant("Observations", _obs(teacher="Zed Zulu", note="p14"), "unknown-teacher", "Teacher", "add the person to the Roster"),
    Plant("Observations", _obs(observer="Pat Nor", note="p15"),
          "unknown-observer", "Observer", "Did you mean 'Pat Noor'?", kept=True),
    Plant("Observations", _obs(teacher=None, note="p16"), "missing-value", "Teacher", "merged cells"),
    # codes, choices, cell oddities
    Plant("Observations", _obs(focus="I.9", note="p17"), "unknown-indicator", "Focus Indicator", "Did you mean"),
    Plant("Observations", _obs(type_="Scored", note="p18"), "bad-choice", "Type", "dropdown"),
    Plant("Observations", _obs(teacher="#REF!", note="p19"), "formula-error", "Teacher", "#REF!"),
    Plant("Observations", _obs(focus="#N/A", note="p20"), "formula-error", "Focus Indicator", "#N/A"),
    Plant("Observations", _obs(note="x" * 60_000), "very-long-text", "Evidence / Notes", "60,000 characters", kept=True),
    Plant("Observations", _obs(cycle="Cycle 9", note="p22"),
          "unknown-learning-cycle", "Learning Cycle", "no learning cycle named 'Cycle 9'", kept=True),
    Plant("Observations", _obs(d(2026, 9, 14), feedback=d(2026, 9, 17), note=None), "duplicate-row", "Date", "repeats row 10"),
    # roster
    Plant("Roster", ["  BEN ROSS ", "b@tiny.org", "Team A", N, "Teacher", N, N, 3, "Active"],
          "duplicate-roster-name", "Teacher", "already on row 3"),
    Plant("Roster", ["Ida Long", "ida@tiny.org", "T" * 500, N, "Teacher", N, N, 3, "Active"],
          "very-long-text", "Team", "500 characters", kept=True),
    Plant("Roster", ["Jo Bad", "jo@tiny.org", "Team A", N, "Teacher", N, N, "three", "Active"],
          "bad-number", "Years Experience", "not a whole number"),
    Plant("Roster", ["Kai Mail", "kai at tiny", "Team A", N, "Teacher", N, N, 2, "Active"],
          "bad-email", "Email", "email address", kept=True),
    # scores (Ana's 9/28 visit by Ben Ross; the first plant is a good value that must survive)
    Plant("LEAP Scores", _score("Effective"), "score-band-word", "LE.1", "'Effective' means 5-6"),
    Plant("LEAP Scores", _score(9), "score-out-of-range", "LE.1", "1-7"),
    Plant("LEAP Scores", _score("abc"), "bad-score", "LE.1", "not a number"),
    Plant("LEAP Scores", _score(4.5), "half-point-score", "LE.1", "whole points"),
    Plant("LEAP Scores", _score("#DIV/0!"), "formula-error", "LE.1", "#DIV/0!"),
    Plant("LEAP Scores", _score(False), "bad-score", "LE.1", "yes/no"),
    Plant("LEAP Scores", _score(3), "conflicting-scores", "Teacher", "LE.1: 3 here, 5 there"),
    Plant("LEAP Scores", _score(4, date=d(2026, 9, 15), teacher="Ben Ross", observer="Pat Noor"),
          "score-without-observation", "Date", "No observation of Ben Ross on 2026-09-15", kept=True),
    # action steps
    Plant("Action Steps", _step(teacher="Zed Zulu", what="s1"), "unknown-teacher", "Teacher", "not a teacher on the Roster"),
    Plant("Action Steps", _step(status="Met", completed=d(2026, 9, 10), what="s2"),
          "completed-before-set", "Date Completed", "before the step was set"),
    Plant("Action Steps", _step(teacher="Fay Kim", what="s3"), "left-teacher-open-item", "Status", "marked Left", kept=True),
    Plant("Action Steps", _step(status="Done", what="s4"), "bad-choice", "Status", "Not Started"),
    # learning cycles
    Plant("Learning Cycles", ["Dan Wu", "Cycle 1", d(2026, 9, 20), d(2026, 9, 10), "I.8", N, N, "Complete", N],
          "cycle-ends-before-start", "End Date", "before it starts"),
    Plant("Learning Cycles", ["Ana Lopez", "Cycle 2", d(2026, 9, 20), d(2026, 10, 20), "I.1", N, N, "Planned", N],
          "overlapping-cycles", "Start Date", "before Cycle 1 (row 2) ends", kept=True),
    Plant("Learning Cycles", ["Fay Kim", "Cycle 1", d(2026, 9, 1), d(2026, 9, 29), "I.1", N, N, "Active", N],
          "left-teacher-open-item", "Status", "marked Left", kept=True),
    # 1:1 meetings
    Plant("1-on-1 Meetings", _meeting("9/31/2026", focus="m1"), "bad-date", "Date", "September 2026 has 30 days"),
    Plant("1-on-1 Meetings", _meeting(d(2026, 10, 5), focus="m2"), "date-in-future", "Date", "after the as-of date"),
    Plant("1-on-1 Meetings", _meeting(teacher="Cara Dias", focus="m3"),
          "unknown-teacher", "Teacher", "Did you mean 'Cara Diaz'?"),
    Plant("1-on-1 Meetings", _meeting(led_by="Ben Rose", focus="m4"),
          "unknown-observer", "Led By", "Did you mean 'Ben Ross'?", kept=True),
    Plant("1-on-1 Meetings", _meeting(kind="1:1", focus="m5"), "bad-choice", "Kind", "Teacher 1:1, Team Lead check-in"),
    Plant("1-on-1 Meetings", _meeting(due=d(2026, 9, 9), focus="m6"),
          "next-steps-due-before-meeting", "Next Steps Due", "before the 1:1 on 2026-09-16"),
    Plant("1-on-1 Meetings", _meeting(teacher="Ben Ross", focus="m7"),
          "one-on-one-with-self", "Led By", "both the person met and who led", kept=True),
    Plant("1-on-1 Meetings", _meeting(led_by="Pat Noor", kind="Team Lead check-in", focus="m8"),
          "check-in-not-a-lead", "Kind", "Cara Diaz is a Teacher", kept=True),
    Plant("1-on-1 Meetings", [d(2026, 9, 15), "Ana Lopez", "Ben Ross", "Teacher 1:1", "Exit tickets", "Sort exit tickets",
                              d(2026, 9, 22), N],
          "duplicate-row", "Date", "repeats row 2"),
    # goals
    Plant("Goals", _goal(owner="Tem A", goal="g1"), "unknown-teacher-or-team", "Teacher or Team", "Did you mean 'Team A'?"),
    Plant("Goals", _goal(owner="Team C", goal="g2"),
          "unknown-teacher-or-team", "Teacher or Team", "neither a teacher nor a team"),
    Plant("Goals", _goal(owner="Fay Kim", goal="g3"), "left-teacher-open-item", "Status", "marked Left", kept=True),
    Plant("Goals", _goal(check=d(2026, 9, 2), goal="g4"),
          "check-in-before-set", "Last Check-in", "before the goal was set on 2026-09-20"),
    Plant("Goals", _goal(indicator=None, goal="g5"),
          "goal-without-indicator", "Indicator", "names no rubric indicator", kept=True),
    Plant("Goals", _goal(baseline=45, goal="g6"), "goal-score-off-scale", "Baseline", "not on the LEAP scale 1-7", kept=True),
    Plant("Goals", _goal(indicator="I.9", goal="g7"), "unknown-indicator", "Indicator", "Did you mean"),
    Plant("Goals", _goal(status="Done", goal="g8"), "bad-choice", "Status", "Draft, Active, Met"),
    Plant("Goals", _goal(kind="SLO", goal="g9"), "bad-choice", "Kind", "Student learning / SLO"),
]
GOOD_SCORE = _score(" 5.0 ")  # a number stored as text, typed with spaces: must count as 5
NON_LATIN = (["李明", "li@tiny.org", "Team B", N, "Teacher", N, N, 1, "Active"], _obs(teacher="李明", note="观察记录"))


def planted_grids(plants: list[Plant]) -> tuple[dict[str, list[list]], dict[int, int]]:
    """The tiny school plus the plants; returns the grids and each plant's sheet row."""
    grids = tiny_grids()
    grids["LEAP Scores"].append(GOOD_SCORE)
    grids["Roster"].append(NON_LATIN[0])
    grids["Observations"].append(NON_LATIN[1])
    rows = {}
    for number, plant in enumerate(plants):
        grids[plant.tab].append(list(plant.row))
        rows[number] = len(grids[plant.tab])
    return grids, rows


def _letter(grids, tab, header) -> str:
    return column_letter(grids[tab][0].index(header))


@pytest.mark.parametrize("plant", PLANTS, ids=[f"{p.code}-{i}" for i, p in enumerate(PLANTS)])
def test_each_mistake_alone_is_flagged_at_its_cell(plant, leap_template, tiny_settings):
    grids, rows = planted_grids([plant])
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    cell = f"{_letter(grids, plant.tab, plant.header)}{rows[0]}"
    found = [f for f in result.findings if f.tab == plant.tab and f.cell == cell and f.code == plant.code]
    assert found, [(f.tab, f.cell, f.code, f.message) for f in result.findings]
    assert plant.says in found[0].message + " " + found[0].hint
    others = [f for f in result.findings if (f.tab, f.row) != (plant.tab, rows[0])]
    assert others == [] or plant.code in ("duplicate-roster-name", "conflicting-scores"), others
    report = result.tabs[plant.tab]
    assert report.accepted + report.excluded + report.blank == report.rows_read
    clean = validate(*planted_grids([])[:1], leap_template, tiny_settings, AS_OF).tabs[plant.tab]
    assert report.accepted == clean.accepted + plant.kept
    assert report.excluded == clean.excluded + (not plant.kept)


def test_good_values_survive_next_to_the_mistakes(leap_template, tiny_settings):
    grids, _ = planted_grids(PLANTS)
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    clean = validate(tiny_grids(), leap_template, tiny_settings, AS_OF).records
    for name in ("roster", "observations", "scores", "action_steps", "learning_cycles", "one_on_ones", "goals"):
        kept = {(r.row, getattr(r, "indicator", None)): r for r in getattr(result.records, name)}
        for record in getattr(clean, name):
            assert kept.get((record.row, getattr(record, "indicator", None))) == record, (name, record.row)
    scores = [s for s in result.records.scores if s.teacher == "Ana Lopez" and s.date == d(2026, 9, 28)]
    assert [(s.indicator, s.score) for s in scores] == [("LE.1", 5.0)]
    assert any(o.teacher == "李明" and o.notes == "观察记录" for o in result.records.observations)
    assert result.findings == sorted(result.findings,
                                     key=lambda f: ([t.name for t in leap_template.tabs].index(f.tab), f.row or 0))


def test_every_planted_mistake_reaches_the_flags_tab_with_a_link(leap_template, tiny_settings):
    from tracker_sync.backends.memory import MemoryWorkbook
    from tracker_sync.sync import sync_tracker

    grids, rows = planted_grids(PLANTS)
    workbook = MemoryWorkbook(grids, to_metadata(tiny_settings))
    before = {tab: [list(r) for r in grid] for tab, grid in workbook.grids.items()}
    sync_tracker(workbook, as_of=AS_OF)
    flags = tool_table(workbook.tool_tabs["Flags"].rows, "Severity")  # the cells to fix; practice flags follow
    for number, plant in enumerate(PLANTS):
        letter = _letter(grids, plant.tab, plant.header)
        hits = [r for r in flags if r["Tab"] == plant.tab and r["Cell"] == f"{letter}{rows[number]}"
                and r["Code"] == plant.code and r["Column"] == plant.header]
        assert len(hits) == 1, (plant.code, plant.tab, rows[number])
        row = hits[0]
        assert row["Severity"] == ("warning" if plant.kept else "error")
        assert plant.says in row["Problem"] + " " + row["How to fix"]
        assert row["Go to cell"] == Link("Go to cell", plant.tab, f"{letter}{rows[number]}")
    for tab, grid in before.items():
        assert workbook.grids[tab] == grid, f"{tab} changed"


@pytest.mark.parametrize("header_row, code, cell, says", [
    (["Obs Date", "Teacher", "Observer", "Type", "Focus Indicator", "Evidence / Notes", "Feedback Date", "Learning Cycle"],
     "missing-column", None, "Column A may be it: rename its header to 'Date'"),
    (["Date", "Teacher", "Observer", "Type", "Focus Indicator", "Evidence / Notes", "Feedback Date", "Lerning Cycle"],
     "missing-optional-column", None, "Column H may be it"),
    (["Date", "Teacher", "Observer", "Type", "Focus Indicator", "Evidence / Notes", "Feedback Date", "Learning Cycle", "TEACHER"],
     "duplicate-column", "I1", "column B is read"),
    (["Date", "Teacher", "Observer", "Type", "Focus Indicator", "Evidence / Notes",
      "Feedback Date", "Learning Cycle", None, "Room"],
     "blank-header", "I1", "no header"),
])
def test_header_mistakes(header_row, code, cell, says, grids, leap_template, tiny_settings):
    grids["Observations"][0] = header_row
    for row in grids["Observations"][1:]:
        row.extend(["x", "y"] if any(v is not None for v in row) else [None, None])
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1 and found[0].cell == cell and found[0].row == 1
    assert says in found[0].message + " " + found[0].hint
    report = result.tabs["Observations"]
    assert report.accepted + report.excluded + report.blank == report.rows_read
    if code == "missing-column":
        assert result.records.observations == [] and report.excluded == 8
        assert {"extra-column", "missing-column"} <= {f.code for f in result.findings if f.tab == "Observations"}
    else:
        assert report.accepted == 8


def test_extra_columns_are_reported_once_and_ignored(grids, leap_template, tiny_settings):
    grids["Action Steps"][0].append("Coach Notes")
    for row in grids["Action Steps"][1:]:
        row.append("private")
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert [(f.code, f.cell) for f in result.findings] == [("extra-column", "J1")]
    assert len(result.records.action_steps) == 6
