"""The "three things to discuss": plain sentences made from the computed numbers, each with a
discussion question tied to a practice in the seed documents (sheet_templates/discussion.toml).

Choice: the professional-learning theme (the school's lowest indicator) comes first when there is
one; then the two practice gaps with the largest share of teachers, visits, steps or cycles off the
norm. Sentences never name a person, so they can go anywhere the aggregates go.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pandas as pd

from tracker_sync.patterns.equity import worst_gap
from tracker_sync.patterns.feedback import LatencyOverall
from tracker_sync.patterns.scores import WHOLE_SCHOOL
from tracker_sync.patterns.trends import TrendDates
from tracker_sync.schemas import SchoolSettings


@dataclass(frozen=True)
class Discussion:
    topic: str  # a key of discussion.toml
    sentence: str
    question: str
    source: str
    urgency: float  # share off the norm, 0-1; the theme is always first


@cache
def discussion_questions() -> dict[str, dict[str, str]]:
    text = (files("tracker_sync.sheet_templates") / "discussion.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def percent(share: float | None) -> str:
    """A share as a whole percent for people ('38%'); a dash when there is none."""
    return "–" if share is None or pd.isna(share) else f"{share * 100:.0f}%"


def rubric_words(settings: SchoolSettings) -> dict[str, object]:
    """The words of the tracker's own rubric that discussion.toml may use, so a Danielson tracker never
    reads LEAP's: {rubric} (short name, "FFT"), {framework} (full name), {meeting_band} ("Proficient")
    and {meeting_score} (its first score, "3"); and the norms the questions quote: {gap}, {norm}."""
    rubric, norms = settings.rubric, settings.norms
    return {"rubric": rubric.short_name, "framework": rubric.name, "meeting_band": rubric.meeting_band,
            "meeting_score": f"{rubric.meeting_score:g}", "gap": norms.observation_gap_days,
            "norm": norms.feedback_within_school_days}


def discussion_question(settings: SchoolSettings, topic: str, **fill: object) -> tuple[str, str]:
    """A topic's question and source, filled from the school's rubric and norms (and ``fill``)."""
    q, words = discussion_questions()[topic], {**rubric_words(settings), **fill}
    return q["question"].format(**words), q["source"].format(**words)


def _item(settings: SchoolSettings, topic: str, sentence: str, urgency: float, **fill: object) -> Discussion:
    return Discussion(topic, sentence, *discussion_question(settings, topic, **fill), urgency)


def _most(frame: pd.DataFrame, column: str) -> tuple[str, int] | None:
    """The team with the most rows where `column` is true, and how many."""
    counts = frame[frame[column]].groupby("team").size()
    if counts.empty:
        return None
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    return str(counts.index[0]), int(counts.iloc[0])


def three_things(settings: SchoolSettings, *, lowest: pd.DataFrame, coverage: pd.DataFrame, feedback: LatencyOverall,
                 steps: pd.DataFrame, no_open_step: pd.DataFrame, calibration: pd.DataFrame,
                 cycles: pd.DataFrame, more: Sequence[Discussion] = ()) -> list[Discussion]:
    """The theme first, then the two gaps furthest off the norm, of those found here and in `more`
    (candidates from the other patterns: 1:1s and goals, trends, equity), ranked together by urgency."""
    norms, rubric = settings.norms, settings.rubric
    gaps: list[Discussion] = []
    teachers = len(coverage)
    if teachers:
        not_seen = int(coverage["not_seen"].sum())
        if not_seen:
            most = _most(coverage, "not_seen")
            where = f"; the most in {most[0]} ({most[1]})" if most and not_seen > 1 else ""
            gaps.append(_item(settings, "coverage",
                              f"{not_seen} of {teachers} teachers ({percent(not_seen / teachers)}) have not been "
                              f"observed in the last {norms.observation_gap_days} days{where}.",
                              not_seen / teachers, gap=norms.observation_gap_days))
        behind = int(coverage["behind_scored"].sum())
        if behind:
            due = int(coverage["scored_due"].iloc[0])
            gaps.append(_item(settings, "scored", f"{behind} of {teachers} teachers are behind the pace for scored observations "
                              f"({due} by now toward {norms.scored_observations_per_year} a year, "
                              f"{norms.full_observations_per_year} of them Full).", behind / teachers))
    known, share = feedback["given"] + feedback["pending_past_norm"], feedback["share_within"]
    if known and share is not None and share < 1:
        late = feedback["pending_past_norm"]
        waiting = f"; {late} visits are still waiting for feedback past the norm" if late else ""
        gaps.append(_item(settings, "feedback", f"Feedback came within {norms.feedback_within_school_days} school days after "
                          f"{percent(share)} of visits ({feedback['within']} of {known}){waiting}.",
                          1 - share, norm=norms.feedback_within_school_days))
    open_steps, overdue = int(steps["open"].sum()), int(steps["overdue"].sum())
    if overdue or (teachers and len(no_open_step)):
        parts = []
        if overdue:
            parts.append(f"{overdue} of {open_steps} open action steps are past their due date")
        if len(no_open_step):
            parts.append(f"{len(no_open_step)} of {teachers} teachers have no open action step")
        share = max(overdue / open_steps if open_steps else 0, len(no_open_step) / teachers if teachers else 0)
        gaps.append(_item(settings, "action_steps", "; ".join(parts) + ".", share))
    flagged = calibration[calibration["offset_flag"] | calibration["middle_flag"]] if len(calibration) else calibration
    if len(flagged):
        offset = flagged[flagged["offset_flag"]]
        parts = []
        if len(offset):
            widest = offset["mean_diff"].abs().max()
            who = f"{len(offset)} observers score up to" if len(offset) > 1 else "1 observer scores"
            parts.append(f"{who} {widest:.1f} points away from colleagues on the same teachers and indicators "
                         f"(in the MET study raters favoured their own teachers by only 0.1-0.2)")
        middle = int(flagged["middle_flag"].sum())
        if middle:
            low, high = rubric.middle_band
            kept = ("never scored outside" if norms.calibration_middle_band_share >= 1
                    else f"gave at least {percent(norms.calibration_middle_band_share)} of their scores within")
            parts.append(f"{middle} observer{'s' if middle > 1 else ''} {kept} {low:g}-{high:g}")
        gaps.append(_item(settings, "calibration", "; ".join(parts) + ".", len(flagged) / len(calibration)))
    started = len(cycles)
    stuck = int((cycles["past_end_active"] | cycles["no_observation"]).sum()) if started else 0
    if stuck:
        past, empty = int(cycles["past_end_active"].sum()), int(cycles["no_observation"].sum())
        gaps.append(_item(settings, "cycles", f"{stuck} of {started} learning cycles need a look: {past} past the end date and "
                          f"still Active, {empty} with no observation inside the cycle.", stuck / started))
    gaps.extend(more)
    gaps.sort(key=lambda d: -d.urgency)
    things: list[Discussion] = []
    school = lowest[lowest["scope"] == WHOLE_SCHOOL]
    if len(school):
        top = school.iloc[0]
        things.append(_item(settings, "theme", f"{top['indicator']} ({top['name']}) is the school's lowest indicator: mean "
                            f"{top['mean']:.1f} across {int(top['n'])} scores, {percent(top['share_below'])} below "
                            f"{rubric.meeting_band}. A candidate theme for professional learning.",
                            1.0, code=top["indicator"], name=top["name"]))
    return things + gaps[: 3 - len(things)]


def practice_gaps(settings: SchoolSettings, *, one_on_ones: pd.DataFrame, next_steps: pd.DataFrame,
                  lead_check_ins: pd.DataFrame, goals: pd.DataFrame, goal_period: tuple[dt.date, dt.date],
                  no_active_goal: pd.DataFrame, coverage: pd.DataFrame, common_indicators: pd.DataFrame) -> list[Discussion]:
    """Candidates from the 1:1 and goal patterns, each with its share off the norm as urgency: teachers
    with no 1:1 in the gap, Team Leads with no check-in, teachers without an Active goal (or Active
    goals not checked this period), teams with no common indicator. None when a tab is not kept."""
    norms = settings.norms
    gaps: list[Discussion] = []
    teachers, overdue = len(one_on_ones), int(one_on_ones["overdue"].sum()) if len(one_on_ones) else 0
    if overdue:
        most = _most(one_on_ones, "overdue")
        where = f"; the most in {most[0]} ({most[1]})" if most and overdue > 1 else ""
        late = int(next_steps["past_due"].sum())
        steps = (f" {late} next step{' is' if late == 1 else 's are'} past {'its' if late == 1 else 'their'} due date "
                 "with no 1:1 since." if late else "")
        gaps.append(_item(settings, "one_on_ones",
                          f"{overdue} of {teachers} teachers ({percent(overdue / teachers)}) have had no 1:1 "
                          f"in the last {norms.one_on_one_gap_days} days{where}.{steps}", overdue / teachers))
    leads, unmet = len(lead_check_ins), int(lead_check_ins["overdue"].sum()) if len(lead_check_ins) else 0
    if unmet:
        gaps.append(_item(settings, "lead_check_ins",
                          f"{unmet} of {leads} Team Leads ({percent(unmet / leads)}) have had no check-in "
                          f"with a school leader in the last {norms.lead_check_in_gap_days} days.", unmet / leads))
    staff, without = len(coverage), len(no_active_goal)
    active = goals[goals["active"]]
    unchecked = int(active["no_check_in"].sum())
    if (staff and without) or unchecked:
        parts = []
        if without:
            parts.append(f"{without} of {staff} teachers ({percent(without / staff)}) have no Active goal")
        if unchecked:
            parts.append(f"{unchecked} of {len(active)} Active goals have had no check-in this quarter "
                         f"(since {goal_period[0].isoformat()})")
        share = max(without / staff if staff else 0, unchecked / len(active) if len(active) else 0)
        gaps.append(_item(settings, "goals", "; ".join(parts) + ".", share))
    teams, lacking = len(common_indicators), (int((~common_indicators["has_common"].astype(bool)).sum())
                                              if len(common_indicators) else 0)
    if lacking:
        gaps.append(_item(settings, "common_indicator",
                          f"{lacking} of {teams} teams have no common indicator in their Active goals.",
                          lacking / teams))
    return gaps


def _since(dates: TrendDates) -> str:
    return f"Since the ILT meeting on {dates.since.isoformat()}" if dates.since_meeting else f"Since {dates.since.isoformat()}"


def trend_gap(settings: SchoolSettings, trends: pd.DataFrame, dates: TrendDates, *, teachers: int,
              open_steps: int) -> Discussion | None:
    """The school-wide headline number that got worse the most since the last meeting, as a share:
    of teachers (not seen), of open steps (overdue), of visits (feedback on time), or of the
    feedback norm (median school days). None when nothing got worse."""
    norms = settings.norms
    school = trends[(trends["scope"] == WHOLE_SCHOOL) & trends["worse"]].set_index("measure")
    candidates = []
    for measure, r in school.iterrows():
        then, now = r["then"], r["now"]
        if measure == "not_seen" and teachers:
            candidates.append((float(now - then) / teachers, f"teachers not observed in the last {norms.observation_gap_days} "
                               f"days went from {then:.0f} to {now:.0f} (of {teachers})"))
        elif measure == "overdue_steps":
            candidates.append((float(now - then) / max(open_steps, 1), f"overdue action steps went from {then:.0f} to {now:.0f} "
                               f"(of {open_steps} open)"))
        elif measure == "feedback_share_within":
            candidates.append((float(then - now), f"feedback within {norms.feedback_within_school_days} school days fell from "
                               f"{percent(then)} to {percent(now)} of visits"))
        elif measure == "median_feedback_school_days":
            candidates.append((float(now - then) / max(norms.feedback_within_school_days, 1),
                               f"the median time to feedback went from {then:.1f} to {now:.1f} school days"))
    candidates = [c for c in candidates if c[0] > 0]
    if not candidates:
        return None
    urgency, what = max(candidates, key=lambda c: c[0])
    return _item(settings, "trend", f"{_since(dates)}, {what}.", min(urgency, 1.0))


def equity_gap(settings: SchoolSettings, equity: pd.DataFrame) -> Discussion | None:
    """The flagged group with the fewest visits relative to its colleagues (urgency 1 - ratio)."""
    worst = worst_gap(equity)
    if worst is None:
        return None
    who = (f"novice teachers ({settings.norms.novice_max_years} years or less)" if worst["group"] == "novice"
           else "teachers in the school's lowest score quartile")
    where = "" if worst["scope"] == WHOLE_SCHOOL else f" in {worst['scope']}"
    sentence = (f"In the last 30 days {who}{where} had {worst['visits_per_teacher']:.1f} visits each, {worst['ratio']:.2f}x "
                f"the {worst['others_visits_per_teacher']:.1f} of their colleagues (norm: at least "
                f"{settings.norms.equity_min_ratio:g}x).")
    return _item(settings, "equity", sentence[0].upper() + sentence[1:], float(1 - worst["ratio"]))
