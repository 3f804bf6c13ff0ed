"""What one teacher's own page shows, built from that teacher's records and nobody else's.

The guidance asks Team Leads to hold weekly or bi-weekly 1:1s and to let teachers drive the agenda
(seed 004); a teacher can only do that seeing their own record. :func:`build_pages` groups the
validated records by teacher once and builds one :class:`TeacherPage` per page owner from that
teacher's group alone, so no field of a page can come from another teacher's rows: other people
appear only as who acted on this teacher (observer, who set a step, who led a 1:1, their Team Lead).

Who gets a page (:func:`page_owners`): every Active person on the Roster whose classroom is observed
(``observed_roles``; a blank role counts as Teacher) and who has a valid email; the rest are
:class:`Unpaged` (a Flags line says why). Notes coaches type (observation evidence, 1:1 notes, step
evidence, cycle reflections) appear only when the school's ``teacher_pages_show_notes`` norm is on.

Pure: (records, settings, as_of) -> pages. Nothing here reads or writes a tracker.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker_sync.patterns.frames import OPEN_STEP_STATUSES
from tracker_sync.schemas import Rubric, SchoolSettings
from tracker_sync.schemas.records import (
    ActionStep,
    Goal,
    LearningCycle,
    Observation,
    OneOnOne,
    RosterMember,
    Score,
)
from tracker_sync.validate.cells import is_email
from tracker_sync.validate.rows import Records

#: How much of each section a page shows, so it prints on one Letter page.
MAX_STEPS, MAX_GOALS, MAX_TEAM_GOALS, MAX_OBSERVATIONS, MAX_SCORE_DATES, MAX_MEETINGS = 5, 3, 1, 5, 6, 4
#: A closed action step stays on the page this many days after it was completed (or set).
RECENT_STEP_DAYS = 45
_GOAL_ORDER = {"Active": 0, "Draft": 1, "Revised": 2, "Met": 3, "Not Met": 4}


@dataclass(frozen=True)
class PageOwner:
    """A teacher who gets a page, who it is shared with, and the Roster row that says so."""

    teacher: str
    email: str
    team: str
    role: str | None
    team_lead: str | None
    lead_email: str | None  # None: no Team Lead, or the lead has no valid email (a Flags line)
    row: int

    @property
    def readers(self) -> tuple[str, ...]:
        """Who may view the page: the teacher and their Team Lead, nobody else."""
        return (self.email, *((self.lead_email,) if self.lead_email and self.lead_email != self.email else ()))


@dataclass(frozen=True)
class Unpaged:
    """An Active observed teacher without a page, or a page shared without their Team Lead: why, for Flags."""

    teacher: str
    team: str
    row: int
    reason: str  # "no-email", "bad-email" or "lead-no-email"
    detail: str


@dataclass(frozen=True)
class Step:
    date_set: dt.date
    action_step: str
    indicator: str | None
    due_date: dt.date | None
    status: str
    set_by: str | None
    date_completed: dt.date | None
    overdue: bool
    evidence: str | None


@dataclass(frozen=True)
class GoalLine:
    whose: str  # "Mine" or "Team"
    kind: str
    indicator: str | None
    goal: str
    baseline: str
    target: str
    set_date: dt.date
    last_check_in: dt.date | None
    status: str


@dataclass(frozen=True)
class Visit:
    date: dt.date
    observer: str
    type: str
    focus_indicator: str | None
    feedback_date: dt.date | None
    notes: str | None


@dataclass(frozen=True)
class ScoreCell:
    score: float
    band: str

    @property
    def text(self) -> str:
        return f"{self.score:g}"


@dataclass(frozen=True)
class ScoreRow:
    indicator: str
    name: str
    cells: tuple[ScoreCell | None, ...]  # one per date of ScoreGrid.dates

    @property
    def latest(self) -> ScoreCell | None:
        return next((cell for cell in reversed(self.cells) if cell is not None), None)


@dataclass(frozen=True)
class ScoreGrid:
    """The teacher's own scores this school year: indicators (rubric order) by scored visit (oldest first)."""

    dates: tuple[dt.date, ...]
    rows: tuple[ScoreRow, ...]
    earlier_dates: int = 0  # scored visits this year left off to keep the page to one page


@dataclass(frozen=True)
class Cycle:
    cycle: str
    start_date: dt.date
    end_date: dt.date
    focus_indicator: str
    goal: str | None
    success_indicators: str | None
    status: str
    reflection: str | None


@dataclass(frozen=True)
class Meeting:
    date: dt.date
    led_by: str
    kind: str
    focus: str | None
    next_steps: str | None
    next_steps_due: dt.date | None
    past_due: bool
    notes: str | None


@dataclass(frozen=True)
class TeacherPage:
    """Everything one teacher's page shows, already chosen and ordered; renderers only format it."""

    owner: PageOwner
    school: str
    rubric: Rubric
    as_of: dt.date
    show_notes: bool
    steps: tuple[Step, ...] = ()
    goals: tuple[GoalLine, ...] = ()
    visits: tuple[Visit, ...] = ()
    scores: ScoreGrid = field(default_factory=lambda: ScoreGrid((), ()))
    cycle: Cycle | None = None
    meetings: tuple[Meeting, ...] = ()

    @property
    def teacher(self) -> str:
        return self.owner.teacher


def _observed(member: RosterMember, settings: SchoolSettings) -> bool:
    return member.status == "Active" and (member.role is None or member.role in settings.norms.observed_roles)


def page_owners(roster: Sequence[RosterMember], settings: SchoolSettings) -> tuple[list[PageOwner], list[Unpaged]]:
    """The teachers who get a page (Active, observed, a valid email), and who does not and why.

    A Team Lead is shared with only through their own Roster email; a lead without one leaves the page
    shared with the teacher alone (an Unpaged line with reason "lead-no-email", the page still made).
    """
    emails = {m.teacher: m.email for m in roster if m.status == "Active" and m.email and is_email(m.email)}
    owners: list[PageOwner] = []
    unpaged: list[Unpaged] = []
    for member in roster:
        if not _observed(member, settings):
            continue
        if not member.email:
            unpaged.append(Unpaged(member.teacher, member.team, member.row, "no-email",
                                   "No email on the Roster, so no 1:1 page is made for them."))
            continue
        if not is_email(member.email):
            unpaged.append(Unpaged(member.teacher, member.team, member.row, "bad-email",
                                   f"'{member.email}' on the Roster is not an email address, so no 1:1 page is made for them."))
            continue
        lead = member.team_lead if member.team_lead and member.team_lead != member.teacher else None
        lead_email = emails.get(lead) if lead else None
        if lead and lead_email is None:
            unpaged.append(Unpaged(member.teacher, member.team, member.row, "lead-no-email",
                                   f"Their Team Lead {lead} has no Active Roster row with an email: the 1:1 page is shared "
                                   "with the teacher only."))
        owners.append(PageOwner(member.teacher, member.email, member.team, member.role, lead, lead_email, member.row))
    return owners, unpaged


def band_of(score: float, rubric: Rubric) -> str:
    """The rubric's band a score (or a mean between two bands' cut points) falls in: the highest band it reaches."""
    reached = [band for band in rubric.bands if band.min <= score]
    return (reached[-1] if reached else rubric.bands[0]).name


def _measure(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _by_teacher(records: Iterable[Any], key: str = "teacher") -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        grouped[getattr(record, key)].append(record)
    return grouped


def _steps(steps: list[ActionStep], as_of: dt.date, notes: bool) -> tuple[Step, ...]:
    """Open steps (soonest due first), then steps closed in the last RECENT_STEP_DAYS days (latest first)."""
    open_steps = sorted((s for s in steps if s.status in OPEN_STEP_STATUSES),
                        key=lambda s: (s.due_date or dt.date.max, s.date_set, s.row))
    recent = as_of - dt.timedelta(days=RECENT_STEP_DAYS)
    closed = sorted((s for s in steps if s.status not in OPEN_STEP_STATUSES and (s.date_completed or s.date_set) >= recent),
                    key=lambda s: (s.date_completed or s.date_set, s.row), reverse=True)
    return tuple(Step(s.date_set, s.action_step, s.indicator, s.due_date, s.status, s.set_by, s.date_completed,
                      s.status in OPEN_STEP_STATUSES and s.due_date is not None and s.due_date < as_of,
                      s.evidence if notes else None)
                 for s in [*open_steps, *closed][:MAX_STEPS])


def _goals(own: list[Goal], team: list[Goal]) -> tuple[GoalLine, ...]:
    def order(goal: Goal) -> tuple:
        return (_GOAL_ORDER.get(goal.status, 9), -goal.set_date.toordinal(), goal.row)

    def line(goal: Goal, whose: str) -> GoalLine:
        return GoalLine(whose, goal.kind, goal.indicator, goal.goal, _measure(goal.baseline), _measure(goal.target),
                        goal.set_date, goal.last_check_in, goal.status)

    team_active = [g for g in team if g.status == "Active"]
    return (*(line(g, "Mine") for g in sorted(own, key=order)[:MAX_GOALS]),
            *(line(g, "Team") for g in sorted(team_active, key=order)[:MAX_TEAM_GOALS]))


def _visits(observations: list[Observation], notes: bool) -> tuple[Visit, ...]:
    latest = sorted(observations, key=lambda o: (o.date, o.row), reverse=True)[:MAX_OBSERVATIONS]
    return tuple(Visit(o.date, o.observer, o.type, o.focus_indicator, o.feedback_date, o.notes if notes else None)
                 for o in latest)


def _scores(scores: list[Score], rubric: Rubric, year_start: dt.date) -> ScoreGrid:
    """The mean score per indicator and visit date (co-observers of one lesson both count), this school year."""
    by_cell: dict[tuple[str, dt.date], list[float]] = defaultdict(list)
    for score in scores:
        if score.date >= year_start:
            by_cell[(score.indicator, score.date)].append(score.score)
    dates = sorted({day for _, day in by_cell})
    shown = tuple(dates[-MAX_SCORE_DATES:])
    rows = []
    for indicator in rubric.indicators:
        cells = []
        for day in shown:
            values = by_cell.get((indicator.code, day))
            mean = round(sum(values) / len(values), 2) if values else None
            cells.append(ScoreCell(mean, band_of(mean, rubric)) if mean is not None else None)
        if any(cell is not None for cell in cells):
            rows.append(ScoreRow(indicator.code, indicator.name, tuple(cells)))
    return ScoreGrid(shown, tuple(rows), len(dates) - len(shown))


def _cycle(cycles: list[LearningCycle], as_of: dt.date, notes: bool) -> Cycle | None:
    """The current learning cycle: the Active one that has started, else the next Planned, else the latest."""
    started = [c for c in cycles if c.status == "Active" and c.start_date <= as_of]
    planned = sorted((c for c in cycles if c.status == "Planned"), key=lambda c: c.start_date)
    latest = sorted(cycles, key=lambda c: (c.start_date, c.row))
    chosen = max(started, key=lambda c: c.start_date) if started else planned[0] if planned else latest[-1] if latest else None
    if chosen is None:
        return None
    return Cycle(chosen.cycle, chosen.start_date, chosen.end_date, chosen.focus_indicator, chosen.goal,
                 chosen.success_indicators, chosen.status, chosen.reflection if notes else None)


def _meetings(meetings: list[OneOnOne], as_of: dt.date, notes: bool) -> tuple[Meeting, ...]:
    latest = sorted(meetings, key=lambda m: (m.date, m.row), reverse=True)[:MAX_MEETINGS]
    newest = latest[0].date if latest else None
    return tuple(Meeting(m.date, m.led_by, m.kind, m.focus, m.next_steps, m.next_steps_due,
                         # past due: not followed by a later 1:1 that took them up, and the day has gone
                         m.next_steps_due is not None and m.next_steps_due < as_of and m.date == newest,
                         m.notes if notes else None)
                 for m in latest)


def build_pages(records: Records, settings: SchoolSettings, as_of: dt.date) -> tuple[list[TeacherPage], list[Unpaged]]:
    """One page per page owner (see :func:`page_owners`), each from that teacher's own records only."""
    owners, unpaged = page_owners(records.roster, settings)
    notes, rubric = settings.norms.teacher_pages_show_notes, settings.rubric
    steps, visits = _by_teacher(records.action_steps), _by_teacher(records.observations)
    scores, cycles, meetings = _by_teacher(records.scores), _by_teacher(records.learning_cycles), _by_teacher(records.one_on_ones)
    goals = _by_teacher(records.goals, "teacher_or_team")
    pages = [
        TeacherPage(owner, settings.school, rubric, as_of, notes,
                    steps=_steps(steps.get(owner.teacher, []), as_of, notes),
                    goals=_goals(goals.get(owner.teacher, []), goals.get(owner.team, []) if owner.team != owner.teacher else []),
                    visits=_visits(visits.get(owner.teacher, []), notes),
                    scores=_scores(scores.get(owner.teacher, []), rubric, settings.school_year_start),
                    cycle=_cycle(cycles.get(owner.teacher, []), as_of, notes),
                    meetings=_meetings(meetings.get(owner.teacher, []), as_of, notes))
        for owner in owners
    ]
    return pages, unpaged
