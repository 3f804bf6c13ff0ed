"""The district report of a Google district, on the loopback fake: no call to any school's tracker,
and a Google District workbook provisioned once, recorded in the registry, shared with named staff only."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import pytest
import tomli_w
from test_google_backend import cli_env  # noqa: F401 - the CLI pointed at the fake
from typer.testing import CliRunner

from tracker_sync.backends.google.workbook import spreadsheet_id_from
from tracker_sync.cli import app
from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.testing.sample_district import build_district

STAFF = ["superintendent@district.example.org", "data.lead@district.example.org"]


@pytest.fixture(scope="module")
def district(tmp_path_factory, fake, account):
    registry = build_district(tmp_path_factory.mktemp("google-district"), xlsx=1, google=3, fake=fake, teachers=10,
                              distinct=2, district={"name": "Google District", "report": {"staff": STAFF[:1]}})
    runner = DistrictRunner(load_registry(registry), google=GoogleAccess(service_account_info=account, api_base=fake.base_url))
    assert [run.outcome for run in runner.run_pass(workers=2, as_of=dt.date(2026, 12, 18))] == ["ok"] * 4
    return registry


def report(registry, *args):
    result = CliRunner().invoke(app, ["district-report", "--registry", str(registry), "--as-of", "2026-12-18", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_xlsx_report_of_a_google_district_makes_no_api_call(district, fake, cli_env, tmp_path):
    fake.clear_log()
    out = report(district, "--out", str(tmp_path / "district.xlsx"))
    assert fake.count() == fake.count("oauth") == 0  # not one request: no token, no read, no write
    assert out["api_calls"] == 0 and out["report"]["counts"]["current"] == 4


def test_a_google_report_is_provisioned_once_and_shared_with_staff_only(district, fake, account, cli_env):
    schools = {spreadsheet_id_from(s.location) for s in load_registry(district).schools.values() if s.backend == "google"}
    refused = CliRunner().invoke(app, ["district-report", "--registry", str(district), "--backend", "google"])
    assert refused.exit_code == 3  # a service account owns no Drive storage: not without a shared drive
    assert refused.stderr.count("\n") == 1 and "owns no Drive storage (storageQuotaExceeded)" in refused.stderr
    assert "spreadsheet" not in tomllib.loads(district.read_text())["district"].get("report", {})  # nothing recorded

    drive = fake.add_shared_drive("District reports", {account["client_email"]: "fileOrganizer"})
    fake.clear_log()
    first = report(district, "--backend", "google", "--folder", f"https://drive.google.com/drive/folders/{drive}")
    calls = fake.calls()
    assert first["created"] and first["shared"] == STAFF[:1]
    assert fake.files[spreadsheet_id_from(first["workbook"])].drive.id == drive  # in the shared drive, which owns it
    assert not [c for c in calls if any(school in c.path for school in schools)]  # never a school's tracker
    assert [(c.method, c.path.rsplit("/", 1)[-1].split(":")[-1]) for c in calls] == [
        ("POST", "files"),  # create the spreadsheet (Drive)
        ("GET", first["workbook"].split("/")[-2]), ("POST", "batchUpdate"),  # name its first tab District
        ("POST", "permissions"),  # one named person, view only
        ("GET", first["workbook"].split("/")[-2]), ("POST", "batchUpdate"),  # the one write of every tab
    ]
    assert first["api_calls"] == len(calls)
    permission = next(c for c in calls if c.path.endswith("/permissions")).body
    assert permission == {"type": "user", "role": "reader", "emailAddress": STAFF[0]}
    book = fake.spreadsheets[spreadsheet_id_from(first["workbook"])]
    assert [s.title for s in book.sheets] == first["tabs"]  # no stray "Sheet1"
    recorded = tomllib.loads(district.read_text())["district"]["report"]
    assert (recorded["spreadsheet"], recorded["shared"]) == (first["workbook"], STAFF[:1])

    # A second report reuses the spreadsheet; a newly listed staff member is shared with, nobody else again.
    document = tomllib.loads(district.read_text())
    document["district"]["report"]["staff"] = STAFF
    district.write_text(tomli_w.dumps(document))
    fake.clear_log()
    second = report(district, "--backend", "google")
    assert (second["workbook"], second["created"], second["shared"]) == (first["workbook"], False, STAFF[1:])
    assert not [c for c in fake.calls() if c.path.endswith("/files") and c.method == "POST"]
    assert [c.body["emailAddress"] for c in fake.calls() if c.path.endswith("/permissions")] == STAFF[1:]
    third = report(district, "--backend", "google")
    assert third["shared"] == [] and third["api_calls"] == 1  # unchanged outputs: one read, the write skipped
