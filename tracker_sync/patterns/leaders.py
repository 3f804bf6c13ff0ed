"""One level up: how school leaders support their Team Leads (seed 001: "leaders are learners too";
observe Senior/Team Leads in action, give actionable feedback, hold regular check-ins).

The same coverage and feedback patterns as for teachers, run on Team Leads (`lead_roles`) as the
observed and school leaders (`school_leader_roles`) as the observers, so a principal sees their own
leaders' support reported apart from the teachers'. The 1:1 side is one_on_ones.lead_check_ins.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from tracker_sync.patterns.coverage import coverage
from tracker_sync.patterns.feedback import feedback_latency, latency_summary
from tracker_sync.patterns.frames import Frames
from tracker_sync.patterns.people import school_leaders, team_leads
from tracker_sync.schemas import SchoolSettings


def _leads_by_leaders(frames: Frames, settings: SchoolSettings) -> tuple[Frames, SchoolSettings]:
    """Frames holding only the Team Leads (as the Roster) and the visits and scores school leaders
    gave them, and settings whose observed roles are the lead roles."""
    leaders = school_leaders(frames, settings)
    leads = team_leads(frames, settings)
    obs, scores = frames.observations, frames.scores
    up = replace(frames, roster=frames.roster[frames.roster["role"].isin(settings.norms.lead_roles)],
                 observations=obs[obs["observer"].isin(leaders) & obs["teacher"].isin(leads["teacher"])],
                 scores=scores[scores["observer"].isin(leaders) & scores["teacher"].isin(leads["teacher"])])
    norms = settings.norms.model_copy(update={"observed_roles": settings.norms.lead_roles})
    return up, settings.model_copy(update={"norms": norms})


def lead_support(frames: Frames, settings: SchoolSettings, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(coverage, feedback): coverage() per active Team Lead counting only visits and scores by
    school leaders (last visit, days since, visits in 14 and 30 days, scored observations and pace,
    `not_seen`), and latency_summary() per school leader over their visits to Team Leads."""
    up, up_settings = _leads_by_leaders(frames, settings)
    return coverage(up, up_settings, as_of), latency_summary(feedback_latency(up, up_settings, as_of), "observer")
