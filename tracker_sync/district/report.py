"""The district report's content: every school side by side, read from the run history alone.

:func:`build_report` opens no tracker and makes no API call: each school's sync stored its
aggregate figures (tracker_sync.district.figures) in the history, and the report reads the newest
ones on or before its as-of date. A school that never synced, or whose figures are older than
``stale_after_days`` of its sync days, is listed as such, never left out.

Every published number is a :class:`Shown`: a value with its n, "no data", or suppressed (see
tracker_sync.district.suppress). Schools on different rubrics are compared on rubric-neutral
figures only (shares, counts, bands); means stay inside their own rubric's heat map.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Hashable
from dataclasses import dataclass, field

from tracker_sync.district.figures import FIGURES, FIGURES_VERSION, Figure
from tracker_sync.district.history import History
from tracker_sync.district.registry import WEEKDAYS, Registry, School
from tracker_sync.district.suppress import Line, complementary
from tracker_sync.schemas import Rubric
from tracker_sync.sheet_templates import load_rubric

KEY = "district"  # where a sync stores the figures: Run.extra["district"]
CURRENT, STALE, NEVER = "current", "stale", "never synced"
#: The per-school figures followed week by week in the Trends tab.
TREND_FIGURES = ("observed_14d", "feedback_within_norm", "on_pace", "overdue_steps")
TREND_WEEKS = 8


@dataclass(frozen=True)
class Shown:
    """One published cell: a value with its n, no data (value None), or suppressed."""

    value: float | None = None
    n: int | None = None
    suppressed: bool = False

    def to_dict(self) -> dict:
        if self.suppressed:
            return {"suppressed": True}
        return {"value": None if self.value is None else round(self.value, 6), "n": self.n}


SUPPRESSED = Shown(suppressed=True)
NO_DATA = Shown()


def shown(value: float | None, n: int | None, min_cell: int) -> Shown:
    """A stored (value, n) as published: n of 1 to min_cell - 1 is suppressed; n = 0 has no data.

    A value stored as None beside a non-zero n was suppressed when it was stored (under a higher
    threshold), so it stays suppressed.
    """
    if not n:
        return NO_DATA
    if n < min_cell or value is None:
        return SUPPRESSED
    return Shown(value, n)


@dataclass
class SchoolEntry:
    """One row of the District tab: where the figures come from and the figures as published."""

    id: str
    name: str
    backend: str
    rubric: str
    status: str  # CURRENT | STALE | NEVER
    as_of: dt.date | None  # the figures' as-of date
    last_success: dt.datetime | None  # when the last good sync started (school's local time)
    sync_days_missed: int | None  # the school's sync days since its figures' as-of date
    last_sync_failed: str  # "" or why the newest sync failed
    figures: dict[str, Shown] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.id, "school": self.name, "backend": self.backend, "rubric": self.rubric,
                "status": self.status, "as_of": self.as_of.isoformat() if self.as_of else None,
                "last_success": self.last_success.isoformat(timespec="minutes") if self.last_success else None,
                "sync_days_missed": self.sync_days_missed, "last_sync_failed": self.last_sync_failed,
                "figures": {key: cell.to_dict() for key, cell in self.figures.items()}}


@dataclass
class RubricSection:
    """The schools on one rubric: rating distribution by band and the school x indicator heat map."""

    rubric: Rubric
    schools: list[str]  # school ids with figures, in registry order
    bands: dict[str, list[Shown]]  # school id -> share of scores per band (lowest band first), n: all its scores
    scores: dict[str, Shown]  # school id -> number of scores (the bands' total and the heat map's n)
    heat: dict[str, dict[str, Shown]]  # school id -> indicator code -> mean
    heat_all: dict[str, Shown]  # school id -> mean over every indicator
    district_bands: list[Shown] = field(default_factory=list)
    district_heat: dict[str, Shown] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "rubric": self.rubric.id, "name": self.rubric.name, "bands": [b.name for b in self.rubric.bands],
            "schools": {school: {"bands": [c.to_dict() for c in self.bands[school]], "scores": self.scores[school].to_dict(),
                                 "indicators": {code: c.to_dict() for code, c in self.heat[school].items()},
                                 "all_indicators": self.heat_all[school].to_dict()} for school in self.schools},
            "district": {"bands": [c.to_dict() for c in self.district_bands],
                         "indicators": {code: c.to_dict() for code, c in self.district_heat.items()}},
        }


@dataclass
class CalibrationEntry:
    school: str  # id
    observers: int
    judged: int
    flagged: Shown  # share of judged observers flagged
    offset_flagged: int | None  # counts, only where the share is shown
    middle_flagged: int | None
    middle_share: Shown

    def to_dict(self) -> dict:
        return {"school": self.school, "observers": self.observers, "judged": self.judged, "flagged": self.flagged.to_dict(),
                "offset_flagged": self.offset_flagged, "middle_flagged": self.middle_flagged,
                "middle_share": self.middle_share.to_dict()}


#: The figures the district view puts beside last year's (plus the mean over every indicator).
LAST_YEAR_FIGURES = ("observed_14d", "on_pace", "feedback_median_days", "feedback_within_norm")


@dataclass
class LastYearEntry:
    """A school's figures of last year at the same week of the school year (from the history)."""

    label: str  # "2026-27"
    as_of: dt.date
    figures: dict[str, Shown]  # LAST_YEAR_FIGURES and "mean" (every indicator)

    def to_dict(self) -> dict:
        return {"year": self.label, "as_of": self.as_of.isoformat(), "figures": {k: c.to_dict() for k, c in self.figures.items()}}


@dataclass
class DistrictReport:
    district: str
    as_of: dt.date
    generated: dt.datetime
    min_cell: int
    schools: list[SchoolEntry]
    district_row: dict[str, Shown]  # pooled over current schools, shown cells only
    rubrics: list[RubricSection]
    calibration: list[CalibrationEntry]
    weeks: list[dt.date]  # the last day of each trend week, oldest first
    trends: dict[str, dict[str, list[Shown]]]  # school id -> figure key -> one cell per week
    synced: dict[str, list[bool]] = field(default_factory=dict)  # school id -> per week: a sync stored figures then
    last_year: dict[str, LastYearEntry] = field(default_factory=dict)  # school id -> last year at this week
    this_year_mean: dict[str, Shown] = field(default_factory=dict)  # school id -> mean over every indicator

    @property
    def figures(self) -> tuple[Figure, ...]:
        return FIGURES

    def counts(self) -> dict[str, int]:
        return {status: sum(s.status == status for s in self.schools) for status in (CURRENT, STALE, NEVER)}

    def to_dict(self) -> dict:
        return {
            "district": self.district, "as_of": self.as_of.isoformat(),
            "generated": self.generated.isoformat(timespec="seconds"), "min_cell": self.min_cell,
            "counts": self.counts(),
            "figures": {f.key: {"label": f.label, "kind": f.kind, "basis": f.basis, "definition": f.definition} for f in FIGURES},
            "schools": [s.to_dict() for s in self.schools],
            "district_row": {key: cell.to_dict() for key, cell in self.district_row.items()},
            "rubrics": [r.to_dict() for r in self.rubrics],
            "calibration": [c.to_dict() for c in self.calibration],
            "trends": {"weeks": [w.isoformat() for w in self.weeks], "synced": self.synced,
                       "schools": {school: {key: [c.to_dict() for c in cells] for key, cells in series.items()}
                                   for school, series in self.trends.items()}},
            "last_year": {school: entry.to_dict() for school, entry in self.last_year.items()},
        }


def sync_days_after(days: tuple[str, ...], since: dt.date, until: dt.date) -> int:
    """The school's sync weekdays after ``since`` up to and including ``until``."""
    return sum(WEEKDAYS[(since + dt.timedelta(k)).weekday()] in days for k in range(1, (until - since).days + 1))


def _stored(history: History, school: School, as_of: dt.date) -> dict | None:
    run = history.latest_extra(school.id, KEY, as_of.isoformat())
    data = run.extra[KEY] if run else None
    return data if data and data.get("version") == FIGURES_VERSION else None


def report_day(registry: Registry, history: History, now: dt.datetime) -> dt.date:
    """The report's as-of day when none is given: today in the district's time zone, or the latest day
    the schools' syncs computed figures for when that is later (a tracker frozen at a date, as the
    demo's are at their semester's end, syncs for that day by default: the report follows it)."""
    today = now.astimezone(registry.district.report.zone).date()
    newest = history.newest_day(KEY)
    return max(today, dt.date.fromisoformat(newest)) if newest else today


def _entry(registry: Registry, history: History, school: School, as_of: dt.date, data: dict | None) -> SchoolEntry:
    """One school's row. It sees only the syncs for days up to ``as_of``: its last good sync among them
    (so a school listed as never synced shows none), its figures, and how many sync days it missed."""
    settings = registry.district.report
    last_ok, last = history.last_ok_until(school.id, as_of.isoformat()), history.last(school.id)
    failed = last.detail if last is not None and last.outcome == "failed" else ""
    if data is None:
        return SchoolEntry(school.id, school.name, school.backend, school.rubric, NEVER, None,
                           last_ok.started_at.astimezone(school.zone) if last_ok else None, None, failed)
    day = dt.date.fromisoformat(data["as_of"])
    missed = sync_days_after(school.sync.days, day, as_of)
    status = STALE if missed >= settings.stale_after_days else CURRENT
    cells = {f.key: shown(*_pair(data["figures"].get(f.key)), settings.min_cell) for f in FIGURES}
    return SchoolEntry(school.id, school.name, school.backend, data["rubric"], status, day,
                       last_ok.started_at.astimezone(school.zone) if last_ok else None, missed, failed, cells)


def _pair(cell: dict | None) -> tuple[float | None, int | None]:
    return (None, None) if cell is None else (cell["value"], cell["n"])


def _pool(figure: Figure, cells: list[Shown]) -> Shown:
    """The district value of one figure from the schools' shown cells only."""
    if figure.pool == "weighted":
        return _pool_share(cells)
    known = _known(cells)
    if not known:
        return NO_DATA
    n = sum(n for _, n in known)
    if figure.pool == "sum":
        return Shown(float(sum(value for value, _ in known)), n)
    return Shown(float(statistics.median(value for value, _ in known)), n)


def _known(cells: list[Shown]) -> list[tuple[float, int]]:
    """(value, n) of the cells shown with a value (shown() gives every such cell its n)."""
    return [(c.value, c.n) for c in cells if not c.suppressed and c.value is not None and c.n is not None]


def _band_lines(rubric: Rubric) -> list[Line]:
    """Band subsets whose totals the report publishes: all bands (the school's number of scores)
    and, when the rubric's middle band is a union of whole bands (Danielson: Basic and Proficient),
    those bands and the others (the middle-band share tells their totals)."""
    everything = tuple(range(len(rubric.bands)))
    lines = [Line(everything, "n")]
    low, high = rubric.middle_band
    middle = tuple(i for i, b in enumerate(rubric.bands) if b.min >= low and b.max <= high)
    covered = sorted(v for i in middle for v in (rubric.bands[i].min, rubric.bands[i].max))
    if middle and covered[0] == low and covered[-1] == high:
        lines += [Line(middle, "middle_share"), Line(tuple(i for i in everything if i not in middle), "middle_share")]
    return lines


def _rubric_sections(entries: list[SchoolEntry], stored: dict[str, dict], min_cell: int) -> list[RubricSection]:
    sections: dict[str, RubricSection] = {}
    for entry in entries:
        data = stored.get(entry.id)
        if data is None:
            continue
        rubric = load_rubric(data["rubric"])
        section = sections.setdefault(rubric.id, RubricSection(rubric, [], {}, {}, {}, {}))
        section.schools.append(entry.id)
        counts, total = data["bands"]["counts"], data["bands"]["n"]
        codes = [code for code in rubric.codes if code in data["indicators"]]
        weights: dict[Hashable, int] = {("band", i): c or 0 for i, c in enumerate(counts)}
        weights |= {("code", code): data["indicators"][code]["n"] for code in codes}
        primary: set[Hashable] = {("band", i) for i, c in enumerate(counts) if c is None or 0 < c < min_cell}
        means = {code: shown(*_pair(data["indicators"][code]), min_cell) for code in codes}
        primary |= {("code", code) for code in codes if means[code].suppressed}
        lines = [Line(tuple(("band", i) for i in line.cells), line.total) for line in _band_lines(rubric)]
        lines.append(Line(tuple(("code", code) for code in codes), "n"))
        hidden, hidden_totals = complementary(weights, primary, lines)
        no_total = "n" in hidden_totals or total < min_cell
        section.scores[entry.id] = SUPPRESSED if no_total else Shown(float(total), total)
        section.bands[entry.id] = [SUPPRESSED if ("band", i) in hidden or no_total
                                   else Shown(c / total, total) if total else NO_DATA
                                   for i, c in enumerate(counts)]
        section.heat[entry.id] = {code: SUPPRESSED if ("code", code) in hidden else means[code] for code in codes}
        section.heat_all[entry.id] = SUPPRESSED if no_total else shown(*_pair(data["all_indicators"]), min_cell)
        for key in hidden_totals - {"n"} | ({"middle_share"} if no_total else set()):
            entry.figures[key] = SUPPRESSED
    current = {e.id for e in entries if e.status == CURRENT}
    for section in sections.values():
        pooled = [s for s in section.schools if s in current]
        section.district_bands = [_pool_share([section.bands[s][i] for s in pooled]) for i in range(len(section.rubric.bands))]
        section.district_heat = {code: _pool_share([section.heat[s].get(code, NO_DATA) for s in pooled])
                                 for code in section.rubric.codes}
    return list(sections.values())


def _pool_share(cells: list[Shown]) -> Shown:
    """A mean or share over shown cells, weighted by their n."""
    known = _known(cells)
    n = sum(n for _, n in known)
    return Shown(sum(value * n for value, n in known) / n, n) if n else NO_DATA


def _calibration(entries: list[SchoolEntry], stored: dict[str, dict]) -> list[CalibrationEntry]:
    rows = []
    for entry in entries:
        data = stored.get(entry.id)
        if data is None:
            continue
        calib, flagged = data["calibration"], entry.figures["observers_flagged"]
        visible = not flagged.suppressed and flagged.value is not None
        rows.append(CalibrationEntry(entry.id, calib["observers"], calib["judged"], flagged,
                                     calib["offset_flagged"] if visible else None, calib["middle_flagged"] if visible else None,
                                     entry.figures["middle_share"]))
    return rows


def _trends(history: History, school: School, as_of: dt.date,
            min_cell: int) -> tuple[list[dt.date], dict[str, list[Shown]], list[bool]]:
    """Per week (ending on the as-of day's weekday) the figures of the week's last sync, and whether the
    week had a sync that stored figures at all (a week without one has no value, never a neighbour's)."""
    weeks = [as_of - dt.timedelta(days=7 * k) for k in range(TREND_WEEKS - 1, -1, -1)]
    by_day = history.extra_by_day(school.id, KEY, (weeks[0] - dt.timedelta(days=6)).isoformat(), as_of.isoformat())
    series: dict[str, list[Shown]] = {key: [] for key in TREND_FIGURES}
    synced = []
    for end in weeks:
        days = [d for d in by_day if end - dt.timedelta(days=6) <= dt.date.fromisoformat(d) <= end]
        data = by_day[max(days)].extra[KEY] if days else None
        current = data if data is not None and data.get("version") == FIGURES_VERSION else None
        synced.append(current is not None)
        for key in TREND_FIGURES:
            series[key].append(shown(*_pair(current["figures"].get(key)), min_cell) if current is not None else NO_DATA)
    return weeks, series, synced


def build_report(registry: Registry, history: History, *, as_of: dt.date, now: dt.datetime) -> DistrictReport:
    """The district as of ``as_of``, from the history only (no tracker is opened)."""
    settings = registry.district.report
    entries, stored, trends, synced = [], {}, {}, {}
    weeks: list[dt.date] = []
    for school in registry.schools.values():
        data = _stored(history, school, as_of)
        entries.append(_entry(registry, history, school, as_of, data))
        if data is not None:
            stored[school.id] = data
            weeks, trends[school.id], synced[school.id] = _trends(history, school, as_of, settings.min_cell)
    rubrics = _rubric_sections(entries, stored, settings.min_cell)
    current = [e for e in entries if e.status == CURRENT]
    district_row = {f.key: _pool(f, [e.figures[f.key] for e in current]) for f in FIGURES}
    weeks = weeks or [as_of - dt.timedelta(days=7 * k) for k in range(TREND_WEEKS - 1, -1, -1)]
    heat_all = {school: section.heat_all[school] for section in rubrics for school in section.schools}
    last_year = {school: entry for school, data in stored.items()
                 if (entry := _last_year(history, school, data, settings.min_cell)) is not None}
    return DistrictReport(registry.district.name, as_of, now.astimezone(settings.zone), settings.min_cell, entries,
                          district_row, rubrics, _calibration(entries, stored), weeks, trends, synced, last_year,
                          {school: heat_all[school] for school in last_year})


def _last_year(history: History, school_id: str, data: dict, min_cell: int) -> LastYearEntry | None:
    """Last year's figures at the same week of the school year as ``data`` (this year's), if the history has them."""
    from tracker_sync.rollover.compare import history_figures

    if "school_year" not in data:
        return None
    first_day, as_of = dt.date.fromisoformat(data["school_year"][0]), dt.date.fromisoformat(data["as_of"])
    side = history_figures(history, school_id, first_day, as_of)
    if side is None or side.figures.get("version") != FIGURES_VERSION:
        return None
    cells = {key: shown(*_pair(side.figures["figures"].get(key)), min_cell) for key in LAST_YEAR_FIGURES}
    cells["mean"] = shown(*_pair(side.figures["all_indicators"]), min_cell)
    return LastYearEntry(side.label, side.as_of, cells)
