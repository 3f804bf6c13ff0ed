"""The fake's spreadsheet model: grids of CellData, and the Sheets API operations on them.

Shapes follow the real API (checked against recorded transcripts by tests/test_google_fake_conformance.py):
proto3 JSON leaves out empty fields, values responses trim trailing empty cells and rows and omit
``values`` for an empty range, and a batchUpdate applies every request or none.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import functools
import hashlib
import operator
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker_sync.testing.google_fake.a1 import (
    A1Range,
    a1_of,
    apply_field_mask,
    parse_a1,
    parse_field_mask,
)

DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
#: Google's limit for the text (or formula) of one cell; one cell over it fails the whole request.
MAX_CELL_CHARACTERS = 50_000
#: Day zero of Sheets' date serial numbers (the Sheets API's "serial number" dates count days from it).
SERIAL_EPOCH = dt.date(1899, 12, 30)
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
                   "italic": False, "strikethrough": False, "underline": False, "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME_COLORS = [("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
                 ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
                 ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
                 ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
                 ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
                 ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
                 ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
                 ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8})]
THEME = {"primaryFontFamily": "Arial",
         "themeColors": [{"colorType": kind, "color": {"rgbColor": rgb}} for kind, rgb in _THEME_COLORS]}
VALUE_KEYS = ("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue")
VALIDATION_TYPES = {
    "ONE_OF_LIST", "ONE_OF_RANGE", "DATE_IS_VALID", "NUMBER_BETWEEN", "NUMBER_GREATER", "NUMBER_LESS",
    "TEXT_IS_EMAIL", "TEXT_CONTAINS", "BOOLEAN", "CUSTOM_FORMULA", "DATE_AFTER", "DATE_BEFORE",
}


class InvalidRequest(ValueError):
    """A request Google would answer with 400 INVALID_ARGUMENT."""


class NotModelled(Exception):
    """Something Google would do that the fake does not model: answered 501, never a 200 that pretends."""


def check_cell_length(text: object) -> None:
    """Google's 400 for a cell's text or formula over 50,000 characters."""
    if len(str(text)) > MAX_CELL_CHARACTERS:
        raise InvalidRequest(f"Your input contains more than the maximum of {MAX_CELL_CHARACTERS} characters in a single cell.")


def plain_number(value: float) -> int | float:
    """JSON numbers as Google prints them: 43831, not 43831.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def merge(base: dict, extra: dict) -> dict:
    """``extra`` laid over ``base`` for a response body: new dicts along changed paths, the rest shared (never mutated)."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _leaf_paths(tree: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every path of a parsed field mask down to its leaves; a '*' leaf stands for its parent whole."""
    paths = []
    for key, sub in tree.items():
        if key == "*":
            paths.append(prefix)
        elif sub:
            paths.extend(_leaf_paths(sub, (*prefix, key)))
        else:
            paths.append((*prefix, key))
    return paths


@functools.lru_cache(maxsize=256)
def _mask_paths(fields: str) -> tuple[tuple[str, ...], ...]:
    try:
        return tuple(_leaf_paths(parse_field_mask(fields)))
    except ValueError as exc:
        raise InvalidRequest(f"Invalid field mask {fields!r}: {exc}") from None


def mask_selects(fields: str, name: str) -> bool:
    """Whether a FieldMask names the top-level field ``name`` (itself, something inside it, or '*')."""
    return any(not path or path[0] == name for path in _mask_paths(fields))


def copy_json(value: Any) -> Any:
    """A copy of parsed JSON (dicts, lists, scalars): what copy.deepcopy does for it, several times
    faster, which counts when a sync writes tens of thousands of cells."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def set_masked(target: dict, source: dict, fields: str, *, share: bool = False) -> None:
    """Copy the `fields` paths from source to target ('a,b.c', 'a/b', 'a(b,c.d)' or '*', as Google
    reads a FieldMask); a path missing in source is cleared, and so is an empty string (proto3 keeps
    none: a note set to "" is gone). ``share``: store source's values themselves, not copies (safe for
    a request body, parsed for this request alone; stored values are replaced, never changed in place)."""
    paths = _mask_paths(fields)
    take = (lambda value: value) if share else copy_json
    if () in paths:  # '*': everything
        target.clear()
        target.update({key: take(value) for key, value in source.items() if value != ""})
        return
    for keys in paths:
        src, dst = source, target
        for key in keys[:-1]:
            src = src.get(key, {}) if isinstance(src, dict) else {}
            dst[key] = dict(dst.get(key, {}))  # copy on write: cells share nested dicts with older versions
            dst = dst[key]
        if isinstance(src, dict) and src.get(keys[-1], "") != "":
            dst[keys[-1]] = take(src[keys[-1]])
        else:
            dst.pop(keys[-1], None)


@dataclass
class Sheet:
    properties: dict
    cells: dict[tuple[int, int], dict] = field(default_factory=dict)
    conditional_formats: list[dict] = field(default_factory=list)
    protected_ranges: list[dict] = field(default_factory=list)
    column_pixels: dict[int, int] = field(default_factory=dict)
    row_pixels: dict[int, int] = field(default_factory=dict)
    merges: list[dict] = field(default_factory=list)  # GridRanges, as spreadsheets.get lists them
    basic_filter: dict | None = None
    hidden_rows: set[int] = field(default_factory=set)  # hidden by a person (DimensionProperties.hiddenByUser)
    hidden_columns: set[int] = field(default_factory=set)

    @property
    def id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def rows(self) -> int:
        return self.properties["gridProperties"]["rowCount"]

    @property
    def columns(self) -> int:
        return self.properties["gridProperties"]["columnCount"]

    def bounds(self, rng: A1Range | dict) -> tuple[int, int, int, int]:
        """(start_row, end_row, start_col, end_col) of an A1Range or GridRange, open ends -> grid size."""
        if isinstance(rng, A1Range):
            parts = (rng.start_row, rng.end_row, rng.start_col, rng.end_col)
        else:
            parts = (rng.get("startRowIndex"), rng.get("endRowIndex"), rng.get("startColumnIndex"), rng.get("endColumnIndex"))
        r0, r1, c0, c1 = parts
        r0, c0 = r0 or 0, c0 or 0
        r1 = self.rows if r1 is None else r1
        c1 = self.columns if c1 is None else c1
        if r1 > self.rows or c1 > self.columns or r0 < 0 or c0 < 0 or r0 > r1 or c0 > c1:
            raise InvalidRequest(f"Range ({a1_of(self.title, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}) exceeds grid limits. "
                                 f"Max rows: {self.rows}, max columns: {self.columns}")
        return r0, r1, c0, c1

    def clone(self) -> Sheet:
        """A copy safe to change. Cell dicts are shared: a stored cell is replaced, never changed in place."""
        return Sheet(copy_json(self.properties), dict(self.cells), copy_json(self.conditional_formats),
                     copy_json(self.protected_ranges), dict(self.column_pixels), dict(self.row_pixels),
                     copy_json(self.merges), copy_json(self.basic_filter), set(self.hidden_rows), set(self.hidden_columns))

    def digest(self) -> bytes:
        """A fingerprint of everything the tab holds (every field): equal digests, equal tabs."""
        content = tuple(getattr(self, f.name) for f in dataclasses.fields(self))
        return hashlib.blake2b(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()

    def trim_to_grid(self) -> None:
        """What a smaller grid keeps: cells, sizes and merges inside it (Google deletes the rest)."""
        self.cells = {(r, c): v for (r, c), v in self.cells.items() if r < self.rows and c < self.columns}
        self.row_pixels = {r: v for r, v in self.row_pixels.items() if r < self.rows}
        self.column_pixels = {c: v for c, v in self.column_pixels.items() if c < self.columns}
        self.hidden_rows = {r for r in self.hidden_rows if r < self.rows}
        self.hidden_columns = {c for c in self.hidden_columns if c < self.columns}
        self.merges = [m for m in self.merges if m["endRowIndex"] <= self.rows and m["endColumnIndex"] <= self.columns]


# --- reading cells -----------------------------------------------------------------------------

_HYPERLINK = re.compile(r'^=HYPERLINK\(\s*"((?:[^"]|"")*)"\s*[,;]\s*"((?:[^"]|"")*)"\s*\)$', re.IGNORECASE)


_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def _arithmetic(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_arithmetic(node.left), _arithmetic(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_arithmetic(node.operand))
    raise ValueError("not arithmetic")


def effective_value(cell: dict) -> dict | None:
    """What a cell shows. The fake evaluates =HYPERLINK(url, text) and plain arithmetic (=4/2); other
    formulas show an #ERROR! value, so a test notices when something unexpected was sent as a formula."""
    entered = cell.get("userEnteredValue")
    if not entered:
        return None
    if "formulaValue" in entered:
        formula = entered["formulaValue"]
        if match := _HYPERLINK.match(formula):
            return {"stringValue": match[2].replace('""', '"')}
        try:
            return {"numberValue": plain_number(float(_arithmetic(ast.parse(formula[1:], mode="eval").body)))}
        except (SyntaxError, ValueError, ZeroDivisionError):
            return {"errorValue": {"type": "ERROR",
                                   "message": "The Google fake evaluates only =HYPERLINK(url, text) and arithmetic."}}
    return dict(entered)


def _is_date(cell: dict) -> bool:
    kind = cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type")
    return kind in ("DATE", "DATE_TIME")


def formatted_value(cell: dict) -> str | None:
    value = effective_value(cell)
    if value is None:
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "errorValue" in value:
        return "#ERROR!"
    number = value["numberValue"]
    if _is_date(cell):
        moment = dt.datetime.combine(SERIAL_EPOCH, dt.time()) + dt.timedelta(days=number)
        kind = cell["userEnteredFormat"]["numberFormat"]["type"]
        return moment.date().isoformat() if kind == "DATE" else moment.strftime("%Y-%m-%d %H:%M:%S")
    return str(plain_number(float(number)))


def rendered_value(cell: dict, value_render: str, date_render: str) -> Any:
    """One cell as the values API returns it under the given render options."""
    if value_render == "FORMULA" and "formulaValue" in cell.get("userEnteredValue", {}):
        return cell["userEnteredValue"]["formulaValue"]
    if value_render == "FORMATTED_VALUE":
        return formatted_value(cell)
    value = effective_value(cell)
    if value is None:
        return None
    if "numberValue" in value:
        if date_render == "FORMATTED_STRING" and _is_date(cell):
            return formatted_value(cell)
        return plain_number(float(value["numberValue"]))
    if "errorValue" in value:
        return "#ERROR!"
    return value.get("stringValue", value.get("boolValue"))


def cell_data(cell: dict) -> dict:
    """A stored cell as spreadsheets.get returns it (CellData)."""
    out: dict[str, Any] = {}
    if "userEnteredValue" in cell:
        out["userEnteredValue"] = cell["userEnteredValue"]
        out["effectiveValue"] = effective_value(cell)
        out["formattedValue"] = formatted_value(cell)
    if "userEnteredFormat" in cell:
        out["userEnteredFormat"] = cell["userEnteredFormat"]
    if out:  # Google reports an effective format for every cell with a value or a format
        out["effectiveFormat"] = merge(DEFAULT_FORMAT, cell.get("userEnteredFormat", {}))
    for key in ("dataValidation", "note", "hyperlink"):
        if key in cell:
            out[key] = cell[key]
    return out


# Which stored CellData keys each returned key is computed from.
_SOURCES_OF = {"effectiveValue": ("userEnteredValue",), "formattedValue": ("userEnteredValue",),
               "effectiveFormat": ("userEnteredValue", "userEnteredFormat")}


def trim_rows(rows: list[list]) -> list[list]:
    """Drop trailing empty cells of each row and trailing empty rows (Google's trimming)."""
    out = []
    for row in rows:
        while row and row[-1] in (None, {}):
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


# --- the spreadsheet ---------------------------------------------------------------------------


@dataclass
class Spreadsheet:
    id: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    developer_metadata: list[dict] = field(default_factory=list)
    owner: str = ""  # who created it: always an editor of its protected ranges
    next_id: int = 1_000_001  # sheet, protected range and metadata ids
    # While this is a fork: the tabs it still shares with the stored version, by id(); see fork().
    _shared: dict[int, Sheet] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def new(cls, spreadsheet_id: str, title: str, owner: str = "") -> Spreadsheet:
        first = Sheet({"sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID",
                       "gridProperties": {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLUMNS}})
        return cls(spreadsheet_id, title, [first], owner=owner)

    def drive_copy(self, spreadsheet_id: str, title: str, owner: str) -> Spreadsheet:
        """A Drive copy that shares this version's tabs instead of cloning them.

        Safe because a stored tab is never changed: every write applies to a :meth:`fork`, which
        holds the stored tabs as shared and :meth:`editable` clones one before its first change. So
        the copy and the original part ways tab by tab, on their first write, and a thousand copies
        of one tracker cost one tracker's cells.
        """
        return Spreadsheet(spreadsheet_id, title, list(self.sheets), copy_json(self.developer_metadata),
                           owner, self.next_id)

    def fork(self) -> Spreadsheet:
        """A version to change while this one stays as it is (a batch applies to a fork, all or nothing).

        Tabs are shared until :meth:`editable` copies the ones a change touches, so a write to the
        Summary tab does not copy the coach tabs. Call :meth:`settle` once the fork is stored.
        """
        fork = Spreadsheet(self.id, self.title, list(self.sheets), copy_json(self.developer_metadata),
                           self.owner, self.next_id)
        fork._shared = {id(sheet): sheet for sheet in self.sheets}
        return fork

    def editable(self, sheet: Sheet) -> Sheet:
        """``sheet`` itself if this version owns it, else its copy, put in its place (copy on write)."""
        if self._shared.pop(id(sheet), None) is None:
            return sheet
        own = sheet.clone()
        self.sheets[next(i for i, s in enumerate(self.sheets) if s is sheet)] = own
        return own

    def settle(self) -> Spreadsheet:
        """This fork is now the stored version: it owns every tab it holds (later changes fork again)."""
        self._shared.clear()
        return self

    def properties(self) -> dict:
        return {"title": self.title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT",
                "defaultFormat": copy_json(DEFAULT_FORMAT), "spreadsheetTheme": copy_json(THEME)}

    def sheet(self, *, title: str | None = None, sheet_id: int | None = None) -> Sheet:
        for sheet in self.sheets:
            if (title is not None and sheet.title == title) or (sheet_id is not None and sheet.id == sheet_id):
                return sheet
        if title is not None:
            raise InvalidRequest(f"Unable to parse range: {title}")
        raise InvalidRequest(f"No grid with id: {sheet_id}")

    def new_id(self) -> int:
        self.next_id += 7919
        return self.next_id

    def move(self, sheet: Sheet, index: int | None) -> None:
        """Put ``sheet`` at ``index`` as Google counts it, in places before the move (to put the first of
        three sheets after the second, index 2); None moves it to the end."""
        old = self.sheets.index(sheet)
        del self.sheets[old]
        place = len(self.sheets) if index is None else index - 1 if index > old else index
        self.sheets.insert(max(0, min(place, len(self.sheets))), sheet)
        self.reindex()

    def reindex(self) -> None:
        for index, sheet in enumerate(self.sheets):
            if sheet.properties.get("index") != index:
                self.editable(sheet).properties["index"] = index

    # -- spreadsheets.get --

    def get(self, *, ranges: list[str], include_grid_data: bool, fields: str | None) -> dict:
        mask = parse_field_mask(fields) if fields else None
        wants_data = include_grid_data or bool(mask and "data" in mask.get("sheets", {}))
        selected: list[tuple[Sheet, list[A1Range]]] = []
        if ranges:
            for text in ranges:
                rng = parse_a1(text)
                sheet = self.sheet(title=rng.title)
                chosen = next((e for e in selected if e[0] is sheet), None)
                if chosen is None:
                    selected.append((sheet, [rng]))
                else:
                    chosen[1].append(rng)
        else:
            selected = [(s, [A1Range(s.title)]) for s in self.sheets]
        sheets = []
        for sheet, sheet_ranges in selected:
            entry: dict[str, Any] = {"properties": copy_json(sheet.properties)}
            if wants_data:
                cell_mask = (mask or {}).get("sheets", {}).get("data", {}).get("rowData", {}).get("values", {})
                entry["data"] = [self._grid_data(sheet, rng, cell_mask) for rng in sheet_ranges]
            if sheet.conditional_formats:
                entry["conditionalFormats"] = copy_json(sheet.conditional_formats)
            if sheet.protected_ranges:
                entry["protectedRanges"] = [self._with_owner(p) for p in sheet.protected_ranges]
            if sheet.merges:
                entry["merges"] = copy_json(sheet.merges)
            if sheet.basic_filter is not None:
                entry["basicFilter"] = copy_json(sheet.basic_filter)
            sheets.append(entry)
        body: dict[str, Any] = {"spreadsheetId": self.id, "properties": self.properties(), "sheets": sheets}
        if self.developer_metadata:
            body["developerMetadata"] = copy_json(self.developer_metadata)
        body["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{self.id}/edit"
        return apply_field_mask(body, mask) if mask else body

    def _with_owner(self, protected: dict) -> dict:
        """Google lists the spreadsheet's owner among a protected range's editors when it reads them back."""
        out = copy_json(protected)
        users = out.setdefault("editors", {}).setdefault("users", [])
        if self.owner and self.owner not in users:
            users.insert(0, self.owner)
        return out

    def _grid_data(self, sheet: Sheet, rng: A1Range, cell_mask: dict) -> dict:
        """GridData of one range; the field mask is applied per cell before trailing empties are trimmed."""
        r0, r1, c0, c1 = sheet.bounds(rng)

        stored_keys = _SOURCES_OF.get
        needed = None if not cell_mask or "*" in cell_mask else {src for key in cell_mask for src in stored_keys(key, (key,))}

        present: dict[tuple[int, int], dict] = {}
        for (r, c), cell in sheet.cells.items():  # stored cells only, not the whole (mostly empty) grid
            if not (r0 <= r < r1 and c0 <= c < c1) or (needed is not None and needed.isdisjoint(cell)):
                continue  # outside, or nothing the mask asks for (e.g. a cell that only has a dropdown)
            stored = cell_data(cell)
            if value := (apply_field_mask(stored, cell_mask) if cell_mask else stored):
                present[(r, c)] = value
        last_row = max((r for r, _ in present), default=r0 - 1)
        rows = [[present.get((r, c), {}) for c in range(c0, c1)] for r in range(r0, last_row + 1)]
        data: dict[str, Any] = {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        trimmed = trim_rows(rows)
        if trimmed:
            data["rowData"] = [{"values": row} if row else {} for row in trimmed]
        data["rowMetadata"] = [{**({"hiddenByUser": True} if r in sheet.hidden_rows else {}),
                                "pixelSize": sheet.row_pixels.get(r, 21)} for r in range(r0, r1)]
        data["columnMetadata"] = [{**({"hiddenByUser": True} if c in sheet.hidden_columns else {}),
                                   "pixelSize": sheet.column_pixels.get(c, 100)} for c in range(c0, c1)]
        return data

    # -- values --

    def values_get(self, text: str, *, value_render: str = "FORMATTED_VALUE", date_render: str = "SERIAL_NUMBER",
                   major_dimension: str = "ROWS") -> dict:
        rng = parse_a1(text, default_title=self.sheets[0].title)
        sheet = self.sheet(title=rng.title)
        r0, r1, c0, c1 = sheet.bounds(rng)
        rows = [[rendered_value(sheet.cells[(r, c)], value_render, date_render) if (r, c) in sheet.cells else None
                 for c in range(c0, c1)] for r in range(r0, r1)]
        rows = trim_rows(rows)
        if major_dimension == "COLUMNS":
            width = max((len(r) for r in rows), default=0)
            rows = trim_rows([[r[c] if c < len(r) else None for r in rows] for c in range(width)])
        body: dict[str, Any] = {"range": a1_of(sheet.title, r0, r1, c0, c1), "majorDimension": major_dimension}
        if rows:
            body["values"] = [["" if v is None else v for v in row] for row in rows]
        return body

    def values_clear(self, text: str) -> dict:
        rng = parse_a1(text, default_title=self.sheets[0].title)
        sheet = self.editable(self.sheet(title=rng.title))
        r0, r1, c0, c1 = sheet.bounds(rng)
        for (r, c), cell in list(sheet.cells.items()):
            if r0 <= r < r1 and c0 <= c < c1:
                kept = {k: v for k, v in cell.items() if k != "userEnteredValue"}  # replaced, never changed in place
                if kept:
                    sheet.cells[(r, c)] = kept
                else:
                    del sheet.cells[(r, c)]
        return {"spreadsheetId": self.id, "clearedRange": a1_of(sheet.title, r0, r1, c0, c1)}

    def values_update(self, text: str, values: list[list], input_option: str) -> dict:
        if input_option not in ("RAW", "USER_ENTERED"):
            raise InvalidRequest("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        rng = parse_a1(text, default_title=self.sheets[0].title)
        sheet = self.editable(self.sheet(title=rng.title))
        r0, c0 = rng.start_row or 0, rng.start_col or 0
        height, width = len(values), max((len(r) for r in values), default=0)
        sheet.bounds({"startRowIndex": r0, "endRowIndex": r0 + height, "startColumnIndex": c0, "endColumnIndex": c0 + width})
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                cell = dict(sheet.cells.get((r0 + i, c0 + j), {}))  # stored cells are replaced, never changed
                check_cell_length("" if value is None else value)
                entered, number_format = entered_value(value, input_option)
                if entered is None:
                    cell.pop("userEnteredValue", None)
                else:
                    cell["userEnteredValue"] = entered
                if number_format:
                    cell["userEnteredFormat"] = {**cell.get("userEnteredFormat", {}), "numberFormat": number_format}
                sheet.cells[(r0 + i, c0 + j)] = cell
        return {"spreadsheetId": self.id, "updatedRange": a1_of(sheet.title, r0, r0 + max(height, 1), c0, c0 + max(width, 1)),
                "updatedRows": height, "updatedColumns": width, "updatedCells": sum(len(r) for r in values)}


#: A number as Google's en_US locale reads it: sign, digits (commas only between groups of three),
#: decimals, exponent. Python's float() also takes "inf", "nan" and "3_1_0", which Google keeps as text.
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_UNMODELLED_INPUT = [re.compile(p, re.IGNORECASE) for p in (
    r"[+-]?[\d.,]*\d[\d.,]*\s*%",                                    # percent
    r"[+-]?[$€£¥]\s*[\d.,]*\d[\d.,]*|[+-]?[\d.,]*\d[\d.,]*\s*[$€£¥]",    # currency
    r"\(\s*[\d.,]*\d[\d.,]*\s*\)",                                     # accounting negative
    r"(?:\S+\s+)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?",     # a time, or a date and time
    r"\d{1,2}/\d{1,2}(?:/\d{2})?|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}|\d{1,2}\.\d{1,2}\.\d{2,4}",
    _MONTH + r"\s+\d{1,2}(?:(?:st|nd|rd|th)?,?\s+\d{2,4})?|\d{1,2}\s+" + _MONTH + r"(?:,?\s+\d{2,4})?|" + _MONTH + r"\s+\d{4}",
)]
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def entered_value(value: Any, input_option: str) -> tuple[dict | None, dict | None]:
    """(ExtendedValue, numberFormat) for one value sent to values.update, parsed as the UI would for USER_ENTERED."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, (int, float)):
        return {"numberValue": value}, None
    text = str(value)
    if input_option == "RAW":
        return {"stringValue": text}, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("="):
        return {"formulaValue": text}, None
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}, None
    stripped = text.strip()
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_US_DATE, (2, 0, 1))):
        if match := pattern.match(stripped):
            y, m, d = (int(match[i + 1]) for i in order)
            try:
                serial = (dt.date(y, m, d) - SERIAL_EPOCH).days
            except ValueError:
                break
            return {"numberValue": serial}, {"type": "DATE", "pattern": "yyyy-mm-dd"}
    if match := _ISO_DATE_TIME.match(stripped):
        try:
            year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
            moment = dt.datetime(year, month, day, hour, minute, second)
        except ValueError:
            return {"stringValue": text}, None
        days = (moment - dt.datetime.combine(SERIAL_EPOCH, dt.time())) / dt.timedelta(days=1)
        return {"numberValue": plain_number(days)}, {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
    if _NUMBER.fullmatch(stripped):
        return {"numberValue": plain_number(float(stripped.replace(",", "")))}, None
    if any(pattern.fullmatch(stripped) for pattern in _UNMODELLED_INPUT):
        raise NotModelled(f"reading {text!r} under USER_ENTERED (Google would parse it as a percent, a currency, "
                          "a time or a date; the fake parses only plain numbers, yyyy-mm-dd, m/d/yyyy and yyyy-mm-dd hh:mm[:ss])")
    return {"stringValue": text}, None  # "3_1_0", "inf", "nan", "0x10": text on Google too
