"""Validated records -> pandas frames, and the small date helpers every pattern shares.

Dates become ``datetime64`` columns (NaT for blanks) so that every pattern is vectorised; a school
year of rows (about 10k) turns into frames in a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from tracker_sync.schemas import SchoolSettings

if TYPE_CHECKING:
    from tracker_sync.validate import Records

OPEN_STEP_STATUSES = ("Not Started", "In Progress", "Carried Over")
CLOSED_STEP_STATUSES = ("Met", "Not Met")
REOPENED_STATUS = "In Progress"  # a step closed after an earlier date was open on it

_COLUMNS = {
    "roster": ["row", "teacher", "email", "team", "team_lead", "role", "subject", "grade_band", "years_experience", "status",
               "visits_per_week"],
    "observations": ["row", "date", "teacher", "observer", "type", "focus_indicator", "feedback_date", "learning_cycle"],
    "scores": ["row", "date", "teacher", "observer", "type", "indicator", "score"],
    "action_steps": ["row", "date_set", "teacher", "set_by", "indicator", "due_date", "status", "date_completed"],
    "learning_cycles": ["row", "teacher", "cycle", "start_date", "end_date", "focus_indicator", "status"],
    "one_on_ones": ["row", "date", "teacher", "led_by", "kind", "next_steps_due"],
    "goals": ["row", "teacher_or_team", "kind", "indicator", "baseline", "target", "set_date", "last_check_in", "status"],
}
_NUMBERS = {"row": "int64", "score": "float64"}
_DATES = {"date", "feedback_date", "date_set", "due_date", "date_completed", "start_date", "end_date",
          "next_steps_due", "set_date", "last_check_in"}


@dataclass(frozen=True)
class Frames:
    """The validated records as DataFrames, each with the teacher's team and Team Lead joined on.

    Notes, goals and evidence text are left out on purpose: no pattern reads them. A goal's
    ``team`` is its teacher's team, or the team itself for a team goal (``is_team``).
    """

    roster: pd.DataFrame
    observations: pd.DataFrame
    scores: pd.DataFrame
    action_steps: pd.DataFrame
    learning_cycles: pd.DataFrame
    one_on_ones: pd.DataFrame
    goals: pd.DataFrame
    #: Records names whose tab the tracker lacks (or could not read): patterns that would count an
    #: absence ("no 1:1 in 14 days") skip them instead of flagging everyone.
    untracked: frozenset[str] = frozenset()

    def tracks(self, name: str) -> bool:
        return name not in self.untracked

    def until(self, as_of: dt.date) -> Frames:
        """Only what had happened by `as_of`: visits, scores, steps set and cycles started by then."""
        day = pd.Timestamp(as_of)
        return replace(
            self,
            observations=self.observations[self.observations["date"] <= day],
            scores=self.scores[self.scores["date"] <= day],
            action_steps=self.action_steps[self.action_steps["date_set"] <= day],
            learning_cycles=self.learning_cycles[self.learning_cycles["start_date"] <= day],
            one_on_ones=self.one_on_ones[self.one_on_ones["date"] <= day],
            goals=self.goals[self.goals["set_date"] <= day],
        )

    def state_on(self, day: dt.date) -> Frames:
        """The tracker as it stood on `day`, read from today's rows (what trends recompute from).

        On top of `until`: a feedback meeting dated after `day` had not happened (the visit was
        waiting); a step Met or Not Met with a Date Completed after `day` was still open (In
        Progress). A step closed with no Date Completed keeps its status from its Date Set: the
        tracker does not say when it closed, and guessing would invent overdue steps. The Roster
        is as it is today (team, status, experience); it keeps no history.
        """
        known = self.until(day)
        when = pd.Timestamp(day)
        obs, steps = known.observations, known.action_steps
        later = obs["feedback_date"] > when
        if later.any():
            obs = obs.assign(feedback_date=obs["feedback_date"].mask(later))
        reopened = steps["status"].isin(CLOSED_STEP_STATUSES) & (steps["date_completed"] > when)
        if reopened.any():
            steps = steps.assign(status=steps["status"].mask(reopened, REOPENED_STATUS),
                                 date_completed=steps["date_completed"].mask(reopened))
        return replace(known, observations=obs, action_steps=steps)

    @cached_property
    def daily_scores(self) -> pd.DataFrame:
        """One score per teacher, indicator and day (two observers on one day are averaged), sorted by
        teacher, indicator and date; computed once, as growth and cycle growth both start from it.

        The same rows as ``scores.groupby(["teacher", "indicator", "date"]).mean()``, grouped on
        integer codes (the schema makes all three keys required, so none is blank)."""
        scores = self.scores
        teacher, _ = pd.factorize(scores["teacher"], sort=True)
        indicator, _ = pd.factorize(scores["indicator"], sort=True)
        day = scores["date"].to_numpy()
        order = np.lexsort((day, indicator, teacher))
        teacher, indicator, day = teacher[order], indicator[order], day[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = (teacher[1:] != teacher[:-1]) | (indicator[1:] != indicator[:-1]) | (day[1:] != day[:-1])
        group = np.empty(len(order), dtype="int64")
        group[order] = np.cumsum(starts) - 1
        daily = scores[["teacher", "indicator", "date"]].take(order[starts]).reset_index(drop=True)
        daily["score"] = scores["score"].groupby(group).mean().to_numpy()  # pandas' own mean, same rounding
        return daily


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _dates(values: list[dt.date | None]) -> np.ndarray:
    """Dates (None for a blank) as datetime64[s], by day number: pd.to_datetime on a column of date
    objects costs about a millisecond a column, several times this."""
    ordinals = np.array([0 if value is None else value.toordinal() for value in values], dtype="int64")
    dates = ((ordinals - _EPOCH) * 86_400).astype("datetime64[s]")
    dates[ordinals == 0] = np.datetime64("NaT")
    return dates


def _frame(fields: dict[str, list[Any]], columns: list[str]) -> pd.DataFrame:  # each column its field's type
    """One tab's records (the validator's columns) as typed columns; a tab with no rows gets object
    columns, as pandas gives."""
    length = len(next(iter(fields.values()), []))
    data: dict[str, object] = {}
    for column in columns:
        values = fields.get(column) or [None] * length
        if column in _DATES:
            data[column] = _dates(values)
        elif column in _NUMBERS:
            data[column] = np.asarray(values, dtype=_NUMBERS[column])
        else:
            data[column] = list(values) if length else np.array(values, dtype=object)
    return pd.DataFrame(data)


def to_frames(records: Records) -> Frames:
    """Records -> DataFrames straight from the validator's columns (no dict or pydantic model per
    row); empty tabs give empty frames with the right columns."""
    tables = {name: _frame(records.columns(name), columns) for name, columns in _COLUMNS.items()}
    people = tables["roster"].drop_duplicates("teacher").set_index("teacher")
    for name in ("observations", "scores", "action_steps", "learning_cycles", "one_on_ones"):
        teacher = tables[name]["teacher"]
        for column, joined in (("team", "team"), ("team_lead", "team_lead"), ("status", "teacher_status")):
            tables[name][joined] = teacher.map(people[column])
    goals, owner = tables["goals"], tables["goals"]["teacher_or_team"]
    goals["is_team"] = ~owner.isin(people.index)  # the validator let through only Roster people and teams
    goals["team"] = owner.map(people["team"]).where(~goals["is_team"], owner)
    return Frames(**tables, untracked=records.untracked)


def summarise(frame: pd.DataFrame, by: str | list[str], **columns: tuple[str, str]) -> pd.DataFrame:
    """Grouped figures, e.g. summarise(scores, "team", mean=("score", "mean"), n=("score", "size")).

    The same as pandas' named aggregation, several times faster on small frames (one grouping, one
    plain reduction per column), which keeps a whole school's patterns well under a tenth of a second.
    """
    grouped = frame.groupby(by)
    return pd.DataFrame({name: getattr(grouped[column], how)() for name, (column, how) in columns.items()})


def positions(values: pd.Series, among: Iterable[object]) -> np.ndarray:
    """Each value's position in `among` (distinct labels: teams, teachers, codes); -1 where it is
    not there or blank. The integer codes the vectorised patterns count with."""
    return np.asarray(pd.Index(among).get_indexer(values), dtype="int64")


def observed_teachers(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """Active staff whose classrooms are observed (a blank role counts as Teacher)."""
    roster = frames.roster
    observed = roster["role"].isna() | roster["role"].isin(settings.norms.observed_roles)
    return roster[(roster["status"] == "Active") & observed]


def days_between(start: pd.Series, end: pd.Timestamp | pd.Series) -> pd.Series:
    """Calendar days from start to end (NaN where start is blank)."""
    return (end - start).dt.days.astype("float64")


def school_days_between(start: pd.Series, end: pd.Series, holidays: frozenset[dt.date]) -> pd.Series:
    """School days from start (exclusive) to end (inclusive): weekends and holidays skipped.

    An observation on Monday with feedback on Tuesday is 1 school day; feedback the same day is 0.
    """
    result = pd.Series(np.nan, index=start.index, dtype="float64")
    begin_all, finish_all = pd.to_datetime(start), pd.to_datetime(end)
    known = (begin_all.notna() & finish_all.notna()).to_numpy()
    if known.any():
        begin = begin_all[known].to_numpy().astype("datetime64[D]")
        finish = finish_all[known].to_numpy().astype("datetime64[D]")
        days = np.busday_count(begin + 1, finish + 1, holidays=np.array(sorted(holidays), dtype="datetime64[D]"))
        result[known] = np.maximum(days, 0)
    return result


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Whole days since 1970, as integers (the tabs hold dates, never times of day)."""
    return np.asarray(dates.to_numpy().astype("datetime64[D]")).astype("int64")


class DaysByName:
    """Dated events (visits, daily scores) sorted by name and day, so that "the events of this
    name up to that day" is a binary search per query instead of a merge of every query with every
    event. A name is one column (a teacher) or several (a teacher and an indicator); events and
    queries with the same name values match, blanks included, as they would in a merge."""

    def __init__(self, event_names: list[pd.Series], event_days: pd.Series, query_names: list[pd.Series]) -> None:
        events = len(event_days)
        code = np.zeros(events + len(query_names[0]), dtype="int64")
        for names, asked in zip(event_names, query_names, strict=True):
            part, uniques = pd.factorize(np.concatenate([names.to_numpy(object), asked.to_numpy(object)]))
            code = code * (len(uniques) + 1) + part + 1  # a blank name (code -1) becomes 0
        days = day_numbers(event_days)
        self.order = np.lexsort((days, code[:events]))  #: event row at each sorted position
        self._low = int(days.min(initial=0)) - 1
        self._width = int(days.max(initial=0)) + 2 - self._low
        self._key = code[:events][self.order] * self._width + (days[self.order] - self._low)
        self._asked = code[events:] * self._width

    def first(self) -> np.ndarray:
        """Per query: the sorted position where its name's events begin."""
        return np.searchsorted(self._key, self._asked)

    def position(self, days: pd.Series, side: Literal["left", "right"]) -> np.ndarray:
        """Per query: the sorted position of its name's events dated before (side="left") or on or
        before (side="right") its day."""
        offset = np.clip(day_numbers(days) - self._low, 0, self._width - 1)
        return np.asarray(np.searchsorted(self._key, self._asked + offset, side=side))


def rubric_order(settings: SchoolSettings) -> dict[str, int]:
    return {code: i for i, code in enumerate(settings.rubric.codes)}


def cycle_stop(cycles: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """The last day each learning cycle counts up to: its end date, or `as_of` while it runs."""
    return cycles["end_date"].where(cycles["end_date"] < as_of, as_of)
