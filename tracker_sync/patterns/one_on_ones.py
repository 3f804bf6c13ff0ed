"""1:1s: does every teacher meet their Team Lead, and every Team Lead a school leader, weekly or
bi-weekly, and are the next steps kept? (Seed 004, objective 1: weekly or bi-weekly 1:1s that end
with next steps and clear deadlines; seed 001, objective 1: check-ins with each Senior/Team Lead.)

Who the 1:1 is with comes from the Teacher column and the Roster's roles, not from Kind: a check-in
typed as "Teacher 1:1" still counts (the validator flags the Kind).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import DaysByName, Frames, day_numbers, days_between
from tracker_sync.patterns.people import (
    coached_teachers,
    school_leaders,
    team_leads,
    with_their_coach,
)
from tracker_sync.schemas import SchoolSettings

BY_COACH = ["coach", "people", "led_30d", "overdue", "median_days_since"]
BY_TEAM = ["team", "teachers", "met_recently", "overdue", "median_days_since", "next_steps_past_due"]


def meeting_cadence(people: pd.DataFrame, meetings: pd.DataFrame, as_of: pd.Timestamp, gap_days: int) -> pd.DataFrame:
    """Per person (`people`: teacher, team, team_lead): the last meeting with them, calendar days
    since, meetings in the last 30 days (today counts), all meetings, and `overdue`: none yet, or
    the last one `gap_days` or more days ago (as "not observed in 14 days" counts).

    Counted with numpy on positions in `people` (a school year of 1:1s in a millisecond or two)."""
    people = people.drop_duplicates("teacher") if not people["teacher"].is_unique else people
    at = pd.Index(people["teacher"]).get_indexer(meetings["teacher"])
    known = at >= 0
    at, day = at[known], day_numbers(meetings["date"])[known]
    today = int(np.datetime64(as_of.date(), "D").astype("int64"))
    size = len(people)
    last = np.full(size, np.iinfo("int64").min)
    np.maximum.at(last, at, day)
    total = np.bincount(at, minlength=size)
    met = total > 0
    days_since = np.where(met, today - last, np.nan)
    last_meeting = (np.where(met, last, 0) * 86_400).astype("datetime64[s]")
    last_meeting[~met] = np.datetime64("NaT")
    out = pd.DataFrame({
        "teacher": people["teacher"].to_numpy(), "team": people["team"].to_numpy(), "team_lead": people["team_lead"].to_numpy(),
        "last_meeting": last_meeting, "days_since": days_since,
        "meetings_30d": np.bincount(at[today - day < 30], minlength=size), "meetings_total": total,
        "overdue": ~met | (days_since >= gap_days),
    })
    return out.sort_values(["team", "teacher"]).reset_index(drop=True)


def one_on_one_cadence(frames: Frames, settings: SchoolSettings, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per active teacher a Team Lead coaches (observed roles, not a lead role): meeting_cadence over
    every 1:1 they had, against `one_on_one_gap_days`. Empty when the tracker has no 1:1 tab."""
    teachers = coached_teachers(frames, settings) if frames.tracks("one_on_ones") else frames.roster.iloc[:0]
    return meeting_cadence(teachers, frames.one_on_ones, as_of, settings.norms.one_on_one_gap_days)


def leader_check_ins(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """The 1:1s whose person is a Team Lead and whose Led By is a school leader."""
    meetings = frames.one_on_ones
    leads = team_leads(frames, settings)["teacher"]
    return meetings[meetings["teacher"].isin(leads) & meetings["led_by"].isin(school_leaders(frames, settings))]


def lead_check_ins(frames: Frames, settings: SchoolSettings, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per active Team Lead: meeting_cadence over their check-ins with a school leader, against
    `lead_check_in_gap_days`; `team_lead` is the Roster's Team Lead column of the lead (the school
    leader who coaches them). Empty when the tracker has no 1:1 tab."""
    leads = team_leads(frames, settings) if frames.tracks("one_on_ones") else frames.roster.iloc[:0]
    return meeting_cadence(leads, leader_check_ins(frames, settings), as_of, settings.norms.lead_check_in_gap_days)


def cadence_by_coach(cadence: pd.DataFrame, meetings: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per coach (the Roster's Team Lead column of the people in `cadence`, themselves aside): the
    people they coach, the 1:1s they led with them in the last 30 days, how many are overdue, and
    the median days since each one's last 1:1 (people never met left out of the median)."""
    coached = with_their_coach(cadence)
    if coached.empty:
        return pd.DataFrame(columns=BY_COACH)
    code, coaches = pd.factorize(coached["team_lead"], sort=True)
    # lists: iterating str columns is slow
    coach_of = dict(zip(coached["teacher"].tolist(), coached["team_lead"].tolist(), strict=True))
    recent = meetings[days_between(meetings["date"], as_of).to_numpy() < 30]
    led = Counter(lead for teacher, lead in zip(recent["teacher"].tolist(), recent["led_by"].tolist(), strict=True)
                  if coach_of.get(teacher) == lead)
    return pd.DataFrame({
        "coach": coaches, "people": np.bincount(code, minlength=len(coaches)),
        "led_30d": [led[coach] for coach in coaches],
        "overdue": np.bincount(code, weights=coached["overdue"].to_numpy(), minlength=len(coaches)).astype(int),
        "median_days_since": coached["days_since"].groupby(code).median().reindex(range(len(coaches))).to_numpy(),
    })


def next_steps(frames: Frames, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per 1:1 with a Next Steps Due date: the next 1:1 with the same person after it (where the
    steps are reviewed), and `past_due`: due before `as_of` with no 1:1 since to review them, for a
    person still Active on the Roster (a teacher who left has no next steps to keep)."""
    meetings = frames.one_on_ones
    due = meetings[meetings["next_steps_due"].notna()]
    search = DaysByName([meetings["teacher"]], meetings["date"], [due["teacher"]])
    after = search.position(due["date"], "right")  # the first 1:1 with the person dated after this one
    end = search.position(pd.Series(as_of, index=due.index), "right")
    reviewed = after < end
    rows = np.full(len(due), -1)
    rows[reviewed] = search.order[after[reviewed]]
    out = due[["row", "date", "teacher", "team", "led_by", "next_steps_due"]].reset_index(drop=True)
    out["reviewed_on"] = meetings["date"].array.take(rows, allow_fill=True)
    out["past_due"] = ~reviewed & (out["next_steps_due"] < as_of).to_numpy() & (due["teacher_status"] == "Active").to_numpy()
    out["days_past_due"] = days_between(out["next_steps_due"], as_of).where(out["past_due"])
    return out


def one_on_ones_by_team(cadence: pd.DataFrame, steps: pd.DataFrame) -> pd.DataFrame:
    """Per team (`cadence`: one_on_one_cadence): teachers, how many had a 1:1 within the norm and how
    many did not, the median days since each one's last 1:1, and next steps past due (`steps`:
    next_steps) under the team of the person met. Every past-due row counts, a Team Lead's own
    check-in with a school leader included: the same rows the Patterns list and the Flags show."""
    if cadence.empty:
        return pd.DataFrame(columns=BY_TEAM)
    late = Counter(steps.loc[steps["past_due"].to_numpy(bool), "team"].dropna().tolist())
    code, teams = pd.factorize(pd.concat([cadence["team"], pd.Series(sorted(late), dtype=object)], ignore_index=True), sort=True)
    code = code[:len(cadence)]
    overdue = cadence["overdue"].to_numpy(bool)
    return pd.DataFrame({
        "team": teams, "teachers": np.bincount(code, minlength=len(teams)),
        "met_recently": np.bincount(code, weights=~overdue, minlength=len(teams)).astype(int),
        "overdue": np.bincount(code, weights=overdue, minlength=len(teams)).astype(int),
        "median_days_since": cadence["days_since"].groupby(code).median().reindex(range(len(teams))).to_numpy(),
        "next_steps_past_due": [late[team] for team in teams],
    })
