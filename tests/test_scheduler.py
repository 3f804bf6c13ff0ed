"""The scheduler: trigger fire times on a fixed `now`, jobs rebuilt from the registry, one serve per registry."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from tracker_sync.district.registry import School

DENVER = ZoneInfo("America/Denver")
XLSX = {"backend": "xlsx", "location": "a.xlsx"}


def at(day, hh, mm):
    return dt.datetime(2026, 12, day, hh, mm, tzinfo=DENVER)


@pytest.mark.parametrize("now, expected", [
    (at(15, 5, 0), at(15, 6, 0)),       # Tuesday before the window
    (at(15, 6, 0), at(15, 6, 0)),       # a job added at a fire time fires then
    (at(15, 6, 1), at(15, 6, 15)),
    (at(15, 17, 50), at(15, 18, 0)),    # the end is included
    (at(15, 18, 1), at(16, 6, 0)),      # then the next morning
    (at(18, 18, 1), at(21, 6, 0)),      # Friday evening -> Monday
])
def test_sync_trigger_fires_every_15_minutes_in_the_window(now, expected):
    from tracker_sync.jobs.scheduler import sync_trigger

    trigger = sync_trigger(School(name="A", **XLSX))
    assert trigger.get_next_fire_time(None, now) == expected


def test_sync_trigger_walks_from_the_previous_fire_time_so_misfires_coalesce():
    from tracker_sync.jobs.scheduler import sync_trigger

    trigger = sync_trigger(School(name="A", **XLSX))
    assert trigger.get_next_fire_time(at(15, 6, 0), at(15, 9, 0)) == at(15, 6, 15)


def test_brief_trigger_fires_before_the_ilt_meeting_in_local_time():
    from tracker_sync.jobs.scheduler import brief_trigger

    school = School(name="A", timezone="America/New_York", ilt={"day": "mon", "time": "07:00", "brief_minutes_before": 480},
                    **XLSX)
    new_york = ZoneInfo("America/New_York")
    fire = brief_trigger(school).get_next_fire_time(None, dt.datetime(2026, 12, 15, 12, 0, tzinfo=new_york))
    assert fire == dt.datetime(2026, 12, 20, 23, 0, tzinfo=new_york)  # Sunday 23:00 for Monday 07:00


def write_registry(path, schools):
    lines = ['[district]\nhistory = "h.sqlite"\n']
    for name in schools:
        lines.append(f'[schools."{name}"]\nbackend = "xlsx"\nlocation = "{name.lower()}.xlsx"\n')
    path.write_text("\n".join(lines))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))


def test_jobs_are_rebuilt_from_the_registry_and_follow_its_changes(tmp_path):
    from tracker_sync.jobs.scheduler import DistrictService

    registry = tmp_path / "district.toml"
    write_registry(registry, ["North", "South"])
    service = DistrictService(registry)
    service.start(paused=True)
    try:
        jobs = {j.id: j for j in service.scheduler.get_jobs()}
        assert set(jobs) == {"sync:north", "brief:north", "sync:south", "brief:south", "report:district", "registry-watch"}
        assert all((j.coalesce, j.max_instances, j.misfire_grace_time) == (True, 1, 300) for i, j in jobs.items() if ":" in i)
        assert service.reload() is False  # unchanged
        write_registry(registry, ["North", "East"])
        assert service.reload() is True
        assert {j.id for j in service.scheduler.get_jobs()} == {"sync:north", "brief:north", "sync:east", "brief:east",
                                                                "report:district", "registry-watch"}
        registry.write_text(registry.read_text() + '\n[schools."Bad"]\nbackend = "xlsx"\nlocation = "x.csv"\n')
        os.utime(registry, ns=(time.time_ns(), time.time_ns() + 20_000_000))
        assert service.reload() is False  # invalid: reported, old jobs kept
        assert "sync:east" in {j.id for j in service.scheduler.get_jobs()}
    finally:
        service.stop()


def test_serve_refuses_a_second_instance_and_stops_on_sigterm(tmp_path):
    registry = tmp_path / "district.toml"
    write_registry(registry, ["North"])
    command = [sys.executable, "-m", "tracker_sync", "serve", "--registry", str(registry)]
    log = (tmp_path / "serve.log").open("w")
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, env={**os.environ, "COLUMNS": "200"})
    try:
        banner = first.stdout.readline()
        assert banner.startswith("Serving 1 school from"), banner
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert f"already running for this registry (pid {first.pid}" in " ".join(second.stderr.split())
        first.send_signal(signal.SIGTERM)
        out, _ = first.communicate(timeout=30)
        assert first.returncode == 0, (tmp_path / "serve.log").read_text()
        assert "Stopping: running syncs get up to 10 s to finish" in out and out.rstrip().endswith("Stopped.")
    finally:
        if first.poll() is None:
            first.kill()
    assert not (tmp_path / "district.toml.serve.pid").exists()


@pytest.mark.parametrize("value, says", [
    ("-5", "greater than or equal to 1"),  # main: accepted, then spun at 100 % CPU and ignored SIGTERM
    ("0", "greater than or equal to 1"),  # main: silently 1 s
    ("soon", "a valid number"),
    ("inf", "less than or equal to 86400"),
])
def test_serve_refuses_a_bad_reload_interval_in_one_line(tmp_path, value, says):
    from typer.testing import CliRunner

    from tracker_sync.cli import app

    registry = tmp_path / "district.toml"
    write_registry(registry, ["North"])
    result = CliRunner().invoke(app, ["serve", "--registry", str(registry), "--reload-every", value])
    assert result.exit_code == 2
    line, = result.stderr.strip().splitlines()
    assert line.startswith("Error: Invalid value for '--reload-every': ") and says in line and line.endswith("serve --help`)")
    assert not (tmp_path / "district.toml.serve.pid").exists()


def test_the_service_itself_refuses_a_bad_interval():
    from tracker_sync.errors import ConfigError
    from tracker_sync.jobs.scheduler import DistrictService

    with pytest.raises(ConfigError, match="1 to 86400 seconds, not -5"):
        DistrictService(__import__("pathlib").Path("unused.toml"), reload_every_s=-5)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serve_json_stops_within_seconds_and_frees_its_lock_and_pid_file(tmp_path, stop_signal):
    import json

    from tracker_sync.jobs.scheduler import ServeLock

    registry = tmp_path / "district.toml"
    write_registry(registry, ["North", "South"])
    serving = subprocess.Popen([sys.executable, "-m", "tracker_sync", "serve", "--registry", str(registry),
                                "--reload-every", "1", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        banner = json.loads(serving.stdout.readline())
        assert (banner["event"], banner["pid"], banner["schools"]) == ("serving", serving.pid, 2)
        assert set(banner["next"]) == {"sync:north", "brief:north", "sync:south", "brief:south", "report:district"}
        time.sleep(2.5)  # a few registry checks go by
        asked = time.monotonic()
        serving.send_signal(stop_signal)
        out, _ = serving.communicate(timeout=30)
        waited = time.monotonic() - asked
    finally:
        if serving.poll() is None:
            serving.kill()
    assert serving.returncode == 0
    assert [json.loads(line)["event"] for line in out.splitlines()] == ["stopping", "stopped"]
    assert waited < 5, waited  # a bound on a hang (main: only SIGKILL ended it), not a speed claim
    assert not (tmp_path / "district.toml.serve.pid").exists()
    lock = ServeLock(registry)
    lock.acquire()  # free again: a new serve can start at once
    lock.release()


def run_once_now(service) -> None:
    """Fire North's sync once, and wait until the scheduler has dropped the one-shot job.

    Stopping while APScheduler is still removing it makes its thread raise JobLookupError (a stopped
    scheduler looks only at pending jobs), a race of the test's one-shot job that serve's own
    recurring jobs never meet.
    """
    service.scheduler.add_job(service._job, args=["sync:north"], id="now")
    service.scheduler.resume()
    deadline = time.monotonic() + 10
    while service.scheduler.get_job("now") is not None and time.monotonic() < deadline:
        time.sleep(0.01)


def test_stop_waits_for_a_running_job_only_for_its_grace_and_starts_nothing_new(tmp_path):
    import threading

    from tracker_sync.jobs.scheduler import DistrictService

    registry = tmp_path / "district.toml"
    write_registry(registry, ["North"])
    service = DistrictService(registry)
    release, started = threading.Event(), threading.Event()
    service.runner.scheduled_sync = lambda school_id: started.set() or release.wait(60) and None
    service.start(paused=True)
    try:
        run_once_now(service)
        assert started.wait(10)
        asked = time.monotonic()
        assert service.stop(grace_s=0.5) == 1  # still running after the grace: left, not waited for
        assert time.monotonic() - asked < 5
        assert service._job("sync:north") is None  # stopping: nothing new starts
        assert not (tmp_path / "district.toml.serve.pid").exists()
    finally:
        release.set()


def test_each_finished_run_is_reported(tmp_path):
    import threading

    from tracker_sync.jobs.scheduler import DistrictService

    registry = tmp_path / "district.toml"
    write_registry(registry, ["North"])  # north.xlsx does not exist: the sync fails at once
    reported, done = [], threading.Event()
    service = DistrictService(registry, on_run=lambda job, run: reported.append((job, run.outcome, run.detail)) or done.set())
    service.start(paused=True)
    try:
        run_once_now(service)
        assert done.wait(30)
    finally:
        service.stop()
    (job, outcome, detail), = reported
    assert (job, outcome) == ("sync:north", "failed") and detail.startswith("no tracker: No tracker file at")
