"""Google's discovery documents as the contract every request must meet (Sheets v4, Drive v3, Forms v1).

A discovery document lists each method of an API (HTTP method and path), its query parameters and
the JSON schema of its request body: every field name, type and enum. :class:`Contract` matches a
request to its method and reports each way it strays from the document:

* ``method``:    no method of any document has this HTTP method and path;
* ``parameter``: a query parameter the method does not take, or a value of the wrong type or enum;
* ``field``:     a body field the schema does not define (checked recursively, through lists and maps);
* ``value``:     a body value of the wrong JSON type, or a string outside the field's enum;
* ``fields``:    a name in the ``fields`` query parameter (the response mask, parentheses included)
                 that the method's response schema does not have;
* ``mask``:      a name in a FieldMask inside the body (``updateCells.fields``, ``updateMask``) that
                 the message the mask applies to does not have.

The tests use it to check every request the project sends; the fake uses :meth:`Contract.refusal` to
answer Google's 400 for the violations Google itself refuses (see ``_IGNORED``). The documents are
the ones google-api-python-client ships (``googleapiclient/discovery_cache/documents``), pinned by
its version in the test extra; :data:`REVISIONS` records which revision each one is.

Google's answers, as recorded in public threads (the body's paths use proto field names,
snake_case, with list indexes; Sheets and Forms share one front end, Drive has its own shape):

* unknown body field: ``Invalid JSON payload received. Unknown name "x" at 'requests[0].update_cells':
  Cannot find field.`` (no `` at '…'`` at the top level), one BadRequest fieldViolation per name
  (googleapis/google-api-python-client#930, theoephraim/node-google-spreadsheet#523);
* unknown query parameter: ``Invalid JSON payload received. Unknown name "x": Cannot bind query
  parameter. Field 'x' could not be found in request message.``; Drive ignores unknown parameters
  (gspread's recorded ``files.get`` with ``includeItemsFromAllDrives``, answered 200) and unknown body
  fields (see ``_IGNORED``);
* wrong value: ``Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), "X"``
  (gspread's recordings), ``(TYPE_INT32)`` and the like for scalars;
* unknown name in ``fields``: Sheets ``Request contains an invalid argument.`` with the fieldViolation
  ``Error expanding 'fields' parameter. Cannot find matching fields for path 'a.b'.``; Drive
  ``Invalid field selection b`` (reason invalidParameter, location fields).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker_sync.testing.google_fake.a1 import MaskTree, parse_field_mask
from tracker_sync.testing.google_fake.answers import ApiAnswer, error_body

#: The documents of the APIs the project calls.
DOCUMENTS = ("sheets.v4", "drive.v3", "forms.v1")
#: Violation kinds an API lets pass without an error. Drive binds its bodies as a plain map and checks
#: them itself: unknown query parameters and body fields are ignored (a v2 ``title`` sent to v3 makes an
#: "Untitled" file), and its value errors are worded apart ("Invalid value at 'payload' (Map), ...", not
#: recorded for the cases here), so the fake answers Drive only for its response masks, while the tests
#: still report every violation.
_IGNORED = {"drive": frozenset({"parameter-name", "parameter-value", "field", "value"})}
#: Methods whose body is one field of the request message: Google's paths start with that field.
_BODY_FIELD = {"sheets.spreadsheets.values.update": "data", "sheets.spreadsheets.values.append": "data"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class DocumentsMissing(RuntimeError):
    """google-api-python-client (which ships the discovery documents) is not installed."""


def documents_folder() -> Path:
    """Where google-api-python-client keeps its discovery documents (without importing the client)."""
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or not spec.submodule_search_locations:
        raise DocumentsMissing("The Google fake checks requests against Google's discovery documents, which "
                               "google-api-python-client ships: pip install -e '.[test]'.")
    return Path(next(iter(spec.submodule_search_locations))) / "discovery_cache" / "documents"


@functools.cache
def load_document(name: str) -> dict:
    """One discovery document by name, e.g. "sheets.v4" (read once per process)."""
    return json.loads((documents_folder() / f"{name}.json").read_text(encoding="utf-8"))


def revisions(names: Sequence[str] = DOCUMENTS) -> dict[str, str]:
    """Each document's revision (a date, e.g. 20261019): what "pinned" pins."""
    return {name: load_document(name)["revision"] for name in names}


@dataclass(frozen=True)
class Violation:
    """One way a request strays from its discovery document.

    ``kind``: method, parameter-name, parameter-value, field, value, fields or mask. ``where``: the
    proto path in the body ("requests[0].update_cells.rows[3]"), the parameter, or the mask's text.
    ``name``: the unknown name, bad value or mask path. ``message``: Google's words for it.
    """

    api: str
    kind: str
    where: str
    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.api} {self.kind} at {self.where or '(top level)'}: {self.message}"


@dataclass(frozen=True)
class Method:
    """One method of a discovery document, with the path pattern the fake's URLs use."""

    api: str
    package: str  # the proto package its messages live in, for "type.googleapis.com/..." names
    id: str
    http_method: str
    pattern: re.Pattern[str]
    literal: int  # characters of the path that are not parameters: the most specific match wins
    parameters: Mapping[str, Mapping[str, Any]]  # query parameters, the document's standard ones included
    request: str | None
    response: str | None
    scopes: tuple[str, ...] = ()  # the OAuth scopes the document lists for it (any one will do)


def proto_name(json_name: str) -> str:
    """'updateCells' -> 'update_cells': how Google's error paths name fields."""
    return _CAMEL.sub("_", json_name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _path_pattern(service_path: str, flat_path: str) -> tuple[re.Pattern[str], int]:
    pattern, literal = "", 0
    for piece in re.split(r"(\{\+?[A-Za-z_]+\})", "/" + service_path + flat_path):
        if piece.startswith("{"):
            pattern += "(.+)" if piece.startswith("{+") else "([^/]+?)"
        else:
            pattern += re.escape(piece)
            literal += len(piece)
    return re.compile(pattern), literal


class Contract:
    """The methods and schemas of some discovery documents; checks requests against them."""

    def __init__(self, documents: Iterable[Mapping[str, Any]]) -> None:
        self.methods: list[Method] = []
        self.schemas: dict[str, dict[str, Mapping[str, Any]]] = {}
        for document in documents:
            api = document["name"]
            self.schemas[api] = document["schemas"]
            package = f"google.apps.{api}.{document['version']}"
            self._add_methods(document, api, package, document)

    @classmethod
    @functools.cache
    def pinned(cls) -> Contract:
        """The contract of :data:`DOCUMENTS`, as the installed google-api-python-client ships them."""
        return cls(load_document(name) for name in DOCUMENTS)

    def _add_methods(self, resource: Mapping[str, Any], api: str, package: str, document: Mapping[str, Any]) -> None:
        for method in resource.get("methods", {}).values():
            pattern, literal = _path_pattern(document["servicePath"], method.get("flatPath", method["path"]))
            query = {name: spec for name, spec in method.get("parameters", {}).items() if spec.get("location") == "query"}
            self.methods.append(Method(
                api, package, method["id"], method["httpMethod"], pattern, literal, {**document["parameters"], **query},
                method.get("request", {}).get("$ref"), method.get("response", {}).get("$ref"), tuple(method.get("scopes", ()))))
        for child in resource.get("resources", {}).values():
            self._add_methods(child, api, package, document)

    def method(self, http_method: str, path: str) -> Method | None:
        """The method a request is for: same HTTP method, path matching, the most specific one."""
        matches = [m for m in self.methods if m.http_method == http_method and m.pattern.fullmatch(path)]
        return max(matches, key=lambda m: m.literal, default=None)

    # -- checking --

    def check(self, http_method: str, path: str, query: Mapping[str, Sequence[str]], body: Any) -> list[Violation]:
        """Every violation of one request, in the order Google meets them (parameters, body, masks)."""
        method = self.method(http_method, path)
        if method is None:
            api = "sheets" if path.startswith("/v4/") else "forms" if path.startswith("/v1/") else "drive"
            return [Violation(api, "method", path, f"{http_method} {path}",
                              f"No method {http_method} {path} in the discovery documents.")]
        found = _Checker(self, method)
        for name, values in query.items():
            found.parameter(name, values)
        if body is not None:
            if method.request is None:
                found.add("field", "", "(body)", "This method takes no request body.")
            else:
                found.value(body, {"$ref": method.request}, tuple(filter(None, [_BODY_FIELD.get(method.id)])))
        fields = query.get("fields")
        if fields and method.response:
            found.response_mask(fields[-1], method.response)
        return found.violations

    def request_kinds(self, http_method: str, path: str, body: Any) -> list[str]:
        """What a request is, for counting: its method id, and for a batchUpdate one entry per request kind."""
        method = self.method(http_method, path)
        name = method.id if method else f"{http_method} {path}"
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list):
            return [name]
        return sorted({f"{name}/{kind}" for request in requests if isinstance(request, dict) for kind in request})

    def refusal(self, http_method: str, path: str, query: Mapping[str, Sequence[str]], body: Any) -> ApiAnswer | None:
        """Google's 400 for a request that breaks its document, or None (unknown paths are left to the routes)."""
        method = self.method(http_method, path)
        if method is None:
            return None
        ignored = _IGNORED.get(method.api, frozenset())
        violations = [v for v in self.check(http_method, path, query, body) if v.kind not in ignored]
        if not violations:
            return None
        payload = [v for v in violations if v.kind in ("parameter-name", "parameter-value", "field", "value")]
        if payload:
            return _bad_payload(payload)
        masks = [v for v in violations if v.kind == "fields"]
        if masks:
            return _bad_response_mask(method.api, masks[0], query["fields"][-1])
        return _bad_body_mask(violations[0])


def _violation_details(violations: Sequence[Violation]) -> list[dict]:
    return [{"@type": "type.googleapis.com/google.rpc.BadRequest",
             "fieldViolations": [{**({"field": v.where} if v.where else {}), "description": v.message} for v in violations]}]


def _bad_payload(violations: Sequence[Violation]) -> ApiAnswer:
    body = error_body(400, "\n".join(v.message for v in violations))
    body["error"]["details"] = _violation_details(violations)
    return ApiAnswer(400, body)


def _bad_response_mask(api: str, violation: Violation, mask: str) -> ApiAnswer:
    if api == "drive":
        message = f"Invalid field selection {violation.name.rpartition('.')[2]}"
        detail = {"message": message, "domain": "global", "reason": "invalidParameter", "location": "fields",
                  "locationType": "parameter"}
        return ApiAnswer(400, {"error": {"code": 400, "message": message, "errors": [detail]}})
    body = error_body(400, "Request contains an invalid argument.")
    body["error"]["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                 "fieldViolations": [{"field": mask, "description": violation.message}]}]
    return ApiAnswer(400, body)


def _bad_body_mask(violation: Violation) -> ApiAnswer:
    match = re.match(r"requests\[(\d+)\]\.(\w+)", violation.where)
    prefix = f"Invalid requests[{match[1]}].{_camel(match[2])}: " if match else ""
    return ApiAnswer(400, error_body(400, prefix + violation.message))


_SCALAR_TYPES = {("integer", "int32"): "TYPE_INT32", ("integer", "uint32"): "TYPE_UINT32", ("string", "int64"): "TYPE_INT64",
                 ("string", "uint64"): "TYPE_UINT64", ("number", "double"): "TYPE_DOUBLE", ("number", "float"): "TYPE_FLOAT",
                 ("boolean", None): "TYPE_BOOL", ("string", None): "TYPE_STRING"}
_NUMERIC_TEXT = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
#: Where a FieldMask's description names the message it applies to.
_MASK_ROOT = (re.compile(r"root [`'](\w+)[`'] is implied"), re.compile(r"root is the (\w+)"),
              re.compile(r"fields of (\w+)"), re.compile(r"The `(\w+)` fields"))
#: FieldMasks whose description names no message ("Only values named in this mask are changed."): the
#: Forms reference's UpdateItemRequest masks the item it carries ("New values for the item").
_MASK_ROOT_BY_FIELD = {"forms.UpdateItemRequest.updateMask": "Item"}


class _Checker:
    """Collects the violations of one request against its method."""

    def __init__(self, contract: Contract, method: Method) -> None:
        self.method = method
        self.schemas = contract.schemas[method.api]
        self.violations: list[Violation] = []

    def add(self, kind: str, where: str, name: str, message: str) -> None:
        self.violations.append(Violation(self.method.api, kind, where, name, message))

    # -- query parameters --

    def parameter(self, name: str, values: Sequence[str]) -> None:
        spec = self.method.parameters.get(name)
        if spec is None:
            self.add("parameter-name", "", name, f"Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query "
                                                  f"parameter. Field '{name}' could not be found in request message.")
            return
        if len(values) > 1 and not spec.get("repeated"):
            self.add("parameter-value", name, name, f"Invalid JSON payload received. Parameter '{name}' is given "
                                                    f"{len(values)} times but takes one value.")
        for value in values:
            if not _query_value_fits(value, spec):
                self.add("parameter-value", name, value, f"Invalid value at '{proto_name(name)}' ({_type_name(spec)}), "
                                                         f"{json.dumps(value)}")

    # -- the body --

    def value(self, value: Any, spec: Mapping[str, Any], path: tuple) -> None:
        if value is None:
            return  # JSON null leaves a field unset
        if "$ref" in spec:
            self.message(value, spec["$ref"], path)
        elif spec.get("type") == "array":
            if not isinstance(value, list):
                self.bad_value(value, spec, path)
                return
            for index, item in enumerate(value):
                self.value(item, spec.get("items", {}), (*path, index))
        elif spec.get("type") == "object":
            if not isinstance(value, dict):
                self.bad_value(value, spec, path)
            elif "additionalProperties" in spec:
                for key, item in value.items():
                    self.value(item, spec["additionalProperties"], (*path, key))
            elif "properties" in spec:
                self.fields(value, spec, path, None)
        elif not _scalar_fits(value, spec):
            self.bad_value(value, spec, path)

    def message(self, value: Any, schema_name: str, path: tuple) -> None:
        if not isinstance(value, dict):
            self.bad_value(value, {"$ref": schema_name}, path)
            return
        self.fields(value, self.schemas[schema_name], path, schema_name)

    def fields(self, value: dict, schema: Mapping[str, Any], path: tuple, schema_name: str | None) -> None:
        properties = schema.get("properties", {})
        for key, item in value.items():
            spec = properties.get(key)
            if spec is None:
                at = _where(path)
                self.add("field", at, key, f"Invalid JSON payload received. Unknown name \"{key}\"{f' at {at!r}' if at else ''}: "
                                           "Cannot find field.")
                continue
            if spec.get("format") == "google-fieldmask" and isinstance(item, str) and schema_name:
                self.body_mask(item, schema_name, key, (*path, key))
            self.value(item, spec, (*path, key))

    def bad_value(self, value: Any, spec: Mapping[str, Any], path: tuple) -> None:
        at = _where(path)
        shown = json.dumps(value)[:200]
        self.add("value", at, shown, f"Invalid value at '{at}' ({self.type_name(spec)}), {shown}")

    def type_name(self, spec: Mapping[str, Any]) -> str:
        if "$ref" in spec:
            return f"type.googleapis.com/{self.method.package}.{spec['$ref']}"
        if spec.get("type") == "array":
            return "type.googleapis.com/google.protobuf.ListValue"
        return _type_name(spec)

    # -- field masks --

    def response_mask(self, text: str, schema_name: str) -> None:
        """The ``fields`` parameter: every path must name fields of the response."""
        spaced = next((part for part in text.split(",") if part != part.strip()), None)
        if spaced is not None and self.method.api != "drive":  # Drive tolerates spaces, Sheets does not
            missing = [spaced]
        else:
            missing = self.missing(_parsed_mask(text), schema_name)
        for path in missing:
            self.add("fields", "fields", path,
                     f"Error expanding 'fields' parameter. Cannot find matching fields for path '{path}'.")

    def body_mask(self, text: str, owner: str, prop: str, path: tuple) -> None:
        """A FieldMask inside the body, e.g. updateCells.fields: every path must name fields of its message."""
        root = self.mask_root(owner, prop)
        if root is None:
            self.add("mask", _where(path), text, f"The discovery document does not say which message {owner}.{prop} masks.")
            return
        if text.strip() == "*":
            return
        for missing in self.missing(_parsed_mask(text), root):
            self.add("mask", _where(path), missing, f"Invalid field mask: {missing!r} is not a field of {root}.")

    def mask_root(self, owner: str, prop: str) -> str | None:
        """The message a request's FieldMask applies to, as its description names it (or, where it names
        none, as Google's reference page says: :data:`_MASK_ROOT_BY_FIELD`)."""
        if named := _MASK_ROOT_BY_FIELD.get(f"{self.method.api}.{owner}.{prop}"):
            return named
        schema = self.schemas[owner]
        description = schema["properties"][prop].get("description", "")
        for pattern in _MASK_ROOT:
            if match := pattern.search(description):
                name = match[1]
                if name in self.schemas:
                    return name
                sibling = schema["properties"].get(_camel(name)) or schema["properties"].get(name[0].lower() + name[1:])
                target = (sibling or {}).get("$ref") or (sibling or {}).get("items", {}).get("$ref")
                if target:
                    return target
        return None

    def missing(self, tree: MaskTree, schema_name: str, prefix: str = "") -> list[str]:
        """The paths of a parsed mask that the schema does not have ('*' takes everything below it)."""
        return self._missing(tree, self.schemas[schema_name].get("properties", {}), prefix)

    def _missing(self, tree: MaskTree, properties: Mapping[str, Any], prefix: str) -> list[str]:
        """missing() over a schema's properties, named or inline (Drive's permissionDetails items are inline)."""
        out = []
        for name, sub in tree.items():
            if name == "*":
                continue
            spec = properties.get(name) or properties.get(_camel(name))
            path = f"{prefix}{name}"
            if spec is None:
                out.append(path)
                continue
            if spec.get("type") == "array":
                spec = spec.get("items", {})
            if not sub:
                continue
            if "$ref" in spec:
                out.extend(self.missing(sub, spec["$ref"], path + "."))
            elif "properties" in spec:
                out.extend(self._missing(sub, spec["properties"], path + "."))
            elif "additionalProperties" in spec:
                continue  # a map: the next names are keys
            else:
                out.append(f"{path}.{next(iter(sub))}")  # nothing below a scalar
        return out


def _parsed_mask(text: str) -> MaskTree:
    try:
        return parse_field_mask(text)
    except ValueError:
        return {text: {}}  # unparseable: no field has that name


def _where(path: tuple) -> str:
    """('requests', 0, 'updateCells', 'rows') -> "requests[0].update_cells.rows" (Google's error paths)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f"{'.' if out else ''}{proto_name(part)}"
    return out


def _type_name(spec: Mapping[str, Any]) -> str:
    if "enum" in spec:
        return "TYPE_ENUM"
    kind = str(spec.get("type"))
    return _SCALAR_TYPES.get((kind, spec.get("format")), _SCALAR_TYPES.get((kind, None), f"TYPE_{kind.upper()}"))


def _scalar_fits(value: Any, spec: Mapping[str, Any]) -> bool:
    """Whether a JSON value is one Google's parser takes for this field (numbers may come as text)."""
    kind = spec.get("type")
    if kind == "any":
        return True
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer" or (kind == "string" and spec.get("format") in ("int64", "uint64")):
        if isinstance(value, str):
            return bool(re.fullmatch(r"-?\d+", value))
        return isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        if isinstance(value, str):
            return bool(_NUMERIC_TEXT.fullmatch(value)) or value in ("NaN", "Infinity", "-Infinity")
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str) and ("enum" not in spec or value in spec["enum"])
    return False


def _query_value_fits(value: str, spec: Mapping[str, Any]) -> bool:
    kind = spec.get("type")
    if kind == "boolean":
        return value.lower() in ("true", "false")
    if kind == "integer":
        return bool(re.fullmatch(r"-?\d+", value))
    if kind == "number":
        return bool(_NUMERIC_TEXT.fullmatch(value))
    return "enum" not in spec or value in spec["enum"]
