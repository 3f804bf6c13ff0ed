"""Shared fixtures: a tiny hand-computed school (numbers in the tests are worked out by hand)."""

from __future__ import annotations

import datetime as dt

import pytest
from look_support import MISSING

from tracker_sync.schemas import SchoolSettings
from tracker_sync.sheet_templates import default_norms, load_rubric, load_template

AS_OF = dt.date(2026, 9, 30)  # a Wednesday
LABOR_DAY = dt.date(2026, 9, 7)

OBS_HEADER = ["Date", "Teacher", "Observer", "Type", "Focus Indicator", "Evidence / Notes", "Feedback Date", "Learning Cycle"]
ONE_ON_ONE_HEADER = ["Date", "Teacher", "Led By", "Kind", "Focus / Agenda", "Next Steps", "Next Steps Due", "Notes"]
GOALS_HEADER = ["Teacher or Team", "Kind", "Indicator", "Goal", "Baseline", "Target", "Set Date", "Last Check-in", "Status"]


def tiny_grids() -> dict[str, list[list]]:
    """Two teams, ~8 rows a tab. See tests/test_patterns.py for the numbers worked out by hand.

    A clean school: every scored row has its visit on Observations (same teacher and date).
    """
    d = dt.date
    return {
        "Roster": [
            ["Teacher", "Email", "Team", "Team Lead", "Role", "Subject", "Grade Band", "Years Experience", "Status",
             "Visits per Week"],
            ["Ana Lopez", "ana.lopez@tiny.org", "Team A", "Ben Ross", "Teacher", "Math", "3-5", 1, "Active"],
            ["Ben Ross", "ben.ross@tiny.org", "Team A", "Ben Ross", "Team Lead", "Math", "3-5", 9, "Active"],
            ["Cara Diaz", "cara.diaz@tiny.org", "Team A", "Ben Ross", "Teacher", "ELA", "3-5", 4, "Active"],
            ["Dan Wu", "dan.wu@tiny.org", "Team B", "Eve Park", "Teacher", "Science", "6-8", 2, "Active"],
            ["Eve Park", "eve.park@tiny.org", "Team B", "Eve Park", "Team Lead", "Science", "6-8", 12, "Active"],
            ["Fay Kim", "fay.kim@tiny.org", "Team B", "Eve Park", "Teacher", "Art", "6-8", 6, "Left"],
            ["Gus Hale", "gus.hale@tiny.org", "Team B", "Eve Park", "Teacher", "Math", "6-8", 0, "Active"],
            ["Pat Noor", "pat.noor@tiny.org", "Leadership", None, "Principal", None, None, 15, "Active"],
        ],
        "Observations": [
            OBS_HEADER,
            [d(2026, 9, 28), "Ana Lopez", "Ben Ross", "Informal", "I.5", "Cold call used", d(2026, 9, 29), "Cycle 1"],
            [d(2026, 9, 4), "Ana Lopez", "Ben Ross", "Walkthrough", "I.5", "", d(2026, 9, 8), "Cycle 1"],
            [d(2026, 9, 21), "Cara Diaz", "Ben Ross", "Scored – Full", "I.1", "Objective posted", d(2026, 9, 28), None],
            [d(2026, 9, 25), "Dan Wu", "Eve Park", "Informal", "LE.1", None, None, None],
            [d(2026, 9, 22), "Gus Hale", "Eve Park", "Informal", "I.5", None, None, None],
            [d(2026, 9, 10), "Eve Park", "Pat Noor", "Scored – Partial", "I.5", None, d(2026, 9, 10), None],
            [d(2026, 9, 15), "Fay Kim", "Eve Park", "Informal", "I.1", None, d(2026, 9, 16), None],
            [None, None, None, None, None, None, None, None],
            [d(2026, 9, 14), "Ben Ross", "Pat Noor", "Informal", "LE.1", None, d(2026, 9, 17), None],
        ],
        "LEAP Scores": [
            ["Date", "Teacher", "Observer", "Type", "LE.1", "LE.2", "LE.3", "LE.4",
             "I.1", "I.2", "I.3", "I.4", "I.5", "I.6", "I.7", "I.8", "Notes"],
            [d(2026, 9, 21), "Cara Diaz", "Ben Ross", "Scored – Full", 5, None, None, None,
             4, None, None, None, 3, None, None, None, None],
            [d(2026, 9, 10), "Eve Park", "Pat Noor", "Scored – Partial", 6, None, None, None,
             None, None, None, None, 4, None, None, None, None],
            [d(2026, 9, 4), "Ana Lopez", "Ben Ross", "Scored – Full", 4, None, None, None,
             5, None, None, None, 2, None, None, None, None],
            [d(2026, 9, 25), "Dan Wu", "Eve Park", "Scored – Full", 6, None, None, None,
             6, None, None, None, 5, None, None, None, None],
            [d(2026, 9, 22), "Gus Hale", "Eve Park", "Scored – Partial", 7, None, None, None,
             None, None, None, None, 3, None, None, None, None],
            [d(2026, 9, 15), "Fay Kim", "Eve Park", "Scored – Partial", None, None, None, None,
             3, None, None, None, None, None, None, None, None],
        ],
        "Action Steps": [
            ["Date Set", "Teacher", "Set By", "Action Step", "Indicator", "Due Date", "Status", "Date Completed", "Evidence"],
            [d(2026, 9, 4), "Ana Lopez", "Ben Ross", "Cold call three students", "I.5",
             d(2026, 9, 18), "Met", d(2026, 9, 17), "Seen 9/17"],
            [d(2026, 9, 21), "Ana Lopez", "Ben Ross", "Exit ticket daily", "I.5", d(2026, 10, 2), "In Progress", None, None],
            [d(2026, 9, 21), "Cara Diaz", "Ben Ross", "Post the objective", "I.1", d(2026, 9, 28), "Not Started", None, None],
            [d(2026, 9, 10), "Dan Wu", "Eve Park", "Turn and talk", "I.8", d(2026, 9, 24), "Carried Over", None, None],
            [d(2026, 9, 16), "Gus Hale", "Eve Park", "Entry routine", "LE.3", None, "In Progress", None, None],
            [d(2026, 9, 15), "Eve Park", "Pat Noor", "Check for understanding", "I.5", d(2026, 9, 29), "Not Met", None, None],
        ],
        "Learning Cycles": [
            ["Teacher", "Cycle", "Start Date", "End Date", "Focus Indicator",
             "Goal", "Success Indicators", "Status", "Reflection"],
            ["Ana Lopez", "Cycle 1", d(2026, 9, 1), d(2026, 9, 29), "I.5",
             "Check understanding", "80% exit tickets", "Active", None],
            ["Cara Diaz", "Cycle 1", d(2026, 9, 14), d(2026, 10, 16), "I.1",
             "Clear objectives", "Students restate", "Active", None],
        ],
        # Every norm met: each teacher had a 1:1 in the last 14 days, each lead a check-in with Pat,
        # Ana's 9/15 next steps were reviewed at her 9/29 1:1; everyone has an Active goal set this
        # quarter; Team A shares I.5 (Ana, Cara), Team B has a team goal on I.8.
        "1-on-1 Meetings": [
            ONE_ON_ONE_HEADER,
            [d(2026, 9, 15), "Ana Lopez", "Ben Ross", "Teacher 1:1", "Exit tickets", "Sort exit tickets", d(2026, 9, 22), None],
            [d(2026, 9, 29), "Ana Lopez", "Ben Ross", "Teacher 1:1",
             "Debrief 9/28 visit", "Cold call 3 students", d(2026, 10, 6), None],
            [d(2026, 9, 24), "Cara Diaz", "Ben Ross", "Teacher 1:1", "Objectives", "Post the objective", d(2026, 10, 1), None],
            [d(2026, 9, 23), "Dan Wu", "Eve Park", "Teacher 1:1", "Goals", None, None, None],
            [d(2026, 9, 25), "Gus Hale", "Eve Park", "Teacher 1:1", "Routines", "Rehearse the entry", d(2026, 10, 2), None],
            [d(2026, 9, 18), "Ben Ross", "Pat Noor", "Team Lead check-in",
             "Coaching calendar", "Schedule scored visits", d(2026, 10, 2), None],
            [d(2026, 9, 21), "Eve Park", "Pat Noor", "Team Lead check-in", "Team goals", None, None, None],
        ],
        "Goals": [
            GOALS_HEADER,
            ["Ana Lopez", "Professional practice", "I.5", "Check all students twice a lesson",
             2, 4, d(2026, 9, 4), d(2026, 9, 28), "Active"],
            ["Cara Diaz", "Professional practice", "I.5", "Whiteboards before practice", 3, 5, d(2026, 9, 8), None, "Active"],
            ["Dan Wu", "Professional practice", "I.8", "Partner roles in every pair task",
             None, None, d(2026, 9, 10), None, "Active"],
            ["Gus Hale", "Student learning / SLO", None, "Unit test proficiency",
             "40% proficient", "70% proficient", d(2026, 9, 10), None, "Active"],
            ["Team B", "Professional practice", "I.8", "Students talk more than the teacher",
             None, None, d(2026, 9, 10), None, "Active"],
            ["Ben Ross", "Professional practice", "I.5", "Model checks for understanding", 4, 6, d(2026, 9, 3), None, "Active"],
            ["Eve Park", "Student learning / SLO", None, "Science fair entries", "0", "12", d(2026, 9, 3), None, "Active"],
        ],
    }


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked libreoffice or chromium skips, naming what to install, where that program is missing."""
    for marker, missing in MISSING.items():
        if missing and item.get_closest_marker(marker):
            pytest.skip(missing)


@pytest.fixture
def leap_template():
    return load_template().for_rubric(load_rubric("leap"))


@pytest.fixture
def tiny_settings() -> SchoolSettings:
    return SchoolSettings(
        school="Tiny School", rubric=load_rubric("leap"), norms=default_norms(),
        school_year_start=dt.date(2026, 8, 17), school_year_end=dt.date(2027, 5, 28),
        holidays=frozenset({LABOR_DAY}),
    )


@pytest.fixture
def grids() -> dict[str, list[list]]:
    return tiny_grids()


@pytest.fixture(scope="module")
def fake():
    """A running Google fake (loopback Sheets v4 / Drive v3 / OAuth), one per test module."""
    from tracker_sync.testing.google_fake import GoogleFake

    with GoogleFake() as running:
        yield running


@pytest.fixture(scope="module")
def account(fake):
    """Service-account credentials (a real RSA key) whose token endpoint is the fake's."""
    return fake.service_account_info()


@pytest.fixture
def cli_env(fake, account, tmp_path, monkeypatch):
    """The CLI's environment pointed at the fake: the account's key file and the API base; the tmp_path."""
    import json

    credentials = tmp_path / "service-account.json"
    credentials.write_text(json.dumps(account))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(credentials))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
    return tmp_path


def tool_table(grid: list[list], first_header: str, after: str | None = None) -> list[dict]:
    """The body rows of a table on a tool tab as {header: value}, as a person reads it: the table whose
    header row starts with ``first_header`` (the first one below a cell equal to ``after``, if given).
    Headers and values sit at the same grid columns, wherever merged cells put them; the table ends at
    the first blank row. Text is read with its line breaks as spaces (the layout breaks wrapped cells)."""
    start = next(i for i, row in enumerate(grid) if row and row[0] == after) if after else 0
    at = next(i for i in range(start, len(grid)) if grid[i] and grid[i][0] == first_header)
    columns = {c: as_read(name) for c, name in enumerate(grid[at]) if name not in (None, "")}
    rows = []
    for row in grid[at + 1:]:
        if not row or all(v in (None, "") for v in row):
            break
        rows.append({name: as_read(row[c] if c < len(row) else None) for c, name in columns.items()})
    return rows


def as_read(value):
    """A cell as a person reads it: the lines of a wrapped text as one line."""
    return value.replace("\n", " ") if isinstance(value, str) else value


@pytest.fixture(scope="module")
def shared_drive(fake, account):
    """A shared drive the service account manages (Content manager): where it may create spreadsheets."""
    return fake.add_shared_drive("Coaching trackers", {account["client_email"]: "fileOrganizer"})
