"""The tracker template as data: tabs, columns, dropdowns, help text and ownership."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from .rubric import Rubric

ColumnType = Literal[
    "text", "long_text", "date", "integer", "choice", "email",
    "teacher", "observer", "indicator", "score",
    "teacher_or_team",  # a Roster name or a Roster team (a goal belongs to a teacher or to a team)
    "measure",  # a number when it is one (a baseline score), else the text as typed ("42% proficient")
]
RecordKind = Literal["roster", "observation", "score", "action_step", "learning_cycle", "one_on_one", "goal"]


class ColumnSpec(BaseModel):
    """One column of a coach tab: the header coaches see and how its cells are read."""

    model_config = ConfigDict(frozen=True)
    key: str
    header: str
    type: ColumnType
    required: bool = False
    choices: list[str] | None = None
    min: float | None = None
    max: float | None = None
    default: str | None = None
    allow_future: bool = False  # due and end dates may lie after the as-of date
    width: int = 14
    help: str = ""
    #: Added after the first trackers were made: a tracker without it reads it as blank with no finding,
    #: and `tracker-sync provision` adds its header.
    optional: bool = False
    #: A column of trackers with an observation form only (the form response a row came from):
    #: provisioning adds it with the form, and a tracker without it is not flagged.
    with_form: bool = False


class TabSpec(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    kind: RecordKind
    owner: Literal["coach"] = "coach"
    purpose: str = ""
    columns: list[ColumnSpec]
    rubric_columns: bool = False
    rubric_columns_before: str | None = None
    # An optional tab may be missing (a tracker provisioned before the tab existed): a warning, and
    # its patterns are left out; every other tab still syncs.
    optional: bool = False
    #: The column naming who typed the row (Observer, Set By): the Flags tab shows it so a coach finds
    #: their own rows; tabs without one show the teacher's Team Lead.
    author: str | None = None

    def column(self, key: str) -> ColumnSpec:
        return next(c for c in self.columns if c.key == key)


class ToolTabSpec(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    purpose: str = ""


class Instructions(BaseModel):
    model_config = ConfigDict(frozen=True)
    tab: str = "Instructions"
    text: str


class Template(BaseModel):
    """A tracker template. `for_rubric` turns it into the concrete tabs of one school's tracker."""

    model_config = ConfigDict(frozen=True)
    name: str
    description: str = ""
    tabs: list[TabSpec]
    tool_tabs: list[ToolTabSpec]
    instructions: Instructions

    def for_rubric(self, rubric: Rubric, *, form: bool = False) -> Template:
        """Concrete tabs: scores tab named after the rubric, one score column per indicator; with
        ``form``, the columns of trackers with an observation form too (ColumnSpec.with_form)."""
        tabs = []
        for tab in self.tabs:
            name = tab.name.replace("{rubric}", rubric.short_name)
            columns = [c for c in tab.columns if form or not c.with_form]
            if tab.rubric_columns:
                score_columns = [
                    ColumnSpec(key=ind.code, header=ind.code, type="score", width=7,
                               min=rubric.scale_min, max=rubric.scale_max,
                               help=f"{ind.code} {ind.name}: {rubric.scale_min:g}-{rubric.scale_max:g}, blank if not scored.")
                    for ind in rubric.indicators
                ]
                at = next((i for i, c in enumerate(columns) if c.key == tab.rubric_columns_before), len(columns))
                columns[at:at] = score_columns
            tabs.append(tab.model_copy(update={"name": name, "columns": columns, "rubric_columns": False}))
        text = self.instructions.text.replace("{scores_tab}", rubric.scores_tab)
        return self.model_copy(update={"tabs": tabs, "instructions": Instructions(tab=self.instructions.tab, text=text)})

    def tab_of_kind(self, kind: RecordKind) -> TabSpec:
        return next(t for t in self.tabs if t.kind == kind)

    @property
    def coach_tab_names(self) -> list[str]:
        return [t.name for t in self.tabs]

    @property
    def tool_tab_names(self) -> list[str]:
        return [t.name for t in self.tool_tabs]
