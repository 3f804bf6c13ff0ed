"""The District workbook's tabs, laid out by the layout engine (tracker_sync.render.layout).

One tab per table, so a column means one thing down the whole tab: District (one row per school),
one ratings tab and one heat-map tab per rubric (schools on different rubrics never share a mean),
Calibration and Trends. Each tab: a title, a note saying what the numbers are and how suppression
shows, one filterable table (header frozen), the schools, then the district row pooled from the
shown cells. Suppressed cells read "*"; cells with no data are empty; stale schools are marked
yellow and never-synced ones red in their status column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tracker_sync.district.report import (
    CURRENT,
    NEVER,
    STALE,
    TREND_FIGURES,
    DistrictReport,
    RubricSection,
    Shown,
)
from tracker_sync.district.sparkline import sparkline
from tracker_sync.render import heat_scale
from tracker_sync.render.layout import Column, Line, Table, layout_tab
from tracker_sync.tabs import ToolTab

SUPPRESSED_TEXT = "*"
#: Figure kinds -> layout column kinds.
_KINDS = {"count": "int", "share": "share", "days": "mean"}
_MARKS = {STALE: "warning", NEVER: "error"}
FROZEN_ROWS = 3  # title, note, header


def _value(cell: Shown | None):
    """A published cell for the grid: its number, '*' when suppressed, empty when there is no data."""
    if cell is None or (not cell.suppressed and cell.value is None):
        return None
    return SUPPRESSED_TEXT if cell.suppressed else cell.value


def _legend(report: DistrictReport) -> str:
    return (f"{SUPPRESSED_TEXT} suppressed: fewer than {report.min_cell} teachers (or scores), or hidden so that a total "
            f"cannot give such a cell away. District rows pool the current schools' shown cells only.")


def _tab(name: str, title: str, note: str, table: Table, anchor: bool = False) -> ToolTab:
    tab = layout_tab(name, [Line(title, "title"), Line(note, "note"), table], anchor=table if anchor else None,
                     frozen_rows=FROZEN_ROWS)
    return _stars_right(tab)


def _stars_right(tab: ToolTab) -> ToolTab:
    """A '*' sits where its number would: right-aligned in its (number) column, not left as text goes."""
    palette, styles = list(tab.palette), [list(row) for row in tab.styles]
    for r, row in enumerate(tab.rows):
        for c, value in enumerate(row):
            if value == SUPPRESSED_TEXT:
                style = replace(palette[styles[r][c]], align="right")
                if style not in palette:
                    palette.append(style)
                styles[r][c] = palette.index(style)
    return replace(tab, styles=styles, palette=tuple(palette))


def _marks(statuses: Sequence[str], column: int) -> dict[tuple[int, int], str]:
    return {(row, column): _MARKS[status] for row, status in enumerate(statuses) if status in _MARKS}


def district_tab(report: DistrictReport) -> ToolTab:
    figures = report.figures
    columns = [Column("School"), Column("Rubric"), Column("Status"), Column("Last good sync", "datetime"),
               Column("Figures as of", "date"), Column("Sync days missed", "int"),
               *[Column(f.label, _KINDS[f.kind]) for f in figures]]
    rows = []
    for s in report.schools:
        status = s.status if not s.last_sync_failed else f"{s.status}; last sync failed"
        last = s.last_success.replace(tzinfo=None) if s.last_success else "never"
        rows.append([s.name, s.rubric, status, last, s.as_of, s.sync_days_missed,
                     *[_value(s.figures.get(f.key)) for f in figures]])
    counts = report.counts()
    rows.append([f"District ({counts[CURRENT]} current schools)", "", "", None, None, None,
                 *[_value(report.district_row[f.key]) for f in figures]])
    note = (f"As of {report.as_of.isoformat()}: {len(report.schools)} schools, {counts[STALE]} stale, {counts[NEVER]} never "
            f"synced. From each school's last good sync in the history (no tracker opened). {_legend(report)}")
    table = Table(columns, rows, marks=_marks([s.status for s in report.schools], 2), filter=True)
    return _tab("District", f"{report.district}: every school side by side", note, table)


def ratings_tab(report: DistrictReport, section: RubricSection) -> ToolTab:
    rubric = section.rubric
    columns = [Column("School"), Column("Status"), *[Column(b.name, "share") for b in rubric.bands], Column("Scores", "int")]
    school = {s.id: s for s in report.schools}
    rows = [[school[i].name, school[i].status, *map(_value, section.bands[i]), _value(section.scores[i])]
            for i in section.schools]
    rows.append(["District (current schools)", "", *map(_value, section.district_bands), None])
    bands = ", ".join(f"{b.name} {b.min:g}-{b.max:g}" if b.min != b.max else f"{b.name} {b.min:g}" for b in rubric.bands)
    note = f"Share of {rubric.name} scores per band ({bands}), every score up to the as-of date. {_legend(report)}"
    table = Table(columns, rows, marks=_marks([school[i].status for i in section.schools], 1), filter=True)
    return _tab(f"{rubric.short_name} ratings", f"Rating distribution by band: {rubric.name}", note, table)


def heatmap_tab(report: DistrictReport, section: RubricSection) -> ToolTab:
    rubric = section.rubric
    codes = rubric.codes
    columns = [Column("School"), *[Column(code, "mean") for code in codes], Column("All", "mean"), Column("Scores", "int"),
               Column("Status")]
    school = {s.id: s for s in report.schools}
    rows = [[school[i].name, *[_value(section.heat[i].get(code)) for code in codes], _value(section.heat_all[i]),
             _value(section.scores[i]), school[i].status] for i in section.schools]
    rows.append(["District (current schools)", *[_value(section.district_heat[code]) for code in codes], None, None, ""])
    scale = heat_scale(rubric)
    note = (f"Mean score per school and indicator, {rubric.name} ({rubric.scale_min:g}-{rubric.scale_max:g}, "
            f"{rubric.meeting_band} from {rubric.meeting_score:g}); only schools on this rubric. {_legend(report)}")
    table = Table(columns, rows, scale=(1, 1 + len(codes), scale), filter=True,
                  legend=("Colour scale", [float(v) for v in range(int(rubric.scale_min), int(rubric.scale_max) + 1)]),
                  marks=_marks([school[i].status for i in section.schools], len(columns) - 1))
    return _tab(f"{rubric.short_name} heat map", f"School x indicator: {rubric.name}", note, table, anchor=True)


def calibration_tab(report: DistrictReport) -> ToolTab:
    columns = [Column("School"), Column("Rubric"), Column("Observers", "int"), Column("With 10+ scores", "int"),
               Column("Flagged: offset", "int"), Column("Flagged: middle band", "int"), Column("Observers flagged", "share"),
               Column("Scores in middle band", "share")]
    school = {s.id: s for s in report.schools}
    rows = [[school[c.school].name, school[c.school].rubric, c.observers, c.judged, c.offset_flagged, c.middle_flagged,
             _value(c.flagged), _value(c.middle_share)] for c in report.calibration]
    note = ("Observers whose scores sit apart from colleagues' on the same teachers and indicators, or never leave the "
            "rubric's middle band (MET study), among observers with enough scores to judge. " + _legend(report))
    return _tab("Calibration", "Rater calibration per school", note, Table(columns, rows, filter=True))


def trends_tab(report: DistrictReport) -> ToolTab:
    """Per school and figure: the weekly sparkline, then and now. Then and now come only from weeks that
    had a sync (the first and the last such week, dated in their own columns); with one such week there
    is no "then"."""
    labels = {f.key: f for f in report.figures}
    columns = [Column("School"), Column("Weeks with a sync", "int"), Column("Then: week of", "date"),
               Column("Now: week of", "date")]
    for key in TREND_FIGURES:
        kind = _KINDS[labels[key].kind]
        columns += [Column(f"{labels[key].label}, {len(report.weeks)} weeks"), Column("Then", kind), Column("Now", kind)]
    school = {s.id: s for s in report.schools}
    rows = []
    for school_id, series in report.trends.items():
        synced = [k for k, week in enumerate(report.synced[school_id]) if week]
        first, last = (synced[0], synced[-1]) if len(synced) > 1 else (None, synced[-1] if synced else None)
        values: list = [school[school_id].name, len(synced), None if first is None else report.weeks[first],
                         None if last is None else report.weeks[last]]
        for key in TREND_FIGURES:
            cells = series[key]
            values += [sparkline(cells, report.synced[school_id]), None if first is None else _value(cells[first]),
                       None if last is None else _value(cells[last])]
        rows.append(values)
    weeks = f"{report.weeks[0].isoformat()} to {report.weeks[-1].isoformat()}" if report.weeks else ""
    note = (f"Weekly, from the figures each sync stored ({weeks}; one bar a week, the week's last sync; "
            f"'·' no sync that week, '–' no value that week, '*' suppressed). Then and now: the first and the last week "
            f"with a sync (weeks ending on the dates shown); no then with a single such week. {_legend(report)}")
    return _tab("Trends", "Per-school trends", note, Table(columns, rows, filter=True))


def district_tabs(report: DistrictReport) -> list[ToolTab]:
    """Every tab of the District workbook, in order."""
    tabs = [district_tab(report)]
    for section in report.rubrics:
        tabs += [ratings_tab(report, section), heatmap_tab(report, section)]
    return [*tabs, calibration_tab(report), trends_tab(report)]
