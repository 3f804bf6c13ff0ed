"""The school's observation form as data: one question per column of the Observations tab, in its
order, and an optional scores section (one scale question per rubric indicator). Pure: Forms API
JSON out, no I/O (tracker_sync.backends.google.form sends it).

The observer is not asked: the form collects each respondent's verified Google email, and the intake
(:mod:`tracker_sync.form.intake`) finds the Roster name it belongs to. The Teacher question lists the
Roster's active teachers; when the Roster changes, :func:`teacher_options` changes and the next sync
updates that one question.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker_sync.schemas import ColumnSpec, Rubric, Template

#: The only option of the Teacher question while the Roster lists nobody (Google needs one).
NO_TEACHERS = "(no teachers on the Roster yet: ask your school leader)"
#: Choice questions with at most this many options show as buttons (one tap on a phone), else a dropdown.
RADIO_UP_TO = 8


@dataclass(frozen=True)
class FormQuestion:
    """One item of the form and, for a question, where its answer goes: ``key`` is
    '<tab kind>:<column key>' ('observation:date', 'score:I.5'), None for a section header."""

    key: str | None
    item: dict[str, Any]


def indicator_option(code: str, name: str) -> str:
    """The text of one indicator in the Focus Indicator list: its code first, so the answer maps back."""
    return f"{code} · {name}"


def indicator_of(option: str, rubric: Rubric) -> str:
    """The rubric code an indicator option stands for (the option itself when it is none)."""
    code = option.split(" · ", 1)[0]
    return code if code in rubric.codes else option


def teacher_options(names: Iterable[str]) -> list[str]:
    """The Teacher question's options: each active Roster name once, alphabetically; never none."""
    unique = {name.casefold(): name for name in names if name}
    return sorted(unique.values(), key=str.casefold) or [NO_TEACHERS]


def options_fingerprint(options: Sequence[str]) -> str:
    """What the tracker's metadata keeps of the Teacher list: the next sync updates the form when it differs."""
    return hashlib.sha256(json.dumps(list(options)).encode()).hexdigest()[:16]


def _choice(options: Sequence[str], *, dropdown: bool | None = None) -> dict:
    kind = (("DROP_DOWN" if len(options) > RADIO_UP_TO else "RADIO") if dropdown is None
            else ("DROP_DOWN" if dropdown else "RADIO"))
    return {"choiceQuestion": {"type": kind, "options": [{"value": option} for option in options]}}


def _question(column: ColumnSpec, rubric: Rubric, teachers: Sequence[str]) -> dict | None:
    """The Question a column's cells are answered by, or None when the form does not ask it."""
    kind = column.type
    if kind == "date":
        body: dict = {"dateQuestion": {"includeYear": True}}
    elif kind == "teacher":
        body = _choice(teachers, dropdown=True)
    elif kind == "choice" and column.choices:
        body = _choice(column.choices)
    elif kind == "indicator":
        body = _choice([indicator_option(i.code, i.name) for i in rubric.indicators], dropdown=True)
    elif kind in ("long_text", "text"):
        body = {"textQuestion": {"paragraph": kind == "long_text"}}
    else:
        return None  # the observer (the respondent's verified email), the form response id
    return {"required": column.required, **body}


def _score_question(rubric: Rubric) -> dict:
    bands = sorted(rubric.bands, key=lambda band: band.min)
    return {"required": False, "scaleQuestion": {"low": int(rubric.scale_min), "high": int(rubric.scale_max),
                                                  "lowLabel": bands[0].name, "highLabel": bands[-1].name}}


def form_questions(template: Template, rubric: Rubric, teachers: Sequence[str], *, scores: bool = True) -> list[FormQuestion]:
    """Every item of a new form, in order: the Observations columns it asks, then (``scores``) a section
    with one scale question per indicator. ``template`` is concrete (Template.for_rubric)."""
    observations = template.tab_of_kind("observation")
    items = []
    for column in observations.columns:
        if column.with_form:
            continue
        question = _question(column, rubric, teacher_options(teachers) if column.type == "teacher" else [])
        if question is not None:
            items.append(FormQuestion(f"observation:{column.key}", {"title": column.header,
                                                                    "questionItem": {"question": question}}))
    if scores and any(c.type == "score" for c in template.tab_of_kind("score").columns):
        tab = template.tab_of_kind("score")
        items.append(FormQuestion(None, {
            "title": f"{rubric.short_name} scores (only for a scored visit)",
            "description": f"Score each indicator you observed, {rubric.scale_min:g} to {rubric.scale_max:g}; leave the others "
                           f"blank. The scores go to the {tab.name} tab; the visit's Type says whether it was Partial or Full.",
            "pageBreakItem": {}}))
        names = {i.code: i.name for i in rubric.indicators}
        for column in tab.columns:
            if column.type == "score":
                items.append(FormQuestion(f"score:{column.key}", {
                    "title": f"{column.key} {names.get(column.key, '')}".strip(),
                    "questionItem": {"question": _score_question(rubric)}}))
    return items


def description(school: str, template: Template) -> str:
    """The form's description: what it is for and where the answers go."""
    observations = template.tab_of_kind("observation").name
    return (f"Record one classroom visit at {school}. Your answers become a new row of the {observations} tab of the "
            "school's coaching tracker at its next sync, checked like a typed row (see its Flags tab). Your school "
            "Google account is recorded as the observer. Confidential: evaluation notes and scores are personnel records.")


@dataclass(frozen=True)
class FormMap:
    """What the tracker keeps about its form (metadata ``form_questions``): which question fills which
    column, and the Teacher question's item (the one a sync changes)."""

    questions: Mapping[str, str]  # question id -> '<tab kind>:<column key>'
    teacher_item: str = ""

    def to_json(self) -> str:
        return json.dumps({"teacher_item": self.teacher_item, "questions": dict(self.questions)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FormMap:
        data = json.loads(text or "{}")
        return cls(dict(data.get("questions", {})), data.get("teacher_item", ""))

    @classmethod
    def from_items(cls, items: Sequence[Mapping[str, Any]], asked: Sequence[FormQuestion]) -> FormMap:
        """From a form made before (a provision that stopped half way): its questions matched by title."""
        keys = {question.item["title"]: question.key for question in asked if question.key}
        questions: dict[str, str] = {}
        teacher = ""
        for item in items:
            key = keys.get(item.get("title", ""))
            question = item.get("questionItem", {}).get("question", {})
            if key and question.get("questionId"):
                questions[question["questionId"]] = key
                teacher = item.get("itemId", "") if key == "observation:teacher" else teacher
        return cls(questions, teacher)

    @classmethod
    def from_replies(cls, asked: Sequence[FormQuestion], replies: Sequence[Mapping[str, Any]]) -> FormMap:
        """From the createItem replies of the batchUpdate that made the form's items (one per question, in order)."""
        questions: dict[str, str] = {}
        teacher = ""
        for question, reply in zip(asked, replies, strict=True):
            created = reply.get("createItem", {})
            if question.key is None:
                continue
            questions[created["questionId"][0]] = question.key
            if question.key == "observation:teacher":
                teacher = created["itemId"]
        return cls(questions, teacher)
