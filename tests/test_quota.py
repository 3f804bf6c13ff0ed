"""Google's quota model on our side: reads and writes apart, per credential and per project, a 429
pausing only the bucket it came from. Buckets run on a fake clock (no real sleeping); the last two
tests go over HTTP to the quota-enforcing fake.

Grant times are worked out by hand from the rates: 60/min is one token a second with a burst of 1;
120/min is two a second with a burst of 2.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tracker_sync.backends.google.quota import DistrictQuota, QuotaLimits
from tracker_sync.backends.google.transport import quota_scope
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.testing.google_fake import SheetsQuota
from tracker_sync.testing.google_fake.answers import quota_exceeded_body

START = dt.datetime(2026, 12, 15, 12, 0, tzinfo=dt.UTC)


def quota_on(clock: FakeClock, **limits) -> DistrictQuota:
    return DistrictQuota(QuotaLimits(**limits), clock=clock.monotonic, sleep=clock.sleep)


def grants(quota: DistrictQuota, clock: FakeClock, asks: list[tuple[str, str]]) -> list[float]:
    """When each (credential, kind) ask was granted, asked one after another in one thread."""
    out = []

    def take() -> None:
        for credential, kind in asks:
            quota.acquire(credential, kind)
            out.append(clock.monotonic())

    taker = threading.Thread(target=take, daemon=True)
    taker.start()
    taker.join(timeout=10)
    assert not taker.is_alive(), "the quota spun"
    return out


def test_each_credential_has_its_own_read_and_write_minute():
    clock = FakeClock(START)
    quota = quota_on(clock)  # Google's defaults: 60 a minute per credential, 300 per project
    # A: 1 a second. A's write and B's reads do not wait for A's reads.
    assert grants(quota, clock, [("a", "read")] * 3) == [0.0, 1.0, 2.0]
    assert grants(quota, clock, [("a", "write"), ("b", "read"), ("b", "read")]) == [2.0, 2.0, 3.0]
    assert quota.bucket("a", "read").granted == 3 and quota.project["read"].granted == 5


def test_the_project_minute_binds_when_credentials_together_exceed_it():
    clock = FakeClock(START)
    quota = quota_on(clock, reads_per_project=120)  # 2 a second, burst 2
    assert grants(quota, clock, [(c, "read") for c in "abcde"]) == [0.0, 0.0, 0.5, 1.0, 1.5]


def test_no_bucket_ever_grants_more_than_its_limit_in_any_sliding_minute():
    """Both buckets are stamped at the instant the request goes out, even when one of them made it wait."""
    clock = FakeClock(START)
    quota = quota_on(clock, reads_per_credential=30, reads_per_project=50)
    asks = [(c, "read") for _ in range(40) for c in "abc"]
    times = grants(quota, clock, asks)
    minute = 60 - 1e-6  # float sums land a grant a few 1e-15 s early; no clock, Google's included, resolves that

    def most_in_a_minute(moments: list[float]) -> int:
        return max(sum(start <= t < start + minute for t in moments) for start in moments)

    for credential in "abc":
        assert most_in_a_minute([t for (c, _), t in zip(asks, times, strict=True) if c == credential]) <= 30
    assert most_in_a_minute(times) == 50


def test_a_429_pauses_only_the_bucket_it_came_from():
    clock = FakeClock(START)
    quota = quota_on(clock)
    # A paused bucket restarts empty: its first token comes one interval (1 s at 60/min) after the pause.
    quota.throttled("a", "read", "user", 10.0)
    assert grants(quota, clock, [("b", "read"), ("a", "write"), ("a", "read")]) == [0.0, 0.0, 11.0]
    quota.throttled("a", "write", "project", 5.0)  # the project's writes: every credential's writes wait (5 s + 1/5 s)
    assert grants(quota, clock, [("b", "read"), ("b", "write")]) == [11.0, pytest.approx(16.2)]
    assert quota.throttles == {"user": 1, "project": 1}


@pytest.mark.parametrize("error, scope", [
    (quota_exceeded_body("read", "user", 60, "p")["error"], "user"),
    (quota_exceeded_body("write", "project", 300, "p")["error"], "project"),
    ({"message": "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
                 "of service 'x'."}, "user"),
    ({"message": "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute' "
                 "of service 'x'."}, "project"),
    ({"message": "Resource has been exhausted (e.g. check quota)."}, None),
])
def test_the_scope_of_a_429_is_read_from_googles_error(error, scope):
    assert quota_scope(error) == scope


def test_the_bound_is_the_slowest_bucket_at_its_rate():
    quota = DistrictQuota()
    # 80 reads on one credential at 60/min: 80 s; 400 reads in all at 300/min: 80 s; writes likewise.
    assert quota.bound_s({("a", "read"): 80, ("b", "read"): 70, ("a", "write"): 80}) == pytest.approx(80.0)
    # 360 reads at 300/min: 72 s; one credential: 90 s
    assert quota.bound_s({(c, "read"): 90 for c in "abcd"}) == pytest.approx(90.0)


# -- against the quota-enforcing fake -----------------------------------------------------------------


@pytest.fixture(scope="module")
def two_schools(tmp_path_factory, fake):
    from tracker_sync.testing.sample_district import build_district

    return build_district(tmp_path_factory.mktemp("quota"), xlsx=0, google=2, fake=fake, teachers=10, distinct=2)


@pytest.mark.parametrize("limit, scope", [({"read_per_user": 1}, "user"), ({"read_per_project": 1}, "project")])
def test_a_429_from_google_pauses_the_bucket_its_error_names(two_schools, tmp_path, fake, account, limit, scope):
    """Two schools on one service account; the fake's quota is stricter than the registry says, so Google refuses.

    Each case has a history of its own, so both schools' syncs are the day's first and are read."""
    from district_support import TUESDAY, runner_for

    clock = FakeClock(TUESDAY)
    runner = runner_for(two_schools, fake, account, clock=clock, history_name=f"{tmp_path.name}.sqlite")
    fake.enforce_quota(SheetsQuota(**limit), clock=clock.monotonic)
    try:
        runs = runner.run_pass(workers=1)
    finally:
        fake.enforce_quota(None)
    assert [r.outcome for r in runs] == ["ok", "ok"]
    other = {"user": "project", "project": "user"}[scope]
    assert runner.quota.throttles[scope] >= 1 and runner.quota.throttles[other] == 0
    assert clock.slept >= 59  # waited out Google's minute (its Retry-After), on the fake clock
