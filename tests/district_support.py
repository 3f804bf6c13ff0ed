"""What the district tests share: a validated Check of a school, and a district runner on the Google fake
at a fixed Tuesday morning (Denver time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from conftest import AS_OF

from tracker_sync.check import Check
from tracker_sync.district.history import History
from tracker_sync.district.registry import load_registry
from tracker_sync.jobs.clock import FakeClock
from tracker_sync.jobs.district import DistrictRunner, GoogleAccess
from tracker_sync.tabs import Snapshot
from tracker_sync.validate import validate

DENVER = ZoneInfo("America/Denver")
TUESDAY = dt.datetime(2026, 12, 15, 5, 0, tzinfo=DENVER)


def check_of(grids, template, settings) -> Check:
    result = validate(grids, template, settings, AS_OF)
    assert result.findings == []
    return Check(Snapshot(grids), settings, template, AS_OF, result)


def runner_for(registry_path, fake, account, clock=None, history_name="history.sqlite", **access):
    registry = load_registry(registry_path)
    clock = clock or FakeClock(TUESDAY)
    history = History(registry_path.parent / history_name)
    google = GoogleAccess(service_account_info=account, api_base=fake.base_url, **access)
    return DistrictRunner(registry, clock=clock, history=history, google=google)
