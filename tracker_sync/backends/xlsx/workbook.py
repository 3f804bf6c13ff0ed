"""The tracker as a local .xlsx file: the embedded default backend.

* ``read`` opens the file once and reads it with python-calamine (xlsx_read); it never writes.
* ``write`` replaces only the tool tabs' parts of the zip (xlsx_write, xlsx_sheet, xlsx_styles) and
  copies every other member byte for byte (xlsx_zip): coach tabs are never re-encoded, whatever app
  saved them last. A write whose outputs are already in the file writes nothing.
* ``provision`` and ``seed_rows`` go through openpyxl (xlsx_provision): they build coach tabs.

Every change takes the hidden sibling lock ``.<file>.tracker-sync.lock``, refuses while a
spreadsheet app has the file open (its next save would undo ours), removes temp copies a killed run
left, re-reads the file under the lock (so coach edits made since the read survive), writes a temp
file in the same folder, fsyncs it and ``os.replace``-s it over the tracker: on any error the file
stays byte-identical.

Metadata lives in a very hidden, protected tab ``_tracker_sync``: key/value rows in columns A:B, and
the dropdown lists (indicator codes, fixed choices) from column D on. A tab survives Excel,
LibreOffice and Google imports where custom document properties are dropped or cut to 255 chars.
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tracker_sync.backends.base import Workbook
from tracker_sync.backends.xlsx import container as xlsx_zip
from tracker_sync.backends.xlsx.container import UnsupportedZip
from tracker_sync.backends.xlsx.provision import (
    EXCEL_MAX_NUMBER,
    provision_book,
    type_rows,
)
from tracker_sync.backends.xlsx.read import META_TAB, read_snapshot
from tracker_sync.backends.xlsx.write import Tracker, plan_write
from tracker_sync.errors import (
    BackendError,
    TrackerInUse,
    TrackerLocked,
    TrackerNotFound,
    TrackerSyncError,
)
from tracker_sync.schemas import Template
from tracker_sync.tabs import CellValue, Snapshot, ToolTab

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlBook

__all__ = ["EXCEL_MAX_NUMBER", "META_TAB", "XlsxWorkbook"]


class XlsxWorkbook(Workbook):
    """A tracker in one .xlsx file. ``lock_timeout`` is how long a write waits for another writer."""

    kind = "xlsx"

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def lock_path(self) -> Path:
        """A hidden sibling file (filelock leaves it in place by design), so coaches see only their tracker."""
        return self.path.with_name(f".{self.path.name}.tracker-sync.lock")

    @property
    def app_lock_paths(self) -> tuple[Path, Path]:
        """The files LibreOffice and Excel keep beside a workbook while they have it open."""
        return self.path.with_name(f".~lock.{self.path.name}#"), self.path.with_name(f"~${self.path.name}")

    # -- read -----------------------------------------------------------------------------------

    def read(self, tabs: Sequence[str]) -> Snapshot:
        data = self._file_bytes()
        with _storage_errors(self.path, "read"):
            return read_snapshot(data, tabs)

    def _file_bytes(self) -> bytes:
        """The whole file in one open, so the snapshot is consistent even if a writer replaces it."""
        with _storage_errors(self.path, "read"):
            try:
                return self.path.read_bytes()
            except FileNotFoundError as exc:
                raise TrackerNotFound(
                    f"No tracker at {self.path}: check the path, or create one with `tracker-sync provision`."
                ) from exc

    # -- write ----------------------------------------------------------------------------------

    def write(self, tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str] = {}) -> list[str]:
        """Replace the tool tabs' parts that differ from the file (the Sync Log, on most syncs; every
        unchanged part is copied as it is) and return those tabs' names; none, writing nothing, when
        the file already holds them all."""
        if any(tab.name == META_TAB for tab in tool_tabs):
            raise ValueError(f"{META_TAB!r} is reserved for the tracker's metadata")
        with self._exclusive():
            data = self._file_bytes()
            with _storage_errors(self.path, "write"):
                tracker = Tracker.load(data, [tab.name for tab in tool_tabs], with_metadata=bool(metadata))
            plan = plan_write(tracker, tool_tabs, metadata)
            if plan.empty:
                return []

            def fill(temp: Path) -> None:
                with temp.open("wb") as out:
                    xlsx_zip.write_zip(out, tracker.archive, plan.replace, plan.add, plan.drop)

            self._save_atomically(fill)
        return plan.tabs

    # -- provision / seed (openpyxl) ------------------------------------------------------------

    def provision(self, template: Template, metadata: Mapping[str, str]) -> None:
        self._change(lambda book: provision_book(book, template, metadata), create=not self.path.exists())

    def seed_rows(self, rows_by_tab: Mapping[str, Sequence[Sequence[CellValue]]]) -> None:
        """Append rows below each coach tab's last non-empty row, as a coach typing them would.

        For demos and tests; like a coach's save it goes through the lock and the atomic replace.
        """
        self._change(lambda book: type_rows(book, rows_by_tab))

    def _change(self, edit: Callable[[OpenpyxlBook], None], *, create: bool = False) -> None:
        """Lock, load the whole book as it is now, apply ``edit``, save atomically."""
        from openpyxl import Workbook as NewBook
        from openpyxl import load_workbook

        with self._exclusive():
            if create:
                book = NewBook()
                book.remove(book.active)
            else:
                data = self._file_bytes()
                with _storage_errors(self.path, "open"):
                    book = load_workbook(io.BytesIO(data), rich_text=True)
            edit(book)
            self._save_atomically(book.save)

    # -- the one way to change the file ---------------------------------------------------------

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the lock; refuse while an app has the file open; clear temp copies a killed run left."""
        from filelock import FileLock, Timeout

        if not self.path.parent.is_dir():  # filelock would create the folder; a typo must not
            raise BackendError(f"Cannot save {self.path}: the folder {self.path.parent} does not exist.")
        lock = FileLock(str(self.lock_path))
        with _storage_errors(self.path, "lock"):
            try:
                lock.acquire(timeout=self.lock_timeout)
            except Timeout as exc:
                raise TrackerLocked(
                    f"{self.path} is being written by another tracker-sync run (lock {self.lock_path}); "
                    "try again in a minute."
                ) from exc
        try:
            self._refuse_while_open_in_an_app()
            self._remove_stale_temp_files()
            yield
        finally:
            lock.release()

    def _refuse_while_open_in_an_app(self) -> None:
        for app, marker in zip(("LibreOffice", "Excel"), self.app_lock_paths):
            try:
                since = dt.datetime.fromtimestamp(marker.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            except FileNotFoundError:
                continue
            raise TrackerInUse(
                f"{self.path} is open in {app} (its lock file {marker.name} is there since {since}), so nothing was "
                f"written: {app}'s next save would undo the sync. Close the file in {app} and run the sync again "
                f"(sync-all and serve retry it later by themselves). If nobody has it open ({app} crashed), "
                f"delete {marker} and run the sync again."
            )

    def _remove_stale_temp_files(self) -> None:
        """A killed write leaves its temp file (a full copy of the scores); under the lock none is live."""
        for stale in self.path.parent.glob(glob.escape(f".{self.path.name}.") + "*.tmp"):
            try:
                stale.unlink(missing_ok=True)
            except OSError as exc:
                raise BackendError(f"Cannot remove {stale}, a temporary copy of {self.path.name} left by an earlier run "
                                   f"({exc.strerror or exc}); delete it by hand, then run the sync again.") from exc

    def _save_atomically(self, fill: Callable[[Path], object]) -> None:
        """``fill`` writes the new file at the temp path it is given, beside the tracker."""
        with _storage_errors(self.path, "save"):
            handle, temp_name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            os.close(handle)
            temp = Path(temp_name)
            try:
                fill(temp)
                if self.path.exists():
                    shutil.copymode(self.path, temp)
                else:
                    temp.chmod(0o666 & ~_current_umask())  # as a plain new file would get
                with temp.open("rb+") as saved:
                    os.fsync(saved.fileno())
                os.replace(temp, self.path)
            finally:
                temp.unlink(missing_ok=True)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _storage_errors(path: Path, doing: str) -> Iterator[None]:
    """Translate OS, zip, XML and reader errors into BackendError with a hint, keeping the cause."""
    try:
        yield
    except TrackerSyncError:
        raise
    except PermissionError as exc:
        raise BackendError(
            f"Cannot {doing} {path}: permission denied. If the file is open in Excel, close it and try again."
        ) from exc
    except OSError as exc:
        raise BackendError(f"Cannot {doing} {path}: {exc.strerror or exc}. Check the folder exists and has free space.") from exc
    except UnsupportedZip as exc:
        why = "" if doing == "read" else (", which tracker-sync does not rewrite (it copies coach tabs byte for byte); "
                                          "nothing was changed")
        raise BackendError(
            f"Cannot {doing} {path}: the file {exc}{why}. Open it in Excel or LibreOffice and save it again as .xlsx."
        ) from exc
    except Exception as exc:  # calamine, zip and openpyxl raise many types (XML, KeyError, ValueError) on a bad file
        raise BackendError(
            f"Cannot {doing} {path}: it is not a readable .xlsx file ({exc or 'no details'}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx."
        ) from exc
