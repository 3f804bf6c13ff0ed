"""The fake does what Google's documentation says, where gspread's own test suite found it short, and
refuses what Google refuses: moving a sheet by index, hiding rows and columns, Google's 50,000
characters a cell, and Google's 400 for a request that breaks the discovery documents.

Each expectation comes from Google's documentation (quoted) or a recorded answer; raw HTTP to the fake.
"""

from __future__ import annotations

import pytest
from test_google_fake import SHEETS, Client

PERSON = "data.lead@district.example.org"  # a person: owns what they create, whatever Drive's rules for robots


@pytest.fixture
def lead(fake):
    return Client(fake, PERSON)


def _titles(client: Client, sheet_id: str) -> list[tuple[str, int]]:
    body = client.call("GET", f"{SHEETS}/{sheet_id}", params={"fields": "sheets.properties(title,index)"}).json()
    return [(s["properties"]["title"], s["properties"]["index"]) for s in body["sheets"]]


def test_update_sheet_properties_index_moves_the_sheet_counting_places_before_the_move(lead):
    """SheetProperties.index: "When updating sheet indices or inserting sheets, movement is considered in
    'before the move' indexes. For example, if there were three sheets (S1, S2, S3) in order to move S1
    ahead of S2 the index would have to be set to 2." """
    sheet_id = lead.create()
    added = lead.batch(sheet_id, {"addSheet": {"properties": {"sheetId": 2, "title": "S2"}}},
                       {"addSheet": {"properties": {"sheetId": 3, "title": "S3"}}},
                       {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "S1"}, "fields": "title"}})
    assert added.ok, added.text

    def move(sheet: int, index: int | None) -> list[tuple[str, int]]:
        properties = {"sheetId": sheet, **({"index": index} if index is not None else {})}
        assert lead.batch(sheet_id, {"updateSheetProperties": {"properties": properties, "fields": "index"}}).ok
        return _titles(lead, sheet_id)

    assert move(0, 2) == [("S2", 0), ("S1", 1), ("S3", 2)]
    assert move(3, 0) == [("S3", 0), ("S2", 1), ("S1", 2)]
    assert move(3, None) == [("S2", 0), ("S1", 1), ("S3", 2)]  # "if this field is excluded ... moved to the end"


def test_hidden_by_user_hides_rows_and_columns_and_reads_back(lead):
    """DimensionProperties.hiddenByUser: "True if this dimension is explicitly hidden." Set and cleared by
    updateDimensionProperties (gspread's hide_columns / unhide_rows send exactly these requests)."""
    sheet_id = lead.create()

    def hide(dimension: str, start: int, end: int, hidden: bool) -> None:
        answer = lead.batch(sheet_id, {"updateDimensionProperties": {
            "range": {"sheetId": 0, "dimension": dimension, "startIndex": start, "endIndex": end},
            "properties": {"hiddenByUser": hidden}, "fields": "hiddenByUser"}})
        assert answer.status_code == 200 and answer.json()["replies"] == [{}]

    def metadata() -> tuple[list, list]:
        data = lead.call("GET", f"{SHEETS}/{sheet_id}", params={
            "ranges": "Sheet1!A1:C3", "fields": "sheets.data(rowMetadata,columnMetadata)"}).json()["sheets"][0]["data"][0]
        return ([m.get("hiddenByUser", False) for m in data["rowMetadata"]],
                [m.get("hiddenByUser", False) for m in data["columnMetadata"]])

    hide("COLUMNS", 0, 2, True)
    hide("ROWS", 1, 2, True)
    assert metadata() == ([False, True, False], [True, True, False])
    hide("COLUMNS", 0, 2, False)
    assert metadata() == ([False, True, False], [False, False, False])


def test_a_cell_over_50000_characters_fails_the_whole_batch_with_googles_400(lead):
    """Google's limit: 50,000 characters in one cell; its answer names the request and changes nothing."""
    sheet_id = lead.create()
    write = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}, "fields": "userEnteredValue",
                             "rows": [{"values": [{"userEnteredValue": {"stringValue": "x" * 50_000}}]}]}}
    too_long = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 0}, "fields": "userEnteredValue",
                                "rows": [{"values": [{"userEnteredValue": {"stringValue": "y" * 50_001}}]}]}}
    refused = lead.batch(sheet_id, write, too_long)
    assert refused.status_code == 400
    assert refused.json() == {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": (
        "Invalid requests[1].updateCells: Your input contains more than the maximum of 50000 characters in a single cell.")}}
    assert "values" not in lead.call("GET", f"{SHEETS}/{sheet_id}/values/Sheet1!A1:A2").json()  # nothing of the batch
    assert lead.batch(sheet_id, write).ok  # exactly 50,000 is allowed
    put = lead.put(sheet_id, "Sheet1!B1", [["z" * 50_001]], option="RAW")
    assert put.status_code == 400 and put.json()["error"]["message"] == (
        "Your input contains more than the maximum of 50000 characters in a single cell.")


def test_a_body_field_the_discovery_document_does_not_define_gets_googles_400(lead):
    """The fake answers as Google's front end: the unknown name, where it is (proto field names), and
    one BadRequest field violation per name (shape of the answers quoted in googleapis issue threads)."""
    sheet_id = lead.create()
    answer = lead.batch(sheet_id, {"updateSheetProperties": {"properties": {"sheetId": 0, "headerValues": ["a"]},
                                                             "fields": "title"}}, {"repeat_cell": {}})
    message = ("Invalid JSON payload received. Unknown name \"headerValues\" at "
               "'requests[0].update_sheet_properties.properties': Cannot find field.\n"
               "Invalid JSON payload received. Unknown name \"repeat_cell\" at 'requests[1]': Cannot find field.")
    assert answer.status_code == 400
    assert answer.json() == {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT", "details": [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
            {"field": "requests[0].update_sheet_properties.properties", "description": message.split("\n")[0]},
            {"field": "requests[1]", "description": message.split("\n")[1]}]}]}}


def test_a_wrong_enum_a_wrong_type_and_an_unknown_query_parameter_get_googles_400(lead):
    sheet_id = lead.create()
    enum = lead.batch(sheet_id, {"mergeCells": {"range": {"sheetId": 0, "endRowIndex": 2},
                                                "mergeType": "MERGE_EVERYTHING"}})
    assert enum.status_code == 400 and enum.json()["error"]["message"] == (
        "Invalid value at 'requests[0].merge_cells.merge_type' (TYPE_ENUM), \"MERGE_EVERYTHING\"")
    number = lead.batch(sheet_id, {"updateDimensionProperties": {
        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": "first"}, "properties": {"pixelSize": 30},
        "fields": "pixelSize"}})
    assert number.status_code == 400 and number.json()["error"]["message"] == (
        "Invalid value at 'requests[0].update_dimension_properties.range.start_index' (TYPE_INT32), \"first\"")
    parameter = lead.call("GET", f"{SHEETS}/{sheet_id}", params={"includeGirdData": "true"})
    assert parameter.status_code == 400 and parameter.json()["error"]["message"] == (
        "Invalid JSON payload received. Unknown name \"includeGirdData\": Cannot bind query parameter. "
        "Field 'includeGirdData' could not be found in request message.")


def test_a_fields_mask_naming_a_field_that_does_not_exist_gets_googles_400(lead):
    """Sheets: "Request contains an invalid argument." and the path in the field violation; Drive: "Invalid
    field selection" (both as quoted from Google's answers in public threads)."""
    sheet_id = lead.create()
    mask = "sheets(properties(sheetId,title),data.rowData.values(effectiveFormat.type))"
    sheets = lead.call("GET", f"{SHEETS}/{sheet_id}", params={"fields": mask})
    assert sheets.status_code == 400 and sheets.json() == {"error": {
        "code": 400, "message": "Request contains an invalid argument.", "status": "INVALID_ARGUMENT", "details": [
            {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field": mask, "description": (
                "Error expanding 'fields' parameter. Cannot find matching fields for path "
                "'sheets.data.rowData.values.effectiveFormat.type'.")}]}]}}
    drive = lead.call("GET", "/drive/v3/files", params={"fields": "nextPageToken,items(id,title)"})
    selection = "Invalid field selection items"
    detail = {"message": selection, "domain": "global", "reason": "invalidParameter", "location": "fields",
              "locationType": "parameter"}
    assert drive.status_code == 400 and drive.json() == {"error": {"code": 400, "message": selection, "errors": [detail]}}


def test_a_body_field_mask_naming_a_field_of_no_such_message_is_refused(lead):
    """updateCells.fields names fields of CellData ("The root is the CellData")."""
    sheet_id = lead.create()
    answer = lead.batch(sheet_id, {"updateCells": {"range": {"sheetId": 0}, "rows": [],
                                                   "fields": "userEnteredValue,userEnteredFormats"}})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("Invalid requests[0].updateCells: ")
    assert "userEnteredFormats" in answer.json()["error"]["message"]
