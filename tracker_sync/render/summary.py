"""The Summary tab: what a principal reads in ten seconds, then one line per team."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tracker_sync.patterns import Patterns
from tracker_sync.render.attention import headline_trend_rows
from tracker_sync.render.layout import GAP, Column, Line, Table, layout_tab
from tracker_sync.render.plain import plain, plain_rows
from tracker_sync.render.practice_sections import summary_measures
from tracker_sync.schemas import SchoolSettings
from tracker_sync.tabs import ToolCell, ToolTab
from tracker_sync.validate import ValidationResult
from tracker_sync.validate.findings import count_by_severity


def updated_line(settings: SchoolSettings, synced_at: dt.datetime) -> Line:
    """'Updated 2026-12-18 07:45 MST', in the school's own time zone: the sync that wrote these numbers
    (a later sync that finds nothing changed writes nothing, on Google not even this line)."""
    local = synced_at.astimezone(ZoneInfo(settings.timezone))
    return Line(f"Updated {local:%Y-%m-%d %H:%M} {local.tzname()} by tracker-sync, "
                "which rewrites this tab when a number changes.",
                "note", stamp=True)


def render_summary(settings: SchoolSettings, result: ValidationResult, patterns: Patterns, synced_at: dt.datetime) -> ToolTab:
    """Headline numbers with their norms first, then the team table."""
    h, norms, rubric = patterns.headline, settings.norms, settings.rubric
    feedback = patterns.feedback_overall
    errors = count_by_severity(result.findings)["error"]
    measures: list[tuple[Column, ToolCell, ToolCell, bool]] = [
        (Column(f"Teachers not observed in {norms.observation_gap_days} days", "int"), h.teachers_not_seen, 0,
         h.teachers_not_seen > 0),
        (Column("Median school days to feedback", "mean"), h.median_feedback_school_days,
         f"at most {norms.feedback_within_school_days}",
         h.median_feedback_school_days is not None and h.median_feedback_school_days > norms.feedback_within_school_days),
        (Column(f"Feedback within {norms.feedback_within_school_days} school days", "share"), plain(feedback["share_within"]),
         1.0, feedback["share_within"] is not None and feedback["share_within"] < 1),
        (Column("Overdue action steps", "int"), h.overdue_action_steps, 0, h.overdue_action_steps > 0),
        (Column("Rows to fix (Flags tab)", "int"), errors, 0, errors > 0),
        *summary_measures(settings, patterns),
    ]
    headline = Table([Column("Headline"), *(m[0] for m in measures)],
                     [["Now", *(m[1] for m in measures)], *headline_trend_rows(patterns), ["Norm", *(m[2] for m in measures)]],
                     marks={(0, i + 1): "error" for i, m in enumerate(measures) if m[3]})
    teams = Table(
        [Column("Team"), Column("Teachers", "int"), Column("Visits (14 days)", "int"),
         Column(f"Not seen {norms.observation_gap_days}+ days", "int"), Column("Behind on scored obs.", "int"),
         Column("Mean score", "mean"), Column(f"% below {rubric.meeting_band}", "share"), Column("Lowest indicator"),
         Column(f"% feedback within {norms.feedback_within_school_days} days", "share"), Column("Feedback pending", "int"),
         Column("Open steps", "int"), Column("Overdue steps", "int")],
        plain_rows(patterns.teams, ["team", "teachers", "observations_14d", "not_seen", "behind_scored", "mean", "share_below",
                                    "lowest", "share_within", "pending_past_norm", "open", "overdue"]),
        title="By team", empty="No teams on the Roster yet.")
    items: list[Line | Table] = [
        Line(f"{settings.school}: coaching summary", "title"),
        Line(f"As of {patterns.as_of.isoformat()}. Details on the Patterns tab; what to fix on the Flags tab.", "note"),
        updated_line(settings, synced_at), GAP, headline, GAP, teams,
    ]
    return layout_tab("Summary", items)
