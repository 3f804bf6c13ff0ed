"""Practice flags: where coaching practice is off the school's norms (Norms in the settings).

Plain data rows, computed from the patterns (so every number is a tested one); render.py puts them
in the Flags tab after the data findings. Unlike findings they are not mistakes in a cell: they are
things for a Team Lead to act on, so they name the teacher or observer concerned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tracker_sync.patterns import WHOLE_SCHOOL, Patterns
from tracker_sync.patterns.discuss import percent
from tracker_sync.schemas import SchoolSettings
from tracker_sync.validate.cells import score_range


@dataclass(frozen=True)
class PracticeFlag:
    code: str
    norm: str  # the norm, as set for this school
    who: str  # the teacher (or, for calibration, the observer)
    team: str
    detail: str  # what the numbers show
    suggestion: str
    tab: str | None = None  # the coach tab and row to jump to, when one row is the evidence
    row: int | None = None


#: code -> title, in the order the Flags tab lists them.
PRACTICE_FLAG_TYPES = {
    "not-observed": "Not observed recently",
    "scored-behind": "Behind on scored observations",
    "feedback-pending": "Waiting for feedback",
    "step-overdue": "Action step overdue",
    "no-open-step": "No open action step",
    "cycle-past-end": "Learning cycle past its end, still Active",
    "cycle-no-observation": "Learning cycle with no observation",
    "cycle-length": "Learning cycle shorter or longer than planned",
    "calibration-offset": "Observer scores apart from colleagues",
    "calibration-middle-band": "Observer never leaves the middle band",
    "no-one-on-one": "No 1:1 recently",
    "lead-no-check-in": "Team Lead without a check-in",
    "next-steps-past-due": "1:1 next steps past due",
    "no-active-goal": "No Active goal",
    "goal-no-check-in": "Goal not checked this quarter",
    "team-no-common-indicator": "Team without a common indicator",
    "equity-novice": "Novice teachers visited less than colleagues",
    "equity-lowest-quartile": "Lowest-scoring teachers visited less than colleagues",
    "step-load": "More open action steps than one teacher can work on",
    "step-setters": "Open action steps set by more than one coach",
    "step-no-due-date": "Action step open for weeks with no due date",
    "agreement-pair": "Co-observers apart on the same lessons",
    "agreement-indicator": "Indicator scored apart on co-observed lessons",
    # Teachers' own 1:1 pages (tracker_sync.pages.flags): the Roster's Email is what a page is shared with.
    "page-no-email": "No 1:1 page: no email on the Roster",
    "page-bad-email": "No 1:1 page: the Roster's email is not an address",
    "page-lead-no-email": "1:1 page not shared with the Team Lead: no email",
    "page-share-refused": "Google refused to share a 1:1 page with this address",
}


def _day(value: object) -> str:
    return value.date().isoformat() if isinstance(value, pd.Timestamp) and not pd.isna(value) else "-"


def _days(n: float, unit: str = "days") -> str:
    return f"{n:.0f} {unit[:-1] if round(n) == 1 else unit}"


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def practice_flags(patterns: Patterns, settings: SchoolSettings, tabs: dict[str, str] | None = None) -> list[PracticeFlag]:
    """Every practice flag as of the patterns' date. `tabs` maps record kinds ("observation",
    "action_step", "learning_cycle", "one_on_one", "goal") to tab names, for links to the evidence row."""
    norms, rubric = settings.norms, settings.rubric
    tabs = tabs or {"observation": "Observations", "action_step": "Action Steps", "learning_cycle": "Learning Cycles",
                    "one_on_one": "1-on-1 Meetings", "goal": "Goals"}
    flags: list[PracticeFlag] = []
    gap = norms.observation_gap_days
    for r in patterns.coverage[patterns.coverage["not_seen"]].itertuples():
        seen = (f"Last observed {_day(r.last_observed)}, {_days(r.days_since)} ago." if r.observations_total
                else "Not observed yet this year.")
        flags.append(PracticeFlag("not-observed", f"Observed at least every {gap} days", r.teacher, _text(r.team), seen,
                                  "Put a visit on the coaching calendar this week."))
    for r in patterns.coverage[patterns.coverage["behind_scored"]].itertuples():
        flags.append(PracticeFlag(
            "scored-behind",
            f"{norms.scored_observations_per_year} scored observations a year, {norms.full_observations_per_year} Full",
            r.teacher, _text(r.team),
            f"{r.scored} scored ({r.scored_full} Full); by now {r.scored_due} ({r.full_due} Full) are due.",
            "Schedule the next scored observation."))
    fb = patterns.feedback
    for r in fb[fb["overdue_pending"]].sort_values("date").itertuples():
        flags.append(PracticeFlag(
            "feedback-pending", f"Feedback within {norms.feedback_within_school_days} school days", r.teacher, _text(r.team),
            f"Visit on {_day(r.date)} by {r.observer}: waiting {_days(r.pending_school_days, 'school days')}.",
            "Hold the feedback meeting and type its date in Feedback Date.", tabs["observation"], int(r.row)))
    steps = patterns.action_steps
    as_of = pd.Timestamp(patterns.as_of)
    for r in steps[steps["overdue"]].sort_values("due_date").itertuples():
        late = (as_of - r.due_date).days
        flags.append(PracticeFlag(
            "step-overdue", "Each action step has a due date and is closed by it", r.teacher, _text(r.team),
            f"Step on {_text(r.indicator) or 'no indicator'} due {_day(r.due_date)}, {_days(late)} ago, still {r.status}.",
            "Check the step with the teacher: mark it Met or Not Met, or set a new due date.", tabs["action_step"], int(r.row)))
    for r in patterns.no_open_step.itertuples():
        flags.append(PracticeFlag("no-open-step", "One open action step per teacher at a time", r.teacher, _text(r.team),
                                  "No action step Not Started, In Progress or Carried Over.",
                                  "Set one bite-sized step with a due date at the next feedback meeting."))
    cycles = patterns.cycles
    weeks = f"{norms.cycle_min_weeks}-{norms.cycle_max_weeks} school-week learning cycles"
    for r in cycles[cycles["past_end_active"]].itertuples():
        flags.append(PracticeFlag("cycle-past-end", weeks, r.teacher, _text(r.team),
                                  f"{r.cycle} ended {_day(r.end_date)}, {_days(r.days_past_end)} ago, and is still Active.",
                                  "Close it with a reflection (Complete), or move its End Date.", tabs["learning_cycle"],
                                  int(r.row)))
    for r in cycles[cycles["no_observation"]].itertuples():
        flags.append(PracticeFlag("cycle-no-observation", "Every learning cycle has at least one observation", r.teacher,
                                  _text(r.team),
                                  f"{r.cycle} ({_day(r.start_date)} to {_day(r.end_date)}, focus {r.focus_indicator}): no "
                                  "visit logged inside it.",
                                  "Observe the focus indicator before the cycle ends.", tabs["learning_cycle"], int(r.row)))
    for r in cycles[cycles["odd_length"]].itertuples():
        flags.append(PracticeFlag("cycle-length", weeks, r.teacher, _text(r.team),
                                  f"{r.cycle} runs {r.school_days:.0f} school days, {r.weeks:.1f} school weeks "
                                  f"({_day(r.start_date)} to {_day(r.end_date)}).",
                                  "Check the Start and End Dates, or split the goal into cycles of the planned length.",
                                  tabs["learning_cycle"], int(r.row)))
    calib = patterns.calibration
    for r in calib[calib["offset_flag"]].itertuples():
        direction = "higher" if r.mean_diff > 0 else "lower"
        flags.append(PracticeFlag(
            "calibration-offset", f"Within {norms.calibration_threshold:g} points of colleagues on the same teachers",
            r.observer, "",
            f"Scores {abs(r.mean_diff):.2f} points {direction} than other observers, over {r.paired} shared scores (MET "
            "study: about 0.1-0.2).",
            "Co-observe and score a lesson together, then compare evidence."))
    low, high = rubric.middle_band
    for r in calib[calib["middle_flag"]].itertuples():
        flags.append(PracticeFlag(
            "calibration-middle-band", f"Uses the whole {score_range(rubric.scale_min, rubric.scale_max)} scale", r.observer, "",
            f"{percent(r.middle_share)} of {r.scores} scores are between {low:g} and {high:g}.",
            "Norm on what the top and bottom bands look like, with video or a co-observation."))
    flags += equity_flags(patterns, settings) + step_load_flags(patterns, settings, tabs) + agreement_flags(patterns, settings)
    return flags + meeting_and_goal_flags(patterns, settings, tabs)


def meeting_and_goal_flags(patterns: Patterns, settings: SchoolSettings, tabs: dict[str, str]) -> list[PracticeFlag]:
    """Flags from the 1:1 and goal patterns (none for a tab the tracker does not keep)."""
    norms, rubric = settings.norms, settings.rubric
    flags: list[PracticeFlag] = []
    for r in patterns.one_on_ones[patterns.one_on_ones["overdue"]].itertuples():
        seen = f"Last 1:1 {_day(r.last_meeting)}, {_days(r.days_since)} ago." if r.meetings_total else "No 1:1 logged yet."
        flags.append(PracticeFlag("no-one-on-one", f"A 1:1 at least every {norms.one_on_one_gap_days} days", r.teacher,
                                  _text(r.team), seen,
                                  "Put a 1:1 on the shared calendar this week; ask the teacher to bring the agenda."))
    for r in patterns.lead_check_ins[patterns.lead_check_ins["overdue"]].itertuples():
        seen = f"Last check-in with a school leader {_day(r.last_meeting)}, {_days(r.days_since)} ago." if r.meetings_total \
            else "No check-in with a school leader logged yet."
        flags.append(PracticeFlag("lead-no-check-in",
                                  f"A check-in with a school leader at least every {norms.lead_check_in_gap_days} days",
                                  r.teacher, _text(r.team), seen,
                                  "Schedule a check-in with a collaborative agenda the Team Lead updates beforehand."))
    steps = patterns.next_steps
    for r in steps[steps["past_due"]].sort_values("next_steps_due").itertuples():
        flags.append(PracticeFlag(
            "next-steps-past-due", "Next steps from each 1:1 reviewed by their due date", r.teacher, _text(r.team),
            f"Next steps from the 1:1 on {_day(r.date)} with {r.led_by} were due {_day(r.next_steps_due)}, "
            f"{_days(r.days_past_due)} ago; no 1:1 since.",
            "Review them at a 1:1 this week and agree new ones with a deadline.", tabs["one_on_one"], int(r.row)))
    for r in patterns.no_active_goal.itertuples():
        drafts = f" ({r.drafts} Draft)" if r.drafts else ""
        flags.append(PracticeFlag("no-active-goal", f"Every teacher has an Active goal in {rubric.short_name} language",
                                  r.teacher,
                                  _text(r.team), f"No Active goal{drafts}.",
                                  "Agree a goal on a rubric indicator at the next 1:1 and mark it Active."))
    first = patterns.goal_period[0].isoformat()
    goals = patterns.goals
    for r in goals[goals["no_check_in"]].sort_values("set_date").itertuples():
        last = f"last check-in {_day(r.last_check_in)}" if not pd.isna(r.last_check_in) else "no check-in yet"
        flags.append(PracticeFlag(
            "goal-no-check-in", "Every goal checked at least once a quarter", r.teacher_or_team, _text(r.team),
            f"{r.kind} goal{f' on {r.indicator}' if _text(r.indicator) else ''} set {_day(r.set_date)}, {last}; "
            f"none since this quarter began on {first}.",
            "Check in on the goal at the next 1:1 and type the date in Last Check-in.", tabs["goal"], int(r.row)))
    common = patterns.common_indicators
    for r in common[~common["has_common"].astype(bool)].itertuples():
        shared = (f"The most shared is {r.most_shared}, in the goals of {r.most_shared_teachers} of {r.teachers} teachers."
                  if r.most_shared else f"None of the {r.teachers} teachers' Active goals names an indicator.")
        flags.append(PracticeFlag("team-no-common-indicator", "Each team shares at least one indicator in its goals", "",
                                  _text(r.team),
                                  f"No indicator is in every teacher's Active goals, and no team goal names one. {shared}",
                                  "Choose one indicator together and add it as a team goal (Teacher or Team: the team's name)."))
    return flags


def equity_flags(patterns: Patterns, settings: SchoolSettings) -> list[PracticeFlag]:
    """A group of teachers (novices, the lowest score quartile) visited less than `equity_min_ratio`
    times as often as their colleagues, per team or school-wide; the group's teachers are named."""
    norms = settings.norms
    groups = patterns.equity_groups
    flags = []
    for r in patterns.equity[patterns.equity["flag"]].itertuples():
        members = groups[groups[r.group] & ((groups["team"] == r.scope) | (r.scope == WHOLE_SCHOOL))]["teacher"]
        label = (f"novices ({norms.novice_max_years} years or less)" if r.group == "novice"
                 else "teachers in the lowest score quartile")
        flags.append(PracticeFlag(
            "equity-novice" if r.group == "novice" else "equity-lowest-quartile",
            f"At least {norms.equity_min_ratio:g}x the visits of colleagues", ", ".join(sorted(members)),
            r.scope, f"{r.teachers} {label}: {r.visits_per_teacher:.1f} visits each in 30 days, {r.ratio:.2f}x the "
                     f"{r.others_visits_per_teacher:.1f} of the other {r.others_teachers}.",
            "Put these teachers first on the coaching calendar this week."))
    return flags


def step_load_flags(patterns: Patterns, settings: SchoolSettings, tabs: dict[str, str]) -> list[PracticeFlag]:
    """Too many open steps, open steps from several coaches, and steps open for weeks with no due date."""
    norms = settings.norms
    load = patterns.step_load
    flags = []
    for r in load[load["too_many"]].itertuples():
        flags.append(PracticeFlag("step-load", f"At most {norms.max_open_steps} open action steps at a time", r.teacher,
                                  _text(r.team),
                                  f"{r.open_steps} open steps" + (f", set by {r.set_by}." if r.set_by else "."),
                                  "Close or merge steps so the teacher works on one or two at a time."))
    for r in load[load["several_setters"]].itertuples():
        flags.append(PracticeFlag("step-setters", "Open action steps come from one coach", r.teacher, _text(r.team),
                                  f"{r.open_steps} open steps set by {r.setters} people: {r.set_by}.",
                                  "Agree between the coaches on the one step that matters most."))
    for r in patterns.undated_steps.itertuples():
        flags.append(PracticeFlag(
            "step-no-due-date", f"Every action step has a due date (open over {norms.undated_step_days} days)", r.teacher,
            _text(r.team),
            f"Step on {_text(r.indicator) or 'no indicator'} set {_day(r.date_set)}, open {_days(r.days_open)}, no due date.",
            "Set a due date with the teacher, or close the step.", tabs["action_step"], int(r.row)))
    return flags


def agreement_flags(patterns: Patterns, settings: SchoolSettings) -> list[PracticeFlag]:
    """Observer pairs and indicators whose co-observed scores agree (by the rubric's rule: exact on a
    short scale, within one point on a long one) less often than `agreement_adjacent_share` (CLASS
    certifies observers at 80 %)."""
    rule = settings.rubric.agreement_rule
    norm = f"{percent(settings.norms.agreement_adjacent_share)} of co-observed scores {rule}"
    flags = []
    for r in patterns.agreement_by_pair[patterns.agreement_by_pair["below_norm"]].itertuples():
        flags.append(PracticeFlag(
            "agreement-pair", norm, f"{r.observer_a} and {r.observer_b}", "",
            f"{percent(r.exact)} exact, {percent(r.adjacent)} within one point, over {r.comparisons} scores on "
            f"{r.lessons} co-observed lesson{'s' if r.lessons != 1 else ''}.",
            "Co-observe again and compare evidence indicator by indicator before agreeing on a score."))
    names = {i.code: i.name for i in settings.rubric.indicators}
    apart = patterns.agreement_by_indicator[patterns.agreement_by_indicator["below_norm"].astype(bool)]
    if len(apart):  # one row for every indicator: the ILT norms on them together
        flags.append(PracticeFlag(
            "agreement-indicator", norm, ", ".join(apart["indicator"]), "",
            "; ".join(f"{r.indicator} ({names.get(r.indicator, '')}): {percent(r.agreed)} {rule} over "
                      f"{r.comparisons} co-observed scores" for r in apart.itertuples()) + ".",
            "Norm on these indicators with a video: what evidence earns each score?"))
    return flags


def count_by_code(flags: list[PracticeFlag]) -> dict[str, int]:
    """How many flags of each code (all codes listed, zeros included)."""
    counts = dict.fromkeys(PRACTICE_FLAG_TYPES, 0)
    for flag in flags:
        counts[flag.code] += 1
    return counts

