"""A teacher's page as the one tab of their Google spreadsheet, laid out by the layout engine.

The tab says nothing that changes by the day alone (no as-of date in its cells; "Updated ..." is a
stamp the fingerprint leaves out), so a page is rewritten only when that teacher's records change
(or a due date passes). Scores are coloured by the heat map's own colour scale.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tracker_sync.pages.model import TeacherPage
from tracker_sync.render.heatmap import heat_scale
from tracker_sync.render.layout import GAP, Column, Line, Table, layout_tab
from tracker_sync.tabs import ToolTab

PAGE_TAB = "My 1-on-1 page"  # no ":" (Excel refuses it in a tab name)


def _day(value: dt.date | None, empty: str = "") -> dt.date | str:
    return value if value is not None else empty


def bands_sentence(page: TeacherPage) -> str:
    """'LEAP bands: 1–2 Not Meeting · 3–4 Approaching · ...' in the tracker's own rubric's words."""
    return f"{page.rubric.short_name} bands: " + " · ".join(f"{b.scores} {b.name}" for b in page.rubric.bands) + "."


def render_page_tab(page: TeacherPage, *, timezone: str, written_at: dt.datetime) -> ToolTab:
    """The page as one tool tab: steps, goals, scores, observations, the learning cycle, 1:1s. Laid out on the
    score grid (the heat map's way), so the scores stay compact; the first column of every table is text."""
    owner, notes = page.owner, page.show_notes
    local = written_at.astimezone(ZoneInfo(timezone))
    lead = f" · Team Lead: {owner.team_lead}" if owner.team_lead else ""
    steps = Table(
        [Column("Action step", "long"), Column("Indicator"), Column("Set", "date"), Column("Due", "date"), Column("Status"),
         Column("Completed", "date"), Column("Set by"), *([Column("Evidence", "long")] if notes else [])],
        [[s.action_step, s.indicator, s.date_set, _day(s.due_date, "–"), s.status + (", past due" if s.overdue else ""),
          _day(s.date_completed), s.set_by, *([s.evidence] if notes else [])] for s in page.steps],
        title="My action steps", empty="No action steps yet: agree on one bite-sized step at your next 1:1.",
        marks={(i, 4): "error" for i, s in enumerate(page.steps) if s.overdue})
    goals = Table(
        [Column("Goal", "long"), Column("Whose"), Column("Kind"), Column("Indicator"), Column("Baseline"), Column("Target"),
         Column("Set", "date"), Column("Last check-in", "date"), Column("Status")],
        [[g.goal, g.whose, g.kind, g.indicator, g.baseline, g.target, g.set_date, _day(g.last_check_in, "–"), g.status]
         for g in page.goals],
        title="My goals", empty=f"No goal yet: write one in {page.rubric.short_name} language with your Team Lead.")
    grid = page.scores
    dates = len(grid.dates)
    scores = Table(
        [Column("Indicator", "long"), *(Column(day.strftime("%b %-d"), "mean") for day in grid.dates), Column("Latest band")],
        [[f"{row.indicator} {row.name}", *(cell.score if cell else None for cell in row.cells),
          row.latest.band if row.latest else ""] for row in grid.rows],
        title=f"My {page.rubric.short_name} scores this year", empty="No scored observation this school year yet.",
        scale=(1, 1 + dates, heat_scale(page.rubric)) if dates else None)
    visits = Table(
        [Column("Date"), Column("Observer"), Column("Type"), Column("Focus"), Column("Feedback"),
         *([Column("Notes", "long")] if notes else [])],
        [[v.date.isoformat(), v.observer, v.type, v.focus_indicator,
          v.feedback_date.isoformat() if v.feedback_date else "pending", *([v.notes] if notes else [])] for v in page.visits],
        title="My last observations", empty="No observation logged yet.")
    cycle = page.cycle
    cycle_lines: list[Line | Table] = [Line("My learning cycle", "section")]
    if cycle is None:
        cycle_lines.append(Line("No learning cycle yet.", "note"))
    else:
        cycle_lines.append(Line(f"{cycle.cycle}, {cycle.status}: {cycle.start_date.isoformat()} to {cycle.end_date.isoformat()}, "
                                f"focus {cycle.focus_indicator}."))
        cycle_lines += [Line(text) for text in (cycle.goal and f"Goal: {cycle.goal}",
                                                cycle.success_indicators and f"Success looks like: {cycle.success_indicators}",
                                                cycle.reflection and f"Reflection: {cycle.reflection}") if text]
    meetings = Table(
        [Column("Date"), Column("With"), Column("Focus / agenda", "long"), Column("Next steps", "long"),
         Column("Due", "date"), *([Column("Notes", "long")] if notes else [])],
        [[m.date.isoformat(), m.led_by, m.focus, m.next_steps, _day(m.next_steps_due, "–"), *([m.notes] if notes else [])]
         for m in page.meetings],
        title="My 1:1s", note="Bring the agenda: what you want to work on, and the next steps due.",
        empty="No 1:1 logged yet.", marks={(i, 4): "error" for i, m in enumerate(page.meetings) if m.past_due})
    items: list[Line | Table] = [
        Line(f"{owner.teacher}: my 1:1 page", "title"),
        Line(f"{page.school} · {owner.team}{lead}. Confidential: shared with you"
             f"{' and your Team Lead' if owner.lead_email else ''} only, view only.", "note"),
        Line(f"Updated {local:%Y-%m-%d %H:%M} {local.tzname()} by tracker-sync from the coaching tracker, when your rows change.",
             "note", stamp=True),
        GAP, steps, GAP, goals, GAP, scores, Line(bands_sentence(page), "note"), GAP, visits, GAP, *cycle_lines, GAP, meetings,
    ]
    return layout_tab(PAGE_TAB, items, anchor=scores if dates else None)
