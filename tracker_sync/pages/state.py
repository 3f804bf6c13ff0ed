"""Where each teacher's Google page is remembered: in the tracker's own metadata, one key per teacher.

``teacher_page.<digest of the name>`` -> a short JSON object: the teacher, the page's spreadsheet id,
the fingerprint of what was last written there, who it is shared with (email -> permission id), how
many colour rules its tab has (so the next write needs no read), and the addresses Google refused
(a Flags line until the Roster changes). The tracker is read at the start of every sync anyway, and
the state is written inside the sync's one atomic write, so it survives restarts at no extra call and
moves with the tracker. A page is never deleted: a teacher who leaves keeps their record with no one
shared, and gets the same page back if they return.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

PREFIX = "teacher_page."


@dataclass(frozen=True)
class PageRecord:
    teacher: str
    file_id: str
    fingerprint: str = ""  # "" until the page is first written
    shared: Mapping[str, str] = field(default_factory=dict)  # email -> permission id
    formats: int = 0  # conditional-format rules the page's tab holds
    refused: tuple[str, ...] = ()  # addresses Google would not share with

    def to_json(self) -> str:
        data = {"t": self.teacher, "id": self.file_id, "fp": self.fingerprint, "to": dict(sorted(self.shared.items())),
                "cf": self.formats, **({"no": sorted(self.refused)} if self.refused else {})}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> PageRecord | None:
        try:
            data = json.loads(text)
            shared = {str(email): str(permission) for email, permission in data.get("to", {}).items()}
            return cls(str(data["t"]), str(data["id"]), str(data.get("fp", "")), shared, int(data.get("cf", 0)),
                       tuple(str(e) for e in data.get("no", ())))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # a hand-edited or foreign value: as if no page were known (the folder listing finds it)


def key_for(teacher: str) -> str:
    """The metadata key of a teacher's record: a digest, so a name's spelling never makes an odd key."""
    return PREFIX + hashlib.sha256(teacher.encode("utf-8")).hexdigest()[:12]


def load_state(metadata: Mapping[str, str]) -> dict[str, PageRecord]:
    """Teacher -> their page's record, from the tracker's metadata (a snapshot's, prefix already stripped)."""
    records = (PageRecord.from_json(value) for key, value in metadata.items() if key.startswith(PREFIX))
    return {record.teacher: record for record in records if record is not None}


def state_metadata(state: Mapping[str, PageRecord]) -> dict[str, str]:
    """The records as metadata to write with the tracker (every record, so an unchanged state hashes the same)."""
    return {key_for(teacher): record.to_json() for teacher, record in sorted(state.items())}
