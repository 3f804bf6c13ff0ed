"""The District workbook's tabs as backend-neutral ToolTabs (tracker_sync.backends.base).

One tab per table, so a column means one thing down the whole tab: District (one row per school),
one ratings tab and one heat-map tab per rubric (schools on different rubrics never share a mean),
Calibration and Trends. Each tab: a title, a note saying what the numbers are and how suppression
shows, one header row (frozen, filterable), the schools, then the district row pooled from the
shown cells. Suppressed cells read "*"; cells with no data are empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker_sync.backends.base import Area, ColorScale, ScaleRule, Style, ToolTab
from tracker_sync.district.report import CURRENT, NEVER, STALE, TREND_FIGURES, DistrictReport, RubricSection, Shown
from tracker_sync.district.sparkline import sparkline
from tracker_sync.schemas import Rubric

SUPPRESSED_TEXT = "*"
#: Heat-map colours, as in the ILT brief: red at the scale's minimum, pale yellow at the first
#: meeting score, green at the maximum.
HEAT_LOW, HEAT_MID, HEAT_HIGH = "D73027", "FFF7BC", "1A9850"
_FORMATS = {"count": "0", "share": "0%", "days": "0.0", "mean": "0.0", "date": "yyyy-mm-dd", "text": None}
_STATUS_FILL = {STALE: "FFEB9C", NEVER: "FFC7CE"}
TITLE, NOTE = Style(bold=True, size=14), Style(italic=True, color="808080")
HEADER = Style(bold=True, fill="D9E1F2", border_bottom=True, wrap=True, valign="top")


def heat_scale(rubric: Rubric) -> ColorScale:
    """The one colour scale of a rubric's means (the heat-map tab and the district brief alike)."""
    return ColorScale(((rubric.scale_min, HEAT_LOW), (rubric.meeting_score, HEAT_MID), (rubric.scale_max, HEAT_HIGH)))


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # "text" | "count" | "share" | "days" | "mean" | "date"


class _Sheet:
    """Rows of values with a style per cell; styles are collected into the tab's palette."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.styles: list[list[int]] = []
        self.palette: dict[Style, int] = {Style(): 0}

    def style(self, style: Style) -> int:
        return self.palette.setdefault(style, len(self.palette))

    def add(self, cells: Sequence, styles: Sequence[Style]) -> int:
        self.rows.append(list(cells))
        self.styles.append([self.style(s) for s in styles])
        return len(self.rows) - 1


def _cell(value: Shown | str | int | float | None, kind: str, *, bold: bool = False, fill: str | None = None):
    """A value for the grid and its style: numbers carry their format, "*" marks a suppressed cell."""
    if isinstance(value, Shown):
        if value.suppressed:
            return SUPPRESSED_TEXT, Style(bold=bold, fill=fill, align="center", color="808080")
        value = value.value
    if value is None or value == "":
        return "", Style(bold=bold, fill=fill)
    if kind in ("share", "mean", "days"):
        value = round(float(value), 4 if kind == "share" else 2)
    elif kind == "count":
        value = int(round(value))
    return value, Style(bold=bold, fill=fill, number_format=_FORMATS[kind])


def _width(values: list, kind: str, header: str) -> float:
    """Widths come from content: each value as it shows (84%, 4.2, 2026-12-18), headers wrap past 14."""
    shown = {"share": lambda v: f"{v:.0%}", "mean": lambda v: f"{v:.1f}", "days": lambda v: f"{v:.1f}",
             "count": lambda v: f"{v:d}", "date": lambda v: "2026-12-18"}
    lengths = [len(shown.get(kind, str)(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else len(str(v))
               for v in values if v not in (None, "")]
    return float(min(max([*lengths, min(len(header), 14), 4]) + 2, 48))


def table_tab(name: str, title: str, note: str, columns: Sequence[Column], body: Sequence[tuple[list, dict]],
              *, scale: tuple[ColorScale, int, int] | None = None) -> ToolTab:
    """A titled table: ``body`` rows are (values, {"bold": .., "fill": ..}); ``scale`` = (scale, first col, last col)."""
    sheet = _Sheet()
    sheet.add([title], [TITLE])
    sheet.add([note], [NOTE])
    sheet.add([], [])
    header_row = sheet.add([c.header for c in columns], [HEADER] * len(columns))
    for values, look in body:
        cells = [_cell(v, c.kind, **look) for v, c in zip(values, columns)]
        sheet.add([v for v, _ in cells], [s for _, s in cells])
    data = [row for row in sheet.rows[header_row + 1:]]
    widths = [_width([row[i] for row in data if i < len(row)], c.kind, c.header) for i, c in enumerate(columns)]
    rules = ()
    if scale is not None and data:
        color_scale, first, last = scale
        rules = (ScaleRule(Area(header_row + 1, first, len(data), last - first + 1), color_scale),)
    return ToolTab(name, sheet.rows, column_widths=widths, frozen_rows=header_row + 1, styles=sheet.styles,
                   palette=tuple(sheet.palette), color_scales=rules,
                   filter=Area(header_row, 0, len(data) + 1, len(columns)) if data else None)


def _look(status: str) -> dict:
    return {"bold": False, "fill": _STATUS_FILL.get(status)}


_DISTRICT_LOOK = {"bold": True, "fill": None}


def _legend(report: DistrictReport) -> str:
    return (f"{SUPPRESSED_TEXT} suppressed: fewer than {report.min_cell} teachers (or scores), or hidden so that a total "
            f"cannot give such a cell away. District rows pool the current schools' shown cells only.")


def district_tab(report: DistrictReport) -> ToolTab:
    figures = report.figures
    columns = [Column("School", "text"), Column("Rubric", "text"), Column("Status", "text"),
               Column("Last good sync", "text"), Column("Figures as of", "date"), Column("Sync days missed", "count"),
               *[Column(f.label, "days" if f.kind == "days" else f.kind) for f in figures]]
    body = []
    for s in report.schools:
        status = s.status if not s.last_sync_failed else f"{s.status}; last sync failed"
        last = s.last_success.strftime("%Y-%m-%d %H:%M") if s.last_success else "never"
        body.append(([s.name, s.rubric, status, last, s.as_of, s.sync_days_missed,
                      *[s.figures.get(f.key) for f in figures]], _look(s.status)))
    counts = report.counts()
    body.append(([f"District ({counts[CURRENT]} current schools)", "", "", "", None, None,
                  *[report.district_row[f.key] for f in figures]], _DISTRICT_LOOK))
    note = (f"As of {report.as_of.isoformat()}: {len(report.schools)} schools, {counts[STALE]} stale, {counts[NEVER]} never synced. "
            f"Read from the sync history (no tracker opened). {_legend(report)}")
    return table_tab("District", f"{report.district}: every school side by side", note, columns, body)


def ratings_tab(report: DistrictReport, section: RubricSection) -> ToolTab:
    rubric = section.rubric
    columns = [Column("School", "text"), Column("Status", "text"), *[Column(b.name, "share") for b in rubric.bands],
               Column("Scores", "count")]
    status = {s.id: s for s in report.schools}
    body = [([status[i].name, status[i].status, *section.bands[i], section.scores[i]], _look(status[i].status))
            for i in section.schools]
    body.append((["District (current schools)", "", *section.district_bands, None], _DISTRICT_LOOK))
    bands = ", ".join(f"{b.name} {b.min:g}-{b.max:g}" if b.min != b.max else f"{b.name} {b.min:g}" for b in rubric.bands)
    note = f"Share of {rubric.name} scores per band ({bands}), every score up to the as-of date. {_legend(report)}"
    return table_tab(f"{rubric.short_name} ratings", f"Rating distribution by band: {rubric.name}", note, columns, body)


def heatmap_tab(report: DistrictReport, section: RubricSection) -> ToolTab:
    rubric = section.rubric
    columns = [Column("School", "text"), Column("Status", "text"), *[Column(code, "mean") for code in rubric.codes],
               Column("All", "mean"), Column("Scores", "count")]
    status = {s.id: s for s in report.schools}
    body = [([status[i].name, status[i].status, *[section.heat[i].get(code) for code in rubric.codes],
              section.heat_all[i], section.scores[i]], _look(status[i].status)) for i in section.schools]
    body.append((["District (current schools)", "", *[section.district_heat[code] for code in rubric.codes], None, None],
                 _DISTRICT_LOOK))
    note = (f"Mean score per school and indicator, {rubric.name} ({rubric.scale_min:g}-{rubric.scale_max:g}, "
            f"{rubric.meeting_band} from {rubric.meeting_score:g}); only schools on this rubric. {_legend(report)}")
    return table_tab(f"{rubric.short_name} heat map", f"School x indicator: {rubric.name}", note, columns, body,
                     scale=(heat_scale(rubric), 2, 2 + len(rubric.codes)))


def calibration_tab(report: DistrictReport) -> ToolTab:
    columns = [Column("School", "text"), Column("Rubric", "text"), Column("Observers", "count"),
               Column("With 10+ scores", "count"), Column("Flagged: offset", "count"), Column("Flagged: middle band", "count"),
               Column("Observers flagged", "share"), Column("Scores in middle band", "share")]
    names = {s.id: s for s in report.schools}
    body = [([names[c.school].name, names[c.school].rubric, c.observers, c.judged, c.offset_flagged, c.middle_flagged,
              c.flagged, c.middle_share], _look(names[c.school].status)) for c in report.calibration]
    note = ("Observers whose scores sit apart from colleagues' on the same teachers and indicators, or never leave the "
            "rubric's middle band (MET study), among observers with enough scores to judge. " + _legend(report))
    return table_tab("Calibration", "Rater calibration per school", note, columns, body)


def trends_tab(report: DistrictReport) -> ToolTab:
    labels = {f.key: f for f in report.figures}
    columns = [Column("School", "text")]
    for key in TREND_FIGURES:
        kind = labels[key].kind
        columns += [Column(f"{labels[key].label}: {len(report.weeks)} weeks", "text"), Column("Then", kind), Column("Now", kind)]
    names = {s.id: s for s in report.schools}
    body = []
    for school, series in report.trends.items():
        values: list = [names[school].name]
        for key in TREND_FIGURES:
            cells = series[key]
            known = [c for c in cells if not c.suppressed and c.value is not None]
            values += [sparkline(cells), known[0] if known else None, known[-1] if known else None]
        body.append((values, _look(names[school].status)))
    weeks = f"{report.weeks[0].isoformat()} to {report.weeks[-1].isoformat()}" if report.weeks else ""
    note = (f"Weekly, from the figures each sync stored ({weeks}; one bar a week, the week's last sync; "
            f"'·' no sync that week, '*' suppressed). Then: the first week shown; now: the last. {_legend(report)}")
    return table_tab("Trends", "Per-school trends", note, columns, body)


def district_tabs(report: DistrictReport) -> list[ToolTab]:
    """Every tab of the District workbook, in order."""
    tabs = [district_tab(report)]
    for section in report.rubrics:
        tabs += [ratings_tab(report, section), heatmap_tab(report, section)]
    return [*tabs, calibration_tab(report), trends_tab(report)]
