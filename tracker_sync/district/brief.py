"""The one-page district brief: a self-contained HTML page in the ILT brief's style (brief.css).

Made from the DistrictReport alone, so it holds exactly what the District workbook holds: school
names, aggregate figures and "*" where a cell is suppressed; never a teacher, an observer or a score.
The heat maps use the same rubric-anchored ColorScale as the District workbook's heat-map tabs
(tracker_sync.render.heat_scale, through tracker_sync.render.heatmap.rubric_heat_color).
"""

from __future__ import annotations

from tracker_sync.district.report import (
    CURRENT,
    LAST_YEAR_FIGURES,
    NEVER,
    STALE,
    DistrictReport,
    RubricSection,
    Shown,
)
from tracker_sync.district.sparkline import sparkline
from tracker_sync.district.tabs import SUPPRESSED_TEXT
from tracker_sync.render.html import render_html

#: The District tab's columns the brief shows, in order (the rest are in the workbook).
BRIEF_FIGURES = ("teachers", "observed_14d", "feedback_median_days", "feedback_within_norm", "scored_done",
                 "scored_due", "on_pace", "overdue_steps", "active_cycles", "middle_share", "observers_flagged")


def text(cell: Shown | None, kind: str) -> str:
    """A published cell as the brief prints it: '*' suppressed, '–' no data."""
    if cell is None or (not cell.suppressed and cell.value is None):
        return "–"
    if cell.suppressed:
        return SUPPRESSED_TEXT
    if kind == "share":
        return f"{cell.value:.0%}"
    if kind in ("days", "mean"):
        return f"{cell.value:.1f}"
    return f"{cell.value:.0f}"


def _heat_cell(cell: Shown | None, section: RubricSection) -> dict:
    """A heat-map cell coloured by the rubric's ColorScale, as on the heat-map tabs and the ILT brief."""
    from tracker_sync.render.heatmap import rubric_heat_color

    label = text(cell, "mean")
    if cell is None or cell.suppressed or cell.value is None:
        return {"text": label, "style": ""}
    background, color = rubric_heat_color(cell.value, section.rubric)
    return {"text": label, "style": f"background:{background};color:{color}"}


def _on_pace_text(row: dict[str, Shown]) -> str:
    """The on-pace card: the share, or "none due yet" (not "100%") while no scored observation is due."""
    due = row.get("scored_due")
    if due is not None and not due.suppressed and due.value == 0:
        return "none due yet"
    return text(row.get("on_pace"), "share")


def brief_context(report: DistrictReport) -> dict:
    figures = {f.key: f for f in report.figures}
    shown = [figures[key] for key in BRIEF_FIGURES if key in figures]
    counts = report.counts()
    names = {s.id: s.name for s in report.schools}
    row = report.district_row
    schools = [{"name": s.name, "rubric": s.rubric, "status": s.status, "failed": bool(s.last_sync_failed),
                "as_of": s.as_of.isoformat() if s.as_of else "–",
                "cells": [text(s.figures.get(f.key), f.kind) for f in shown],
                "trend": sparkline(report.trends[s.id]["observed_14d"], report.synced[s.id]) if s.id in report.trends else ""}
               for s in report.schools]
    rubrics = []
    for section in report.rubrics:
        steps = range(int(section.rubric.scale_min), int(section.rubric.scale_max) + 1)
        rubrics.append({
            "rubric": section.rubric, "codes": section.rubric.codes,
            "rows": [{"name": names[i], "bands": [text(c, "share") for c in section.bands[i]],
                      "heat": [_heat_cell(section.heat[i].get(code), section) for code in section.rubric.codes],
                      "n": text(section.scores[i], "count")} for i in section.schools],
            "district": {"bands": [text(c, "share") for c in section.district_bands],
                         "heat": [_heat_cell(section.district_heat.get(code), section) for code in section.rubric.codes]},
            "legend": [(str(v), _heat_cell(Shown(float(v), 1), section)["style"]) for v in steps],
        })
    attention = [s for s in report.schools if s.status != CURRENT or s.last_sync_failed]
    return {
        "report": report, "counts": counts, "CURRENT": CURRENT, "STALE": STALE, "NEVER": NEVER,
        "key_numbers": [
            ("Schools current", f"{counts[CURRENT]} of {len(report.schools)}"),
            ("Teachers", text(row.get("teachers"), "count")),
            ("Observed in 14 days", text(row.get("observed_14d"), "share")),
            ("Feedback within norm", text(row.get("feedback_within_norm"), "share")),
            ("Teachers on pace (scored obs.)", _on_pace_text(row)),
            ("Overdue action steps", text(row.get("overdue_steps"), "count")),
        ],
        "headers": [f.label for f in shown], "schools": schools,
        "district_cells": [text(row.get(f.key), f.kind) for f in shown],
        "attention": [{"name": s.name, "status": s.status, "as_of": s.as_of.isoformat() if s.as_of else None,
                       "last": s.last_success.strftime("%Y-%m-%d %H:%M") if s.last_success else None,
                       "failed": s.last_sync_failed.split(":", 1)[0]} for s in attention],
        "rubrics": rubrics, "suppressed": SUPPRESSED_TEXT,
        "last_year": _last_year_rows(report),
    }


def _last_year_rows(report: DistrictReport) -> dict | None:
    """Schools whose history holds last year at this week: each figure as 'last → this'."""
    if not report.last_year:
        return None
    figures = {f.key: f for f in report.figures}
    keys = [key for key in LAST_YEAR_FIGURES if key in figures]
    rows = []
    for school in report.schools:
        last = report.last_year.get(school.id)
        if last is None:
            continue
        cells = [f"{text(last.figures[key], figures[key].kind)} → {text(school.figures.get(key), figures[key].kind)}"
                 for key in keys]
        cells.append(f"{text(last.figures['mean'], 'mean')} → {text(report.this_year_mean.get(school.id), 'mean')}")
        rows.append({"name": school.name, "last_as_of": last.as_of.isoformat(), "cells": cells})
    return {"headers": [figures[key].label for key in keys] + ["Mean score"], "rows": rows}


def render_district_brief(report: DistrictReport) -> str:
    """The brief as one HTML string (brief.css inlined, no scripts or external assets)."""
    return render_html("district.html.j2", **brief_context(report))
