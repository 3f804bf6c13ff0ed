"""Every word of a rubric on the tool tabs and in the brief comes from the tracker's own rubric: a
Danielson tracker never reads LEAP's band names, codes or name, and a LEAP tracker never reads FFT's."""

from __future__ import annotations

import html
import re

import pytest

from tracker_sync.backends.memory import MemoryWorkbook
from tracker_sync.schemas import Rubric
from tracker_sync.sheet_templates import load_rubric
from tracker_sync.sync import build_brief, sync_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.tabs import Link


def own_words(rubric: Rubric) -> set[str]:
    return {rubric.name, rubric.short_name, *(b.name for b in rubric.bands), *(d.name for d in rubric.domains), *rubric.codes}


def foreign_words(rubric: Rubric, other: Rubric) -> re.Pattern:
    """The other rubric's name, short name, band names and codes that this rubric does not share."""
    words = own_words(other) - own_words(rubric) - {d.name for d in other.domains}
    return re.compile("|".join(rf"(?<![\w.]){re.escape(w)}(?![\w.])" for w in sorted(words, key=len, reverse=True)), re.I)


@pytest.mark.parametrize(("rubric", "other"), [("danielson", "leap"), ("leap", "danielson")])
def test_no_word_of_the_other_rubric_on_any_tool_tab_or_in_the_brief(rubric, other):
    school = synthetic_school(7, rubric=rubric)
    workbook = MemoryWorkbook()
    provision_school(workbook, school)
    sync_tracker(workbook, as_of=school.as_of)
    foreign = foreign_words(load_rubric(rubric), load_rubric(other))
    assert foreign.search("LE.1 and Effective" if rubric == "danielson" else "3b, Proficient")  # the check can fail
    found = [(name, cell) for name, tab in workbook.tool_tabs.items() for row in tab.rows for cell in row
             if foreign.search(cell.text if isinstance(cell, Link) else str(cell or ""))]
    for names in (False, True):
        page = html.unescape(re.sub(r"<[^>]+>", " ", build_brief(workbook, as_of=school.as_of, include_names=names)))
        found += [("brief", page[max(m.start() - 60, 0):m.end() + 20]) for m in foreign.finditer(page)]
    assert not found, found[:5]
    patterns = " ".join(str(cell) for row in workbook.grids["Patterns"] for cell in row if cell)
    assert f"What does {load_rubric(rubric).meeting_band} (" in patterns  # the theme's question, in the rubric's words
