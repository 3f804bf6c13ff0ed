"""The coaching plan's calendar feeds on disk, and served on a loopback port for a subscription.

:func:`write_calendars` writes one feed per coach and one for the ILT into a folder (render.ics makes
them): each file is replaced atomically (a temp file in the same folder, then ``os.replace``), so a
calendar app or :class:`CalendarServer` never reads half a feed, and nothing else is left on disk. A
feed of ours whose coach no longer has a section is rewritten empty (its subscribers see its events
go) instead of being left with stale events.

:class:`CalendarServer` serves ``*.ics`` files from named folders over HTTP on 127.0.0.1 only: GET
and HEAD, no listing, nothing but the feed files. Calendar apps on the same machine subscribe to it
directly; Google Calendar fetches from Google's servers, so a feed for Google must be reachable from
the internet (behind the school's HTTPS proxy, for instance), which is a decision for the school,
never this server's default.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tracker_sync.errors import ConfigError
from tracker_sync.patterns.plan import Plan
from tracker_sync.render.ics import PRODID, calendar_feeds, empty_feed
from tracker_sync.schemas import SchoolSettings

LOOPBACK = "127.0.0.1"
_FEED_FILE = re.compile(r"[a-z0-9][a-z0-9-]*\.ics")


def write_calendars(folder: Path, settings: SchoolSettings, plan: Plan, *, now: dt.datetime) -> list[Path]:
    """Write the plan's feeds into ``folder`` (created if missing); returns the files written, the
    ILT's last. A ConfigError names the folder when it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ours = {path.name: data for path in folder.glob("*.ics") if (data := _ours(path)) is not None}
        feeds = calendar_feeds(settings, plan, now=now, previous=ours)
        for name in sorted(set(ours) - set(feeds)):
            feeds[name] = empty_feed(settings, f"Coaching plan: {name.removesuffix('.ics')}", now=now)
        written = []
        for name, data in feeds.items():
            if ours.get(name) != data:
                _replace(folder / name, data)
            written.append(folder / name)
        return written
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(f"{folder} is a file, not a folder: give a folder for the calendar feeds.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot write the calendar feeds to {folder}: {exc.strerror or exc}. Choose another folder.") from exc


def _ours(path: Path) -> bytes | None:
    """The feed file's bytes when tracker-sync wrote it (its PRODID near the top), else None: read once."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if PRODID.encode() in data[:512] else None


def _replace(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".ics.tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class CalendarServer:
    """Serves the feeds of ``folders`` on 127.0.0.1:``port`` (0: any free port), in a daemon thread,
    until :meth:`stop`. ``folders`` gives URL prefix -> folder ("" for the root), asked on every
    request so a reloaded registry's schools are served at once."""

    def __init__(self, folders: Callable[[], Mapping[str, Path]], port: int) -> None:
        handler = type("FeedHandler", (_FeedHandler,), {"server_folders": staticmethod(folders)})
        try:
            self.httpd = ThreadingHTTPServer((LOOPBACK, port), handler)
        except OSError as exc:
            raise ConfigError(f"Cannot serve the calendar feeds on {LOOPBACK}:{port}: {exc.strerror or exc}. "
                              "Choose another --calendar-port.") from exc
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="calendar-feeds", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.httpd.server_address[1]}"

    def start(self) -> CalendarServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _FeedHandler(BaseHTTPRequestHandler):
    server_folders: Callable[[], Mapping[str, Path]]

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        prefix, _, name = self.path.split("?", 1)[0].strip("/").rpartition("/")
        folder = self.server_folders().get(prefix)
        path = folder / name if folder is not None and _FEED_FILE.fullmatch(name) else None
        try:
            data = path.read_bytes() if path is not None else None
        except OSError:
            data = None
        if data is None:
            self.send_error(404, "No such calendar feed")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a calendar app polls often, and the service log is for syncs."""
