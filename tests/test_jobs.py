"""District job functions on a fake clock (no real sleeping) against xlsx files and the Google fake.

A pass completes with zero failed schools under injected 429s and 5xx; a failing school gets its own
failure streak and backoff while the others run on; a crash mid-write leaves the old tool tabs whole;
every run lands in the history; a simulated school day fires exactly the registry's times; the
district's one token bucket keeps under Google's sliding minute and never spins on a fake clock.
"""

from __future__ import annotations

import datetime as dt
import pickle
import threading

import pytest
from district_support import DENVER, TUESDAY, runner_for

from tracker_sync.backends.google.quota import TokenBucket
from tracker_sync.district.registry import load_registry, save_registry
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import PASS_ATTEMPTS
from tracker_sync.jobs.simulate import simulate
from tracker_sync.jobs.status import district_status
from tracker_sync.testing.google_fake import Fault
from tracker_sync.testing.sample_district import build_district

TOOL_TABS = ("Summary", "Patterns", "Flags", "Plan", "Sync Log")


@pytest.fixture(scope="module")
def district(tmp_path_factory, fake):
    return build_district(tmp_path_factory.mktemp("district"), xlsx=1, google=2, fake=fake, teachers=10, distinct=2,
                          school={"sync": {"every_minutes": 180}})


def google_book(fake, registry, school_id):
    from tracker_sync.backends.google.workbook import spreadsheet_id_from

    return fake.spreadsheets[spreadsheet_id_from(registry.by_id(school_id).location)]


def tool_cells(book):
    return {tab: pickle.dumps(book.sheet(title=tab).cells) for tab in TOOL_TABS if any(s.title == tab for s in book.sheets)}


def test_a_pass_under_429s_and_5xx_fails_no_school(district, fake, account, tmp_path):
    runner = runner_for(district, fake, account, history_name=f"{tmp_path.name}.sqlite")
    fake.clear_log()
    fake.script(Fault.http(429, retry_after=7, match="/v4/"), Fault.http(503, match="/v4/"),
                Fault.http(500, match=":batchUpdate"),
                Fault.http(429, retry_after=3, match=":batchUpdate"), Fault.reset(match="GET /v4"))
    runs = runner.run_pass(workers=2)
    assert [r.outcome for r in runs] == ["ok", "ok", "ok"]
    google = [r for r in runs if r.school.startswith("google")]
    assert sum(r.http_requests - r.api_calls for r in google) == 5  # every fault retried, none dropped
    assert runner.quota.throttles == {"user": 2, "project": 0}  # each 429 (a per-user limit) paused its bucket only
    assert runner.clock.slept >= 7  # Retry-After honoured on the fake clock, no real sleep
    assert sum(r.http_requests for r in google) == fake.count("sheets")  # counted at the choke point
    assert runner.quota.granted == fake.count("sheets")  # every Sheets request asked the quota
    assert fake.count("drive") == runner.drive_listings == 1  # one Drive listing for the pass
    assert fake.count("oauth") == 1  # one service account, one token for every school and thread
    recorded = runner.history.runs(kind="sync")
    assert [(r.school, r.outcome) for r in recorded] == sorted([(r.school, "ok") for r in runs],
                                                               key=lambda x: [s.school for s in recorded].index(x[0]))
    assert all(r.rows_read > 0 and r.api_calls == (0 if r.school.startswith("xlsx") else r.api_calls) for r in recorded)


def test_throttling_beyond_the_clients_retries_is_retried_later_in_the_pass(district, fake, account, tmp_path):
    runner = runner_for(district, fake, account, history_name=f"{tmp_path.name}.sqlite", max_attempts=2)
    fake.script(*[Fault.http(429, retry_after=1, match="/v4/")] * 2)  # the first school to call gives up once
    runs = runner.run_pass(workers=1)
    assert all(r.outcome == "ok" for r in runs)
    history = runner.history.runs(kind="sync")
    assert [r.outcome for r in history].count("failed") == 1 and len(history) == len(runs) + 1
    assert PASS_ATTEMPTS >= 2


def test_a_failing_school_backs_off_alone(district, fake, account, tmp_path):
    runner = runner_for(district, fake, account, history_name=f"{tmp_path.name}.sqlite")
    xlsx = next(s for s in runner.registry.schools.values() if s.backend == "xlsx")
    tracker = runner.registry.resolve(xlsx.location)
    moved = tracker.with_suffix(".moved")
    tracker.rename(moved)
    try:
        runs = {r.school: r for r in runner.run_pass(workers=2)}
        assert runs[xlsx.id].outcome == "failed" and runs[xlsx.id].extra["error"] == "TrackerNotFound"
        assert runs[xlsx.id].detail.startswith("no tracker: No tracker file at")  # a label people read, no class name
        assert all(r.outcome == "ok" for school, r in runs.items() if school != xlsx.id)
        assert runner.history.failure_streak(xlsx.id) == 1
        assert runner.resting_until(xlsx.id) == runs[xlsx.id].started_at + dt.timedelta(minutes=5)
        assert runner.scheduled_sync(xlsx.id) is None  # resting: the scheduler skips it
        runner.clock.sleep(301)
        assert runner.scheduled_sync(xlsx.id).outcome == "failed"
        assert runner.history.failure_streak(xlsx.id) == 2 and runner.history.failures(xlsx.id) == 2
        rows = {r.id: r for r in district_status(runner.registry, runner.history, runner.clock.now())}
        assert rows[xlsx.id].failure_streak == 2 and rows[xlsx.id].outcome == "failed"
        # Resting 10 minutes after the second failure, then its next 3-hourly window.
        assert rows[xlsx.id].next_sync == "2026-12-15T06:00-07:00"
    finally:
        moved.rename(tracker)
    runner.clock.sleep(601)
    assert runner.scheduled_sync(xlsx.id).outcome == "ok"
    assert runner.history.failure_streak(xlsx.id) == 0 and runner.history.failures(xlsx.id) == 2


def test_a_crash_mid_write_leaves_the_old_tool_tabs_whole(district, fake, account, tmp_path, monkeypatch):
    runner = runner_for(district, fake, account, history_name=f"{tmp_path.name}.sqlite", max_attempts=3)
    school = next(s for s in runner.registry.schools.values() if s.backend == "google")
    assert runner.sync_school(school.id).outcome == "ok"
    before = tool_cells(google_book(fake, runner.registry, school.id))
    runner.registry = runner.registry.model_copy(update={"schools": {
        n: s.model_copy(update={"norms": {"observation_gap_days": 1}}) if s.id == school.id else s
        for n, s in runner.registry.schools.items()}})  # new outputs, so the sync must write
    fake.script(*[Fault.reset(match=":batchUpdate")] * 3)
    run = runner.sync_school(school.id)
    assert run.outcome == "failed" and run.http_requests == 4 and run.detail.startswith("Google error: [0] UNAVAILABLE")
    assert tool_cells(google_book(fake, runner.registry, school.id)) == before

    xlsx = next(s for s in runner.registry.schools.values() if s.backend == "xlsx")
    path = runner.registry.resolve(xlsx.location)
    old = path.read_bytes()

    def crash(*args):
        raise OSError("disk pulled out mid-write")

    monkeypatch.setattr("tracker_sync.backends.xlsx.workbook.os.replace", crash)
    run = runner.sync_school(xlsx.id)
    assert run.outcome == "failed" and run.extra["sync_log"] is False
    assert path.read_bytes() == old


def test_norm_overrides_reach_the_sync_and_the_brief(district, fake, account, tmp_path):
    runner = runner_for(district, fake, account, history_name=f"{tmp_path.name}.sqlite")
    school = next(s for s in runner.registry.schools.values() if s.backend == "xlsx")
    as_of = dt.date(2026, 12, 18)
    default = runner.sync_school(school.id, as_of=as_of).extra["headline"]["teachers_not_seen"]
    runner.registry = runner.registry.model_copy(update={"schools": {
        n: s.model_copy(update={"norms": {"observation_gap_days": 1}}) for n, s in runner.registry.schools.items()}})
    strict = runner.sync_school(school.id, as_of=as_of).extra["headline"]["teachers_not_seen"]
    assert strict > default
    brief = runner.brief_school(school.id, as_of=as_of)
    assert brief.outcome == "ok" and brief.detail.endswith("ilt-brief-2026-12-18.html")
    assert "Not seen in 1+ days" in open(brief.detail, encoding="utf-8").read()


def test_a_simulated_school_day(district, fake, account, tmp_path):
    registry = load_registry(district)
    day_registry = tmp_path / "district.toml"
    two = {n: s.model_copy(update={"sync": s.sync.model_copy(update={"every_minutes": 240})})
           for n, s in registry.schools.items() if s.id != "google-school-002"}  # one xlsx, one Google: keeps the test short
    save_registry(registry.model_copy(update={"schools": two,
                                              "district": registry.district.model_copy(update={"history": "day.sqlite"})}),
                  day_registry)
    for entry in district.parent.glob("*.xlsx"):
        (tmp_path / entry.name).write_bytes(entry.read_bytes())
    clock = FakeClock(TUESDAY)
    runner = runner_for(day_registry, fake, account, clock=clock, history_name="day.sqlite")
    fired = simulate(runner, clock, dt.datetime(2026, 12, 15, 23, 0, tzinfo=DENVER))
    local = [(e.at.astimezone(DENVER).strftime("%H:%M"), e.job.split(":")[0]) for e in fired if e.job.endswith("school-001")]
    assert sorted(set(local)) == [("06:00", "sync"), ("06:30", "brief"), ("10:00", "sync"), ("14:00", "sync"), ("18:00", "sync")]
    assert len(fired) == 2 * 4 + 2 and all(e.run.outcome in ("ok", "skipped") for e in fired)
    google_syncs = [e.run.outcome for e in fired if e.job == "sync:google-school-001"]
    assert google_syncs == ["ok", "skipped", "skipped", "skipped"]  # unchanged since the day's first sync: not read
    assert len(runner.history.runs()) == len(fired)
    assert all(p.name == "ilt-brief-2026-12-15.html" for p in (tmp_path / "briefs").glob("*/*.html"))
    rows = district_status(runner.registry, runner.history, clock.now())
    assert {r.next_sync for r in rows} == {"2026-12-16T06:00-07:00"}
    assert {r.next_brief for r in rows} == {"2026-12-22T06:30-07:00"}
    assert {(r.backend, r.outcome) for r in rows} == {("xlsx", "ok"), ("google", "skipped")}
    assert all(r.last_sync.startswith("2026-12-15T18:00") and r.errors is not None for r in rows)


def grant_times(bucket, clock, count):
    """When each of ``count`` acquires was granted, on the fake clock; fails instead of hanging if the bucket spins."""
    granted = []

    def take():
        for _ in range(count):
            bucket.acquire()
            granted.append(clock.monotonic())

    taker = threading.Thread(target=take, daemon=True)
    taker.start()
    taker.join(timeout=10)
    assert not taker.is_alive(), f"the bucket spun after {len(granted)} grants at {clock.monotonic()} s"
    return granted


def test_the_bucket_keeps_under_googles_sliding_minute():
    clock = FakeClock(TUESDAY)
    bucket = TokenBucket(300, burst=5, clock=clock.monotonic, sleep=clock.sleep)
    granted = grant_times(bucket, clock, 310)
    assert granted[:5] == [0.0] * 5 and granted[299] == pytest.approx(59.0)  # the burst, then 5 a second
    assert granted[300] == pytest.approx(60.0)  # not 59.2: the burst's 5 are still in the last minute
    assert max(sum(start <= t < start + 60 for t in granted) for start in granted) == 300
    assert granted[-1] == pytest.approx(bucket.quota_bound_s(310)) == pytest.approx(61.0)


def test_the_bucket_grants_when_its_wait_is_below_the_clocks_resolution():
    clock = FakeClock(TUESDAY)
    clock.sleep(16.0)
    bucket = TokenBucket(300, burst=1, clock=clock.monotonic, sleep=clock.sleep)
    grant_times(bucket, clock, 1)
    clock.sleep(0.2)  # 16.2 - 16.0 is a hair under 0.2 in floats: 0.99999... of a token
    assert grant_times(bucket, clock, 1) == [pytest.approx(16.2)]  # it used to wait 7e-16 s forever: 16.2 + 7e-16 == 16.2
