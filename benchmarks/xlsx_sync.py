"""One xlsx sync at three sizes, tracker-sync's backend against the I/O floor, in one run.

    python benchmarks/xlsx_sync.py [--quick] [--repeat N]

Trackers: a 30-teacher and a 260-teacher school year and a 950-teacher tracker (about 34,000 rows),
each built like benchmarks/patterns_scale.py builds a year (the synthetic autumn plus the same rows
21 weeks later as the spring), provisioned, typed in and synced once, so every timed sync replaces
existing tool tabs. --quick: the 30- and 260-teacher years only.

Each timed run is a whole ``sync_tracker`` (read, validate, patterns, render, write) on a fresh copy
of the tracker, as of the last day of school. Ours and the floor run in turn in one process (so a
busy machine slows both alike), best of --repeat runs each (default 3) after one warm-up run. The
peak memory (resident set, imports included) is measured apart: one sync per side in a fresh process.

* ours: ``XlsxWorkbook``, the product's backend.
* floor: the same ``sync_tracker`` (so the same validate, patterns and render) on a bare backend
  that reads the tabs with python-calamine (``to_python`` and ``trim_grid``, nothing else) and
  writes a lower bound of any raw write: the old file's bytes and the tool tabs' values (no styles)
  as deflated XML, in one temp file, fsync-ed and ``os.replace``-d. No lock, no checks.

Goal: ratio (ours / floor, the worst of the three sizes) <= 1.5. The last line is machine-readable:

    ours_30_s=… floor_30_s=… ours_260_s=… floor_260_s=… ours_950_s=… floor_950_s=… ratio=… peak_950_mb=… floor_peak_950_mb=…
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

SIZES = (30, 260, 950)
NOW = dt.datetime(2027, 5, 28, 22, 0, tzinfo=dt.UTC)
META_TAB = "_tracker_sync"


def school_year(teachers: int):
    """(grids, settings) for one school-year: the synthetic autumn plus a shifted spring."""
    from tracker_sync.synthetic.year import school_year as synthetic_year

    school = synthetic_year(7, teachers=teachers)
    return school.grids, school.settings


def build(folder: Path, teachers: int) -> tuple[Path, int]:
    """A provisioned, filled tracker synced once (not timed); its path and coach rows."""
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.metadata import to_metadata
    from tracker_sync.sheet_templates import load_template
    from tracker_sync.sync import sync_tracker

    grids, settings = school_year(teachers)
    path = folder / f"school-{teachers}.xlsx"
    workbook = XlsxWorkbook(path)
    workbook.provision(load_template().for_rubric(settings.rubric), to_metadata(settings))
    workbook.seed_rows({tab: grid[1:] for tab, grid in grids.items()})
    sync_tracker(workbook, as_of=settings.school_year_end, now=NOW - dt.timedelta(days=1))
    return path, sum(len(grid) - 1 for grid in grids.values())


class FloorWorkbook:
    """The least a sync must do with the file: read the tabs' values, write the file's bytes plus the new parts."""

    kind = "floor"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = b""

    @property
    def location(self) -> str:
        return str(self.path)

    def read(self, tabs: Sequence[str]):
        from python_calamine import CalamineWorkbook

        from tracker_sync.tabs import Snapshot, trim_grid

        self.data = self.path.read_bytes()
        book = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        names = book.sheet_names
        grids = {name: trim_grid(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                 for name in tabs if name in names}
        meta = trim_grid(book.get_sheet_by_name(META_TAB).to_python(skip_empty_area=False))
        metadata = {str(r[0]): "" if len(r) < 2 or r[1] is None else str(r[1]) for r in meta[1:] if r and r[0] is not None}
        return Snapshot(grids, metadata, {name: i for i, name in enumerate(names) if name != META_TAB})

    def write(self, tool_tabs, metadata: Mapping[str, str] = {}) -> bool:
        parts = [zlib.compress(_values_xml(tab), 6, -15) for tab in tool_tabs]
        handle, temp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(self.data)
            for part in parts:
                out.write(part)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, self.path)
        return True


def _values_xml(tab) -> bytes:
    """A tool tab's values as sheet XML, nothing else (no styles, widths, links or protection)."""
    from tracker_sync.tabs import Link

    rows = []
    for r, row in enumerate(tab.rows, 1):
        cells = []
        for value in row:
            if isinstance(value, Link):
                value = value.text
            if isinstance(value, str):
                cells.append(f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            elif isinstance(value, (int, float)):
                cells.append(f"<c><v>{value}</v></c>")
            elif value is not None:
                cells.append(f"<c><v>{value}</v></c>")
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    return f'<worksheet><sheetData>{"".join(rows)}</sheetData></worksheet>'.encode()


def _sync(side: str, source: str, folder: str, tag: str) -> float:
    """One whole sync of a fresh copy of ``source``; its wall time."""
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.sync import sync_tracker

    path = Path(folder) / f"{side}-{tag}.xlsx"
    shutil.copyfile(source, path)
    workbook = XlsxWorkbook(path) if side == "ours" else FloorWorkbook(path)
    started = time.perf_counter()
    sync_tracker(workbook, as_of=dt.date(2027, 5, 28), now=NOW)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    path.unlink()
    return seconds


def _times(source: str, folder: str, repeat: int) -> dict[str, float]:
    """In one process, ours and the floor in turn (so both see the same machine), best of ``repeat``."""
    found: dict[str, list[float]] = {"ours": [], "floor": []}
    for run in range(repeat + 1):
        for side in found:
            seconds = _sync(side, source, folder, str(run))
            if run:  # run 0 warms imports and caches
                found[side].append(seconds)
    return {side: min(times) for side, times in found.items()}


def _peak_mb(side: str, source: str, folder: str) -> float:
    """In a fresh process: the resident-set peak (MB) of one sync, imports included."""
    _sync(side, source, folder, "peak")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 30- and 260-teacher years only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = SIZES[:2] if args.quick else SIZES
    context = multiprocessing.get_context("spawn")
    figures: dict[str, float] = {}
    ratios = []
    with tempfile.TemporaryDirectory() as folder:
        for teachers in sizes:
            path, rows = build(Path(folder), teachers)
            with context.Pool(1) as pool:
                times = pool.apply(_times, (str(path), folder, args.repeat))
            peaks = {}
            for side in ("ours", "floor"):
                with context.Pool(1) as pool:
                    peaks[side] = pool.apply(_peak_mb, (side, str(path), folder))
            (ours_s, floor_s), (ours_mb, floor_mb) = (times["ours"], times["floor"]), (peaks["ours"], peaks["floor"])
            ratios.append(ours_s / floor_s)
            print(f"{teachers} teachers ({rows} coach rows, {path.stat().st_size / 1e6:.1f} MB file): "
                  f"ours {ours_s:.3f} s, {ours_mb:.0f} MB peak; floor {floor_s:.3f} s, {floor_mb:.0f} MB peak; "
                  f"ratio {ours_s / floor_s:.2f}", flush=True)
            figures.update({f"ours_{teachers}_s": round(ours_s, 3), f"floor_{teachers}_s": round(floor_s, 3)})
            last = (teachers, ours_mb, floor_mb)
    print(f"goal: ratio <= 1.5 at every size (worst: {max(ratios):.2f})")
    line = " ".join(f"{key}={value}" for key, value in figures.items())
    print(f"{line} ratio={max(ratios):.2f} peak_{last[0]}_mb={last[1]:.0f} floor_peak_{last[0]}_mb={last[2]:.0f}")


if __name__ == "__main__":
    main()
