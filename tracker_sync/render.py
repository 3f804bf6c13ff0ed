"""Render the tool tabs (Summary, Patterns, Flags, Sync Log) as plain ToolTab data for any backend.

Pure: validation result + patterns + previous Sync Log lines in, ToolTab objects out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker_sync.backends.base import Block, Grid, Link, ToolTab
from tracker_sync.findings import Finding, count_by_severity
from tracker_sync.patterns import WHOLE_SCHOOL, Patterns
from tracker_sync.practice import PRACTICE_FLAG_TYPES, PracticeFlag
from tracker_sync.schemas import SchoolSettings
from tracker_sync.validate import ValidationResult

FLAGS_HEADER = ["Severity", "Tab", "Row", "Column", "Value", "Problem", "How to fix", "Code", "Go to cell"]
SYNC_LOG_HEADER = ["Synced at (UTC)", "As of", "Rows read", "Errors", "Warnings", "Duration (s)", "Outcome"]


def _num(value: float | None, digits: int = 1) -> float | str:
    """A rounded number for a cell, or '' when there is none (NaN, None)."""
    if value is None or pd.isna(value):
        return ""
    return round(float(value), digits)


def _plain(value):
    """A cell as plain Python (backends serialise cells; numpy scalars and Timestamps are not)."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _plain_rows(rows: list[list]) -> list[list]:
    return [[_plain(v) for v in row] for row in rows]


def _table(rows: list[list], header: list[str], at_row: int) -> tuple[list[list], list[Block]]:
    return [header, *rows], [Block("header", at_row, 0, 1, len(header))]


PRACTICE_HEADER = ["Flag", "Who", "Team", "Norm", "What the tracker shows", "Suggestion", "Code", "Go to row"]


def render_flags(findings: list[Finding], tab_ids: dict[str, int], practice: Sequence[PracticeFlag] = ()) -> ToolTab:
    """Data findings first (one row each, in tab and row order, with a link to the cell), then the
    practice flags in their own section (norms the school set; links to the evidence row)."""
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
    rows += [[], [f"Practice flags: where coaching is off the norms this school set ({len(practice)})"]]
    blocks.append(Block("title", len(rows) - 1, 0))
    rows.append(PRACTICE_HEADER)
    blocks.append(Block("header", len(rows) - 1, 0, 1, len(PRACTICE_HEADER)))
    for flag in practice:
        link = Link("Go to row", flag.tab, f"A{flag.row}") if flag.tab in tab_ids and flag.row else ""
        rows.append([PRACTICE_FLAG_TYPES[flag.code], flag.who, flag.team, flag.norm, flag.detail, flag.suggestion, flag.code, link])
        blocks.append(Block("warning", len(rows) - 1, 0))
    if not practice:
        rows.append(["", "", "", "", "Every norm is met. Well done!", "", "", ""])
    return ToolTab("Flags", _plain_rows(rows), blocks, column_widths=[22, 18, 16, 30, 52, 52, 24, 11], frozen_rows=1)


def _percent(share: float | None) -> float | str:
    return _num(share * 100 if share is not None and not pd.isna(share) else None, 0)


def _day(value) -> dt.date | str:
    return value.date() if isinstance(value, pd.Timestamp) and not pd.isna(value) else ""


def render_summary(settings: SchoolSettings, result: ValidationResult, patterns: Patterns) -> ToolTab:
    """One screen: headline numbers, then one line per team."""
    h = patterns.headline
    counts = count_by_severity(result.findings)
    norms = settings.norms
    rows: list[list] = [
        [f"{settings.school}: coaching summary"],
        [f"As of {patterns.as_of.isoformat()}. Details on the Patterns tab; what to fix on the Flags tab."],
        [],
        [f"Teachers not observed in the last {norms.observation_gap_days} days", h.teachers_not_seen],
        ["Median school days from observation to feedback", _num(h.median_feedback_school_days)],
        ["Overdue action steps", h.overdue_action_steps],
        ["Rows to fix (see Flags)", counts["error"]],
        [],
    ]
    blocks = [Block("title", 0, 0), Block("note", 1, 0)]
    header = ["Team", "Teachers", "Visits (14 days)", f"Not seen {norms.observation_gap_days}+ days",
              "Behind on scored obs.", "Mean score", f"% below {settings.rubric.meeting_band}", "Lowest indicator",
              f"% feedback within {norms.feedback_within_school_days} days", "Feedback pending", "Open steps",
              "Overdue steps"]
    summary = team_summary(settings, patterns)
    body = [[r.team, r.teachers, r.observations_14d, r.not_seen, r.behind_scored, _num(r.mean, 1), _percent(r.share_below),
             r.lowest, _percent(r.share_within), r.pending_past_norm, r.open, r.overdue] for r in summary.itertuples()]
    table, table_blocks = _table(body, header, len(rows))
    blocks += table_blocks
    rows += table
    return ToolTab("Summary", _plain_rows(rows), blocks, column_widths=[46, 10, 10, 10, 12, 10, 10, 12, 14, 10, 10, 10], frozen_rows=0)


def team_summary(settings: SchoolSettings, patterns: Patterns) -> pd.DataFrame:
    """One row per team: the figures of the Summary tab (and the brief's team table)."""
    cov = patterns.coverage_by_team.set_index("team")
    heat = patterns.heatmap
    teams = sorted(set(cov.index) | set(heat["team"]))
    out = pd.DataFrame(index=pd.Index(teams, name="team"))
    out = out.join(cov[["teachers", "observations_14d", "not_seen", "behind_scored"]])
    weighted = heat.assign(total=heat["mean"] * heat["n"], below=heat["share_below"] * heat["n"]).groupby("team")[["total", "below", "n"]].sum()
    out["mean"] = weighted["total"] / weighted["n"]
    out["share_below"] = weighted["below"] / weighted["n"]
    lowest = patterns.lowest_indicators
    first = lowest[lowest["rank"] == 1].set_index("scope")["indicator"]
    out["lowest"] = first.reindex(out.index).fillna("")
    out = out.join(patterns.feedback_by_team.set_index("team")[["share_within", "pending_past_norm"]])
    out = out.join(patterns.steps_by_team.set_index("team")[["open", "overdue"]])
    counts = ["teachers", "observations_14d", "not_seen", "behind_scored", "pending_past_norm", "open", "overdue"]
    out[counts] = out[counts].fillna(0).astype(int)
    return out.reset_index()


def _heat_text(mean: float) -> float:
    """The heat-map number as shown on the Patterns tab and in the brief: one decimal."""
    return round(float(mean), 1)


def heatmap_table(settings: SchoolSettings, patterns: Patterns) -> tuple[list[str], list[tuple[str, list[float | None], int]]]:
    """Teams (then the whole school) x indicators: the shown value per cell (None when n is below
    `heatmap_min_n`), and the number of scores per row. Shared by the Patterns tab and the brief."""
    codes = settings.rubric.codes
    minimum = settings.norms.heatmap_min_n
    lines = []
    frames = [(team, group) for team, group in patterns.heatmap.groupby("team", sort=True)]
    frames.append((WHOLE_SCHOOL, patterns.school_indicators))
    for team, group in frames:
        if group.empty:
            continue
        cells = group.set_index("indicator")
        values = [_heat_text(cells.at[c, "mean"]) if c in cells.index and cells.at[c, "n"] >= minimum else None for c in codes]
        lines.append((str(team), values, int(cells["n"].sum())))
    return codes, lines


def render_patterns(settings: SchoolSettings, patterns: Patterns) -> ToolTab:
    """Three things to discuss, the heat map (color scale), then one section per pattern."""
    rubric, norms = settings.rubric, settings.norms
    rows: list[list] = [[f"{settings.school}: patterns for the ILT"],
                        [f"As of {patterns.as_of.isoformat()}. Every number is computed from the coach tabs by tracker-sync."], []]
    blocks = [Block("title", 0, 0), Block("note", 1, 0)]

    def title(text: str, note: str = "") -> None:
        rows.append([text])
        blocks.append(Block("title", len(rows) - 1, 0))
        if note:
            rows.append([note])
            blocks.append(Block("note", len(rows) - 1, 0))

    def section(heading: str, header: list[str], body: list[list], note: str = "", empty: str = "Nothing to show yet.") -> None:
        title(heading, note)
        table, table_blocks = _table(body or [[empty]], header, len(rows))
        rows.extend(table)
        blocks.extend(table_blocks)
        rows.append([])

    title("Three things to discuss")
    for i, item in enumerate(patterns.discuss, 1):
        rows.append([f"{i}. {item.sentence}"])
        rows.append([f"   Ask: {item.question}"])
        blocks.append(Block("note", len(rows) - 1, 0))
    if not patterns.discuss:
        rows.append(["Nothing stands out yet: log observations, scores and action steps to see patterns here."])
    rows.append([])

    codes, lines = heatmap_table(settings, patterns)
    title(f"Mean {rubric.short_name} score by team and indicator",
          f"Scale {rubric.scale_min:g}-{rubric.scale_max:g}, {rubric.meeting_band} from {rubric.meeting_score:g}; "
          f"n = number of scores; cells with fewer than {norms.heatmap_min_n} scores are blank.")
    header_at = len(rows)
    rows.append(["Team", *codes, "n"])
    blocks.append(Block("header", header_at, 0, 1, len(codes) + 2))
    for team, values, n in lines:
        rows.append([team, *["" if v is None else v for v in values], n])
    if lines:
        blocks.append(Block("heatmap", header_at + 1, 1, len(lines), len(codes)))
    rows.append([])

    section("Lowest indicators: a theme for professional learning",
            ["Team", "Rank", "Indicator", "Mean", "Scores", f"% below {rubric.meeting_band}", "Name"],
            [[r.scope, r.rank, r.indicator, _num(r.mean, 1), r.n, _percent(r.share_below), r.name]
             for r in patterns.lowest_indicators.itertuples()],
            note=f"Indicators with at least {norms.theme_min_scores} scores; ties go to the larger share below "
                 f"{rubric.meeting_band}, then more scores.", empty="Not enough scores yet.")

    section(f"Coverage by team (norm: every teacher observed at least every {norms.observation_gap_days} days)",
            ["Team", "Teachers", "Visits (14 days)", f"Not seen {norms.observation_gap_days}+ days", "Median days since last visit",
             "Behind on scored observations"],
            [[r.team, r.teachers, r.observations_14d, r.not_seen, _num(r.median_days_since, 0), r.behind_scored]
             for r in patterns.coverage_by_team.itertuples()])
    cov = patterns.coverage
    section(f"Teachers not observed in {norms.observation_gap_days}+ days",
            ["Teacher", "Team", "Team Lead", "Last observed", "Days since", "Visits (30 days)", "Scored this year"],
            [[r.teacher, r.team, r.team_lead or "", _day(r.last_observed) or "never", _num(r.days_since, 0),
              r.observations_30d, f"{r.scored} ({r.scored_full} Full)"]
             for r in cov[cov["not_seen"]].sort_values("days_since", ascending=False, na_position="first").itertuples()],
            empty="Every teacher was observed recently.")

    feedback_header = ["Observations", "Feedback given", "Median school days", f"Within {norms.feedback_within_school_days} days",
                       "Waiting past the norm", "% within norm"]
    section(f"Feedback by observer (norm: feedback meeting within {norms.feedback_within_school_days} school days)",
            ["Observer", *feedback_header],
            [[r.observer, *_latency_cells(r)] for r in patterns.feedback_by_observer.itertuples()],
            note="School days skip weekends and the school's holidays. % within norm counts feedback given and visits "
                 "still waiting past the norm.")
    section("Feedback by team", ["Team", *feedback_header],
            [[r.team, *_latency_cells(r)] for r in patterns.feedback_by_team.itertuples()])

    section("Action steps by team",
            ["Team", "Steps", "Open", "Overdue", "Completion rate", "Median days to complete", "Teachers with no open step"],
            [[r.team, r.steps, r.open, r.overdue, _percent(r.completion_rate), _num(r.median_days_to_complete, 0), r.no_open_step]
             for r in patterns.steps_by_team.itertuples()],
            note="Completion rate = Met / (Met + Not Met + overdue). Days to complete: from Date Set to Date Completed.")

    section("Growth: first versus latest score", ["Team", "Teacher-indicator pairs", "Mean change", "Rose", "Fell"],
            [[r.team, r.pairs, _num(r.mean_change, 2), r.improved, r.declined] for r in patterns.growth_by_team.itertuples()],
            note="Per teacher and indicator scored on two or more days.", empty="No indicator scored twice yet.")
    grown = patterns.cycle_growth.dropna(subset=["change"])
    section("Focus indicator inside learning cycles",
            ["Teacher", "Team", "Cycle", "Focus", "Before", "After", "Change"],
            [[r.teacher, r.team, r.cycle, r.focus_indicator, _num(r.before, 1), _num(r.after, 1), _num(r.change, 1)]
             for r in grown.itertuples()],
            note="Before: last score on the focus indicator by the cycle's start (or its first inside); after: latest inside.",
            empty="No cycle has two scores on its focus indicator yet.")

    section("Coaching load per Team Lead",
            ["Team Lead", "Teachers", "Visits made (30 days)", "Teachers not seen", "Open steps", "Active cycles"],
            [[r.team_lead, r.teachers, r.visits_30d, r.not_seen, r.open_steps, r.active_cycles] for r in patterns.coaching_load.itertuples()])

    low, high = rubric.middle_band
    section("Calibration by observer",
            ["Observer", "Scores", "Shared scores", "Mean difference", "On own teachers", f"% in {low:g}-{high:g}", "Check"],
            [[r.observer, r.scores, r.paired, _num(r.mean_diff, 2), _num(r.own_teachers_diff, 2), _percent(r.middle_share),
              _calibration_check(r)] for r in patterns.calibration.itertuples()],
            note=f"Difference from other observers' scores on the same teacher and indicator within {norms.calibration_window_days} "
                 f"days. MET study: raters rate their own teachers 0.1-0.2 higher and rarely use the extremes. "
                 f"Checked from {norms.calibration_min_scores} scores; flagged at {norms.calibration_threshold:g} points.")

    cycles = patterns.cycles
    needs = cycles[cycles["past_end_active"] | cycles["no_observation"]]
    section("Learning cycles that need a look",
            ["Teacher", "Team", "Cycle", "Start", "End", "Status", "Visits inside", "Why"],
            [[r.teacher, r.team, r.cycle, _day(r.start_date), _day(r.end_date), r.status, r.observations,
              "past end, still Active" if r.past_end_active else "no observation inside"] for r in needs.itertuples()],
            empty="Every cycle is on track.")
    widths = [24] + [7] * len(rubric.codes) + [8]
    return ToolTab("Patterns", _plain_rows(rows), blocks, column_widths=widths)


def _latency_cells(r) -> list:
    return [r.observations, r.given, _num(r.median_school_days), r.within, r.pending_past_norm, _percent(r.share_within)]


def _calibration_check(r) -> str:
    if r.offset_flag:
        return "scores higher than colleagues" if r.mean_diff > 0 else "scores lower than colleagues"
    return "stays in the middle band" if r.middle_flag else ""


@dataclass(frozen=True)
class SyncLogLine:
    synced_at: dt.datetime
    as_of: dt.date
    rows_read: dict[str, int]
    errors: int
    warnings: int
    duration_s: float
    outcome: str
    accounting: dict[str, str] | None = None  # per tab "9 read = 8 accepted + 0 excluded + 1 blank"

    def cells(self) -> list:
        if self.accounting:
            rows = "; ".join(f"{tab} {text}" for tab, text in self.accounting.items())
        else:
            rows = ", ".join(f"{tab} {n}" for tab, n in self.rows_read.items())
        return [self.synced_at.strftime("%Y-%m-%d %H:%M:%S"), self.as_of.isoformat(), rows,
                self.errors, self.warnings, round(self.duration_s, 2), self.outcome]


def render_sync_log(line: SyncLogLine, previous: Grid | None, max_lines: int) -> ToolTab:
    """Newest line first, then the earlier lines as they were, cut to max_lines."""
    earlier = [r for r in (previous or [])[1:] if any(c not in (None, "") for c in r)]
    rows = [SYNC_LOG_HEADER, line.cells(), *earlier][: max_lines + 1]
    return ToolTab("Sync Log", rows, [Block("header", 0, 0, 1, len(SYNC_LOG_HEADER))],
                   column_widths=[20, 11, 70, 8, 9, 12, 12], frozen_rows=1, volatile=True)

