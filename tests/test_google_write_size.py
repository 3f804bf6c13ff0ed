"""A sync's write stays under Google's advice of 2 MB a request, even for a 260-teacher school: values in
one updateCells, each format once per rectangle of equal cells (repeatCell), and the cells Google
ends up with are exactly the ones the old per-cell write gave."""

from __future__ import annotations

import datetime as dt

from test_google_backend import new_workbook

from tracker_sync.backends.google.values import cell_data, format_runs
from tracker_sync.backends.google.workbook import GoogleWorkbook
from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.sync import sync_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.tabs import Area, Style, ToolTab

NOW = dt.datetime(2026, 12, 18, 21, 0, tzinfo=dt.UTC)
DATE = {"type": "DATE", "pattern": "yyyy-mm-dd"}


def test_format_runs_send_the_commonest_format_once_then_each_rectangle_that_differs():
    tab = ToolTab("T", [["A", "B", "C"], ["x", dt.date(2026, 9, 1), 3], ["y", dt.date(2026, 9, 2), 4]],
                  styles=[[1, 1, 1], [0, 0, 2], [0, 0, 2]], palette=(Style(), Style(bold=True), Style(number_format="0")))
    assert format_runs(tab, 3, 3) == [
        (Area(0, 0, 3, 3), {"textFormat": {"bold": True}}),  # the commonest: the header's, over the whole grid
        (Area(1, 0, 2, 1), {}),  # plain text: two rows, one request
        (Area(1, 1, 2, 1), {"numberFormat": DATE}),  # a date's own number format, where its style has none
        (Area(1, 2, 2, 1), {"numberFormat": {"type": "NUMBER", "pattern": "0"}}),
    ]


def _google_sync(fake, account, school) -> tuple[GoogleWorkbook, int]:
    """The school synced on the fake, and the bytes of its write (exactly one read and one write)."""
    google = new_workbook(fake, account, school.name)
    provision_school(google, school)
    http = google.http
    sent = http.bytes_out  # request bodies: the read sends none
    fake.clear_log()
    sync_tracker(google, as_of=school.as_of, now=NOW)
    assert [c.method for c in fake.calls()] == ["GET", "POST"]
    return google, http.bytes_out - sent


def test_every_tool_tab_cell_gets_exactly_the_format_the_per_cell_write_gave_it(fake, account):
    school = synthetic_school(7)
    google, _ = _google_sync(fake, account, school)
    memory = MemoryWorkbook()
    provision_school(memory, school)
    sync_tracker(memory, as_of=school.as_of, now=NOW)
    book = fake.spreadsheets[google.spreadsheet_id]
    tab_ids = {s.title: s.id for s in book.sheets}
    for tab in memory.tool_tabs.values():
        stored = book.sheet(title=tab.name)
        for r in range(stored.rows):
            for c in range(stored.columns):
                value = tab.rows[r][c] if r < len(tab.rows) and c < len(tab.rows[r]) else None
                expected = cell_data(value, tab_ids, tab.style_at(r, c)).get("userEnteredFormat")
                assert stored.cells.get((r, c), {}).get("userEnteredFormat") == expected, (tab.name, r, c)


def test_a_260_teacher_school_writes_under_2_mb(fake, account):
    _, written = _google_sync(fake, account, synthetic_school(7, teachers=260))
    assert written < 2_000_000, f"{written:,} bytes"
