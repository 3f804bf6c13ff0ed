"""1:1s: does every teacher meet their Team Lead, and every Team Lead a school leader, weekly or
bi-weekly, and are the next steps kept? (Seed 004, objective 1: weekly or bi-weekly 1:1s that end
with next steps and clear deadlines; seed 001, objective 1: check-ins with each Senior/Team Lead.)

Who the 1:1 is with comes from the Teacher column and the Roster's roles, not from Kind: a check-in
typed as "Teacher 1:1" still counts (the validator flags the Kind).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import DaysByName, Frames, days_between, summarise
from tracker_sync.patterns.people import coached_teachers, school_leaders, team_leads
from tracker_sync.schemas import SchoolSettings

CADENCE = ["teacher", "team", "team_lead", "last_meeting", "days_since", "meetings_30d", "meetings_total", "overdue"]
BY_COACH = ["coach", "people", "led_30d", "overdue", "median_days_since"]


def meeting_cadence(people: pd.DataFrame, meetings: pd.DataFrame, as_of: pd.Timestamp, gap_days: int) -> pd.DataFrame:
    """Per person (`people`: teacher, team, team_lead): the last meeting with them, calendar days
    since, meetings in the last 30 days (today counts), all meetings, and `overdue`: none yet, or
    the last one `gap_days` or more days ago (as "not observed in 14 days" counts)."""
    days_ago = days_between(meetings["date"], as_of)
    dated = pd.DataFrame({"teacher": meetings["teacher"], "date": meetings["date"], "in_30": days_ago < 30})
    per_person = summarise(dated, "teacher", last_meeting=("date", "max"), meetings_30d=("in_30", "sum"),
                           meetings_total=("date", "size"))
    out = people[["teacher", "team", "team_lead"]].join(per_person, on="teacher")
    out["days_since"] = days_between(out["last_meeting"], as_of)
    for column in ("meetings_30d", "meetings_total"):
        out[column] = out[column].fillna(0).astype(int)
    out["overdue"] = out["days_since"].isna() | (out["days_since"] >= gap_days)
    return out.sort_values(["team", "teacher"]).reset_index(drop=True)[CADENCE]


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
    coached = cadence[cadence["team_lead"].notna() & (cadence["teacher"] != cadence["team_lead"])]
    if coached.empty:
        return pd.DataFrame(columns=BY_COACH)
    out = summarise(coached, "team_lead", people=("teacher", "size"), overdue=("overdue", "sum"),
                    median_days_since=("days_since", "median"))
    coach_of = coached.set_index("teacher")["team_lead"]
    recent = meetings[(days_between(meetings["date"], as_of) < 30).to_numpy()]
    own = recent[recent["led_by"].to_numpy(object) == recent["teacher"].map(coach_of).to_numpy(object)]
    out["led_30d"] = own.groupby("led_by").size().reindex(out.index).fillna(0).astype(int)
    out["overdue"] = out["overdue"].astype(int)
    return out.rename_axis("coach").reset_index()[BY_COACH]


def next_steps(frames: Frames, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per 1:1 with a Next Steps Due date: the next 1:1 with the same person after it (where the
    steps are reviewed), and `past_due`: due before `as_of` with no 1:1 since to review them."""
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
    out["past_due"] = ~reviewed & (out["next_steps_due"] < as_of).to_numpy()
    out["days_past_due"] = days_between(out["next_steps_due"], as_of).where(out["past_due"])
    return out
