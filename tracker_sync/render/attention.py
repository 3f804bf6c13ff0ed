"""The Patterns tab's sections on what changed and who gets the attention (issue 12): trends since the
last ILT meeting with sparklines, heat-map cells that moved, observation equity, action-step load,
agreement on co-observed lessons and observers' drift; and the Summary's headline trend rows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tracker_sync.patterns import WHOLE_SCHOOL, Patterns
from tracker_sync.patterns.agreement import AgreementOverall
from tracker_sync.patterns.discuss import percent
from tracker_sync.patterns.equity import EQUITY_GROUPS
from tracker_sync.patterns.trends import TrendDates
from tracker_sync.render.layout import Column, Line, Table
from tracker_sync.render.plain import plain, plain_rows
from tracker_sync.schemas import SchoolSettings
from tracker_sync.tabs import ToolCell
from tracker_sync.wording import plural

#: the headline figures in trend order: (measure, column kind)
_MEASURES = (("not_seen", "int"), ("median_feedback_school_days", "mean"), ("feedback_share_within", "share"),
             ("overdue_steps", "int"))
TREND_MEASURES = tuple(measure for measure, _ in _MEASURES)


def trends_by_scope(patterns: Patterns) -> tuple[pd.DataFrame, list[str]]:
    """The trends indexed by (scope, measure), and the scopes in their order (teams, then the school)."""
    return patterns.trends.set_index(["scope", "measure"]), list(dict.fromkeys(patterns.trends["scope"]))


def moved_heat_cells(patterns: Patterns) -> pd.DataFrame:
    """The heat-map trend's cells that moved by at least the norm."""
    return patterns.heatmap_trend.loc[patterns.heatmap_trend["moved"].astype(bool)]


def agreement_summary(overall: AgreementOverall) -> str:
    """'8 co-observed lessons, 77 scores compared: 57% exact, 84% within one point' (no lesson: '')."""
    if not overall["comparisons"]:
        return ""
    return (f"{overall['lessons']} co-observed lessons, {overall['comparisons']} scores compared: {percent(overall['exact'])} "
            f"exact, {percent(overall['adjacent'])} within one point")


def since_label(dates: TrendDates) -> str:
    """'the ILT meeting on 2026-12-15' or '14 days ago (2026-12-04)': what "then" is."""
    if dates.since_meeting:
        return f"the ILT meeting on {dates.since.isoformat()}"
    return f"{(dates.points[-1] - dates.since).days} days ago ({dates.since.isoformat()})"


def _labels(settings: SchoolSettings) -> dict[str, str]:
    norms = settings.norms
    return {"not_seen": f"Not seen {norms.observation_gap_days}+ days", "median_feedback_school_days": "Median days to feedback",
            "feedback_share_within": f"% feedback within {norms.feedback_within_school_days} days",
            "overdue_steps": "Overdue steps"}


def headline_trend_rows(patterns: Patterns) -> list[list[ToolCell]]:
    """The Summary's headline table rows under "Now": the value then, and the weekly sparkline, in the
    order of the headline columns (the last column, rows to fix, has no trend)."""
    school = patterns.trends[patterns.trends["scope"] == WHOLE_SCHOOL].set_index("measure")
    dates = patterns.trend_dates
    then = [plain(school.at[m, "then"]) for m, _ in _MEASURES]
    weeks = [school.at[m, "sparkline"] for m, _ in _MEASURES]
    return [[f"Then: {since_label(dates)}", *then, None], [f"Last {len(dates.points)} weeks", *weeks, None]]


def trend_sections(settings: SchoolSettings, patterns: Patterns) -> list[Line | Table]:
    """Then -> now per team and for the school, with the weekly sparkline, and the heat-map cells that moved."""
    norms, dates = settings.norms, patterns.trend_dates
    labels, weeks = _labels(settings), f"{len(dates.points)} weeks"
    trends, scopes = trends_by_scope(patterns)
    columns, rows = [Column("Team")], [list[ToolCell]([scope]) for scope in scopes]
    for measure, kind in _MEASURES:
        columns += [Column(f"{labels[measure]}: then", kind), Column(f"{labels[measure]}: now", kind),
                    Column(f"{labels[measure]}: {weeks}", "spark")]
        for row, scope in zip(rows, scopes, strict=True):
            r = trends.loc[(scope, measure)]
            row += [plain(r["then"]), plain(r["now"]), r["sparkline"]]
    moved = moved_heat_cells(patterns)
    moved = moved.assign(_size=-moved["change"].abs()).sort_values(["_size", "team", "indicator"])
    return [
        Table(columns, rows, title=f"Since {since_label(dates)}: then, now and the last {weeks}",
              note=f"Weekly points from {dates.points[0].isoformat()} to {dates.points[-1].isoformat()}, each recomputed "
                   "from the coach tabs as they stood that day (feedback dated later was still pending; a step completed "
                   "later was still open). Sparklines: lowest ▁ to highest █ of each row's own range."),
        Table([Column("Team"), Column("Indicator"), Column("Then", "mean"), Column("Scores then", "int"), Column("Now", "mean"),
               Column("Scores now", "int"), Column("Change", "mean2"), Column(weeks, "spark")],
              plain_rows(moved, ["team", "indicator", "then", "then_n", "now", "now_n", "change", "sparkline"]),
              title=f"Heat-map cells that moved by {norms.heatmap_change_threshold:g} or more since {since_label(dates)}",
              empty="No heat-map cell moved that much."),
    ]


def equity_check(r: Any, settings: SchoolSettings) -> str:
    """The rule beside a group's ratio under the norm: flagged, or why not (a group or its colleagues
    smaller than equity_min_teachers; "everyone else" is never checked), so 0.52 unflagged beside 0.50
    flagged reads on the row itself."""
    norms = settings.norms
    if pd.isna(r.ratio) or r.ratio >= norms.equity_min_ratio:
        return ""
    if r.group == "others":
        return "not checked: only novices and the lowest quartile are"
    if r.flag:
        return f"below {norms.equity_min_ratio:g}x"
    fewest = norms.equity_min_teachers
    who = (f"{plural(r.teachers, 'teacher')} in the group" if r.teachers < fewest
           else f"{plural(r.others_teachers, 'colleague')}")
    return f"not judged: {who} (compared from {fewest} on each side)"


def equity_table(settings: SchoolSettings, patterns: Patterns) -> Table:
    norms = settings.norms
    eq = patterns.equity
    return Table(
        [Column("Team"), Column("Group"), Column("Teachers", "int"), Column("Visits each (30 days)", "mean"),
         Column("Colleagues' visits each", "mean"), Column("Ratio", "mean2"), Column("Scored each this year", "mean"),
         Column("Check")],
        [[plain(r.scope), EQUITY_GROUPS[r.group], r.teachers, plain(r.visits_per_teacher), plain(r.others_visits_per_teacher),
          plain(r.ratio), plain(r.scored_per_teacher), equity_check(r, settings)]
         for r in eq.itertuples()],
        title=f"Who gets the visits (norm: each group at least {norms.equity_min_ratio:g}x the visits of colleagues)",
        note=f"Novice: Years Experience {norms.novice_max_years} or less. Lowest score quartile: a mean score this year at or "
             f"below the school's 25th percentile of teachers' means. Colleagues: everyone else in the same team (or school). "
             f"Compared from {norms.equity_min_teachers} teachers on each side. TNTP, The Widget Effect: leaders visit the "
             "strongest teachers most and leave novices alone.",
        marks={(i, 7): "warning" for i, flag in enumerate(eq["flag"]) if flag}, empty="No teachers on the Roster yet.",
        list_tab="Visits by group")


def step_load_tables(settings: SchoolSettings, patterns: Patterns) -> list[Table]:
    norms = settings.norms
    load = patterns.step_load
    heavy = load[load["too_many"] | load["several_setters"]]
    checks = [", ".join(([f"more than {norms.max_open_steps} open"] if r.too_many else [])
                        + (["set by more than one coach"] if r.several_setters else [])) for r in heavy.itertuples()]
    return [
        Table([Column("Teacher"), Column("Team"), Column("Open steps", "int"), Column("Set by", "long", wrap_at=30),
               Column("Check")],
              [[r.teacher, r.team, r.open_steps, r.set_by, check] for r, check in zip(heavy.itertuples(), checks, strict=True)],
              title=f"Action-step load (norm: at most {norms.max_open_steps} open steps, from one coach)",
              note="Get Better Faster: one or two bite-sized steps at a time.", empty="No teacher carries too many steps.",
              list_tab="Step load"),
        Table([Column("Teacher"), Column("Team"), Column("Set by"), Column("Indicator"), Column("Date set", "date"),
               Column("Days open", "int")],
              plain_rows(patterns.undated_steps, ["teacher", "team", "set_by", "indicator", "date_set", "days_open"]),
              title=f"Steps open more than {norms.undated_step_days} days with no due date",
              empty="Every older open step has a due date.", list_tab="Undated steps"),
    ]


def agreement_norm(settings: SchoolSettings) -> str:
    """The agreement norm with the rubric's rule: '80% exact' (Danielson), '80% within one point' (LEAP)."""
    return f"{percent(settings.norms.agreement_adjacent_share)} {settings.rubric.agreement_rule}"


def agreement_check(r: Any, settings: SchoolSettings) -> str:
    """The rule beside a pair's or an indicator's agreement: below the norm, or not judged yet (too few scores)."""
    if r.below_norm:
        return f"below {agreement_norm(settings)}"
    fewest = settings.norms.agreement_min_comparisons
    return f"not judged: {plural(r.comparisons, 'score')} (from {fewest})" if r.comparisons < fewest else ""


def agreement_tables(settings: SchoolSettings, patterns: Patterns) -> list[Line | Table]:
    norms, rubric = settings.norms, settings.rubric
    overall = patterns.agreement_overall
    norm = agreement_norm(settings)
    if overall["comparisons"]:
        summary = f"{agreement_summary(overall)} (norm {norm})."
    else:
        summary = "No co-observed lesson yet: two observers scoring the same teacher on the same day (Type Co-observation)."
    same = "the same" if rubric.agreement_within == 0 else rubric.agreement_rule
    scale = (f"Two observers agree on an indicator when their scores are {same} ({rubric.short_name}'s rule for its "
             f"{rubric.scale_min:g}-{rubric.scale_max:g} scale). ")
    by_pair, by_indicator = patterns.agreement_by_pair, patterns.agreement_by_indicator
    names = {i.code: i.name for i in settings.rubric.indicators}
    drift = _drift_table(settings, patterns)
    return [
        Table([Column("Observers"), Column("Lessons", "int"), Column("Scores compared", "int"), Column("Exact", "share"),
               Column("Within one point", "share"), Column("Mean difference", "mean2"), Column("Check")],
              [[f"{r.observer_a} and {r.observer_b}", r.lessons, r.comparisons, plain(r.exact), plain(r.adjacent),
                plain(r.mean_diff), agreement_check(r, settings)] for r in by_pair.itertuples()],
              title=f"Agreement on co-observed lessons, by observer pair (norm: {norm})",
              note=f"{summary} {scale}CLASS certifies observers at 80% within one point of a master code on its 7-point "
                   f"scale. Mean difference: the first observer's score minus the second's. Judged from "
                   f"{norms.agreement_min_comparisons} scores.",
              marks={(i, 6): "warning" for i, flag in enumerate(by_pair["below_norm"]) if flag},
              empty="No co-observed lesson yet."),
        Table([Column("Indicator"), Column("Name", "long", wrap_at=36), Column("Lessons", "int"),
               Column("Scores compared", "int"),
               Column("Exact", "share"), Column("Within one point", "share"), Column("Check")],
              [[r.indicator, names.get(r.indicator, ""), r.lessons, r.comparisons, plain(r.exact), plain(r.adjacent),
                agreement_check(r, settings)] for r in by_indicator.itertuples()],
              title="Agreement on co-observed lessons, by indicator",
              marks={(i, 6): "warning" for i, flag in enumerate(by_indicator["below_norm"]) if flag},
              empty="No co-observed lesson yet."),
        drift,
    ]


def _drift_table(settings: SchoolSettings, patterns: Patterns) -> Table:
    """Observer x month: the mean offset from colleagues (months with too few scores blank), the change
    from the first to the latest counted month, and whether that is drift."""
    norms = settings.norms
    monthly = patterns.drift[patterns.drift["counted"]] if len(patterns.drift) else patterns.drift
    months = sorted(set(monthly["month"])) if len(monthly) else []
    offsets = monthly.pivot(index="observer", columns="month", values="mean_diff") if len(monthly) else pd.DataFrame()
    summary = patterns.drift_by_observer.set_index("observer")
    rows = []
    for observer in sorted(offsets.index, key=lambda o: (-abs(summary["change"].get(o, 0) or 0), o)):
        change = summary["change"].get(observer)
        drifting = bool(summary["drifting"].get(observer, False))
        rows.append([observer, *(plain(offsets.at[observer, m]) for m in months), plain(change),
                     ("drifting up" if change > 0 else "drifting down") if drifting else ""])
    return Table([Column("Observer"), *(Column(m, "mean2") for m in months), Column("Change", "mean2"), Column("Check")], rows,
                 title="Offset from colleagues, month by month",
                 note=f"Each score against other observers' scores on the same teacher and indicator within "
                      f"{norms.calibration_window_days} days (as in the calibration table), averaged per month with at least "
                      f"{norms.drift_min_scores} of them. Drifting: moved {norms.drift_threshold:g} points or more from the "
                      "first month to the latest. Offsets are relative: colleagues of an observer who drifts move a "
                      "little the other way.",
                 marks={(i, len(months) + 2): "warning" for i, row in enumerate(rows) if row[-1]},
                 empty="Not enough shared scores yet.")
