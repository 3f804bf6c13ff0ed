"""API calls per school sync: tracker-sync's Google backend vs the naive gspread-dataframe peer.

Both run against the same Google fake (loopback HTTP, real gspread) and the same demo school
(synthetic_school(7)). Calls are counted by the fake's request log (Sheets + Drive, token requests
left out).

* ours: ``sync_tracker`` on a GoogleWorkbook: one spreadsheets.get + one batchUpdate; a re-sync with
  unchanged outputs makes only the read.
* peer: gspread + gspread-dataframe as a naive integration would use them: open the spreadsheet,
  ``get_as_dataframe`` per coach tab, ``set_with_dataframe`` per tool tab (same tool-tab content as
  ours, taken from a sync on the memory backend).

Also prints the provisioning, re-sync and fault-injected sync figures, and the bytes each side read
and wrote for one sync (request and answer bodies, at the HTTP client). Then the bytes one sync reads
and writes for the demo school and a 260-teacher school, before and after formats went once per run
of equal cells: "before" is the same write with every cell carrying its own format (one updateCells
a tab, as tracker-sync sent it until then), rebuilt from the very cells the fake stored, so both
figures describe the same tabs. Google advises at most 2 MB a request. The last line is
``ours_calls=… peer_calls=… ratio=… ours_unchanged_calls=… ours_read_kb=… ours_written_kb=…
peer_read_kb=… peer_written_kb=… demo_written_before_kb=… big_read_kb=… big_written_kb=… big_written_before_kb=…``.

Run: python benchmarks/api_calls.py
"""

from __future__ import annotations

import datetime as dt
import functools
import json

NOW = dt.datetime(2026, 12, 18, 21, 0, tzinfo=dt.UTC)


def describe(fake) -> str:
    """'1x spreadsheets.get, 1x batchUpdate'-style summary of the fake's request log."""
    counts: dict[str, int] = {}
    for request in fake.calls():
        if request.api == "drive":
            kind = f"drive {request.method} {request.path.removeprefix('/drive/v3/')}"
        elif request.path.endswith(":batchUpdate"):
            kind = "batchUpdate"
        elif "/values" in request.path:
            kind = "values.get" if request.method == "GET" else "values.update"
        else:
            kind = "spreadsheets.get"
        key = f"{kind}{' (' + request.fault + ')' if request.fault else ''}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n}x {k}" for k, n in counts.items())


def per_cell_write(fake, spreadsheet_id: str, body: dict) -> dict:
    """The same write as tracker-sync sent it before formats went once per run of equal cells: each tool
    tab's values and formats in one updateCells, every cell with its own format. Rebuilt from the cells
    the fake stored after the write, so it describes exactly the same tabs."""
    book, requests = fake.spreadsheets[spreadsheet_id], []
    for request in body["requests"]:
        (kind, params), = request.items()
        if kind == "repeatCell":
            continue
        if kind == "updateCells" and "range" in params:
            sheet = book.sheet(sheet_id=params["range"]["sheetId"])
            kept = ("userEnteredValue", "userEnteredFormat")
            rows = [{"values": [{k: v for k, v in sheet.cells.get((r, c), {}).items() if k in kept}
                                for c in range(sheet.columns)]} for r in range(sheet.rows)]
            request = {"updateCells": {"range": params["range"], "rows": rows, "fields": "userEnteredValue,userEnteredFormat"}}
        requests.append(request)
    return {"requests": requests}


def write_sizes(fake, http, drive: str, school, template) -> tuple[float, float, float]:
    """(KB read, KB written, KB the per-cell write would have sent) by one sync of a freshly seeded school."""
    from tracker_sync.backends.google.workbook import GoogleWorkbook
    from tracker_sync.metadata import to_metadata
    from tracker_sync.sync import sync_tracker

    workbook = GoogleWorkbook.create(school.name, http, folder_id=drive)
    workbook.provision(template, to_metadata(school.settings))
    workbook.seed_rows({name: grid[1:] for name, grid in school.grids.items()})
    fake.clear_log()
    sent, received = http.bytes_out, http.bytes_in
    sync_tracker(workbook, as_of=school.as_of, now=NOW)
    write = next(r for r in fake.calls() if r.path.endswith(":batchUpdate"))
    before = len(json.dumps(per_cell_write(fake, workbook.spreadsheet_id, write.body), allow_nan=False).encode())
    return (http.bytes_in - received) / 1024, (http.bytes_out - sent) / 1024, before / 1024


def run_peer(fake, account, spreadsheet_id: str, template, tool_tabs) -> tuple[int, float, float]:
    """The naive integration's calls, and the KB it read and wrote (bodies of the answered requests)."""
    import gspread
    import pandas as pd
    from gspread_dataframe import get_as_dataframe, set_with_dataframe

    from tracker_sync.backends.google.auth import load_credentials
    from tracker_sync.backends.google.transport import GoogleHTTPClient
    from tracker_sync.tabs import Link

    client = gspread.Client(load_credentials(info=account),
                            http_client=functools.partial(GoogleHTTPClient, api_base=fake.base_url))
    fake.clear_log()
    spreadsheet = client.open_by_key(spreadsheet_id)
    for name in template.coach_tab_names:
        get_as_dataframe(spreadsheet.worksheet(name), evaluate_formulas=True)
    for tab in tool_tabs:
        rows = [[c.text if isinstance(c, Link) else c for c in row] for row in tab.rows]
        width = max((len(r) for r in rows), default=1)
        frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows[1:]],
                             columns=[str(h) for h in (rows[0] + [""] * width)[:width]])
        set_with_dataframe(spreadsheet.worksheet(tab.name), frame, resize=True)
    return len(fake.calls()), client.http_client.bytes_in / 1024, client.http_client.bytes_out / 1024


def main() -> None:
    from tracker_sync.backends.google.transport import RetryPolicy
    from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client
    from tracker_sync.backends.memory import MemoryWorkbook
    from tracker_sync.metadata import to_metadata
    from tracker_sync.sheet_templates import load_template
    from tracker_sync.sync import sync_tracker
    from tracker_sync.synthetic.demo import provision_school
    from tracker_sync.synthetic.school import synthetic_school
    from tracker_sync.testing.google_fake import Fault, GoogleFake

    school = synthetic_school(7)
    template = load_template().for_rubric(school.settings.rubric)
    with GoogleFake() as fake:
        account = fake.service_account_info()
        http = google_client(service_account_info=account, api_base=fake.base_url, retry=RetryPolicy(sleep=lambda s: None))

        fake.clear_log()
        drive = fake.add_shared_drive("Coaching trackers", {account["client_email"]: "fileOrganizer"})
        workbook = GoogleWorkbook.create(school.name, http, folder_id=drive)
        workbook.provision(template, to_metadata(school.settings))
        print(f"provision: {len(fake.calls('sheets'))} Sheets + {len(fake.calls('drive'))} Drive calls ({describe(fake)})")
        workbook.seed_rows({name: grid[1:] for name, grid in school.grids.items()})

        fake.clear_log()
        sent, received = http.bytes_out, http.bytes_in
        sync_tracker(workbook, as_of=school.as_of, now=NOW)
        ours = len(fake.calls())
        read_kb, written_kb = (http.bytes_in - received) / 1024, (http.bytes_out - sent) / 1024
        print(f"sync: {ours} calls ({describe(fake)}); {read_kb:.0f} KB read, {written_kb:.0f} KB written")

        fake.clear_log()
        resync = sync_tracker(workbook, as_of=school.as_of, now=NOW + dt.timedelta(minutes=15))
        unchanged = len(fake.calls())
        print(f"re-sync, outputs unchanged: {unchanged} call ({describe(fake)}); outcome: {resync.outcome}")

        fake.clear_log()
        fake.script(Fault.http(429, retry_after=0, match="GET"), Fault.http(500, match=":batchUpdate"),
                    Fault.reset(match=":batchUpdate"))
        sync_tracker(workbook, as_of=school.as_of + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
        print(f"fault-injected sync (429 + Retry-After on the read, 500 and a connection reset on the write): "
              f"{len(fake.calls())} HTTP requests for 2 API calls ({describe(fake)})")

        memory = MemoryWorkbook()
        provision_school(memory, school)
        sync_tracker(memory, as_of=school.as_of, now=NOW)
        peer, peer_read_kb, peer_written_kb = run_peer(fake, account, workbook.spreadsheet_id, template,
                                                       list(memory.tool_tabs.values()))
        print(f"peer (gspread-dataframe): {peer} calls ({describe(fake)}); "
              f"{peer_read_kb:.0f} KB read, {peer_written_kb:.0f} KB written")

        print("one sync's bytes (Google advises at most 2 MB a request): read | written before (per-cell formats) -> after")
        sizes = {}
        for label, sized in (("demo school", school), ("260-teacher school", synthetic_school(7, teachers=260))):
            sizes[label] = write_sizes(fake, http, drive, sized, load_template().for_rubric(sized.settings.rubric))
            read, after, before = sizes[label]
            print(f"  {label}: {read:,.0f} KB read | {before:,.0f} KB -> {after:,.0f} KB written ({after / before:.0%})")

    (_, _, demo_before), (big_read, big_written, big_before) = sizes["demo school"], sizes["260-teacher school"]
    print(f"ours_calls={ours} peer_calls={peer} ratio={peer / ours:.1f} ours_unchanged_calls={unchanged} "
          f"ours_read_kb={read_kb:.0f} ours_written_kb={written_kb:.0f} peer_read_kb={peer_read_kb:.0f} "
          f"peer_written_kb={peer_written_kb:.0f} demo_written_before_kb={demo_before:.0f} big_read_kb={big_read:.0f} "
          f"big_written_kb={big_written:.0f} big_written_before_kb={big_before:.0f}")


if __name__ == "__main__":
    main()
