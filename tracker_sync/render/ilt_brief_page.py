"""What the ILT brief's one printed page holds (Letter landscape), whatever the size of the school.

A 260-teacher school has 26 teams and 28 observers: one row each would print seven pages. The brief
keeps to one page by showing at most BRIEF_TEAMS teams (the heat map: the lowest mean scores; the
by-team table: the most teachers not seen, then the most overdue steps), BRIEF_OBSERVERS observers
(the most visits waiting past the norm), BRIEF_NOTES calibration notes (BRIEF_NOTES_MANY_TEAMS when the
team tables are full) and BRIEF_QUESTIONS further questions, and says where it leaves rows out: every
figure stays on the Patterns tab. The whole-school row is always shown. (With --include-names the list
of people follows on a page of its own.)
"""

from __future__ import annotations

import math
from typing import Any

from tracker_sync.patterns import WHOLE_SCHOOL, Patterns
from tracker_sync.patterns.discuss import percent
from tracker_sync.render.attention import TREND_MEASURES

BRIEF_TEAMS = 7
BRIEF_OBSERVERS = 6
BRIEF_NOTES = 5
BRIEF_NOTES_MANY_TEAMS = 3  # when the team tables are full, the notes get less room
BRIEF_QUESTIONS = 2


def page_context(context: dict[str, Any], patterns: Patterns) -> dict[str, Any]:
    """The brief's context cut to what one page holds, with a note wherever rows are left out."""
    heat_rows, heat_note = _heat_rows(context["heat_rows"], patterns)
    by_team, team_note = _by_team(context, patterns)
    observers = context["feedback_observers"]
    shown_observers = _busiest(observers)
    notes = [*context["calibration_notes"], *context["agreement_notes"]]
    room = BRIEF_NOTES_MANY_TEAMS if team_note or heat_note else BRIEF_NOTES
    shown_teams = {row["team"] for row in heat_rows}
    return {
        **context,
        "heat_rows": heat_rows, "heat_note": heat_note,
        "team_low": [r for r in context["team_low"] if r["team"] in shown_teams], "by_team": by_team, "team_note": team_note,
        "feedback_observers": shown_observers,
        "observer_note": (f"{len(shown_observers)} of {len(observers)} observers: those with the most visits waiting past "
                          "the norm, then the slowest." if len(shown_observers) < len(observers) else ""),
        "page_notes": notes[:room],
        "notes_left": len(notes) - min(len(notes), room),
        "more_questions": context["more_questions"][:BRIEF_QUESTIONS],
    }


def _kept(teams: list[str], key: dict[str, tuple[float, ...]]) -> set[str]:
    """The BRIEF_TEAMS teams first by ``key`` (every team when there are no more)."""
    return set(sorted(teams, key=lambda team: (key[team], team))[:BRIEF_TEAMS])


def _heat_rows(rows: list[dict[str, Any]], patterns: Patterns) -> tuple[list[dict[str, Any]], str]:
    teams = [row["team"] for row in rows if not row["school"]]
    if len(teams) <= BRIEF_TEAMS:
        return rows, ""
    means = {r.team: r.mean for r in patterns.teams.itertuples()}
    kept = _kept(teams, {team: (_or_last(means.get(team)),) for team in teams})
    return ([row for row in rows if row["school"] or row["team"] in kept],
            f"The {len(kept)} teams with the lowest mean score, of {len(teams)}; every team is on the Patterns tab.")


def _by_team(context: dict[str, Any], patterns: Patterns) -> tuple[list[dict[str, Any]], str]:
    """One row per team: coverage, feedback and action steps (then -> now), 1:1s and goals; the school last."""
    trends = {row["team"]: dict(zip(TREND_MEASURES, row["figures"], strict=True)) for row in context["team_trends"]}
    practice = {row["team"]: row for row in context["practice"]["teams"]}
    rows = []
    for r in patterns.teams.itertuples():
        trend = trends.get(r.team, {})
        rows.append({"team": r.team, "school": False, "teachers": r.teachers, "behind": r.behind_scored,
                     "not_seen": trend.get("not_seen") or _flat(r.not_seen),
                     "feedback": trend.get("feedback_share_within") or _flat(percent(r.share_within)),
                     "overdue": trend.get("overdue_steps") or _flat(r.overdue),
                     "met": practice.get(r.team, {}).get("met", "–"), "past_due": practice.get(r.team, {}).get("past_due", "–"),
                     "no_goal": practice.get(r.team, {}).get("no_goal", "–")})
    note = ""
    if len(rows) > BRIEF_TEAMS:
        kept = _kept([row["team"] for row in rows], {r.team: (-r.not_seen, -r.overdue) for r in patterns.teams.itertuples()})
        note = (f"The {len(kept)} teams with the most teachers not seen, then the most overdue steps, of {len(rows)}; "
                "every team is on the Summary tab.")
        rows = [row for row in rows if row["team"] in kept]
    if WHOLE_SCHOOL in trends:
        school = trends[WHOLE_SCHOOL]
        rows.append({"team": WHOLE_SCHOOL, "school": True, "teachers": int(patterns.teams["teachers"].sum()),
                     "behind": int(patterns.teams["behind_scored"].sum()), "not_seen": school["not_seen"],
                     "feedback": school["feedback_share_within"], "overdue": school["overdue_steps"],
                     "met": "", "past_due": "", "no_goal": ""})
    return rows, note


def _busiest(observers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The BRIEF_OBSERVERS observers with the most visits waiting past the norm, then the slowest, in their order."""
    if len(observers) <= BRIEF_OBSERVERS:
        return observers
    ranked = sorted(range(len(observers)), key=lambda i: (-observers[i]["waiting"], -_number(observers[i]["median"]), i))
    kept = set(ranked[:BRIEF_OBSERVERS])
    return [row for i, row in enumerate(observers) if i in kept]


def _flat(value: object) -> dict[str, Any]:
    """A figure with no trend, shown as now only."""
    return {"then": "", "now": str(value), "spark": "", "worse": False}


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -1.0


def _or_last(value: float | None) -> float:
    return math.inf if value is None or value != value else value
