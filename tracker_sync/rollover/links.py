"""The chain of school years in the trackers' own metadata, and what it means for the commands.

A rollover writes ``previous_year`` (where last year's tracker is) into next year's tracker and
``next_year`` (where next year's is) into last year's; a tracker with ``next_year`` is archived:
``sync``, ``sync-all`` and ``serve`` skip it with one line and never write it again, and
``provision`` refuses to repair it. An .xlsx tracker names the other year's file relative to its own
folder when both share one (they do unless ``--out`` put the new one elsewhere), so the two files
can move together; a Google tracker names the other's URL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from tracker_sync.backends.base import Workbook
from tracker_sync.errors import ConfigError
from tracker_sync.rollover.years import SchoolYear

PREVIOUS_YEAR = "previous_year"
NEXT_YEAR = "next_year"


def link_to(target: Workbook, seen_from: Workbook) -> str:
    """How ``seen_from``'s metadata names ``target``: a path relative to its folder, or a URL."""
    path = getattr(target, "path", None)
    here = getattr(seen_from, "path", None)
    if isinstance(path, Path) and isinstance(here, Path):
        target_abs, folder = path.resolve(), here.resolve().parent
        return os.path.relpath(target_abs, folder) if target_abs.is_relative_to(folder) else str(target_abs)
    return target.location


def open_linked(workbook: Workbook, location: str) -> Workbook:
    """The tracker a link in ``workbook``'s metadata names, reached the way ``workbook`` is (no call yet)."""
    here = getattr(workbook, "path", None)
    if isinstance(here, Path):
        from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

        return XlsxWorkbook(here.parent / Path(location).expanduser())
    from tracker_sync.backends.google.workbook import GoogleWorkbook, spreadsheet_id_from

    http = getattr(workbook, "http", None)
    if http is None:
        raise ConfigError(f"Cannot open {location} from the {workbook.kind} tracker {workbook.location}.")
    return GoogleWorkbook(spreadsheet_id_from(location), http)


def archived_note(metadata: Mapping[str, str], location: str) -> str | None:
    """Why a tracker must not be synced any more (it is last year's), or None."""
    following = metadata.get(NEXT_YEAR)
    if not following:
        return None
    year = metadata.get("school_year_start", "")[:4]
    label = f"the {SchoolYear(int(year))} tracker" if year.isdigit() else "last year's tracker"
    return (f"{location} is {label} of {metadata.get('school', 'its school')}, archived when the school rolled over: "
            f"it is not synced or changed any more. Next year's tracker is {following}.")


def refuse_archived(metadata: Mapping[str, str], location: str, doing: str) -> None:
    """A ConfigError when the tracker is archived (``doing``: what was asked, e.g. 'repair it')."""
    if note := archived_note(metadata, location):
        raise ConfigError(f"{note} To {doing}, use that one.")
