"""Validator v1: every bad cell becomes a finding at the right tab, row and column; nothing is lost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import AS_OF

from tracker_sync.validate import validate
from tracker_sync.validate.findings import FINDING_TYPES


def _findings(grids, template, settings):
    result = validate(grids, template, settings, AS_OF)
    return result, {(f.tab, f.cell): f for f in result.findings}


def test_clean_fixture_has_no_findings_and_accounts_every_row(grids, leap_template, tiny_settings):
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert result.findings == []
    obs = result.tabs["Observations"]
    assert (obs.rows_read, obs.accepted, obs.excluded, obs.blank) == (9, 8, 0, 1)
    assert len(result.records.scores) == 14  # melted: 3 + 2 + 3 + 3 + 2 + 1


def test_the_four_classic_mistakes_are_flagged_where_they_are(grids, leap_template, tiny_settings):
    grids["Observations"][1][0] = "13/45/2026"      # row 2, column A: bad date
    grids["Observations"][3][1] = "Jon Smth"        # row 4, column B: unknown teacher
    grids["LEAP Scores"][2][4] = 9                  # row 3, column E (LE.1): score of 9
    grids["Observations"][4][4] = "I.9"             # row 5, column E: unknown indicator
    result, by_cell = _findings(grids, leap_template, tiny_settings)
    assert by_cell[("Observations", "A2")].code == "bad-date"
    assert by_cell[("Observations", "B4")].code == "unknown-teacher"
    assert by_cell[("LEAP Scores", "E3")].code == "score-out-of-range"
    assert by_cell[("Observations", "E5")].code == "unknown-indicator"
    assert by_cell[("Observations", "E5")].header == "Focus Indicator"
    assert "Did you mean" in by_cell[("Observations", "E5")].hint
    for report in result.tabs.values():
        assert report.accepted + report.excluded + report.blank == report.rows_read
    assert result.tabs["Observations"].excluded == 3
    assert result.tabs["LEAP Scores"].excluded == 1


def test_near_miss_names_are_suggested_not_corrected(grids, leap_template, tiny_settings):
    grids["Action Steps"][1][1] = "Ms. Lopez"
    result, by_cell = _findings(grids, leap_template, tiny_settings)
    finding = by_cell[("Action Steps", "B2")]
    assert finding.code == "unknown-teacher" and "Ana Lopez" in finding.hint
    assert all(step.teacher != "Ms. Lopez" for step in result.records.action_steps)


def test_names_ignore_case_accents_and_spacing(grids, leap_template, tiny_settings):
    grids["Observations"][1][1] = "  ANA   LÓPEZ "
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert result.findings == []
    assert result.records.observations[0].teacher == "Ana Lopez"


def test_headers_in_any_order_case_and_spacing_with_extra_columns(grids, leap_template, tiny_settings):
    obs = grids["Observations"]
    reordered = [[row[1], row[0], *row[2:], "x" if any(row) else None] for row in obs]
    reordered[0][0], reordered[0][1], reordered[0][-1] = "  TEACHER ", "date", "My own column"
    grids["Observations"] = reordered
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert [f.code for f in result.findings] == ["extra-column"]
    assert result.findings[0].cell == "I1"
    assert len(result.records.observations) == 8


def test_missing_required_column_skips_the_tab_instead_of_misreading(grids, leap_template, tiny_settings):
    grids["Observations"] = [row[1:] for row in grids["Observations"]]  # drop Date
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    missing = [f for f in result.findings if f.code == "missing-column"]
    assert len(missing) == 1 and missing[0].header == "Date"
    assert result.records.observations == []
    report = result.tabs["Observations"]
    assert (report.excluded, report.blank) == (8, 1)


@pytest.mark.parametrize("typed, expected, code", [
    (dt.datetime(2026, 9, 14, 0, 0), dt.date(2026, 9, 14), None),
    (46279, dt.date(2026, 9, 14), None),                       # Google serial number
    ("2026-09-14", dt.date(2026, 9, 14), None),
    ("9/14/2026", dt.date(2026, 9, 14), None),
    (" 9/14/26 ", dt.date(2026, 9, 14), "ambiguous-date"),
    ("9/14", dt.date(2026, 9, 14), "ambiguous-date"),
    ("Sept 14", dt.date(2026, 9, 14), "ambiguous-date"),
    ("September 14, 2026", dt.date(2026, 9, 14), None),
    ("2/30/2026", None, "bad-date"),
    ("soon", None, "bad-date"),
    (True, None, "bad-date"),
])
def test_date_spellings(typed, expected, code, grids, leap_template, tiny_settings):
    grids["Observations"][3][0] = typed  # Cara's observation, row 4; her feedback is 9/28
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    found = [f for f in result.findings if f.cell == "A4"]
    assert [f.code for f in found] == ([code] if code else [])
    dates = {o.row: o.date for o in result.records.observations}
    assert dates.get(4) == expected


def test_future_dates_and_feedback_before_visit_are_errors(grids, leap_template, tiny_settings):
    grids["Observations"][1][0] = dt.date(2026, 10, 5)     # after as-of
    grids["Observations"][2][6] = dt.date(2026, 9, 1)      # feedback before the 9/4 visit
    grids["Action Steps"][2][5] = dt.date(2026, 12, 1)     # a due date may lie ahead
    result, by_cell = _findings(grids, leap_template, tiny_settings)
    assert by_cell[("Observations", "A2")].code == "date-in-future"
    assert by_cell[("Observations", "G3")].code == "feedback-before-observation"
    assert ("Action Steps", "F3") not in by_cell


def test_band_words_say_which_numbers_they_mean(grids, leap_template, tiny_settings):
    grids["LEAP Scores"][1][4] = "Effective"
    _, by_cell = _findings(grids, leap_template, tiny_settings)
    finding = by_cell[("LEAP Scores", "E2")]
    assert finding.code == "score-band-word" and "5-6" in finding.hint


def test_indicator_spellings_normalize(grids, leap_template, tiny_settings):
    for i, spelling in enumerate(["i5", "I 5", "I-5", "Instruction 5"], start=1):
        grids["Observations"][i][4] = spelling
    result = validate(grids, leap_template, tiny_settings, AS_OF)
    assert result.findings == []
    assert [o.focus_indicator for o in result.records.observations[:4]] == ["I.5"] * 4


def test_every_finding_code_has_a_title_and_fix():
    for code, kind in FINDING_TYPES.items():
        assert kind.title and kind.fix and kind.severity in ("error", "warning"), code


def test_every_finding_code_is_documented_once_in_the_reference():
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "reference" / "findings.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z-]+)` \|", page, re.M)
    for code in FINDING_TYPES:
        assert documented.count(code) == 1, f"{code} is documented {documented.count(code)} times in docs/reference/findings.md"
    assert set(documented) <= set(FINDING_TYPES)


def test_generated_codes_table_lists_every_code():
    from tracker_sync.validate.findings import finding_codes_markdown

    table = finding_codes_markdown()
    for code, kind in FINDING_TYPES.items():
        assert f"| `{code}` | {kind.severity} |" in table


def test_row_accounting_is_enforced():
    from tracker_sync.validate.rows import RowAccountingError, TabReport

    with pytest.raises(RowAccountingError):
        TabReport("Observations", rows_read=3, accepted=1, excluded=1, blank=0).check()


def test_sync_log_shows_the_row_accounting(grids, tiny_settings):
    from tracker_sync.backends.memory import MemoryWorkbook
    from tracker_sync.metadata import to_metadata
    from tracker_sync.sync import sync_tracker

    grids["Observations"][1][0] = "soon"
    workbook = MemoryWorkbook(grids, to_metadata(tiny_settings))
    sync_tracker(workbook, as_of=AS_OF)
    line = workbook.grids["Sync Log"][1]
    assert "Observations 9 read = 7 accepted + 1 excluded + 1 blank" in line[2]
    assert "Roster 8 read = 8 accepted + 0 excluded + 0 blank" in line[2]


def test_a_formula_error_in_a_note_blanks_the_note_but_keeps_the_observation(grids, leap_template, tiny_settings):
    grids["Observations"][1][5] = "#REF!"          # Evidence / Notes of row 2
    grids["Observations"][2][1] = "#N/A"           # Teacher of row 3: that row cannot count
    result, by_cell = _findings(grids, leap_template, tiny_settings)
    assert by_cell[("Observations", "F2")].code == "formula-error-in-note"
    assert by_cell[("Observations", "F2")].severity == "warning"
    assert by_cell[("Observations", "F2")].hint == FINDING_TYPES["formula-error-in-note"].fix  # the documented hint
    assert by_cell[("Observations", "B3")].code == "formula-error"
    kept = {o.row: o for o in result.records.observations}
    assert 2 in kept and kept[2].notes is None
    assert 3 not in kept
