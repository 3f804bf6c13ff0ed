"""Which zip parts a write of tool tabs changes, and their new bytes (no file I/O here).

Coach parts are never in the result: only the tool tabs' sheet parts, the metadata tab's part when
the metadata changes, the styles part when a style must be appended, and, for a tab that is not in
the workbook yet, the workbook part, its relationships and the content types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tracker_sync.backends.xlsx.container import Archive, NewPart, UnsupportedZip
from tracker_sync.backends.xlsx.package import Package, rels_of
from tracker_sync.backends.xlsx.read import (
    META_TAB,
    dropdown_lists,
    metadata_of,
    metadata_rows,
    read_metadata_grid,
)
from tracker_sync.backends.xlsx.sheet import area_ref, sheet_xml
from tracker_sync.backends.xlsx.styles import StyleSheet
from tracker_sync.tabs import ToolTab
from tracker_sync.validate.findings import column_letter

_SELECTED = re.compile(rb'<(?:\w+:)?sheetView\b[^>]*\btabSelected="(?:1|true)"')


@dataclass
class Tracker:
    """What a write needs from the file as it is now, parsed (every error here is the file's)."""

    archive: Archive
    package: Package
    styles: StyleSheet
    old_parts: dict[str, bytes]  # tool-tab name (and the metadata tab's, when merging) -> its current part
    metadata_grid: list | None  # the metadata tab's cells, read only when metadata is to be merged

    @classmethod
    def load(cls, data: bytes, tab_names: Sequence[str], with_metadata: bool) -> Tracker:
        archive = Archive(data)
        package = Package(archive)
        if package.styles_part is None or package.styles_part not in archive:
            raise UnsupportedZip("has no styles part")
        old = {}
        for name in [*tab_names, META_TAB] if with_metadata else tab_names:
            sheet = package.sheet(name)
            if sheet is not None:
                if sheet.part not in archive:
                    raise UnsupportedZip(f"lists the tab {name!r} but holds no part for it")
                old[name] = archive.read(sheet.part)
        grid = read_metadata_grid(data) if with_metadata else None
        return cls(archive, package, StyleSheet(archive.read(package.styles_part)), old, grid)


@dataclass
class Plan:
    replace: dict[str, bytes] = field(default_factory=dict)
    add: list[NewPart] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    tabs: list[str] = field(default_factory=list)  # the tool tabs whose part is new or replaced

    @property
    def empty(self) -> bool:
        return not (self.replace or self.add or self.drop)


def plan_write(tracker: Tracker, tool_tabs: Sequence[ToolTab], metadata: Mapping[str, str]) -> Plan:
    plan = Plan()
    package = tracker.package
    for tab in tool_tabs:
        if _put_sheet(plan, tracker, tab, print_setup=True):
            plan.tabs.append(tab.name)
        package.set_filter_range(tab.name, area_ref(tab.filter) if tab.filter else None)
    if metadata and tracker.metadata_grid is not None:
        old = metadata_of(tracker.metadata_grid)
        merged = {**old, **metadata}
        if merged != old:
            meta = ToolTab(META_TAB, metadata_rows(merged, dropdown_lists(tracker.metadata_grid)))
            _put_sheet(plan, tracker, meta, print_setup=False, state="veryHidden")
    if tracker.styles.changed:
        plan.replace[package.styles_part] = tracker.styles.to_bytes()  # type: ignore[index]
    for part, xml in package.changed_parts().items():
        if part in tracker.archive:
            plan.replace[part] = xml
        else:
            plan.add.append(NewPart(part, xml))
    return plan


def _put_sheet(plan: Plan, tracker: Tracker, tab: ToolTab, *, print_setup: bool, state: str = "visible") -> bool:
    """Add the part for ``tab`` to the plan unless the file already holds exactly it; whether it did."""
    package = tracker.package
    old = tracker.old_parts.get(tab.name)
    selected = old is not None and _SELECTED.search(old) is not None
    xml = sheet_xml(tab, tracker.styles.xf, tab_selected=selected, date1904=package.date1904, print_setup=print_setup)
    if old is None:
        plan.add.append(NewPart(package.add_sheet(tab.name, state).part, xml))
        return True
    if xml == old or (tab.stamps and _same_but_stamps(old, xml, tab.stamps)):
        return False  # a tab whose only change is its "Updated …" stamp keeps its part (and its old stamp)
    part = package.sheet(tab.name).part  # type: ignore[union-attr]
    plan.replace[part] = xml
    if rels_of(part) in tracker.archive:  # our part references nothing; an old tab's comments or drawings go
        plan.drop.append(rels_of(part))
    return True


def _same_but_stamps(old: bytes, new: bytes, stamps: Sequence[tuple[int, int]]) -> bool:
    """Whether ``old`` becomes ``new`` when its stamp cells are replaced by the new ones."""
    for row, col in stamps:
        ref = f"{column_letter(col)}{row + 1}".encode()
        cell = re.compile(rb'<c r="' + ref + rb'"(?:\s[^>]*)?(?:/>|>.*?</c>)', re.S)
        found_old, found_new = cell.search(old), cell.search(new)
        if found_old is None or found_new is None:
            return False
        old = old[:found_old.start()] + found_new.group(0) + old[found_old.end():]
    return old == new
