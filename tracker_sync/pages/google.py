"""Teachers' pages on Google: one spreadsheet per teacher in a folder the school names, shared view only
with that teacher and their Team Lead, written only when that teacher's page changed.

API calls, exactly (asserted in tests/test_teacher_pages_google.py):

* 1 Drive ``files.list`` of the folder per run (which pages still exist; a page made by a run whose
  tracker write was lost is found there by its title, checked with one Sheets read, and adopted: never
  made twice);
* per new page: 1 Drive create, 1 Sheets ``batchUpdate`` (no read: GoogleWorkbook.write_own_tab), 1 Drive
  share per reader (the teacher, their Team Lead);
* per changed page: 1 Sheets ``batchUpdate``; per unchanged page: nothing (the fingerprint of its
  tab, stamps left out, equals the one remembered in the tracker: tracker_sync.pages.state);
* per reader added or removed (a new Team Lead, a corrected email, a teacher who left): 1 Drive call.

A page deleted from Drive (or trashed) is made again. Shares go out without a notification email, so
Google refuses an address with no Google account (a typo) instead of mailing an invitation to it: that
becomes a Flags line (tracker_sync.pages.flags), never a failed run. ``budget`` caps the Sheets writes of
one run: pages beyond it keep their old record and are written by the next run (``pending``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from tracker_sync.backends.google.transport import RETRYABLE_STATUS
from tracker_sync.backends.google.values import output_hash
from tracker_sync.backends.google.workbook import GoogleWorkbook
from tracker_sync.errors import ApiError, ConfigError, TrackerNotFound
from tracker_sync.pages.model import PageOwner, TeacherPage
from tracker_sync.pages.state import PageRecord, key_for
from tracker_sync.pages.tab import render_page_tab


@dataclass
class PagesRun:
    """What one run did to the pages on Google; ``--json`` and the district history print :meth:`counts`
    (numbers only: no names, no scores)."""

    state: dict[str, PageRecord]
    created: int = 0
    written: int = 0
    unchanged: int = 0
    repaired: int = 0
    shared: int = 0
    unshared: int = 0
    pending: int = 0
    refused: int = 0
    api_calls: int = 0
    locations: dict[str, str] = field(default_factory=dict)  # teacher -> page URL (for the command's own output)
    touched: list[str] = field(default_factory=list)  # teachers whose page this run made, wrote, shared or unshared

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if isinstance(v, int)}


def page_title(owner: PageOwner, school: str) -> str:
    return f"{owner.teacher} – 1:1 page ({school})"


def page_fingerprint(tab: Any) -> str:
    return output_hash([tab], {})[:16]


def page_of(tracker_id: str, teacher: str) -> str:
    """What a page stores about itself (developer metadata ``page_of``): its tracker and teacher, so a page
    found by its title is adopted only by its own tracker (two schools of one name may share a folder)."""
    return f"{tracker_id} {key_for(teacher)}"


class _Run:
    """One run over a school's pages: the folder's listing, then each page in turn."""

    def __init__(self, http: Any, folder_id: str, state: Mapping[str, PageRecord], budget: int | None, tracker_id: str) -> None:
        self.http, self.folder_id, self.budget, self.tracker_id = http, folder_id, budget, tracker_id
        self.result = PagesRun(dict(state))
        self.listing = GoogleWorkbook.in_folder(http, folder_id)
        self.titles = {name: file_id for file_id, name in self.listing.items()}

    def _may_write(self) -> bool:
        if self.budget is not None and self.result.created + self.result.written >= self.budget:
            self.result.pending += 1
            return False
        return True

    def page(self, page: TeacherPage, *, school: str, timezone: str, now: dt.datetime) -> None:
        owner = page.owner
        tab = render_page_tab(page, timezone=timezone, written_at=now)
        fingerprint = page_fingerprint(tab)
        record = self.result.state.get(owner.teacher)
        if record is not None and record.file_id not in self.listing:
            record, self.result.repaired = None, self.result.repaired + (record is not None)  # deleted or trashed: made again
        if record is None:
            record = self._adopt(owner, page_title(owner, school))
        if record is None or record.fingerprint != fingerprint:
            if not self._may_write():
                return
            record = self._write(record, owner, tab, title=page_title(owner, school))
            record = replace(record, fingerprint=fingerprint, formats=len(tab.color_scales))
        else:
            self.result.unchanged += 1
        shared = self._share(record, owner.readers)
        if shared != self.result.state.get(owner.teacher):
            self.result.touched.append(owner.teacher)
        self.result.state[owner.teacher] = shared
        self.result.locations[owner.teacher] = GoogleWorkbook(record.file_id, self.http).location

    def _adopt(self, owner: PageOwner, title: str) -> PageRecord | None:
        """The teacher's page made by a run whose tracker write was lost: in the folder under its title, and
        its own (one Sheets read, only then)."""
        found = self.titles.get(title)
        if found is None:
            return None
        if GoogleWorkbook(found, self.http).read([]).metadata.get("page_of") != page_of(self.tracker_id, owner.teacher):
            return None
        return PageRecord(owner.teacher, found)

    def _write(self, record: PageRecord | None, owner: PageOwner, tab: Any, *, title: str) -> PageRecord:
        if record is not None:
            try:
                GoogleWorkbook(record.file_id, self.http).write_own_tab(tab, conditional_formats=record.formats)
                self.result.written += 1
                return record
            except TrackerNotFound:  # deleted between the listing and now
                self.result.repaired += 1
        workbook = GoogleWorkbook.create(title, self.http, folder_id=self.folder_id)
        workbook.write_own_tab(tab, metadata={"page_of": page_of(self.tracker_id, owner.teacher)})
        self.result.created += 1
        return PageRecord(owner.teacher, workbook.spreadsheet_id)

    def _share(self, record: PageRecord, readers: Sequence[str]) -> PageRecord:
        """Share with each reader not shared with yet, unshare everyone else tracker-sync shared it with."""
        workbook = GoogleWorkbook(record.file_id, self.http)
        shared, refused = dict(record.shared), set(record.refused) & set(readers)
        for email in [e for e in shared if e not in readers]:
            workbook.unshare(shared.pop(email))
            self.result.unshared += 1
        for email in readers:
            if email in shared or email in refused:  # a refused address waits for the Roster to change
                continue
            try:
                shared[email] = workbook.share(email, "reader", notify=False)
            except ConfigError:  # share_refused: the address has no Google account
                refused.add(email)
                self.result.refused += 1
                continue
            self.result.shared += 1
        return replace(record, shared=shared, refused=tuple(sorted(refused)))

    def leave(self, teacher: str) -> None:
        """A teacher with a page and no longer a page owner (left, no email, off the Roster): unshare everyone."""
        record = self.result.state[teacher]
        if record.shared or record.refused:
            self.result.state[teacher] = self._share(record, ())
            self.result.touched.append(teacher)
            self.result.locations[teacher] = GoogleWorkbook(record.file_id, self.http).location


def publish_pages(pages: Sequence[TeacherPage], state: Mapping[str, PageRecord], *, http: Any, folder_id: str,
                  tracker_id: str, school: str, timezone: str, now: dt.datetime, budget: int | None = None) -> PagesRun:
    """Bring every teacher's Google page up to date (see the module docstring); returns the new state and counts.

    Google's passing trouble (429 or 5xx beyond the client's retries) stops the run with the pages done so
    far kept and the rest ``pending``; any other refusal raises.
    """
    calls0 = http.calls
    run = _Run(http, folder_id, state, budget, tracker_id)
    done = 0
    try:
        for page in pages:
            run.page(page, school=school, timezone=timezone, now=now)
            done += 1
        owners = {page.teacher for page in pages}
        for teacher in [t for t in run.result.state if t not in owners]:
            run.leave(teacher)
    except ApiError as exc:
        if exc.code != 0 and exc.code not in RETRYABLE_STATUS:  # 0: Google could not be reached
            raise
        run.result.pending += len(pages) - done  # this page and the rest: the next run writes them
    run.result.api_calls = http.calls - calls0
    return run.result
