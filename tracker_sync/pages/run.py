"""Make every teacher's page from one read of the tracker: HTML files in a folder, Google spreadsheets in a
Drive folder, or both. What `tracker-sync teacher-pages` and the district runner (`serve`, `sync-all`) call.

The HTML folder holds only pages: a page of a teacher who no longer gets one (left, no email) is
removed from it, so no stray copy of their record stays on disk. Only files this module wrote for the
same school (they carry its generator tag, naming the school) are ever removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_sync.errors import ConfigError
from tracker_sync.pages.flags import page_flags
from tracker_sync.pages.html import file_name, render_page_html
from tracker_sync.pages.model import TeacherPage, Unpaged, build_pages
from tracker_sync.pages.state import load_state, state_metadata
from tracker_sync.patterns.practice_flags import PracticeFlag

if TYPE_CHECKING:
    from tracker_sync.check import Check
    from tracker_sync.pages.google import PagesRun



@dataclass
class PagesOutcome:
    """One run's pages: how many, where, and the Flags lines about them."""

    pages: list[TeacherPage]
    unpaged: list[Unpaged]
    flags: list[PracticeFlag]
    html: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    google: PagesRun | None = None

    @property
    def metadata(self) -> dict[str, str]:
        """The pages' records to write with the tracker (none when no Google pages were made)."""
        return state_metadata(self.google.state) if self.google is not None else {}

    def counts(self) -> dict[str, int]:
        """Numbers only, for the district history and logs: no names, no scores."""
        return {"pages": len(self.pages), "without_page": len(self.unpaged), "html": len(self.html),
                **({f"google_{k}": v for k, v in self.google.counts().items()} if self.google else {})}


def write_html(pages: list[TeacherPage], folder: Path, *, now: dt.datetime) -> tuple[list[Path], list[Path]]:
    """Each page as ``folder/<teacher>.html``; pages this module wrote before for anyone else are removed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(f"{folder} is a file, not a folder: give a folder for the teachers' pages.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot create the folder {folder}: {exc.strerror or exc}. Give another folder.") from exc
    written = []
    local = now.astimezone()
    for page in pages:
        path = folder / file_name(page)
        path.write_text(render_page_html(page, generated=local.replace(tzinfo=None)), encoding="utf-8")
        written.append(path)
    keep = set(written)
    school = pages[0].school if pages else None
    removed = [old for old in sorted(folder.glob("*.html")) if old not in keep and school and _ours(old, school)]
    for old in removed:
        old.unlink()
    return written, removed


def _ours(path: Path, school: str) -> bool:
    """Whether ``path`` is a page this module wrote for ``school`` (the tag the template puts in its head)."""
    from markupsafe import escape  # as the template's autoescape writes it

    try:
        with path.open(encoding="utf-8") as handle:
            return f'<meta name="generator" content="tracker-sync teacher page: {escape(school)}">' in handle.read(2000)
    except (OSError, UnicodeDecodeError):
        return False


def make_pages(check: Check, *, html: Path | None = None, http: Any = None, folder_id: str | None = None,
               tracker_id: str = "", now: dt.datetime, budget: int | None = None) -> PagesOutcome:
    """Build every page of ``check``'s tracker; write them as HTML into ``html`` and/or to Google in ``folder_id``
    (with ``http``; ``tracker_id``: the tracker's spreadsheet id, which its pages name). Writes nothing to the
    tracker: the caller writes ``outcome.metadata`` with it."""
    pages, unpaged = build_pages(check.result.records, check.settings, check.as_of)
    outcome = PagesOutcome(pages, unpaged, [])
    if html is not None:
        outcome.html, outcome.removed = write_html(pages, html, now=now)
    state = load_state(check.snapshot.metadata)
    if folder_id is not None:
        from tracker_sync.pages.google import publish_pages

        outcome.google = publish_pages(pages, state, http=http, folder_id=folder_id, tracker_id=tracker_id,
                                       school=check.settings.school, timezone=check.settings.timezone, now=now, budget=budget)
        state = outcome.google.state
    owners = [page.owner for page in pages]
    outcome.flags = page_flags(owners, unpaged, state, check.template.tab_of_kind("roster").name) if state or html else []
    return outcome
