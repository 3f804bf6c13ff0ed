"""spreadsheets.batchUpdate for the fake: each request kind the project sends, all-or-nothing.

Every handler takes a fork of the spreadsheet (see Spreadsheet.fork: tabs are copied on first write,
through ``book.editable``) and the request body, and returns its entry of ``replies[]`` ({} for kinds
that have no reply, as Google does). Any InvalidRequest discards the fork, so nothing of a failing
batch is applied, and only the tabs a batch changes are ever copied.
"""

from __future__ import annotations

from collections.abc import Callable

from tracker_sync.testing.google_fake.sheets import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    VALIDATION_TYPES,
    VALUE_KEYS,
    InvalidRequest,
    NotModelled,
    Sheet,
    Spreadsheet,
    check_cell_length,
    copy_json,
    mask_selects,
    set_masked,
)

Handler = Callable[[Spreadsheet, dict], dict]
#: Every request kind of the Sheets v4 batchUpdate. A kind here without a handler is Google's, not
#: modelled by the fake: refused as not implemented, never answered as an unknown name (400).
GOOGLE_REQUEST_KINDS = frozenset("""
    updateSpreadsheetProperties updateSheetProperties updateDimensionProperties updateNamedRange repeatCell addNamedRange
    deleteNamedRange addSheet deleteSheet autoFill cutPaste copyPaste mergeCells unmergeCells updateBorders updateCells
    addFilterView appendCells clearBasicFilter deleteDimension deleteEmbeddedObject deleteFilterView duplicateFilterView
    duplicateSheet findReplace insertDimension insertRange moveDimension updateEmbeddedObjectPosition pasteData
    textToColumns updateFilterView deleteRange appendDimension addConditionalFormatRule updateConditionalFormatRule
    deleteConditionalFormatRule sortRange setDataValidation setBasicFilter addProtectedRange updateProtectedRange
    deleteProtectedRange autoResizeDimensions addChart updateChartSpec updateBanding addBanding deleteBanding
    createDeveloperMetadata updateDeveloperMetadata deleteDeveloperMetadata randomizeRange addDimensionGroup
    deleteDimensionGroup updateDimensionGroup trimWhitespace deleteDuplicates updateEmbeddedObjectBorder addSlicer
    updateSlicerSpec addDataSource updateDataSource deleteDataSource refreshDataSource cancelDataSourceRefresh addTable
    updateTable deleteTable
""".split())


def apply_batch(book: Spreadsheet, body: dict) -> tuple[Spreadsheet, dict]:
    """Apply every request to a fork of `book`; return the new book and the response body."""
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise InvalidRequest("Must specify at least one request.")
    work = book.fork()
    replies = []
    for index, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise InvalidRequest(f"Invalid requests[{index}]: exactly one request kind must be set.")
        (kind, params), = request.items()
        handler = HANDLERS.get(kind)
        if handler is None and kind in GOOGLE_REQUEST_KINDS:
            raise NotModelled(f"the batchUpdate request {kind} (requests[{index}])")
        if handler is None:
            raise InvalidRequest(f"Invalid JSON payload received. Unknown name \"{kind}\" at "
                                 f"'requests[{index}]': Cannot find field.")
        try:
            replies.append(handler(work, params or {}))
        except InvalidRequest as exc:
            raise InvalidRequest(f"Invalid requests[{index}].{kind}: {exc}") from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidRequest(f"Invalid requests[{index}].{kind}: malformed request ({exc!r})") from exc
    return work.settle(), {"spreadsheetId": book.id, "replies": replies}


def _sheet_of(book: Spreadsheet, grid_range: dict) -> Sheet:
    """The tab a GridRange names, ready to change."""
    return book.editable(book.sheet(sheet_id=grid_range.get("sheetId", 0)))


def add_sheet(book: Spreadsheet, params: dict) -> dict:
    props = copy_json(params.get("properties", {}))
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    if any(s.title == title for s in book.sheets):
        raise InvalidRequest(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = book.new_id()
    elif any(s.id == sheet_id for s in book.sheets):
        raise InvalidRequest(f"Sheet with id {sheet_id} already exists.")
    grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLUMNS, **props.get("gridProperties", {})}
    index = min(props.get("index", len(book.sheets)), len(book.sheets))
    full = {"sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID", "gridProperties": grid,
            **{k: v for k, v in props.items() if k not in ("sheetId", "title", "index", "sheetType", "gridProperties")}}
    book.sheets.insert(index, Sheet(full))
    book.reindex()
    return {"addSheet": {"properties": copy_json(full)}}


def delete_sheet(book: Spreadsheet, params: dict) -> dict:
    sheet = book.sheet(sheet_id=params["sheetId"])
    if len(book.sheets) == 1:
        raise InvalidRequest("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.reindex()
    return {}


def update_sheet_properties(book: Spreadsheet, params: dict) -> dict:
    props = params["properties"]
    fields = params.get("fields") or ""
    if not fields:
        raise InvalidRequest("At least one field must be updated. Specify 'fields'.")
    sheet = book.editable(book.sheet(sheet_id=props.get("sheetId", 0)))
    title = props.get("title")
    if title and any(s.title == title and s is not sheet for s in book.sheets):
        raise InvalidRequest(f'A sheet with the name "{title}" already exists. Please enter another name.')
    set_masked(sheet.properties, {k: v for k, v in props.items() if k != "sheetId"}, fields)
    if mask_selects(fields, "index"):
        book.move(sheet, props.get("index"))
    grid = sheet.properties.setdefault("gridProperties", {})
    if grid.get("rowCount", 1) < 1 or grid.get("columnCount", 1) < 1:
        raise InvalidRequest("A sheet must keep at least one row and one column.")
    grid.setdefault("rowCount", DEFAULT_ROWS)
    grid.setdefault("columnCount", DEFAULT_COLUMNS)
    if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
        raise InvalidRequest("You can't freeze all visible rows on the sheet.")
    for key in ("frozenRowCount", "frozenColumnCount"):
        if grid.get(key) == 0:
            del grid[key]
    if sheet.properties.get("hidden") is False:
        del sheet.properties["hidden"]  # proto3 leaves false out
    if all(s.properties.get("hidden") for s in book.sheets):
        raise InvalidRequest("You can't hide all the sheets in a document.")
    sheet.trim_to_grid()
    return {}


def update_spreadsheet_properties(book: Spreadsheet, params: dict) -> dict:
    if "title" in params.get("properties", {}) and "title" in params.get("fields", ""):
        book.title = params["properties"]["title"]
    return {}


def _check_cell(cell: dict) -> None:
    entered = cell.get("userEnteredValue")
    if entered is not None and (len(entered) != 1 or next(iter(entered)) not in VALUE_KEYS[:4]):
        raise InvalidRequest(f"Invalid value at 'userEnteredValue': exactly one of {', '.join(VALUE_KEYS[:4])} must be set.")
    check_cell_length((entered or {}).get("stringValue", (entered or {}).get("formulaValue", "")))
    if entered and "formulaValue" in entered and not str(entered["formulaValue"]).startswith("="):
        raise InvalidRequest("formulaValue must start with '='.")


def _write_cell(sheet: Sheet, at: tuple[int, int], source: dict, fields: str) -> None:
    cell = dict(sheet.cells.get(at, {}))
    set_masked(cell, source, fields, share=True)  # a repeatCell's one format is shared by all its cells
    if cell:
        sheet.cells[at] = cell
    else:
        sheet.cells.pop(at, None)


def update_cells(book: Spreadsheet, params: dict) -> dict:
    fields = params.get("fields") or ""
    if not fields:
        raise InvalidRequest("At least one field must be updated. Specify 'fields'.")
    rows = params.get("rows", [])
    if "range" in params:
        sheet = _sheet_of(book, params["range"])
        r0, r1, c0, c1 = sheet.bounds(params["range"])
        for r in range(r0, r1):  # cells of the range that `rows` does not cover are cleared
            for c in range(c0, c1):
                if (r, c) in sheet.cells:
                    _write_cell(sheet, (r, c), {}, fields)
    elif "start" in params:
        sheet = _sheet_of(book, params["start"])
        r0, c0 = params["start"].get("rowIndex", 0), params["start"].get("columnIndex", 0)
        r1, c1 = r0 + len(rows), c0 + max((len(r.get("values", [])) for r in rows), default=0)
        sheet.bounds({"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1})
    else:
        raise InvalidRequest("Either 'start' or 'range' must be set.")
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.get("values", [])):
            if r0 + i >= r1 or c0 + j >= c1:
                raise InvalidRequest("The rows do not fit in the given range.")
            _check_cell(cell)
            _write_cell(sheet, (r0 + i, c0 + j), cell, fields)
    return {}


def append_cells(book: Spreadsheet, params: dict) -> dict:
    """Rows after the last row with data (a value: formats and dropdowns alone are not data), the grid
    growing as needed; no cell above is touched."""
    if "tableId" in params:
        raise NotModelled("appendCells into a table")
    fields = params.get("fields") or ""
    if not fields:
        raise InvalidRequest("At least one field must be updated. Specify 'fields'.")
    sheet = book.editable(book.sheet(sheet_id=params.get("sheetId", 0)))
    rows = params.get("rows", [])
    start = 1 + max((r for (r, _), cell in sheet.cells.items() if cell.get("userEnteredValue") is not None), default=-1)
    grid = sheet.properties["gridProperties"]
    grid["rowCount"] = max(grid["rowCount"], start + len(rows))
    grid["columnCount"] = max(grid["columnCount"], max((len(row.get("values", [])) for row in rows), default=0))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.get("values", [])):
            _check_cell(cell)
            _write_cell(sheet, (start + i, j), cell, fields)
    return {}


def repeat_cell(book: Spreadsheet, params: dict) -> dict:
    sheet = _sheet_of(book, params["range"])
    r0, r1, c0, c1 = sheet.bounds(params["range"])
    _check_cell(params["cell"])
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell(sheet, (r, c), params["cell"], params["fields"])
    return {}


def update_dimension_properties(book: Spreadsheet, params: dict) -> dict:
    """Column widths and row heights (pixelSize), and rows or columns a person hid (hiddenByUser)."""
    rng = params["range"]
    sheet = book.editable(book.sheet(sheet_id=rng.get("sheetId", 0)))
    fields = params.get("fields") or ""
    if not fields:
        raise InvalidRequest("At least one field must be updated. Specify 'fields'.")
    modelled = {name for name in ("pixelSize", "hiddenByUser") if mask_selects(fields, name)}
    if fields.strip() != "*" and set(map(str.strip, fields.split(","))) - modelled:
        raise NotModelled(f"updateDimensionProperties of {fields!r} (the fake keeps pixelSize and hiddenByUser)")
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise InvalidRequest(f"Invalid value at 'range.dimension': {dimension!r}")
    rows = dimension == "ROWS"
    size, sizes, hidden = (sheet.rows, sheet.row_pixels, sheet.hidden_rows) if rows else (
        sheet.columns, sheet.column_pixels, sheet.hidden_columns)
    start, end = rng.get("startIndex", 0), rng.get("endIndex", size)
    if not 0 <= start < end <= size:
        raise InvalidRequest(f"Invalid dimension range: {dimension.lower()} {start}-{end} but the sheet has {size}.")
    properties = params.get("properties", {})
    for index in range(start, end):
        if "pixelSize" in modelled:
            sizes[index] = int(properties.get("pixelSize", 21 if rows else 100))
        if "hiddenByUser" in modelled:
            (hidden.add if properties.get("hiddenByUser") else hidden.discard)(index)
    return {}


def _full_range(sheet: Sheet, grid_range: dict) -> dict:
    """A GridRange with every index filled in from the grid's size, sheetId left out as Google does for 0."""
    r0, r1, c0, c1 = sheet.bounds(grid_range)
    out = {"sheetId": sheet.id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    return _grid_range_out(out)


def _overlaps(a: dict, b: dict) -> bool:
    return (a["startRowIndex"] < b["endRowIndex"] and b["startRowIndex"] < a["endRowIndex"]
            and a["startColumnIndex"] < b["endColumnIndex"] and b["startColumnIndex"] < a["endColumnIndex"])


def merge_cells(book: Spreadsheet, params: dict) -> dict:
    """MERGE_ALL, MERGE_ROWS (each row its own merge) or MERGE_COLUMNS; only the top-left value is kept."""
    sheet = _sheet_of(book, params["range"])
    whole = _full_range(sheet, params["range"])
    kind = params.get("mergeType", "MERGE_ALL")
    r0, r1, c0, c1 = whole["startRowIndex"], whole["endRowIndex"], whole["startColumnIndex"], whole["endColumnIndex"]
    if kind == "MERGE_ALL":
        parts = [(r0, r1, c0, c1)]
    elif kind == "MERGE_ROWS":
        parts = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    elif kind == "MERGE_COLUMNS":
        parts = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    else:
        raise InvalidRequest(f"Invalid value at 'requests.merge_cells.merge_type': {kind!r}")
    taken = {(r, col) for old in sheet.merges if _overlaps(old, whole)  # cells already merged, near this range
             for r in range(old["startRowIndex"], old["endRowIndex"])
             for col in range(old["startColumnIndex"], old["endColumnIndex"])}
    for a, b, c, d in parts:
        merge = _grid_range_out({"sheetId": sheet.id, "startRowIndex": a, "endRowIndex": b, "startColumnIndex": c,
                                 "endColumnIndex": d})
        if (b - a) * (d - c) < 2:
            continue  # a single cell: nothing to merge
        cells = [(r, col) for r in range(a, b) for col in range(c, d)]
        if not taken.isdisjoint(cells):
            raise InvalidRequest("You can't merge cells that overlap a merged range; unmerge them first.")
        taken.update(cells)
        for r in range(a, b):
            for col in range(c, d):
                if (r, col) != (a, c) and "userEnteredValue" in sheet.cells.get((r, col), {}):
                    _write_cell(sheet, (r, col), {}, "userEnteredValue")
        sheet.merges.append(merge)
    return {}


def unmerge_cells(book: Spreadsheet, params: dict) -> dict:
    sheet = _sheet_of(book, params["range"])
    whole = _full_range(sheet, params["range"])
    inside = [m for m in sheet.merges if _overlaps(m, whole)]
    for merge in inside:
        if not (whole["startRowIndex"] <= merge["startRowIndex"] and merge["endRowIndex"] <= whole["endRowIndex"]
                and whole["startColumnIndex"] <= merge["startColumnIndex"]
                and merge["endColumnIndex"] <= whole["endColumnIndex"]):
            raise InvalidRequest("You must select all cells in a merged range to merge or unmerge them.")
    sheet.merges = [m for m in sheet.merges if m not in inside]
    return {}


def set_basic_filter(book: Spreadsheet, params: dict) -> dict:
    """The sheet's one basic filter (sort specs and criteria are not modelled: refused)."""
    spec = params.get("filter") or {}
    unknown = set(spec) - {"range"}
    if unknown:
        raise NotModelled(f"a basic filter's {', '.join(sorted(unknown))} (the fake keeps its range only)")
    sheet = _sheet_of(book, spec.get("range", {}))
    sheet.basic_filter = {"range": _full_range(sheet, spec.get("range", {}))}
    return {}


def clear_basic_filter(book: Spreadsheet, params: dict) -> dict:
    book.editable(book.sheet(sheet_id=params.get("sheetId", 0))).basic_filter = None
    return {}


def set_data_validation(book: Spreadsheet, params: dict) -> dict:
    sheet = _sheet_of(book, params["range"])
    r0, r1, c0, c1 = sheet.bounds(params["range"])
    rule = params.get("rule")
    if rule is not None:
        condition = rule.get("condition", {})
        if condition.get("type") not in VALIDATION_TYPES:
            raise InvalidRequest(f"Invalid ConditionType: {condition.get('type')!r}")
        values = condition.get("values", [])
        if condition["type"] in ("ONE_OF_LIST", "ONE_OF_RANGE") and not values:
            raise InvalidRequest(f"{condition['type']} needs at least one value.")
        if condition["type"] == "ONE_OF_RANGE" and not str(values[0].get("userEnteredValue", "")).startswith("="):
            raise InvalidRequest("ONE_OF_RANGE takes one range formula such as '=Sheet1!A2:A'.")
        if condition["type"] == "NUMBER_BETWEEN" and len(values) != 2:
            raise InvalidRequest("NUMBER_BETWEEN takes exactly two values.")
    for r in range(r0, r1):  # one shared rule object: stored values are replaced, never mutated
        for c in range(c0, c1):
            cell = {k: v for k, v in sheet.cells.get((r, c), {}).items() if k != "dataValidation"}
            if rule:
                cell["dataValidation"] = rule
            if cell:
                sheet.cells[(r, c)] = cell
            else:
                sheet.cells.pop((r, c), None)
    return {}


def _grid_range_out(rng: dict) -> dict:
    """Google leaves sheetId 0 out of GridRanges it sends back (proto3 default)."""
    return {k: v for k, v in rng.items() if not (k == "sheetId" and v == 0)}


def add_protected_range(book: Spreadsheet, params: dict) -> dict:
    protected = copy_json(params["protectedRange"])
    sheet = _sheet_of(book, protected["range"])
    sheet.bounds(protected["range"])
    protected["protectedRangeId"] = book.new_id()
    protected["range"] = _grid_range_out(protected["range"])
    protected["requestingUserCanEdit"] = True
    editors = protected.get("editors") or {}
    protected["editors"] = {k: v for k, v in editors.items() if v}
    sheet.protected_ranges.append({k: v for k, v in protected.items() if v not in (None, False, "")})
    return {"addProtectedRange": {"protectedRange": copy_json(sheet.protected_ranges[-1])}}


def delete_protected_range(book: Spreadsheet, params: dict) -> dict:
    for sheet in book.sheets:
        for protected in sheet.protected_ranges:
            if protected["protectedRangeId"] == params["protectedRangeId"]:
                book.editable(sheet).protected_ranges.remove(protected)
                return {}
    raise InvalidRequest(f"No protected range with id: {params['protectedRangeId']}")


def add_conditional_format_rule(book: Spreadsheet, params: dict) -> dict:
    rule = copy_json(params["rule"])
    ranges = rule.get("ranges") or []
    if not ranges:
        raise InvalidRequest("A conditional format rule needs at least one range.")
    sheet = _sheet_of(book, ranges[0])
    for rng in ranges:
        if rng.get("sheetId", 0) != sheet.id:
            raise InvalidRequest("All ranges of a conditional format rule must be on one sheet.")
        sheet.bounds(rng)
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise InvalidRequest("Exactly one of booleanRule or gradientRule must be set.")
    for name, point in (rule.get("gradientRule") or {}).items():
        if point.get("type") not in ("MIN", "MAX", "NUMBER", "PERCENT", "PERCENTILE"):
            raise InvalidRequest(f"Invalid gradientRule.{name}.type: {point.get('type')!r}")
        if point["type"] in ("NUMBER", "PERCENT", "PERCENTILE") and "value" not in point:
            raise InvalidRequest(f"gradientRule.{name} of type {point['type']} needs a value.")
    rule["ranges"] = [_grid_range_out(r) for r in ranges]
    index = params.get("index", 0)
    sheet.conditional_formats.insert(min(index, len(sheet.conditional_formats)), rule)
    return {}


def delete_conditional_format_rule(book: Spreadsheet, params: dict) -> dict:
    sheet = book.editable(book.sheet(sheet_id=params.get("sheetId", 0)))
    index = params.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise InvalidRequest(f"No conditional format on sheet {sheet.id} at index {index}.")
    return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}


def _metadata_matches(meta: dict, data_filter: dict) -> bool:
    lookup = data_filter.get("developerMetadataLookup")
    if lookup is None:
        raise InvalidRequest("Only developerMetadataLookup data filters are supported.")
    checks = {"metadataId": meta.get("metadataId"), "metadataKey": meta.get("metadataKey"),
              "metadataValue": meta.get("metadataValue")}
    return all(lookup[k] == v for k, v in checks.items() if k in lookup)


def create_developer_metadata(book: Spreadsheet, params: dict) -> dict:
    meta = copy_json(params["developerMetadata"])
    if not meta.get("metadataKey"):
        raise InvalidRequest("developerMetadata.metadataKey is required.")
    if meta.get("location") != {"spreadsheet": True}:
        raise InvalidRequest("The fake keeps developer metadata on the spreadsheet only (location.spreadsheet=true).")
    if meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise InvalidRequest("developerMetadata.visibility must be DOCUMENT or PROJECT.")
    meta["metadataId"] = meta.get("metadataId") or book.new_id()
    if any(m["metadataId"] == meta["metadataId"] for m in book.developer_metadata):
        raise InvalidRequest(f"Developer metadata with id {meta['metadataId']} already exists.")
    meta["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
    book.developer_metadata.append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": copy_json(meta)}}


def update_developer_metadata(book: Spreadsheet, params: dict) -> dict:
    changed = [m for m in book.developer_metadata if any(_metadata_matches(m, f) for f in params["dataFilters"])]
    for meta in changed:
        set_masked(meta, params["developerMetadata"], params["fields"])
    return {"updateDeveloperMetadata": {"developerMetadata": copy_json(changed)}}


def delete_developer_metadata(book: Spreadsheet, params: dict) -> dict:
    gone = [m for m in book.developer_metadata if _metadata_matches(m, params["dataFilter"])]
    book.developer_metadata = [m for m in book.developer_metadata if m not in gone]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": gone}}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateCells": update_cells,
    "appendCells": append_cells,
    "repeatCell": repeat_cell,
    "updateDimensionProperties": update_dimension_properties,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "setDataValidation": set_data_validation,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "createDeveloperMetadata": create_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
}
