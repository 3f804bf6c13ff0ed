"""Form responses -> rows, worked out by hand on the tiny school (no Google: tracker_sync.form is pure)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import OBS_HEADER, tiny_grids

from tracker_sync.form.findings import form_findings
from tracker_sync.form.intake import Response, active_teachers, later, take_in
from tracker_sync.form.questions import NO_TEACHERS, FormMap, form_questions, indicator_option, teacher_options
from tracker_sync.sheet_templates import load_rubric, load_template

LEAP = load_rubric("leap")
TEMPLATE = load_template().for_rubric(LEAP, form=True)
SCORES_HEADER = [c.header for c in TEMPLATE.tab_of_kind("score").columns]
#: question id -> column, as a form made by provision records it
MAP = FormMap({"q-date": "observation:date", "q-teacher": "observation:teacher", "q-type": "observation:type",
               "q-focus": "observation:focus_indicator", "q-notes": "observation:notes",
               "q-feedback": "observation:feedback_date", "q-cycle": "observation:learning_cycle",
               "q-le1": "score:LE.1", "q-i5": "score:I.5"}, "item-teacher")


def grids_with_form_columns() -> dict:
    """The tiny school after provision added the Form Response column (last, as provision puts it)."""
    grids = tiny_grids()
    grids["Observations"][0] = [*OBS_HEADER, "Form Response"]
    grids["LEAP Scores"][0] = SCORES_HEADER
    return grids


def response(rid: str, at: str, email: str = "ben.ross@tiny.org", **answers: str) -> Response:
    keys = {"date": "q-date", "teacher": "q-teacher", "type": "q-type", "focus": "q-focus", "notes": "q-notes",
            "le1": "q-le1", "i5": "q-i5", "feedback": "q-feedback"}
    return Response(rid, at, email, {keys[k]: [v] for k, v in answers.items()})


def intake(responses, grids=None, cursor="", edits=""):
    return take_in(responses, grids=grids or grids_with_form_columns(), template=TEMPLATE, settings=SETTINGS, form=MAP,
                   cursor=cursor, stored_edits=edits)


@pytest.fixture(autouse=True)
def _settings(tiny_settings):
    global SETTINGS
    SETTINGS = tiny_settings


def test_a_response_is_one_observation_row_and_with_scores_one_scores_row_laid_out_by_the_sheets_headers():
    first = response("r1", "2026-09-29T14:00:00.000001Z", date="2026-09-29", teacher="Ana Lopez", type="Informal",
                     focus=indicator_option("I.5", "Checks for understanding"), notes="Cold call used")
    second = response("r2", "2026-09-29T15:00:00Z", email="EVE.PARK@tiny.org", date="2026-09-28", teacher="Dan Wu",
                      type="Scored – Partial", le1="6", i5="4")
    taken = intake([second, first])  # listed in any order: taken in by submission time
    assert taken.rows["Observations"] == [
        [dt.date(2026, 9, 29), "Ana Lopez", "Ben Ross", "Informal", "I.5", "Cold call used", None, None, "r1"],
        [dt.date(2026, 9, 28), "Dan Wu", "Eve Park", "Scored – Partial", None, None, None, None, "r2"],  # email: any case
    ]
    scores = taken.rows["LEAP Scores"]
    assert scores == [[dt.date(2026, 9, 28), "Dan Wu", "Eve Park", "Scored – Partial", 6, None, None, None, None, None, None,
                       None, 4, None, None, None, None, "r2"]]
    assert taken.inbox.appended == {"Observations": 2, "LEAP Scores": 1}
    assert taken.cursor == "2026-09-29T15:00:00Z"


def test_rows_follow_a_coachs_column_order_and_an_observer_not_on_the_roster_stays_as_the_email():
    grids = grids_with_form_columns()
    order = (8, 1, 0, 2, 3, 4, 5, 6, 7)
    grids["Observations"] = [[row[i] if i < len(row) else None for i in order] for row in grids["Observations"]]
    taken = intake([response("r1", "2026-09-29T14:00:00Z", email="sub@tiny.org", date="2026-09-29", teacher="Cara Diaz",
                             type="Walkthrough")], grids)
    assert taken.rows["Observations"] == [["r1", "Cara Diaz", dt.date(2026, 9, 29), "sub@tiny.org", "Walkthrough"]]


def test_a_response_already_in_the_tracker_is_not_added_again_and_an_edit_is_flagged_until_the_row_changes():
    grids = grids_with_form_columns()
    grids["Observations"].append([dt.date(2026, 9, 29), "Ana Lopez", "Ben Ross", "Informal", None, "note", None, None, "r1"])
    row = len(grids["Observations"])
    same = response("r1", "2026-09-29T16:00:00Z", date="2026-09-29", teacher="Ana Lopez", type="Informal", notes="note")
    assert intake([same], grids, cursor="2026-09-29T15:00:00Z").rows == {}  # listed again, unchanged: nothing to do
    edited = response("r1", "2026-09-30T08:00:00Z", date="2026-09-29", teacher="Cara Diaz", type="Walkthrough", notes="note")
    taken = intake([edited], grids, cursor="2026-09-29T16:00:00Z")
    assert taken.rows == {} and taken.cursor == "2026-09-30T08:00:00Z"
    [edit] = taken.inbox.edits
    assert (edit.tab, edit.row, edit.response, edit.columns) == ("Observations", row, "r1", ("Teacher", "Type"))
    [finding] = form_findings(taken.inbox, "Observations")
    assert (finding.code, finding.row, finding.severity) == ("form-response-edited", row, "warning")
    assert "2026-09-30" in finding.message and "Teacher, Type" in finding.fix
    # the next sync lists nothing new; the flag stays while the row is as it was, and goes once a coach changes it
    assert [e.row for e in intake([], grids, cursor=taken.cursor, edits=taken.edits).inbox.edits] == [row]
    grids["Observations"][-1][1] = "Cara Diaz"
    assert intake([], grids, cursor=taken.cursor, edits=taken.edits).inbox.edits == ()
    assert intake([], grids, cursor=taken.cursor, edits=taken.edits).edits == ""


def test_without_the_form_response_column_nothing_is_added_and_the_cursor_stays_until_provision_puts_it_back():
    grids = tiny_grids()  # a tracker whose Form Response column was deleted
    grids["LEAP Scores"][0] = SCORES_HEADER
    taken = intake([response("r1", "2026-09-29T14:00:00Z", date="2026-09-29", teacher="Ana Lopez", type="Informal")], grids,
                   cursor="2026-09-01T00:00:00Z")
    assert taken.rows == {} and taken.cursor == "2026-09-01T00:00:00Z"
    assert (taken.inbox.waiting, taken.inbox.waiting_for) == (1, "the column 'Form Response' of Observations is missing")
    [finding] = form_findings(taken.inbox, "Observations")
    assert finding.code == "form-responses-waiting" and finding.message.startswith("1 form response cannot be added yet")


def test_the_teacher_question_lists_the_active_roster_once_and_never_nobody():
    grids = tiny_grids()
    names = active_teachers(grids, TEMPLATE, SETTINGS)
    assert "Fay Kim" not in names and len(names) == 7  # Fay Kim is marked Left
    assert teacher_options(["b", "A", "a"]) == ["a", "b"] and teacher_options([]) == [NO_TEACHERS]


def test_the_forms_questions_follow_the_observations_tab_and_the_rubric():
    items = form_questions(TEMPLATE, LEAP, ["Ana Lopez", "Ben Ross"])
    titles = [q.item["title"] for q in items]
    assert titles[:7] == ["Date", "Teacher", "Type", "Focus Indicator", "Evidence / Notes", "Feedback Date", "Learning Cycle"]
    assert "Observer" not in titles and "Form Response" not in titles  # the verified email; the response id
    assert "pageBreakItem" in items[7].item and len(items) == 8 + 12
    teacher = items[1].item["questionItem"]["question"]
    assert teacher["required"] and teacher["choiceQuestion"] == {"type": "DROP_DOWN", "options": [{"value": "Ana Lopez"},
                                                                                                   {"value": "Ben Ross"}]}
    scale = items[8].item["questionItem"]["question"]["scaleQuestion"]
    assert (items[8].key, scale["low"], scale["high"], scale["highLabel"]) == ("score:LE.1", 1, 7, "Distinguished")
    assert json.loads(FormMap({"a": "observation:date"}, "i").to_json()) == {"questions": {"a": "observation:date"},
                                                                            "teacher_item": "i"}


def test_timestamps_compare_to_the_nanosecond():
    assert later("2026-09-29T14:00:00.5Z", "2026-09-29T14:00:00.499999999Z") == "2026-09-29T14:00:00.5Z"
    assert later("", "2026-09-29T14:00:00Z") == "2026-09-29T14:00:00Z"


def test_the_phone_entry_page_lists_the_forms_questions_as_provision_makes_them():
    page = (Path(__file__).resolve().parents[1] / "docs" / "coaches" / "phone-entry.md").read_text(encoding="utf-8")
    table = [[cell.strip() for cell in line.strip("|").split("|")] for line in page.splitlines() if line.startswith("| ")]
    shown = [(row[0], row[2] == "yes") for row in table[2:]][:7]  # after the header and its --- line
    made = [(q.item["title"], q.item["questionItem"]["question"].get("required", False))
            for q in form_questions(TEMPLATE, LEAP, ["Ana Lopez"])[:7]]
    assert shown == made
    scales = [q for q in form_questions(TEMPLATE, LEAP, []) if q.key and q.key.startswith("score:")]
    assert f"{scales[0].key[6:]} … {scales[-1].key[6:]}, {len(scales)} questions" in page
