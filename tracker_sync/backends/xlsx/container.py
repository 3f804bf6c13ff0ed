"""The zip container of an .xlsx, read and written at the byte level (no recompression of kept parts).

A write replaces a few parts (the tool tabs) and must leave every other part exactly as it was,
down to its compressed bytes: :func:`write_zip` copies each kept member's local header, data and
data descriptor verbatim from the old file and rewrites only the central directory's offsets.

Only the plain zip format that Excel, LibreOffice, openpyxl and Google write is accepted. Anything
else (zip64, several disks, encryption, duplicate names, members that overlap) raises
:class:`UnsupportedZip` rather than being guessed at; the caller leaves the file alone.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import BinaryIO

_LOCAL = struct.Struct("<IHHHHHIIIHH")  # local file header, 30 bytes
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_END = struct.Struct("<IHHHHIIH")  # end of central directory, 22 bytes
_LOCAL_SIG, _CENTRAL_SIG, _END_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_ZIP64_LOCATOR_SIG = b"PK\x06\x07"
_DESCRIPTOR_SIG = b"PK\x07\x08"
_OFFSET_AT = 42  # where a central header keeps its member's local header offset
_UTF8_NAMES = 0x800
_MAX_16, _MAX_32 = 0xFFFF, 0xFFFFFFFF


class UnsupportedZip(ValueError):
    """The container is a zip this module does not copy exactly (the message says which feature)."""


@dataclass(frozen=True)
class Member:
    """One stored part: where its bytes lie in the old file and how they are compressed."""

    name: str
    start: int  # local header offset
    end: int  # just past its data (and data descriptor)
    data_start: int
    method: int
    flags: int
    crc: int
    compressed_size: int
    size: int
    central: bytes  # the central directory record, kept verbatim except for the offset


@dataclass(frozen=True)
class NewPart:
    """A part to store with new content (deflated)."""

    name: str
    data: bytes


class Archive:
    """The members of one zip held in memory, in the order their bytes lie in the file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.comment, entries, directory_start = _central_directory(data)
        self.members = _members(data, entries, directory_start)
        self.by_name = {member.name: member for member in self.members}
        if len(self.by_name) != len(self.members):
            raise UnsupportedZip("holds two parts with the same name")

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def read(self, name: str) -> bytes:
        """The uncompressed bytes of one part (CRC checked)."""
        member = self.by_name[name]
        if member.flags & 0x1:
            raise UnsupportedZip(f"encrypts the part {name}")
        raw = self.data[member.data_start:member.data_start + member.compressed_size]
        if member.method == zipfile.ZIP_STORED:
            content = bytes(raw)
        elif member.method == zipfile.ZIP_DEFLATED:
            content = zlib.decompress(raw, -15)
        else:
            raise UnsupportedZip(f"compresses the part {name} with method {member.method} (only deflate is read)")
        if zlib.crc32(content) != member.crc or len(content) != member.size:
            raise zipfile.BadZipFile(f"the part {name} is damaged (its checksum does not match)")
        return content

    def raw(self, name: str) -> bytes:
        """A member's stored bytes, header to descriptor, as they lie in the file."""
        member = self.by_name[name]
        return self.data[member.start:member.end]


class ZipfileReader:
    """The reading half of :class:`Archive` over :mod:`zipfile`, for containers a write would refuse
    (zip64 and the like): a read must work on any workbook a spreadsheet app can open."""

    def __init__(self, data: bytes) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._names = set(self._zip.namelist())

    def __contains__(self, name: str) -> bool:
        return name in self._names

    def read(self, name: str) -> bytes:
        return self._zip.read(name)


def open_for_reading(data: bytes) -> Archive | ZipfileReader:
    try:
        return Archive(data)
    except UnsupportedZip:
        return ZipfileReader(data)


def write_zip(out: BinaryIO, archive: Archive, replace: dict[str, bytes], add: Iterable[NewPart] = (),
              drop: Iterable[str] = ()) -> None:
    """Write ``archive`` to ``out``: parts in ``replace`` get new content in their old place, ``add`` is
    appended, ``drop`` is left out, and every other member is copied byte for byte."""
    dropped = set(drop)
    offset = 0
    directory: list[bytes] = []
    stamp = _dos_time(time.localtime())
    for member in archive.members:
        if member.name in dropped:
            continue
        if member.name in replace:
            local, central = _new_member(NewPart(member.name, replace[member.name]), offset, stamp)
            out.write(local)
            offset += len(local)
            directory.append(central)
            continue
        out.write(memoryview(archive.data)[member.start:member.end])
        directory.append(member.central[:_OFFSET_AT] + struct.pack("<I", offset) + member.central[_OFFSET_AT + 4:])
        offset += member.end - member.start
    for part in add:
        local, central = _new_member(part, offset, stamp)
        out.write(local)
        offset += len(local)
        directory.append(central)
    size = sum(len(record) for record in directory)
    if len(directory) > _MAX_16 or offset + size > _MAX_32:
        raise UnsupportedZip("would need zip64 (more than 65,535 parts or 4 GB)")
    for record in directory:
        out.write(record)
    out.write(_END.pack(_END_SIG, 0, 0, len(directory), len(directory), size, offset, len(archive.comment)))
    out.write(archive.comment)


def _new_member(part: NewPart, offset: int, stamp: tuple[int, int]) -> tuple[bytes, bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = compressor.compress(part.data) + compressor.flush()
    name = part.name.encode("utf-8")
    flags = 0 if part.name.isascii() else _UTF8_NAMES
    crc, dos_time, dos_date = zlib.crc32(part.data), stamp[0], stamp[1]
    local = _LOCAL.pack(_LOCAL_SIG, 20, flags, zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, len(packed),
                        len(part.data), len(name), 0) + name + packed
    central = _CENTRAL.pack(_CENTRAL_SIG, 20, 20, flags, zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, len(packed),
                            len(part.data), len(name), 0, 0, 0, 0, 0, offset) + name
    return local, central


def _dos_time(now: time.struct_time) -> tuple[int, int]:
    year = min(max(now.tm_year, 1980), 2107)
    return (now.tm_hour << 11) | (now.tm_min << 5) | (now.tm_sec // 2), ((year - 1980) << 9) | (now.tm_mon << 5) | now.tm_mday


def _central_directory(data: bytes) -> tuple[bytes, list[tuple[bytes, str]], int]:
    """The archive comment and each central record with its name, after checking the end record."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - _END.size - _MAX_16))
    if at < 0 or len(data) < _END.size:
        raise zipfile.BadZipFile("File is not a zip file")
    _, disk, cd_disk, on_disk, total, cd_size, cd_offset, comment_length = _END.unpack_from(data, at)
    if at + _END.size + comment_length != len(data):
        raise UnsupportedZip("has bytes after its end record")
    if _MAX_16 in (on_disk, total) or _MAX_32 in (cd_size, cd_offset) or data[max(0, at - 20):at - 16] == _ZIP64_LOCATOR_SIG:
        raise UnsupportedZip("is a zip64 archive")
    if disk or cd_disk or on_disk != total:
        raise UnsupportedZip("spans several disks")
    if cd_offset + cd_size != at:
        raise UnsupportedZip("has a central directory that does not end where the end record starts")
    entries, pos = [], cd_offset
    for _ in range(total):
        if pos + _CENTRAL.size > at or struct.unpack_from("<I", data, pos)[0] != _CENTRAL_SIG:
            raise zipfile.BadZipFile("the central directory is damaged")
        fields = _CENTRAL.unpack_from(data, pos)
        name_length, extra_length, comment_length = fields[10], fields[11], fields[12]
        end = pos + _CENTRAL.size + name_length + extra_length + comment_length
        record = data[pos:end]
        raw_name = record[_CENTRAL.size:_CENTRAL.size + name_length]
        entries.append((record, raw_name.decode("utf-8" if fields[3] & _UTF8_NAMES else "cp437")))
        pos = end
    if pos != at:
        raise UnsupportedZip("has a central directory of an unexpected size")
    return data[at + _END.size:], entries, cd_offset


def _members(data: bytes, entries: list[tuple[bytes, str]], directory_start: int) -> list[Member]:
    members = []
    for record, name in entries:
        (_, _, _, flags, method, _, _, crc, csize, size, name_length, extra_length, _, disk, _, _, offset) = \
            _CENTRAL.unpack_from(record)
        if (_MAX_32 in (csize, size, offset) or disk == _MAX_16
                or _has_zip64_extra(record[_CENTRAL.size + name_length:][:extra_length])):
            raise UnsupportedZip(f"stores {name} as zip64")
        if offset + _LOCAL.size > len(data) or _LOCAL.unpack_from(data, offset)[0] != _LOCAL_SIG:
            raise zipfile.BadZipFile(f"the part {name} is damaged (no local header)")
        local = _LOCAL.unpack_from(data, offset)
        local_name_length, local_extra_length = local[9], local[10]
        local_name = data[offset + _LOCAL.size:offset + _LOCAL.size + local_name_length]
        if local_name != record[_CENTRAL.size:_CENTRAL.size + name_length]:
            raise UnsupportedZip(f"names the part {name} differently in its two directories")
        data_start = offset + _LOCAL.size + local_name_length + local_extra_length
        if _has_zip64_extra(data[data_start - local_extra_length:data_start]):
            raise UnsupportedZip(f"stores {name} as zip64")
        end = data_start + csize
        if flags & 0x8:  # sizes follow the data in a descriptor, with or without its signature
            end += 16 if data[end:end + 4] == _DESCRIPTOR_SIG else 12
        members.append(Member(name, offset, end, data_start, method, flags, crc, csize, size, record))
    members.sort(key=lambda member: member.start)
    for before, after in pairwise(members):
        if before.end > after.start:
            raise UnsupportedZip(f"has parts that overlap ({before.name}, {after.name})")
    if members and members[-1].end > directory_start:
        raise zipfile.BadZipFile("the last part runs into the central directory")
    return members


def _has_zip64_extra(extra: bytes) -> bool:
    pos = 0
    while pos + 4 <= len(extra):
        header, length = struct.unpack_from("<HH", extra, pos)
        if header == 0x0001:
            return True
        pos += 4 + length
    return False
