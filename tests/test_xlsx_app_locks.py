"""A tracker open in LibreOffice or Excel is never written (the app's next save would undo the sync),
the refusal is a passing failure the district jobs retry, and temp copies a killed write left behind
(full copies of confidential scores) are removed by the next write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import tiny_grids
from typer.testing import CliRunner
from xlsx_support import full_tool_tab, lock_held_elsewhere

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app
from tracker_sync.district.history import History
from tracker_sync.district.registry import load_registry
from tracker_sync.errors import TrackerInUse, TrackerLocked
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import PASS_ATTEMPTS, DistrictRunner, is_passing
from tracker_sync.metadata import to_metadata
from tracker_sync.testing.sample_district import build_district

APPS = {"LibreOffice": ".~lock.{name}#", "Excel": "~${name}"}


@pytest.fixture
def tracker(tmp_path, leap_template, tiny_settings) -> XlsxWorkbook:
    workbook = XlsxWorkbook(tmp_path / "tracker.xlsx")
    workbook.provision(leap_template, to_metadata(tiny_settings))
    workbook.seed_rows({tab: grid[1:] for tab, grid in tiny_grids().items()})
    return workbook


def open_in(app_name: str, path: Path) -> Path:
    """The lock file the app keeps beside a workbook it has open (LibreOffice writes who and since when)."""
    marker = path.with_name(APPS[app_name].format(name=path.name))
    marker.write_text(",Maria Garcia,coach-laptop,01.12.2026 08:15,file:///home/maria/.config/libreoffice/4;")
    return marker


@pytest.mark.parametrize("app_name", APPS)
def test_sync_refuses_while_the_file_is_open_in_an_app(tracker, app_name):
    marker = open_in(app_name, tracker.path)
    before = tracker.path.read_bytes()
    result = CliRunner().invoke(app, ["sync", str(tracker.path), "--as-of", "2026-09-30"])
    assert result.exit_code == 3
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.output
    assert f"open in {app_name}" in message and f"Close the file in {app_name}" in message
    assert f"delete {marker}" in message  # what to do when the app crashed and left its lock file
    assert tracker.path.read_bytes() == before
    marker.unlink()  # the coach closed the file
    assert CliRunner().invoke(app, ["sync", str(tracker.path), "--as-of", "2026-09-30"]).exit_code == 0
    assert tracker.path.read_bytes() != before


@pytest.mark.parametrize("app_name", APPS)
def test_provision_and_every_write_refuse_too(tracker, leap_template, tiny_settings, app_name):
    open_in(app_name, tracker.path)
    before = tracker.path.read_bytes()
    for change in (lambda: tracker.write([full_tool_tab()]), lambda: tracker.provision(leap_template, to_metadata(tiny_settings)),
                   lambda: tracker.seed_rows({"Roster": [["Zoe Park"]]})):
        with pytest.raises(TrackerInUse, match="nothing was written"):
            change()
    result = CliRunner().invoke(app, ["provision", "--school", "Tiny School", "--out", str(tracker.path)])
    assert result.exit_code == 3 and f"open in {app_name}" in result.stderr
    assert tracker.path.read_bytes() == before
    assert tracker.read(["Roster"]).grids["Roster"]  # reading (validate, brief) is still fine


def test_a_lock_file_of_another_workbook_does_not_count(tracker):
    open_in("LibreOffice", tracker.path.with_name("other.xlsx"))
    open_in("Excel", tracker.path.with_name("other.xlsx"))
    assert tracker.write([full_tool_tab()]) == [full_tool_tab().name]


def test_an_open_file_is_a_passing_failure_the_district_retries(tmp_path):
    """sync-all and serve retry passing failures; the pass here sees the coach close the file."""
    assert is_passing(TrackerInUse("open in Excel")) and is_passing(TrackerLocked("busy"))
    registry_path = build_district(tmp_path, xlsx=1, google=0, teachers=10)
    registry = load_registry(registry_path)
    school = next(iter(registry.schools.values()))
    path = registry.resolve(school.location)
    marker = open_in("LibreOffice", path)

    class CoachClosesTheFile(FakeClock):
        def sleep(self, seconds: float) -> None:  # the pass waits before its next attempt
            marker.unlink(missing_ok=True)
            super().sleep(seconds)

    clock = CoachClosesTheFile(dt.datetime(2026, 12, 18, 14, 0, tzinfo=dt.UTC))
    runner = DistrictRunner(registry, clock=clock, history=History(tmp_path / "history.sqlite"))
    (run,) = runner.run_pass(as_of=dt.date(2026, 12, 18))
    assert run.outcome == "ok"
    first, second = runner.history.runs()
    assert (first.outcome, first.extra["passing"], first.extra["error"]) == ("failed", True, "TrackerInUse")
    assert first.detail.startswith("in use: ")  # what status shows: words, not the class name
    assert "sync_log" not in first.extra  # no failure line was forced into a file the app holds
    assert second.outcome == "ok" and clock.slept > 0


def test_a_file_left_open_fails_after_the_pass_attempts(tmp_path):
    registry_path = build_district(tmp_path, xlsx=1, google=0, teachers=10)
    registry = load_registry(registry_path)
    open_in("Excel", registry.resolve(next(iter(registry.schools.values())).location))
    runner = DistrictRunner(registry, clock=FakeClock(dt.datetime(2026, 12, 18, 14, 0, tzinfo=dt.UTC)),
                            history=History(tmp_path / "history.sqlite"))
    (run,) = runner.run_pass(as_of=dt.date(2026, 12, 18))
    assert run.outcome == "failed" and "open in Excel" in run.detail
    assert len(runner.history.runs()) == PASS_ATTEMPTS


# -- temp copies a killed write left ----------------------------------------------------------


def left_by_a_killed_write(path: Path, tag: str) -> Path:
    stale = path.with_name(f".{path.name}.{tag}.tmp")
    stale.write_bytes(b"PK\x03\x04 a full copy of every score")
    return stale


def test_the_next_write_removes_temp_copies_a_killed_write_left(tracker):
    stale = [left_by_a_killed_write(tracker.path, tag) for tag in ("k2j4x9ab", "_0q1w2e3")]
    other = left_by_a_killed_write(tracker.path.with_name("other.xlsx"), "abc12345")  # another tracker's: not ours to touch
    assert all(p.exists() for p in stale)
    tracker.write([full_tool_tab()])
    assert not any(p.exists() for p in stale) and other.exists()
    assert sorted(p.name for p in tracker.path.parent.iterdir()) == sorted(
        [".tracker.xlsx.tracker-sync.lock", "tracker.xlsx", other.name])


def test_an_unchanged_write_and_provisioning_clean_up_too(tracker, leap_template, tiny_settings):
    tracker.write([full_tool_tab()])
    stale = left_by_a_killed_write(tracker.path, "zz9")
    assert tracker.write([full_tool_tab()]) == []  # nothing to write, but the lock was taken
    assert not stale.exists()
    stale = left_by_a_killed_write(tracker.path, "yy8")
    tracker.provision(leap_template, to_metadata(tiny_settings))
    assert not stale.exists()


def test_a_temp_file_of_a_live_write_is_left_alone(tracker):
    """Only a holder of the lock removes temp files: another run's file may be its write in progress."""
    live = left_by_a_killed_write(tracker.path, "live0001")
    with lock_held_elsewhere(tracker.lock_path):
        with pytest.raises(TrackerLocked):
            XlsxWorkbook(tracker.path, lock_timeout=0.2).write([full_tool_tab()])
        assert live.exists()
