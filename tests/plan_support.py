"""The hand-worked school the plan tests share (test_plan, test_plan_feeds): eight people, two teams, a
coach who left, one private note and one private score note that no plan output may show."""

from __future__ import annotations

import datetime as dt

d = dt.date
AS_OF = d(2026, 10, 5)  # a Monday
WEEK1, WEEK2 = d(2026, 10, 5), d(2026, 10, 12)
OBS = ["Date", "Teacher", "Observer", "Type", "Focus Indicator", "Evidence / Notes", "Feedback Date", "Learning Cycle"]
SCORES = ["Date", "Teacher", "Observer", "Type", "LE.1", "LE.2", "LE.3", "LE.4", "I.1", "I.2", "I.3", "I.4", "I.5", "I.6", "I.7",
          "I.8", "Notes"]
PRIVATE_NOTE = "Confidential: cold call used twice"


def plan_grids() -> dict[str, list[list]]:
    def scored(day, teacher, observer, score):
        return [day, teacher, observer, "Scored – Partial", score, *[None] * 11, "private score note"]

    return {
        "Roster": [
            ["Teacher", "Email", "Team", "Team Lead", "Role", "Subject", "Grade Band", "Years Experience", "Status",
             "Visits per Week"],
            ["Pat Noor", None, "Leadership", None, "Principal", None, None, 15, "Active", None],
            ["Lee Ray", None, "Team A", "Pat Noor", "Team Lead", "Math", "3-5", 9, "Active", 1],
            ["Ana Lopez", None, "Team A", "Lee Ray", "Teacher", "Math", "3-5", 1, "Active", None],
            ["Ben Ross", None, "Team A", "Lee Ray", "Teacher", "ELA", "3-5", 10, "Active", None],
            ["Cal Diaz", None, "Team A", "Lee Ray", "Teacher", "ELA", "3-5", 8, "Active", None],
            ["Dee Wu", None, "Team B", "Old Coach", "Teacher", "Art", "6-8", 5, "Active", None],
            ["Eli Park", None, "Team B", None, "Teacher", "Art", "6-8", 3, "Active", None],
            ["Old Coach", None, "Team B", "Pat Noor", "Team Lead", "Art", "6-8", 20, "Left", None],
        ],
        "Observations": [
            OBS,
            [d(2026, 9, 21), "Ana Lopez", "Lee Ray", "Scored – Partial", "I.5", PRIVATE_NOTE, d(2026, 9, 22), None],
            [d(2026, 9, 28), "Ben Ross", "Lee Ray", "Scored – Partial", "I.5", None, None, None],
            [d(2026, 9, 14), "Cal Diaz", "Lee Ray", "Scored – Partial", "I.1", None, d(2026, 9, 15), None],
            [d(2026, 9, 24), "Dee Wu", "Pat Noor", "Scored – Partial", "I.1", None, d(2026, 9, 24), None],
            [d(2026, 9, 30), "Lee Ray", "Pat Noor", "Informal", "I.1", None, d(2026, 9, 30), None],
        ],
        "LEAP Scores": [SCORES, scored(d(2026, 9, 21), "Ana Lopez", "Lee Ray", 5),
                        scored(d(2026, 9, 28), "Ben Ross", "Lee Ray", 3),
                        scored(d(2026, 9, 14), "Cal Diaz", "Lee Ray", 6), scored(d(2026, 9, 24), "Dee Wu", "Pat Noor", 6)],
        "Action Steps": [["Date Set", "Teacher", "Set By", "Action Step", "Indicator", "Due Date", "Status", "Date Completed",
                          "Evidence"]],
        "Learning Cycles": [
            ["Teacher", "Cycle", "Start Date", "End Date", "Focus Indicator", "Goal", "Success Indicators", "Status",
             "Reflection"],
            ["Cal Diaz", "Cycle 1", d(2026, 9, 16), d(2026, 10, 16), "I.1", "Objectives", None, "Active", None],
        ],
        "1-on-1 Meetings": [
            ["Date", "Teacher", "Led By", "Kind", "Focus / Agenda", "Next Steps", "Next Steps Due", "Notes"],
            [d(2026, 9, 14), "Ana Lopez", "Lee Ray", "Teacher 1:1", None, None, None, "private 1:1 note"],
            [d(2026, 9, 29), "Ben Ross", "Lee Ray", "Teacher 1:1", None, None, None, None],
            [d(2026, 9, 28), "Lee Ray", "Pat Noor", "Team Lead check-in", None, None, None, None],
        ],
        "Goals": [["Teacher or Team", "Kind", "Indicator", "Goal", "Baseline", "Target", "Set Date", "Last Check-in", "Status"]],
    }
