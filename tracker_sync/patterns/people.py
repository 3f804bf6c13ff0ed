"""Who is who by Roster role: the teachers Team Leads coach, the Team Leads, and the school leaders.

Roles are per-school norms (`lead_roles`, `school_leader_roles`, `observed_roles`), so a school that
calls its leads "Senior Team Lead" or adds a Dean changes its settings, not this code.
"""

from __future__ import annotations

import pandas as pd

from tracker_sync.patterns.frames import Frames, observed_teachers
from tracker_sync.schemas import SchoolSettings


def coached_teachers(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """Active observed staff who do not lead a team: the teachers a Team Lead holds 1:1s with."""
    observed = observed_teachers(frames, settings)
    return observed[~observed["role"].isin(settings.norms.lead_roles)]


def with_their_coach(people: pd.DataFrame) -> pd.DataFrame:
    """The rows of `people` (a frame with `teacher` and `team_lead`) that name someone else as their
    coach: who a coach's figures count (a lead is not their own coach)."""
    return people[people["team_lead"].notna() & (people["teacher"] != people["team_lead"])]


def team_leads(frames: Frames, settings: SchoolSettings) -> pd.DataFrame:
    """Active staff in a lead role; their Team Lead column names the school leader who coaches them."""
    roster = frames.roster
    return roster[(roster["status"] == "Active") & roster["role"].isin(settings.norms.lead_roles)]


def school_leaders(frames: Frames, settings: SchoolSettings) -> set[str]:
    """Names of the school leaders (Principal, Assistant Principal by default), whatever their status:
    a visit by a principal who has since left was still a school leader's visit."""
    roster = frames.roster
    return set(roster.loc[roster["role"].isin(settings.norms.school_leader_roles), "teacher"])
