"""A stateful fake of the Google Sheets v4 / Drive v3 / OAuth endpoints tracker-sync uses.

Shipped as a first-class test double (like httpx's MockTransport): run it on loopback, point the
production Google backend at it with ``api_base=fake.base_url``, and assert exact request counts::

    from tracker_sync.testing.google_fake import Fault, GoogleFake

    with GoogleFake() as fake:
        book = open_google(spreadsheet_id, service_account_info=fake.service_account_info(), api_base=fake.base_url)
        fake.script(Fault.http(429, retry_after=1))   # the next request is throttled once
        ...
        assert len(fake.calls("sheets")) == 2

Responses follow the shapes of real Google transcripts (see tests/test_google_fake_conformance.py).
"""

from tracker_sync.testing.google_fake.limits import SheetsQuota
from tracker_sync.testing.google_fake.log import LoggedRequest, LogTruncated
from tracker_sync.testing.google_fake.server import Fault, GoogleFake

__all__ = ["Fault", "GoogleFake", "LogTruncated", "LoggedRequest", "SheetsQuota"]
