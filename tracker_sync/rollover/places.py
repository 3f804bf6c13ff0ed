"""Where next year's tracker goes, per backend: found again by a rerun, created only through the
backend's own creation path, shared on Google with last year's people.

An .xlsx tracker's next year is a file beside it (``lincoln.xlsx`` -> ``lincoln-2027-28.xlsx``, or
``--out``). A Google tracker's is a new spreadsheet in the same folder (or shared drive) made by
``GoogleWorkbook.create``, titled with its year until the rollover is done (so a rerun finds it by
that title, and never two spreadsheets share a title); then last year's is suffixed with its year
and next year's takes the plain title, the one ``provision`` looks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tracker_sync.backends.base import Workbook
from tracker_sync.errors import ConfigError
from tracker_sync.rollover.years import SchoolYear

if TYPE_CHECKING:
    from tracker_sync.backends.google.workbook import GoogleWorkbook
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

_YEAR_SUFFIX = re.compile(r"[\s_-]*\d{4}[-–]\d{2}$")


def without_year(name: str) -> str:
    """'lincoln-2026-27' -> 'lincoln'; 'Lincoln – coaching tracker 2026-27' -> 'Lincoln – coaching tracker'."""
    return _YEAR_SUFFIX.sub("", name) or name


class NextYearPlace(Protocol):
    """How one backend finds, makes and finishes next year's tracker."""

    def existing(self) -> Workbook | None:
        """Next year's tracker if an earlier run made it, else None (no tracker is created here)."""

    def create(self) -> Workbook:
        """A new, empty tracker for next year."""

    def share(self, old: Workbook, new: Workbook, *, created: bool, left: Collection[str]) -> dict[str, str]:
        """Give last year's people access to next year's tracker; email -> role."""

    def finish(self, old: Workbook, new: Workbook, *, editors_as_viewers: bool) -> list[str]:
        """After the archive: last steps (Google: titles, editors of last year as viewers); who became a viewer."""


@dataclass
class XlsxPlace:
    """Next year's .xlsx file: ``out``, or last year's name with the new year (beside it)."""

    old: XlsxWorkbook
    year: SchoolYear
    out: Path | None = None

    @property
    def path(self) -> Path:
        if self.out is not None:
            return self.out
        stem = without_year(self.old.path.stem)
        return self.old.path.with_name(f"{stem}-{self.year.label}{self.old.path.suffix}")

    def _workbook(self) -> XlsxWorkbook:
        from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

        path = self.path
        if path.is_dir():
            raise ConfigError(f"--out {path} is a folder: give next year's file name, e.g. {path / self.old.path.name}.")
        if not path.name.lower().endswith((".xlsx", ".xlsm")):
            raise ConfigError(f"--out {path} is not an .xlsx file name: give a path ending in .xlsx.")
        if path.resolve() == self.old.path.resolve():
            raise ConfigError(f"--out {path} is last year's tracker itself: give another file for next year's.")
        return XlsxWorkbook(path)

    def existing(self) -> Workbook | None:
        """The file, when there is one; a file that is no tracker is refused (a run of ours never leaves one:
        provisioning creates the file whole)."""
        workbook = self._workbook()
        if not workbook.path.exists():
            return None
        if "school" not in workbook.read([]).metadata:
            raise ConfigError(f"{workbook.path} already exists and is not a tracker: move it away, or give --out another file.")
        return workbook

    def create(self) -> Workbook:
        return self._workbook()  # provisioning creates the file, atomically

    def share(self, old: Workbook, new: Workbook, *, created: bool, left: Collection[str]) -> dict[str, str]:
        return {}  # a file is shared as a file

    def finish(self, old: Workbook, new: Workbook, *, editors_as_viewers: bool) -> list[str]:
        return []


#: Drive roles that come with the file's place (owner, shared-drive managers), never copied or changed.
_PLACE_ROLES = frozenset({"owner", "organizer", "fileOrganizer"})


@dataclass
class GooglePlace:
    """Next year's spreadsheet, beside last year's on Drive (or in ``folder``)."""

    old: GoogleWorkbook
    year: SchoolYear
    folder: str | None = None
    notify: bool = True
    _base_title: str = field(default="", init=False)
    _old_people: list[dict[str, Any]] | None = field(default=None, init=False)

    @property
    def base_title(self) -> str:
        """The title both years share, without a year: last year's title as it is now, year dropped."""
        if not self._base_title:
            self._base_title = without_year(self.old.title)
        return self._base_title

    @property
    def making_title(self) -> str:
        return f"{self.base_title} {self.year.label}"

    def _folder(self) -> str | None:
        if self.folder is None:
            parents = self.old.parents()
            self.folder = parents[0] if parents else ""
        return self.folder or None

    def existing(self) -> Workbook | None:
        from tracker_sync.backends.google.workbook import GoogleWorkbook

        return GoogleWorkbook.find(self.making_title, self.old.http, folder_id=self._folder())

    def create(self) -> Workbook:
        from tracker_sync.backends.google.workbook import GoogleWorkbook

        return GoogleWorkbook.create(self.making_title, self.old.http, folder_id=self._folder())

    def _people(self, workbook: GoogleWorkbook) -> list[dict[str, Any]]:
        """The people named on a spreadsheet itself (one Drive call; last year's is asked once per run); a shared
        drive's members come with the place, so they are neither copied nor changed."""
        if workbook is self.old and self._old_people is not None:
            return self._old_people
        me = self.old._account
        people = [p for p in workbook.permissions()
                  if p.get("type") == "user" and p.get("role") not in _PLACE_ROLES and p.get("emailAddress") != me
                  and not (p.get("permissionDetails") and all(d.get("inherited") for d in p["permissionDetails"]))]
        if workbook is self.old:
            self._old_people = people
        return people

    def share(self, old: Workbook, new: Workbook, *, created: bool, left: Collection[str]) -> dict[str, str]:
        """Everyone named on last year's spreadsheet gets next year's with the same role (commenters view
        only), except people marked Left on last year's Roster. A rerun shares with whoever still lacks it."""
        assert isinstance(new, type(self.old))
        have = set() if created else {p.get("emailAddress", "").lower() for p in self._people(new)}
        shared = {}
        for person in self._people(self.old):
            email = person["emailAddress"]
            if email.lower() in left or email.lower() in have:
                continue
            role = "writer" if person["role"] == "writer" else "reader"
            new.share(email, role, notify=self.notify)
            shared[email] = role
        return shared

    def finish(self, old: Workbook, new: Workbook, *, editors_as_viewers: bool) -> list[str]:
        """Next year's spreadsheet takes the plain title; with ``editors_as_viewers`` last year's editors
        keep it as viewers only."""
        assert isinstance(new, type(self.old))
        new.rename(self.base_title)
        viewers = []
        if editors_as_viewers:
            for person in self._people(self.old):
                if person["role"] == "writer":
                    self.old.change_role(person["id"], "reader")
                    viewers.append(person["emailAddress"])
        return viewers


def place_for(year: SchoolYear, *, out: Path | None = None, folder: str | None = None,
              notify: bool = True) -> Callable[[Workbook], NextYearPlace]:
    """Where next year's tracker of a given last year's tracker goes: beside it, on its own backend."""
    from tracker_sync.backends.google.workbook import GoogleWorkbook
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

    def choose(old: Workbook) -> NextYearPlace:
        if isinstance(old, XlsxWorkbook):
            if folder is not None:
                raise ConfigError("--folder is for a Google tracker: next year's .xlsx goes beside last year's, or to --out.")
            return XlsxPlace(old, year, out)
        if isinstance(old, GoogleWorkbook):
            if out is not None:
                raise ConfigError("--out is for an .xlsx tracker: next year's spreadsheet goes beside last year's, "
                                  "or to --folder.")
            return GooglePlace(old, year, folder, notify)
        raise ConfigError(f"A {old.kind} tracker cannot be rolled over: roll over its .xlsx file or Google spreadsheet.")

    return choose
