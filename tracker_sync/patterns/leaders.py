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
from tracker_sync.patterns.feedback import latency_summary
from tracker_sync.patterns.frames import Frames
from tracker_sync.patterns.people import school_leaders, team_leads
from tracker_sync.schemas import SchoolSettings


def lead_support(frames: Frames, settings: SchoolSettings, as_of: pd.Timestamp,
                 feedback: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(coverage, feedback) one level up.

    coverage: coverage() per active Team Lead, counting only visits and scores by school leaders
    (last visit, days since, visits in 14 and 30 days, scored observations and pace, `not_seen`).
    feedback: latency_summary() per school leader over their visits to Team Leads, from
    `feedback` (feedback_latency() of the whole school: the school days are counted once).
    """
    leaders, leads = school_leaders(frames, settings), team_leads(frames, settings)["teacher"]

    def by_leaders_to_leads(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """The rows of a leader's visit to a lead, with only the columns coverage() reads (a take
        of every column of every visit of the year would cost more than the rest together)."""
        kept = (frame["observer"].isin(leaders) & frame["teacher"].isin(leads)).to_numpy()
        return frame[columns][kept]

    up = replace(frames, roster=frames.roster[frames.roster["role"].isin(settings.norms.lead_roles)],
                 observations=by_leaders_to_leads(frames.observations, ["teacher", "date"]),
                 scores=by_leaders_to_leads(frames.scores, ["row", "date", "teacher", "type"]))
    norms = settings.norms.model_copy(update={"observed_roles": settings.norms.lead_roles})
    visits = feedback[feedback["observer"].isin(leaders) & feedback["teacher"].isin(leads)]
    return coverage(up, settings.model_copy(update={"norms": norms}), as_of), latency_summary(visits, "observer")
