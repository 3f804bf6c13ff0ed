"""The tracker-sync command line: a thin layer over the library (sqlite-utils style).

Exit codes: 0 ok; 1 validation found errors (validate); 2 usage or configuration error;
3 the tracker could not be read or written (nothing was changed). Whatever the input, a failure
is one line on stderr, never a traceback (:class:`~tracker_sync.cli.app.OneLineErrors`).

One module per command group, each registering its commands on the one app (:mod:`.app`):
:mod:`.school` (demo, provision, sync, validate, brief), :mod:`.plan` (plan), :mod:`.pages` (teacher-pages),
:mod:`.district` (serve, sync-all, status), :mod:`.report` (district-report, export), :mod:`.google` (google-access, google-login)
and :mod:`.rollover` (rollover).
"""

from __future__ import annotations

# Importing a group registers its commands; --help lists them in this order.
from tracker_sync.cli import school  # noqa: F401

# isort: split
from tracker_sync.cli import pages, plan  # noqa: F401

# isort: split
from tracker_sync.cli import district, report  # noqa: F401

# isort: split
from tracker_sync.cli import google  # noqa: F401

# isort: split
from tracker_sync.cli import rollover  # noqa: F401
from tracker_sync.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
