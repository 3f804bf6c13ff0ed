"""The zip layer copies what it keeps byte for byte, whatever wrote the file, and refuses what it cannot."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from xlsx_support import full_tool_tab, members

from tracker_sync.backends.xlsx.container import (
    Archive,
    NewPart,
    UnsupportedZip,
    write_zip,
)
from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.errors import BackendError
from tracker_sync.tabs import ToolTab


class Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in, so it writes each member's sizes in a data descriptor."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self.buffer.write(data)


def small_workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Roster"
    book.active.append(["Teacher"])
    book.active.append(["Ana Lopez"])
    book.create_sheet("Flags")
    path = tmp_path / "t.xlsx"
    book.save(path)
    return path


def repacked(path: Path, *, stream: bool = False, comment: bytes = b"", stored: tuple[str, ...] = (),
             zip64: bool = False) -> Path:
    """The same parts, zipped another way (as other writers do): descriptors, a comment, stored parts, zip64."""
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    out = Unseekable() if stream else io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts:
            info = zipfile.ZipInfo(name, (2026, 9, 14, 8, 30, 0))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=zip64) as member:
                member.write(data)
        target.comment = comment
    result = path.with_name(f"repacked-{path.name}")
    result.write_bytes(out.buffer.getvalue() if stream else out.getvalue())
    return result


def test_rewriting_with_no_change_gives_back_the_same_bytes(tmp_path):
    path = small_workbook(tmp_path)
    data = path.read_bytes()
    out = io.BytesIO()
    write_zip(out, Archive(data), {})
    assert out.getvalue() == data


@pytest.mark.parametrize("how", [{"stream": True}, {"comment": b"made by a district tool"}, {"stored": ("xl/styles.xml",)}])
def test_kept_members_keep_their_exact_bytes_whatever_wrote_the_file(tmp_path, how):
    path = repacked(small_workbook(tmp_path), **how)
    before = members(path)
    XlsxWorkbook(path).write([full_tool_tab("Flags")])
    after = members(path)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {"xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml"}  # Flags, its styles, its filter name
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None and archive.comment == how.get("comment", b"")
    if how.get("stream"):  # the kept members still carry their data descriptors
        raw = after["xl/worksheets/sheet1.xml"][1]
        assert int.from_bytes(raw[6:8], "little") & 0x8
    assert XlsxWorkbook(path).read(["Roster"]).grids["Roster"] == [["Teacher"], ["Ana Lopez"]]


def end_record_says_zip64(path: Path) -> Path:
    """Patch the end record's entry count to 0xFFFF, which says "see the zip64 end record"."""
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 10:at + 12] = b"\xff\xff"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("zip64", [lambda path: repacked(path, zip64=True), end_record_says_zip64])
def test_a_zip64_tracker_is_never_rewritten(tmp_path, zip64):
    path = zip64(small_workbook(tmp_path))
    workbook = XlsxWorkbook(path)
    with pytest.raises(UnsupportedZip, match="zip64"):
        Archive(path.read_bytes())
    before = path.read_bytes()
    with pytest.raises(BackendError, match="zip64.*nothing was changed.*save it again as .xlsx") as failure:
        workbook.write([ToolTab("Flags", [["x"]])])
    assert isinstance(failure.value.__cause__, UnsupportedZip)
    assert path.read_bytes() == before


def test_bytes_after_the_zip_are_refused(tmp_path):
    path = small_workbook(tmp_path)
    path.write_bytes(path.read_bytes() + b"trailing junk")
    with pytest.raises(UnsupportedZip, match="after its end record"):
        Archive(path.read_bytes())


def test_new_and_replaced_parts_are_valid_zip_members(tmp_path):
    data = small_workbook(tmp_path).read_bytes()
    archive = Archive(data)
    out = io.BytesIO()
    write_zip(out, archive, {"xl/styles.xml": b"<styleSheet/>"}, [NewPart("xl/new.xml", "Lycée ✓".encode())],
              ["docProps/app.xml"])
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as result:
        assert result.testzip() is None
        assert result.read("xl/styles.xml") == b"<styleSheet/>" and result.read("xl/new.xml") == "Lycée ✓".encode()
        assert "docProps/app.xml" not in result.namelist() and result.namelist()[-1] == "xl/new.xml"


def test_a_zip64_tracker_is_still_read(tmp_path):
    """Reads go through zipfile when the raw layer refuses the container: validate and brief still work."""
    path = repacked(small_workbook(tmp_path), zip64=True)
    assert XlsxWorkbook(path).read(["Roster"]).grids["Roster"] == [["Teacher"], ["Ana Lopez"]]
