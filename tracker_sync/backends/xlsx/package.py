"""Where an .xlsx keeps its tabs: the workbook part, its relationships and the content types.

Read with ElementTree (small parts); changed only by inserting text before a closing tag, so the rest
of each part stays byte-identical and no existing sheet index, id or relationship shifts.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from tracker_sync.backends.xlsx.container import Archive, UnsupportedZip, ZipfileReader
from tracker_sync.tabs import quoted_tab

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT = f"{REL_NS}/officeDocument"
WORKSHEET = f"{REL_NS}/worksheet"
STYLES = f"{REL_NS}/styles"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = "[Content_Types].xml"


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str  # zip member name, e.g. "xl/worksheets/sheet3.xml"
    state: str  # "visible" | "hidden" | "veryHidden"


class Package:
    """The tab list of one workbook: names in order, their parts, the styles part, the date system."""

    def __init__(self, archive: Archive | ZipfileReader) -> None:
        self.archive = archive
        self.workbook_part = _office_document(archive)
        self.rels_part = rels_of(self.workbook_part)
        self.workbook_xml = archive.read(self.workbook_part)
        self.rels_xml = archive.read(self.rels_part) if self.rels_part in archive else b""
        targets = _relationships(self.rels_xml, self.workbook_part)
        root = _parse(self.workbook_xml, self.workbook_part)
        if root.tag != f"{{{MAIN_NS}}}workbook":
            raise UnsupportedZip(f"has a workbook part in a format other than Office Open XML ({root.tag})")
        properties = root.find(f"{{{MAIN_NS}}}workbookPr")
        self.date1904 = properties is not None and properties.get("date1904", "0").lower() in ("1", "true")
        self.sheets: list[Sheet] = []
        sheets = root.find(f"{{{MAIN_NS}}}sheets")
        for element in sheets if sheets is not None else []:
            target = targets.get(element.get(f"{{{REL_NS}}}id", ""))
            self.sheets.append(Sheet(element.get("name", ""), target[1] if target else "", element.get("state", "visible")))
        self._sheet_ids = [int(e.get("sheetId", "0")) for e in (sheets if sheets is not None else [])]
        self._rel_ids = set(_rel_ids(self.rels_xml))
        self._changed: dict[str, bytes] = {}  # part -> new bytes, for parts this write changes
        self._p = _prefix(self.workbook_xml.decode("utf-8"), "workbook")
        self.styles_part = next((part for kind, part in targets.values() if kind == STYLES), None)

    @property
    def names(self) -> list[str]:
        return [sheet.name for sheet in self.sheets]

    def sheet(self, name: str) -> Sheet | None:
        return next((sheet for sheet in self.sheets if sheet.name == name), None)

    def add_sheet(self, name: str, state: str = "visible") -> Sheet:
        """Append a tab after the last one (so no sheet index shifts): its sheet entry, relationship
        and content type (see :meth:`changed_parts`). The caller writes the sheet part itself."""
        taken = {sheet.part for sheet in self.sheets}
        number = next(n for n in itertools.count(1)
                      if f"xl/worksheets/sheet{n}.xml" not in self.archive and f"xl/worksheets/sheet{n}.xml" not in taken)
        part = f"xl/worksheets/sheet{number}.xml"
        rel_id = next(f"rId{n}" for n in range(1, len(self._rel_ids) + 2) if f"rId{n}" not in self._rel_ids)
        sheet_id = max(self._sheet_ids, default=0) + 1
        text = self.workbook_xml.decode("utf-8")
        r_prefix = _declared_prefix(text, REL_NS)
        r_attr = f"{r_prefix}:id" if r_prefix else f'xmlns:r="{REL_NS}" r:id'
        state_attr = "" if state == "visible" else f' state="{state}"'
        entry = f'<{self._p}sheet name={quoteattr(name)} sheetId="{sheet_id}"{state_attr} {r_attr}="{rel_id}"/>'
        self._set_workbook(_insert_before_close(text, f"{self._p}sheets", entry, self.workbook_part))
        rels = self.rels_xml.decode("utf-8") if self.rels_xml else f'<Relationships xmlns="{_PACKAGE_RELS}"></Relationships>'
        rels_prefix = _prefix(rels, "Relationships")
        target = posixpath.relpath(part, posixpath.dirname(self.workbook_part))
        rel = f'<{rels_prefix}Relationship Id="{rel_id}" Type="{WORKSHEET}" Target="{target}"/>'
        self.rels_xml = _insert_before_close(rels, f"{rels_prefix}Relationships", rel, self.rels_part).encode("utf-8")
        self._changed[self.rels_part] = self.rels_xml
        types = self._changed.get(CONTENT_TYPES, b"") or self.archive.read(CONTENT_TYPES)
        types_text = types.decode("utf-8")
        types_prefix = _prefix(types_text, "Types")
        override = f'<{types_prefix}Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'
        self._changed[CONTENT_TYPES] = _insert_before_close(types_text, f"{types_prefix}Types", override,
                                                            CONTENT_TYPES).encode("utf-8")
        sheet = Sheet(name, part, state)
        self.sheets.append(sheet)
        self._sheet_ids.append(sheet_id)
        self._rel_ids.add(rel_id)
        return sheet

    def set_filter_range(self, name: str, ref: str | None) -> None:
        """Name the filtered range of tab ``name`` (``_xlnm._FilterDatabase``), or drop the name when ``ref`` is None.

        Excel writes this name beside every autoFilter and LibreOffice needs it: without it LibreOffice
        drops the filter (its buttons never show, and a LibreOffice save loses it).
        """
        self._set_defined_name("_xlnm._FilterDatabase", name, _absolute(ref) if ref else None, hidden=True)

    def set_print_titles(self, name: str, rows: int) -> None:
        """Repeat the first ``rows`` rows of tab ``name`` at the top of every printed page
        (``_xlnm.Print_Titles``), or drop the name when ``rows`` is 0."""
        self._set_defined_name("_xlnm.Print_Titles", name, f"$1:${rows}" if rows else None)

    def _set_defined_name(self, defined: str, name: str, ref: str | None, *, hidden: bool = False) -> None:
        """Set (or drop, when ``ref`` is None) a built-in name local to tab ``name``; an existing name with
        the same range is left as its writer spelled it."""
        index = self.names.index(name)
        text = self.workbook_xml.decode("utf-8")
        p = re.escape(self._p)
        existing = None
        for match in re.finditer(rf"<{p}definedName\b([^>]*)>([^<]*)</{p}definedName>", text):
            attributes = match.group(1)
            if f'name="{defined}"' in attributes and re.search(rf'localSheetId="{index}"', attributes):
                existing = match
                break
        hidden_attr = ' hidden="1"' if hidden else ""
        entry = "" if ref is None else (
            f'<{self._p}definedName name="{defined}" localSheetId="{index}"{hidden_attr}>'
            f"{escape(quoted_tab(name))}!{ref}</{self._p}definedName>")
        if existing is not None:
            if ref is not None and existing.group(2).rsplit("!", 1)[-1] == ref:
                return
            self._set_workbook(text[:existing.start()] + entry + text[existing.end():])
        elif ref is not None:
            if re.search(rf"<{p}definedNames\b", text):
                self._set_workbook(_insert_before_close(text, f"{self._p}definedNames", entry, self.workbook_part))
            else:  # definedNames comes after sheets (and functionGroups, externalReferences when present)
                ends = [text.rfind(close) + len(close) for close in
                        (f"</{self._p}{tag}>" for tag in ("sheets", "functionGroups", "externalReferences")) if close in text]
                if not ends:
                    raise UnsupportedZip(f"has no <sheets> list in {self.workbook_part}")
                at = max(ends)
                self._set_workbook(text[:at] + f"<{self._p}definedNames>{entry}</{self._p}definedNames>" + text[at:])

    def changed_parts(self) -> dict[str, bytes]:
        """The workbook, relationship and content-type parts as the changes since loading left them."""
        return dict(self._changed)

    def _set_workbook(self, text: str) -> None:
        self.workbook_xml = text.encode("utf-8")
        self._changed[self.workbook_part] = self.workbook_xml


def _absolute(ref: str) -> str:
    """"A1:I40" -> "$A$1:$I$40" (how a defined name spells a range)."""
    return ":".join(re.sub(r"^\$?([A-Z]+)\$?(\d+)$", r"$\1$\2", corner) for corner in ref.replace("$", "").split(":"))


_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def rels_of(part: str) -> str:
    """The relationships part of ``part`` (xl/workbook.xml -> xl/_rels/workbook.xml.rels)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _office_document(archive: Archive | ZipfileReader) -> str:
    if "_rels/.rels" not in archive:
        raise UnsupportedZip("has no package relationships (_rels/.rels); it is not an .xlsx")
    for kind, part in _relationships(archive.read("_rels/.rels"), "").values():
        if kind == OFFICE_DOCUMENT and part in archive:
            return part
    raise UnsupportedZip("names no workbook part; it is not an .xlsx")


def _relationships(xml: bytes, source: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, the target's zip member name), internal targets only."""
    if not xml:
        return {}
    found = {}
    for element in _parse(xml, rels_of(source) if source else "_rels/.rels"):
        target = element.get("Target", "")
        if element.get("TargetMode") == "External" or not target:
            continue
        resolved = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(posixpath.dirname(source), target)))
        found[element.get("Id", "")] = (element.get("Type", ""), resolved)
    return found


def _rel_ids(xml: bytes) -> list[str]:
    return re.findall(r'\bId="([^"]*)"', xml.decode("utf-8")) if xml else []


def _parse(xml: bytes, part: str) -> ET.Element:
    try:
        return ET.fromstring(xml)
    except ET.ParseError as exc:
        raise UnsupportedZip(f"has a part {part} that is not well-formed XML ({exc})") from exc


def _prefix(text: str, root: str) -> str:
    """The namespace prefix the part uses for its elements ('' or 'x:'), read from its root tag."""
    match = re.search(rf"<(\w+:)?{root}[\s>]", text)
    return (match.group(1) or "") if match else ""


def _declared_prefix(text: str, namespace: str) -> str | None:
    match = re.search(rf'xmlns:(\w+)="{re.escape(namespace)}"', text)
    return match.group(1) if match else None


def _insert_before_close(text: str, tag: str, addition: str, part: str) -> str:
    close = f"</{tag}>"
    at = text.rfind(close)
    if at < 0:
        empty = re.search(rf"<{re.escape(tag)}(\s[^>]*)?/>", text)
        if empty is None:
            raise UnsupportedZip(f"has no <{tag}> list in {part}")
        return text[:empty.start()] + f"<{tag}{empty.group(1) or ''}>{addition}{close}" + text[empty.end():]
    return text[:at] + addition + text[at:]
