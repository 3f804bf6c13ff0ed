"""The Flags tab: an index, a count per flag type, the cells to fix (one row each, filterable by who typed
the row), then the practice flags, with teacher-level repeats summarised per team. Either list moves to
a tab of its own when it runs over more than two printed pages (see layout.layout_tabs)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence

from tracker_sync.patterns.practice_flags import PRACTICE_FLAG_TYPES, PracticeFlag
from tracker_sync.render.layout import GAP, Column, Index, Line, Table, layout_tab, layout_tabs
from tracker_sync.tabs import Link, ToolCell, ToolTab
from tracker_sync.validate.findings import FINDING_TYPES, Finding, shown

FINDINGS_HEADER = ["Severity", "Tab", "Cell", "Column", "Entered by", "Value", "Problem", "How to fix", "Code", "Go to cell"]


def _grouped(practice: Sequence[PracticeFlag], team_leads: Mapping[str, str]) -> list[list[ToolCell]]:
    """One row per evidence row; a teacher's flag with no row to point at (not seen, no open step: it
    has a team and no link) is summarised per flag and team, every teacher still named on that row.
    Flags about observers, pairs or indicators (no team) stay one row each."""
    rows: list[tuple[PracticeFlag, list[PracticeFlag]]] = []
    groups: defaultdict[tuple[str, str], list[PracticeFlag]] = defaultdict(list)
    for flag in practice:
        if (flag.tab and flag.row) or not flag.team:
            rows.append((flag, [flag]))
        else:
            key = (flag.code, flag.team)
            if key not in groups:
                rows.append((flag, groups[key]))
            groups[key].append(flag)
    out: list[list[ToolCell]] = []
    for first, members in rows:
        leads = ", ".join(dict.fromkeys(lead for f in members if (lead := team_leads.get(f.who)) and lead != f.who))
        details = [f.detail for f in members]
        if len(members) == 1:
            shows = details[0]
        elif len(set(details)) == 1:
            shows = f"{len(members)} teachers: {details[0]}"
        else:
            shows = f"{len(members)} teachers. " + "; ".join(f"{f.who}: {f.detail}" for f in members)
        link = Link("Go to row", first.tab, f"A{first.row}") if first.tab and first.row else ""
        out.append([PRACTICE_FLAG_TYPES[first.code], first.team, leads, ", ".join(f.who for f in members), first.norm,
                    shows, first.suggestion, first.code, link])
    return out


def render_flags(findings: Sequence[Finding], tab_ids: Mapping[str, int], practice: Sequence[PracticeFlag] = (), *,
                 authors: Mapping[tuple[str, int], str] | None = None, team_leads: Mapping[str, str] | None = None,
                 keep: Collection[str] = ()) -> list[ToolTab]:
    """Counts per type, then every finding (tab and row order, filterable), then the practice flags; then
    the tab of each list too long for two printed pages (or named in ``keep``: already in the tracker)."""
    authors, team_leads = authors or {}, team_leads or {}
    found = Counter(f.code for f in findings)
    flagged = Counter(f.code for f in practice)
    by_type: list[list[ToolCell]] = [[FINDING_TYPES[code].title, FINDING_TYPES[code].severity, code, n]
                                     for code, n in found.items()]
    by_type += [[PRACTICE_FLAG_TYPES[code], "practice", code, n] for code, n in flagged.items()]
    counts = Table([Column("Flag", "long", wrap_at=30), Column("Kind"), Column("Code"), Column("Count", "int")], by_type,
                   title="Count by type", empty="Nothing to fix and every norm is met.")
    cells = Table(
        [Column("Severity"), Column("Tab"), Column("Cell"), Column("Column"), Column("Entered by"),
         Column("Value", "long", wrap_at=24),
         Column("Problem", "long", wrap_at=40), Column("How to fix", "long", wrap_at=44), Column("Code"),
         Column("Go to cell", "link")],
        [[f.severity, f.tab, f.cell or (f"row {f.row}" if f.row else ""), f.header or "", authors.get((f.tab, f.row or 0), ""),
          f.value,
          f.message, f.hint, f.code, Link("Go to cell", f.tab, f.cell) if f.cell and f.tab in tab_ids else ""] for f in findings],
        title=f"Cells to fix ({len(findings)})", empty="No problems found. Thank you!",
        note="Errors keep their row out of the patterns until fixed; warnings are kept. "
             "Filter 'Entered by' to see your own rows.",
        marks={(i, 0): f.severity for i, f in enumerate(findings)}, filter=True, list_tab="Cells to fix")
    grouped = _grouped(practice, team_leads)
    flags = Table(
        [Column("Flag", "long", wrap_at=30), Column("Team"), Column("Team Lead"), Column("Who", "long", wrap_at=30),
         Column("Norm", "long", wrap_at=30), Column("What the tracker shows", "long", wrap_at=44),
         Column("Suggestion", "long", wrap_at=40),
         Column("Code"), Column("Go to row", "link")],
        grouped, title=f"Practice flags: where coaching is off the norms this school set ({len(grouped)})",
        empty="Every norm is met. Well done!", marks={(i, 0): "warning" for i in range(len(grouped))}, list_tab="Practice flags")
    items: list[Line | Table | Index] = [Line("Flags: what to fix in the coach tabs, and where practice is off the norms",
                                              "title"),
                                         GAP, Index(), GAP, counts, GAP, cells, GAP, flags]
    return layout_tabs("Flags", items, keep=keep)


def render_write_refused(reason: str, when: str) -> ToolTab:
    """The Flags tab of a sync whose write Google refused: what Google said and what to do. Small and
    plain, so that this second write goes through where the full one could not."""
    what = Table([Column("What"), Column("Details", "long", wrap_at=90)], [
        ["When", when],
        ["Google said", shown(reason, 300)],
        ["What changed", "Nothing else: the coach tabs are untouched, and Summary and Patterns still show the last sync "
                         "that was written. The next sync tries the whole write again."],
        ["What to do", "Tell the person who runs tracker-sync for your school; the sync's own output shows the same message."],
    ], marks={(1, 1): "error"})
    return layout_tab("Flags", [Line("Flags: the last sync could not write its tabs", "title"), GAP, what])
