"""Flags lines about teachers' pages: a page is shared with the Roster's Email column, so a missing,
malformed or refused address is something for a coach to fix on the Roster, never a failed sync.

Computed from the Roster and the pages' records (tracker_sync.pages.state), so every sync of a tracker
that has pages says the same, whether or not it wrote pages this time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tracker_sync.pages.model import PageOwner, Unpaged, page_owners
from tracker_sync.pages.state import PageRecord, load_state
from tracker_sync.patterns.practice_flags import PracticeFlag
from tracker_sync.schemas import SchoolSettings, Template
from tracker_sync.schemas.records import RosterMember

_NORM = "Each teacher's 1:1 page is shared with the Roster's Email, view only, and their Team Lead's"
_FIX = {
    "no-email": "Type the teacher's school email in the Roster's Email column; the next sync makes their page.",
    "bad-email": "Correct the address in the Roster's Email column; the next sync makes their page.",
    "lead-no-email": "Give the Team Lead an Active Roster row with their school email; the next sync shares the page with them.",
}


def page_flags(owners: Sequence[PageOwner], unpaged: Sequence[Unpaged], state: Mapping[str, PageRecord],
               roster_tab: str) -> list[PracticeFlag]:
    """One line per teacher without a page (or without their lead on it), and per address Google refused."""
    flags = [PracticeFlag(f"page-{u.reason}", _NORM, u.teacher, u.team, u.detail, _FIX[u.reason], roster_tab, u.row)
             for u in unpaged]
    for owner in owners:
        record = state.get(owner.teacher)
        for email in record.refused if record else ():
            if email in owner.readers:
                whose = "their" if email == owner.email else f"their Team Lead {owner.team_lead}'s"
                flags.append(PracticeFlag(
                    "page-share-refused", _NORM, owner.teacher, owner.team,
                    f"Google would not share the 1:1 page with {whose} address {email}: it has no Google account.",
                    "Check the address on the Roster (a typo?) and type the school Google account's address.",
                    roster_tab, owner.row))
    return flags


def stored_page_flags(roster: Sequence[RosterMember], metadata: Mapping[str, str], settings: SchoolSettings,
                      template: Template) -> list[PracticeFlag]:
    """The pages' Flags lines of a tracker that has pages (none for one that never made any)."""
    state = load_state(metadata)
    if not state:
        return []
    owners, unpaged = page_owners(roster, settings)
    return page_flags(owners, unpaged, state, template.tab_of_kind("roster").name)
