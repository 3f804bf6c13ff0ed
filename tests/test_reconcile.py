"""Figures that reconcile: every figure a leader can read in two places says the same in both.

The demo (LEAP and Danielson) and a 260-teacher school year are synced into memory; each figure is then
read back as a person reads it, from every place it appears: the Summary, Patterns and Flags tabs, the
brief (with and without names), the sync's --json headline and the school's district figures. Nothing
here recomputes a figure: a place that counts otherwise than the others shows up as a second value.
"""

from __future__ import annotations

import html
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from conftest import tool_table

from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.district.figures import school_figures
from tracker_sync.render.layout import list_tab_name
from tracker_sync.sync import build_brief, check_tracker, sync_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.synthetic.year import school_year


class BriefTables(HTMLParser):
    """The brief's key-number cards ({label: value}) and its tables (each a header row and body rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, str] = {}
        self.tables: list[list[list[str]]] = []
        self._card: list[str] | None = None
        self._span: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "div" and cls == "number":
            self._card = []
        elif tag == "span" and self._card is not None and cls in ("value", "label"):
            self._span = cls
            self._card.append("")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._span is not None and self._card is not None:
            self._card[-1] += data
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "span":
            self._span = None
        elif tag == "div" and self._card is not None:
            if len(self._card) >= 2:
                self.cards[self._card[1].strip()] = self._card[0].strip()
            self._card = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(html.unescape("".join(self._cell)).replace("\xa0", " ").strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def table(self, *headers: str) -> list[dict[str, str]]:
        """The body rows of the table whose header row starts with ``headers``."""
        found = next(t for t in self.tables if t and t[0][:len(headers)] == list(headers))
        return [dict(zip(found[0], row, strict=True)) for row in found[1:]]


def _now(cell: str) -> str:
    """The "now" of a brief cell that reads "then → now" (or only "now")."""
    return cell.split(" → ")[-1]


def _sum(rows: list[dict], column: str) -> int:
    return sum(int(r[column]) for r in rows if r[column] not in (None, "", "–"))


def _count(flags: list[dict], code: str) -> int:
    return next((int(r["Count"]) for r in flags if r["Code"] == code), 0)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def figures_everywhere(workbook: MemoryWorkbook, as_of) -> dict[str, dict[str, object]]:
    """figure -> {place: the value a person reads there}."""
    report = sync_tracker(workbook, as_of=as_of)
    check = check_tracker(workbook, as_of=as_of)
    norms = check.settings.norms
    gap, one_gap, fb_norm = norms.observation_gap_days, norms.one_on_one_gap_days, norms.feedback_within_school_days
    district = {key: cell["value"] for key, cell in school_figures(check, min_cell=1)["figures"].items()}
    tabs = {name: tab.rows for name, tab in workbook.tool_tabs.items()}
    summary, patterns, flags = tabs["Summary"], tabs["Patterns"], tabs["Flags"]

    def titled(start: str) -> str:
        return next(str(row[0]) for row in patterns if row and str(row[0]).startswith(start))

    headline = tool_table(summary, "Headline")[0]
    by_team = tool_table(summary, "Team", after="By team")
    counts = tool_table(flags, "Flag", after="Count by type")
    coverage = tool_table(patterns, "Team", after=titled("Coverage by team"))
    steps = tool_table(patterns, "Team", after="Action steps by team")
    feedback = tool_table(patterns, "Team", after="Feedback by team")
    meetings = tool_table(patterns, "Team", after=titled("1:1s by team"))
    goals = tool_table(patterns, "Team", after=titled("Goals by team"))
    trend = next(r for r in tool_table(patterns, "Team", after=titled("Since ")) if r["Team"] == "Whole school")
    lists = {f"Teachers not observed in {gap}+ days": "Not observed",
             f"Teachers without a 1:1 in {one_gap}+ days": "No recent 1-1",
             "1:1 next steps past due, with no 1:1 since": "1-1 steps past due"}
    listed = {title: len(tool_table(tabs.get(list_tab_name("Patterns", tab), patterns), "Teacher", after=title))
              for title, tab in lists.items()}  # a long list is whole on its own tab, the first rows on Patterns
    out: dict[str, dict[str, object]] = defaultdict(dict)
    for names in (False, True):
        page = BriefTables()
        page.feed(build_brief(workbook, as_of=as_of, include_names=names))
        brief, cards = "brief" + (" (names)" if names else ""), page.cards
        teams = {r["Team"]: r for r in page.table("Team", "Teachers")}
        school = teams.pop("Whole school")  # the brief's whole-school row: always shown, "then → now"
        out["teachers"] |= {f"{brief} card": int(cards["Teachers in observed roles"]),
                            f"{brief} by team": int(school["Teachers"])}
        out["not seen"] |= {f"{brief} card": int(cards[f"Not seen in {gap}+ days"]),
                            f"{brief} by team": int(_now(school[f"Not seen {gap}+ days"]))}
        out["behind on scored"][f"{brief} by team"] = int(school["Behind on scored obs."])
        out["overdue steps"] |= {f"{brief} card": int(cards["Overdue action steps"]),
                                 f"{brief} by team": int(_now(school["Overdue steps"]))}
        out["median feedback"][f"{brief} card"] = cards["Median school days to feedback"]
        out["feedback within"] |= {f"{brief} card": cards[f"Feedback within {fb_norm} days"],
                                   f"{brief} by team": _now(school[f"Feedback within {fb_norm} days"])}
        observers = page.table(next(t[0][0] for t in page.tables if t and t[0][0].startswith("Observer")))
        if len(observers) == len(check.patterns.feedback_by_observer):  # every observer is on the page
            out["waiting for feedback"][f"{brief} observers"] = _sum(observers, "Waiting past norm")
        if len(teams) == len(by_team):  # every team is on the page: the 1:1 and goal columns add up
            met = [r[f"1:1 in {one_gap} days"].split(" of ") for r in teams.values()]
            out["next steps past due"][f"{brief} by team"] = _sum(list(teams.values()), "Next steps past due")
            out["no 1:1"][f"{brief} by team"] = sum(int(of) - int(seen) for seen, of in met)
            out["no active goal"][f"{brief} by team"] = _sum(list(teams.values()), "No Active goal")
    h = report.headline
    out["not seen"] |= {
        "Summary headline": headline[f"Teachers not observed in {gap} days"],
        "Summary by team": _sum(by_team, f"Not seen {gap}+ days"), "Patterns coverage": _sum(coverage, f"Not seen {gap}+ days"),
        "Patterns trend now": trend[f"Not seen {gap}+ days: now"],
        "Patterns list": listed[f"Teachers not observed in {gap}+ days"], "Flags": _count(counts, "not-observed"),
        "--json": h["teachers_not_seen"]}
    if gap == 14:  # the district counts visits in 14 days whatever the school's norm
        out["not seen"]["district"] = round(district["teachers"] * (1 - district["observed_14d"]))
    out["teachers"] |= {"Summary by team": _sum(by_team, "Teachers"), "Patterns coverage": _sum(coverage, "Teachers"),
                        "district": district["teachers"]}
    out["behind on scored"] |= {"Summary by team": _sum(by_team, "Behind on scored obs."),
                                "Patterns coverage": _sum(coverage, "Behind on scored observations"),
                                "Flags": _count(counts, "scored-behind")}
    if district["on_pace"] is not None:
        out["behind on scored"]["district"] = round(district["teachers"] * (1 - district["on_pace"]))
    out["overdue steps"] |= {
        "Summary headline": headline["Overdue action steps"], "Summary by team": _sum(by_team, "Overdue steps"),
        "Patterns": _sum(steps, "Overdue"), "Patterns trend now": trend["Overdue steps: now"],
        "Flags": _count(counts, "step-overdue"),
        "--json": h["overdue_action_steps"], "district": district["overdue_steps"]}
    out["median feedback"] |= {
        "Summary headline": f"{headline['Median school days to feedback']:.1f}",
        "--json": f"{h['median_feedback_school_days']:.1f}", "Patterns trend now": f"{trend['Median days to feedback: now']:.1f}",
        "district": f"{district['feedback_median_days']:.1f}"}
    out["feedback within"] |= {"Summary headline": _percent(headline[f"Feedback within {fb_norm} school days"]),
                               "district": _percent(district["feedback_within_norm"])}
    out["waiting for feedback"] |= {"Summary by team": _sum(by_team, "Feedback pending"),
                                    "Patterns": _sum(feedback, "Waiting past the norm"),
                                    "Flags": _count(counts, "feedback-pending")}
    out["next steps past due"] |= {"Patterns by team": _sum(meetings, "Next steps past due"),
                                   "Patterns list": listed["1:1 next steps past due, with no 1:1 since"],
                                   "Flags": _count(counts, "next-steps-past-due")}
    out["no 1:1"] |= {"Summary headline": headline[f"Teachers without a 1:1 in {one_gap} days"],
                      "Patterns by team": _sum(meetings, f"No 1:1 in {one_gap} days"),
                      "Patterns list": listed[f"Teachers without a 1:1 in {one_gap}+ days"],
                      "Flags": _count(counts, "no-one-on-one"),
                      "district": round(len(check.patterns.one_on_ones) * (1 - district["one_on_one_recent"]))}
    out["no active goal"] |= {"Summary headline": headline["Teachers without an Active goal"],
                              "Patterns by team": _sum(goals, "No Active goal"), "Flags": _count(counts, "no-active-goal"),
                              "district": round(district["teachers"] * (1 - district["active_goal"]))}
    return dict(out)


def disagreements(figures: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    return {name: places for name, places in figures.items() if len(set(places.values())) > 1}


@pytest.mark.parametrize("rubric", ["leap", "danielson"])
def test_every_figure_of_the_demo_reads_the_same_everywhere(rubric):
    school = synthetic_school(7, rubric=rubric)
    workbook = MemoryWorkbook()
    provision_school(workbook, school)
    figures = figures_everywhere(workbook, school.as_of)
    assert all(len(places) >= 3 for places in figures.values())
    assert disagreements(figures) == {}


def test_every_figure_of_a_260_teacher_school_year_reads_the_same_everywhere():
    school = school_year(7, teachers=260)
    workbook = MemoryWorkbook()
    provision_school(workbook, school)
    figures = figures_everywhere(workbook, school.as_of)
    assert figures["teachers"]["district"] > 250 and figures["next steps past due"]["Flags"] > 100  # a year's worth
    assert disagreements(figures) == {}
