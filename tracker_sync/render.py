"""Render the tool tabs (Summary, Patterns, Flags, Sync Log) as plain ToolTab data for any backend.

Pure: validation result + patterns + previous Sync Log lines in, ToolTab objects out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tracker_sync.backends.base import Block, Grid, Link, ToolTab
from tracker_sync.findings import Finding, count_by_severity
from tracker_sync.patterns import Patterns
from tracker_sync.schemas import SchoolSettings
from tracker_sync.validate import ValidationResult

FLAGS_HEADER = ["Severity", "Tab", "Row", "Column", "Value", "Problem", "How to fix", "Code", "Go to cell"]
SYNC_LOG_HEADER = ["Synced at (UTC)", "As of", "Rows read", "Errors", "Warnings", "Duration (s)", "Outcome"]


def _num(value: float | None, digits: int = 1) -> float | str:
    """A rounded number for a cell, or '' when there is none (NaN, None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return round(float(value), digits)


def _table(rows: list[list], header: list[str], at_row: int) -> tuple[list[list], list[Block]]:
    return [header, *rows], [Block("header", at_row, 0, 1, len(header))]


def render_flags(findings: list[Finding], tab_ids: dict[str, int]) -> ToolTab:
    """One row per finding, in tab and row order, each with a link that jumps to the cell."""
    rows: list[list] = [FLAGS_HEADER]
    blocks = [Block("header", 0, 0, 1, len(FLAGS_HEADER))]
    for finding in findings:
        link = Link("Go to cell", finding.tab, finding.cell) if finding.cell and finding.tab in tab_ids else ""
        rows.append([
            finding.severity, finding.tab, finding.row or "", f"{finding.column or ''} {finding.header or ''}".strip(),
            finding.value, finding.message, finding.hint, finding.code, link,
        ])
        blocks.append(Block(finding.severity, len(rows) - 1, 0))
    if not findings:
        rows.append(["", "", "", "", "", "No problems found. Thank you!", "", "", ""])
    return ToolTab("Flags", rows, blocks, column_widths=[9, 16, 6, 18, 22, 48, 52, 24, 11], frozen_rows=1)


def render_summary(settings: SchoolSettings, result: ValidationResult, patterns: Patterns) -> ToolTab:
    """One screen: headline numbers, then one line per team."""
    h = patterns.headline
    counts = count_by_severity(result.findings)
    rows: list[list] = [
        [f"{settings.school}: coaching summary"],
        [f"As of {patterns.as_of.isoformat()}"],
        [],
        ["Teachers not observed in the last %d days" % settings.norms.observation_gap_days, h.teachers_not_seen],
        ["Median school days from observation to feedback", _num(h.median_feedback_school_days)],
        ["Overdue action steps", h.overdue_action_steps],
        ["Rows to fix (see Flags)", counts["error"]],
        [],
    ]
    blocks = [Block("title", 0, 0), Block("note", 1, 0)]
    header = ["Team", "Teachers", "Observations (14 days)", "Not seen", "Mean score", "Share below " + settings.rubric.meeting_band,
              "Median feedback (school days)", "Feedback pending", "Open steps", "Overdue steps"]
    team_rows = []
    cov, fb, steps, scores = patterns.coverage, patterns.feedback, patterns.action_steps, patterns.heatmap
    for team in sorted(set(cov["team"].dropna())):
        team_scores = scores[scores["team"] == team]
        n = team_scores["n"].sum()
        mean = (team_scores["mean"] * team_scores["n"]).sum() / n if n else None
        below = (team_scores["share_below"] * team_scores["n"]).sum() / n if n else None
        team_fb = fb[fb["team"] == team]
        team_steps = steps[steps["team"] == team]
        team_cov = cov[cov["team"] == team]
        team_rows.append([
            team, len(team_cov), int(team_cov["observations_14d"].sum()), int(team_cov["not_seen"].sum()),
            _num(mean, 2), _num(below * 100 if below is not None else None, 0),
            _num(team_fb["school_days"].median()), int(team_fb["overdue_pending"].sum()),
            int(team_steps["open"].sum()), int(team_steps["overdue"].sum()),
        ])
    table, table_blocks = _table(team_rows, header, len(rows))
    blocks += table_blocks
    rows += table
    return ToolTab("Summary", rows, blocks, column_widths=[46, 10, 12, 10, 10, 12, 14, 12, 10, 10], frozen_rows=0)


def render_patterns(settings: SchoolSettings, patterns: Patterns) -> ToolTab:
    """Heat map first (color scale), then coverage, feedback and action steps."""
    rubric = settings.rubric
    rows: list[list] = [[f"{settings.school}: patterns for the ILT"], [f"As of {patterns.as_of.isoformat()}"], []]
    blocks = [Block("title", 0, 0), Block("note", 1, 0)]

    rows.append([f"Mean {rubric.short_name} score by team and indicator (scale {rubric.scale_min:g}-{rubric.scale_max:g}; n = number of scores; cells with n < {settings.norms.heatmap_min_n} are left blank)"])
    blocks.append(Block("title", len(rows) - 1, 0))
    heat = patterns.heatmap
    teams = sorted(set(heat["team"]))
    header_at = len(rows)
    rows.append(["Team", *rubric.codes, "n"])
    blocks.append(Block("header", header_at, 0, 1, len(rubric.codes) + 2))
    for team in teams:
        cells = heat[heat["team"] == team].set_index("indicator")
        line: list = [team]
        for code in rubric.codes:
            shown_value = code in cells.index and cells.at[code, "n"] >= settings.norms.heatmap_min_n
            line.append(_num(cells.at[code, "mean"], 2) if shown_value else "")
        line.append(int(cells["n"].sum()))
        rows.append(line)
    if teams:
        blocks.append(Block("heatmap", header_at + 1, 1, len(teams), len(rubric.codes)))
    rows.append([])

    def section(title: str, header: list[str], body: list[list]) -> None:
        rows.append([title])
        blocks.append(Block("title", len(rows) - 1, 0))
        table, table_blocks = _table(body, header, len(rows))
        rows.extend(table)
        blocks.extend(table_blocks)
        rows.append([])

    cov = patterns.coverage
    section(
        f"Coverage: teachers not observed in {settings.norms.observation_gap_days}+ days",
        ["Teacher", "Team", "Team Lead", "Last observed", "Days since", "Observations (14 days)", "Observations (30 days)"],
        [[r.teacher, r.team, r.team_lead or "", r.last_observed if isinstance(r.last_observed, dt.date) else "never",
          _num(r.days_since, 0), r.observations_14d, r.observations_30d]
         for r in cov[cov["not_seen"]].sort_values("days_since", ascending=False, na_position="first").itertuples()],
    )
    fb = patterns.feedback
    by_observer = fb.groupby("observer").agg(
        visits=("row", "size"), median=("school_days", "median"),
        within=("within_norm", "sum"), delivered=("school_days", "count"), pending=("overdue_pending", "sum"),
    ).reset_index()
    section(
        f"Feedback: school days from observation to feedback meeting (norm: within {settings.norms.feedback_within_school_days})",
        ["Observer", "Observations", "Median school days", "Within norm", "Pending past norm"],
        [[r.observer, r.visits, _num(r.median), f"{int(r.within)}/{int(r.delivered)}", int(r.pending)] for r in by_observer.itertuples()],
    )
    steps = patterns.action_steps
    by_team = steps.groupby("team").agg(total=("row", "size"), open=("open", "sum"), overdue=("overdue", "sum")).reset_index()
    section(
        "Action steps",
        ["Team", "Action steps", "Open", "Overdue"],
        [[r.team, r.total, int(r.open), int(r.overdue)] for r in by_team.itertuples()],
    )
    widths = [22] + [7] * len(rubric.codes) + [8]
    return ToolTab("Patterns", rows, blocks, column_widths=widths)


@dataclass(frozen=True)
class SyncLogLine:
    synced_at: dt.datetime
    as_of: dt.date
    rows_read: dict[str, int]
    errors: int
    warnings: int
    duration_s: float
    outcome: str

    def cells(self) -> list:
        rows = ", ".join(f"{tab} {n}" for tab, n in self.rows_read.items())
        return [self.synced_at.strftime("%Y-%m-%d %H:%M:%S"), self.as_of.isoformat(), rows,
                self.errors, self.warnings, round(self.duration_s, 2), self.outcome]


def render_sync_log(line: SyncLogLine, previous: Grid | None, max_lines: int) -> ToolTab:
    """Newest line first, then the earlier lines as they were, cut to max_lines."""
    earlier = [r for r in (previous or [])[1:] if any(c not in (None, "") for c in r)]
    rows = [SYNC_LOG_HEADER, line.cells(), *earlier][: max_lines + 1]
    return ToolTab("Sync Log", rows, [Block("header", 0, 0, 1, len(SYNC_LOG_HEADER))],
                   column_widths=[20, 11, 70, 8, 9, 12, 12], frozen_rows=1)

