"""`python -m tracker_sync.testing.google_fake`: the fake in its own process, driven by the real CLI over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys


def test_standalone_fake_serves_the_cli_and_stops_on_sigterm(tmp_path):
    credentials = tmp_path / "sa.json"
    server = subprocess.Popen([sys.executable, "-m", "tracker_sync.testing.google_fake", "--port", "0",
                               "--credentials", str(credentials)],
                              stdout=subprocess.PIPE, text=True)
    try:
        exports = dict(server.stdout.readline().strip().removeprefix("export ").split("=", 1) for _ in range(2))
        folder, act_as = (server.stdout.readline().split()[-1] for _ in range(2))
        env = {**os.environ, **exports}
        assert exports["TRACKER_SYNC_GOOGLE_API_BASE"].startswith("http://127.0.0.1:")
        assert json.loads(credentials.read_text())["type"] == "service_account"

        def cli(*args: str) -> dict:
            done = subprocess.run([sys.executable, "-m", "tracker_sync", *args, "--json"], env=env, capture_output=True,
                                  text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout)

        made = cli("provision", "--school", "Tiny School", "--backend", "google", "--folder", folder, "--no-notify")
        assert cli("provision", "--school", "Aspen School", "--backend", "google", "--as", act_as)["created"]
        synced = cli("sync", made["tracker"], "--as-of", "2026-09-30")
        assert synced["tabs_written"] == ["Summary", "Patterns", "Flags", "Plan", "Sync Log"]
        assert set(synced["rows_read"]) >= {"Roster", "Observations", "LEAP Scores"}
        again = cli("sync", made["tracker"], "--as-of", "2026-09-30")
        assert again["outcome"] == "unchanged" and again["tabs_written"] == []  # the fingerprint matched: no write at all
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
