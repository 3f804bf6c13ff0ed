"""Property-based: whatever a coach puts in any cell of any coach tab, the validator neither crashes
nor loses a row, and a sync leaves every coach cell exactly as it was."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path

from conftest import AS_OF, tiny_grids
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker_sync.backends.xlsx.workbook import EXCEL_MAX_NUMBER
from tracker_sync.metadata import to_metadata
from tracker_sync.schemas import SchoolSettings
from tracker_sync.sheet_templates import default_norms, load_rubric, load_template
from tracker_sync.tabs import trim_grid
from tracker_sync.validate import validate
from tracker_sync.validate.findings import FINDING_TYPES

SETTINGS = SchoolSettings(school="Prop School", rubric=load_rubric("leap"), norms=default_norms(),
                          school_year_start=dt.date(2026, 8, 17), school_year_end=dt.date(2027, 5, 28))
TEMPLATE = load_template().for_rubric(SETTINGS.rubric)
COACH_TABS = [t.name for t in TEMPLATE.tabs]

formula_like = st.sampled_from(["=SUM(A1:A3)", "=1/0", "#REF!", "#N/A", " #value! ", "=VLOOKUP(B2,Roster!A:B,2)", "+1", "@x"])
long_text = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(49_990, 50_010))
good_looking = st.sampled_from(["Ana Lopez", "ben ross", "I.5", "i 1", "Effective", "5.0", "9/14", "Sept 5", "Scored – Full",
                                "Active", "Left", "46279"])


def cell_values(text: st.SearchStrategy[str]) -> st.SearchStrategy:
    return st.one_of(
        st.none(), text, good_looking, formula_like, st.booleans(),
        st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)),
    )


ANY_CELL = st.one_of(cell_values(st.text(max_size=40)), long_text)
rows_of = lambda cells: st.lists(st.lists(cells, max_size=20), max_size=6)  # noqa: E731


def _with_rows(extra: dict[str, list[list]]) -> dict[str, list[list]]:
    grids = tiny_grids()
    for tab, rows in extra.items():
        grids[tab] = grids[tab] + [list(r) for r in rows]
    return grids


def _check_accounting(result, grids) -> None:
    for tab in COACH_TABS:
        report = result.tabs[tab]
        assert report.accepted + report.excluded + report.blank == report.rows_read == len(grids[tab]) - 1
    assert all(f.code in FINDING_TYPES and f.tab in COACH_TABS for f in result.findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.fixed_dictionaries({tab: rows_of(ANY_CELL) for tab in COACH_TABS}), st.sampled_from(COACH_TABS), rows_of(ANY_CELL))
def test_validate_survives_any_cells_and_accounts_every_row(extra, header_tab, header_junk):
    grids = _with_rows(extra)
    if header_junk:  # sometimes the header row itself is junk too
        grids[header_tab] = [header_junk[0], *grids[header_tab][1:]]
    before = copy.deepcopy(grids)
    result = validate(grids, TEMPLATE, SETTINGS, AS_OF)
    _check_accounting(result, grids)
    assert grids == before or any(v != v for tab in grids for row in grids[tab] for v in row)  # NaN != NaN
    for name in ("observations", "scores"):  # every kept row is a valid pydantic record (building one raises if not)
        assert len(getattr(result.records, name)) == len(result.records.rows(name))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.fixed_dictionaries({tab: rows_of(ANY_CELL) for tab in COACH_TABS}))
def test_sync_on_memory_leaves_coach_cells_unchanged(extra):
    from tracker_sync.backends.memory import MemoryWorkbook
    from tracker_sync.sync import sync_tracker

    workbook = MemoryWorkbook(_with_rows(extra), to_metadata(SETTINGS))
    before = {tab: copy.deepcopy(workbook.grids[tab]) for tab in COACH_TABS}
    report = sync_tracker(workbook, as_of=AS_OF)
    for tab in COACH_TABS:
        assert repr(workbook.grids[tab]) == repr(before[tab])  # repr: NaN cells compare too
        assert report.rows_read[tab] == max(len(trim_grid(before[tab])) - 1, 0)  # backends drop trailing empty rows


xlsx_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)  # what a cell can hold in a file


def _fits_in_a_file(value: object) -> bool:
    """What a workbook cell can hold: numbers are finite and within Excel's range (no NaN, no 1e308)."""
    return not isinstance(value, float) or abs(value) <= EXCEL_MAX_NUMBER


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.fixed_dictionaries({tab: rows_of(st.one_of(cell_values(xlsx_text).filter(_fits_in_a_file))) for tab in COACH_TABS}))
def test_sync_on_xlsx_leaves_coach_cells_unchanged(extra):
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.sync import sync_tracker

    with tempfile.TemporaryDirectory() as folder:
        workbook = XlsxWorkbook(Path(folder) / "tracker.xlsx")
        workbook.provision(TEMPLATE, to_metadata(SETTINGS))
        workbook.seed_rows({tab: rows[1:] for tab, rows in _with_rows(extra).items()})
        before = workbook.read(COACH_TABS).grids
        report = sync_tracker(workbook, as_of=AS_OF)
        assert workbook.read(COACH_TABS).grids == before
        assert report.rows_read == {tab: len(before[tab]) - 1 for tab in COACH_TABS}
