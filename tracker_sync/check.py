"""One read of a tracker, checked: what it yields before anything is written (:class:`Check`).

The read-only half of the pipeline (backend.read -> validate -> patterns), on a snapshot already
read, so the sync (tracker_sync.sync), the teachers' pages, the district figures and last year's
comparison all work from the same check without importing the pipeline that writes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from tracker_sync.form.findings import form_findings
from tracker_sync.metadata import from_metadata, outside_school_year, stored_as_of
from tracker_sync.patterns import Patterns, compute_patterns
from tracker_sync.patterns.plan import Plan, coaching_plan
from tracker_sync.patterns.practice_flags import PracticeFlag, practice_flags
from tracker_sync.render import SyncLogLine, render_flags, render_patterns, render_summary, render_sync_log
from tracker_sync.render.plan_tab import PLAN_TAB, plan_memory, render_plan
from tracker_sync.schemas import SchoolSettings, Template
from tracker_sync.sheet_templates import load_rubric, load_template, rubric_ids
from tracker_sync.tabs import Snapshot, ToolTab
from tracker_sync.validate import ValidationResult, validate
from tracker_sync.validate.authors import row_authors
from tracker_sync.validate.rows import sort_findings

SYNC_LOG = "Sync Log"
log = logging.getLogger(__name__)


def tabs_to_read() -> list[str]:
    """Every coach tab any rubric's tracker can have, plus the Sync Log (its history is kept) and the
    Plan (it remembers the week's plan)."""
    names: list[str] = []
    for rubric_id in rubric_ids():
        for name in load_template().for_rubric(load_rubric(rubric_id)).coach_tab_names:
            if name not in names:
                names.append(name)
    return [*names, SYNC_LOG, PLAN_TAB]


@dataclass(frozen=True)
class Check:
    """Everything one read of a tracker yields, before anything is written."""

    snapshot: Snapshot
    settings: SchoolSettings
    template: Template
    as_of: dt.date
    result: ValidationResult

    @cached_property
    def patterns(self) -> Patterns:
        """The team patterns of the valid records, computed when first asked for (an export needs none)."""
        return compute_patterns(self.result.records, self.settings, self.as_of)

    @cached_property
    def plan(self) -> Plan:
        """The coaching plan of the coming school week, continuing the one the Plan tab holds."""
        memory = plan_memory(self.snapshot.grids.get(PLAN_TAB))
        return coaching_plan(self.result.records, self.settings, self.as_of, memory, patterns=self.patterns)

    def practice_flags(self) -> list[PracticeFlag]:
        """Practice flags from the school's norms, pointing at the coach tabs of this tracker."""
        return practice_flags(self.patterns, self.settings, {tab.kind: tab.name for tab in self.template.tabs})

    def team_leads(self) -> dict[str, str]:
        """Teacher -> Team Lead, from the Roster rows that passed validation."""
        roster = self.result.records.columns("roster")
        return {t: lead for t, lead in zip(roster.get("teacher", []), roster.get("team_lead", []), strict=True) if lead}

    def page_flags(self) -> list[PracticeFlag]:
        """The Flags lines about teachers' pages, from the Roster and the pages the tracker remembers."""
        from tracker_sync.pages.flags import stored_page_flags

        return stored_page_flags(self.result.records.roster, self.snapshot.metadata, self.settings, self.template)

    def tool_tabs(self, synced_at: dt.datetime, page_flags: Sequence[PracticeFlag] | None = None) -> list[ToolTab]:
        """The tool tabs a sync writes besides the Sync Log (Summary, Patterns, Flags, each followed by its
        long lists' tabs, and Plan), in tab order. A list tab already in the tracker is always rewritten.
        ``page_flags``: this run's lines about teachers' pages (default: from the pages the tracker remembers)."""
        leads = self.team_leads()
        authors = row_authors(self.snapshot.grids, self.template, self.result.tabs, leads)
        present = self.snapshot.tab_ids.keys()
        practice = [*self.practice_flags(), *(self.page_flags() if page_flags is None else page_flags)]
        return [
            render_summary(self.settings, self.result, self.patterns, synced_at),
            *render_patterns(self.settings, self.patterns, synced_at, keep=present),
            *render_flags(self.result.findings, self.snapshot.tab_ids, practice, authors=authors, team_leads=leads, keep=present),
            render_plan(self.settings, self.plan, synced_at),
        ]

    def sync_log(self, log_line: SyncLogLine) -> ToolTab:
        """The Sync Log with ``log_line`` on top of the lines the tracker holds."""
        return render_sync_log(log_line, self.snapshot.grids.get(SYNC_LOG), self.settings.norms.sync_log_max_lines)


def today_in(settings: SchoolSettings, now: dt.datetime | None = None) -> dt.date:
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(ZoneInfo(settings.timezone)).date()


def check_snapshot(snapshot: Snapshot, *, as_of: dt.date | None = None, now: dt.datetime | None = None,
                   norm_overrides: Mapping[str, object] | None = None, ilt_weekday: str | None = None) -> Check:
    """check_tracker on a snapshot already read (last year's tracker, read once for last year beside this year)."""
    settings, template = from_metadata(snapshot.metadata, norm_overrides)
    if ilt_weekday is not None:
        settings = settings.model_copy(update={"ilt_weekday": ilt_weekday})
    day = as_of or stored_as_of(snapshot.metadata) or today_in(settings, now)
    if notice := outside_school_year(settings, day):
        log.warning(notice)
    result = validate(snapshot.grids, template, settings, day)
    if snapshot.form is not None:  # the observation form's notes go on Flags with the rows' findings
        result.findings += form_findings(snapshot.form, template.tab_of_kind("observation").name)
        sort_findings(result.findings, template)
    return Check(snapshot, settings, template, day, result)
