"""Run the Google fake on its own, to try tracker-sync's Google side with no Google account.

    python -m tracker_sync.testing.google_fake [--port 8765] [--credentials fake-service-account.json]

It writes a service-account file whose tokens the fake issues, prints the two environment variables
that point tracker-sync at it, and serves on 127.0.0.1 until Ctrl-C or SIGTERM. Its spreadsheets live
in memory only: they are gone when it stops.

Like a district's Google, a service account owns no Drive storage here: the fake has a shared drive
the account manages (give it to provision with ``--folder``), and a Workspace, district.example.org,
whose admin granted the account domain-wide delegation (``--as data-lead@district.example.org``).
Both are printed, as comments, after the two variables.
"""

from __future__ import annotations

import argparse
import errno
import json
import signal
import sys
import threading
from pathlib import Path

from tracker_sync.backends.google.auth import SCOPES
from tracker_sync.testing.google_fake import GoogleFake
from tracker_sync.testing.google_fake.discovery import DocumentsMissing

WORKSPACE = "district.example.org"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tracker_sync.testing.google_fake", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="loopback port (0: any free port)")
    parser.add_argument("--credentials", type=Path, default=Path("fake-service-account.json"),
                        help="where to write the fake service-account JSON")
    args = parser.parse_args()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        fake = GoogleFake().start(args.port)
    except OSError as exc:
        reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        print(f"Error: port {args.port} on 127.0.0.1 {reason}; pick another with --port (0 picks a free one).",
              file=sys.stderr)
        raise SystemExit(2) from None
    except DocumentsMissing as exc:
        print(f"Error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    try:
        account = fake.service_account_info()
        args.credentials.write_text(json.dumps(account), encoding="utf-8")
        drive = fake.add_shared_drive("Coaching trackers", {account["client_email"]: "fileOrganizer"})
        fake.add_workspace(WORKSPACE, [f"data-lead@{WORKSPACE}"])
        fake.grant_delegation(WORKSPACE, account["client_id"], list(SCOPES))
        print(f"export TRACKER_SYNC_GOOGLE_API_BASE={fake.base_url}")
        print(f"export TRACKER_SYNC_GOOGLE_CREDENTIALS={args.credentials.resolve()}")
        print(f"# a shared drive the service account manages: --folder {drive}")
        print(f"# a district user it may act as (domain-wide delegation): --as data-lead@{WORKSPACE}", flush=True)
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
