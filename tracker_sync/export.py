"""`tracker-sync export`: one school's normalized records as files the district owns.

Each coach tab's valid records (what the validator accepted, scores in long form) are validated in
bulk through their pydantic model (``TypeAdapter(list[Model])``) and written as CSV, JSON Lines or
Parquet, with the model's JSON Schema beside each file (``<tab>.schema.json``) and a manifest
(``export.json``). The tracker is read once and never written.

``deidentify_key``: names (teacher, observer, set by, Team Lead, the lead of a 1:1, a goal's teacher)
and emails become stable keyed hashes (HMAC-SHA256 with the district's secret, so the same person
gets the same id in every export with that key, and no one without the key can test a guess); a
goal set for a whole team keeps the team's name. Free-text fields (notes, evidence, action-step
text, goals, success indicators, reflections, a 1:1's focus and next steps, a baseline or target
typed as words) are dropped. The key is never written anywhere; the schema then describes the
de-identified records.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, create_model

from tracker_sync.backends.base import Workbook
from tracker_sync.errors import ConfigError
from tracker_sync.schemas import (
    ActionStep,
    Goal,
    LearningCycle,
    Observation,
    OneOnOne,
    RosterMember,
    Score,
)

#: Record tab -> its model, in the order the files are written.
RECORD_MODELS: dict[str, type[BaseModel]] = {
    "roster": RosterMember, "observations": Observation, "scores": Score,
    "action_steps": ActionStep, "learning_cycles": LearningCycle, "one_on_ones": OneOnOne, "goals": Goal,
}
PEOPLE_FIELDS = frozenset({"teacher", "observer", "set_by", "team_lead", "led_by"})
PERSON_OR_TEAM_FIELDS = frozenset({"teacher_or_team"})  # hashed when it names a person, kept when a team
EMAIL_FIELDS = frozenset({"email"})
FREE_TEXT_FIELDS = frozenset({"notes", "evidence", "action_step", "goal", "success_indicators", "reflection", "focus",
                              "next_steps"})
MEASURE_FIELDS = frozenset({"baseline", "target"})  # a number stays; words are free text
FORMATS = ("csv", "jsonl", "parquet")
SECRET_ENV = "TRACKER_SYNC_DISTRICT_SECRET"
MIN_KEY_BYTES = 16


@dataclass
class ExportResult:
    tracker: str
    school: str
    as_of: str
    format: str
    deidentified: bool
    folder: str
    files: dict[str, dict] = field(default_factory=dict)  # tab -> {"file", "schema", "rows"}

    def to_dict(self) -> dict:
        return asdict(self)


def district_key(key_file: Path | None = None) -> bytes:
    """The de-identification key: ``key_file``'s bytes, else the TRACKER_SYNC_DISTRICT_SECRET variable."""
    if key_file is not None:
        try:
            key = key_file.read_bytes().strip()
        except OSError as exc:
            raise ConfigError(f"Cannot read the key file {key_file}: {exc.strerror}.") from exc
    else:
        key = os.environ.get(SECRET_ENV, "").encode()
    if len(key) < MIN_KEY_BYTES:
        where = f"the key file {key_file}" if key_file else f"the {SECRET_ENV} environment variable"
        raise ConfigError(f"--deidentify needs the district's secret key of at least {MIN_KEY_BYTES} characters in {where}, "
                          f"e.g. `export {SECRET_ENV}=$(openssl rand -hex 32)`; keep it outside the export folder.")
    return key


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """A stable keyed hash: the same name (or email, any case) and key give the same id, e.g. 'p-3f9a0c1b2d4e5f60'."""
    text = value.strip().casefold() if kind == "email" else value.strip()
    digest = hmac.new(key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}-{digest[:16]}"


def _list_of(model: type[BaseModel]) -> TypeAdapter[list[BaseModel]]:
    """The adapter for a list of ``model``, one model per tab chosen at run time."""
    return TypeAdapter(list[model])  # type: ignore[valid-type]  # mypy takes list[...] here for a type; it is a runtime alias


def deidentified_model(model: type[BaseModel]) -> type[BaseModel]:
    """The model without its free-text fields (names and emails stay strings: they hold the hashes)."""
    fields: dict[str, Any] = {name: (info.annotation, info) for name, info in model.model_fields.items()
                              if name not in FREE_TEXT_FIELDS}
    return create_model(f"Deidentified{model.__name__}", __config__=model.model_config, __doc__=model.__doc__, **fields)


def _deidentify(rows: list[dict], key: bytes, people: frozenset[str]) -> list[dict]:
    """Rows with names and emails hashed and free text dropped; ``people`` are the Roster's names."""
    out = []
    for row in rows:
        clean = {}
        for name, value in row.items():
            if name in FREE_TEXT_FIELDS:
                continue
            if value is not None and (name in PEOPLE_FIELDS or (name in PERSON_OR_TEAM_FIELDS and value in people)):
                value = pseudonym(key, "person", value)
            elif value is not None and name in EMAIL_FIELDS:
                value = pseudonym(key, "email", value)
            elif name in MEASURE_FIELDS and isinstance(value, str):
                value = None
            clean[name] = value
        out.append(clean)
    return out


def _write(path: Path, fmt: str, rows: list[dict], columns: list[str]) -> None:
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    else:
        _write_parquet(path, rows, columns)


def _pyarrow():
    """pyarrow and pyarrow.parquet, imported only for a Parquet export (the optional 'parquet' extra)."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ConfigError("Parquet export needs pyarrow: pip install 'tracker-sync[parquet]' "
                          "(or use --format csv or jsonl).") from None
    return pyarrow, pyarrow.parquet


def _write_parquet(path: Path, rows: list[dict], columns: list[str]) -> None:
    """One typed column per field; a field that holds numbers and words (a goal's baseline) is text, which
    the record model reads back as the number where it is one."""
    pa, pq = _pyarrow()
    mixed = {c for c in columns if len({type(row[c]) for row in rows if row.get(c) is not None}) > 1}
    rows = [{c: (str(v) if c in mixed and v is not None else v) for c, v in row.items()} for row in rows] if mixed else rows
    table = pa.Table.from_pylist(rows) if rows else pa.table({c: pa.array([], pa.string()) for c in columns})
    pq.write_table(table, path)


def export_records(workbook: Workbook, folder: Path, *, fmt: str = "csv", deidentify_key: bytes | None = None,
                   as_of: dt.date | None = None) -> ExportResult:
    """Read the tracker once, validate each tab's records through its model, write the files and schemas."""
    from tracker_sync.sync import check_tracker

    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'.")
    if fmt == "parquet":
        _pyarrow()  # say so before reading anything
    check = check_tracker(workbook, as_of=as_of)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"Cannot create the export folder {folder}: {exc.strerror}.") from exc
    result = ExportResult(workbook.location, check.settings.school, check.as_of.isoformat(), fmt,
                          deidentify_key is not None, str(folder))
    people = frozenset(check.result.records.columns("roster").get("teacher", []))
    for tab, model in RECORD_MODELS.items():
        records = _list_of(model).validate_python(check.result.records.rows(tab))  # in bulk, one pass
        out_model = model
        if deidentify_key is not None:
            out_model = deidentified_model(model)
            plain = _list_of(model).dump_python(records)
            records = _list_of(out_model).validate_python(_deidentify(plain, deidentify_key, people))
        # Parquet keeps dates as dates; text formats get JSON values (ISO dates).
        rows = _list_of(out_model).dump_python(records, mode="python" if fmt == "parquet" else "json")
        columns = list(out_model.model_fields)
        data_file, schema_file = folder / f"{tab}.{fmt}", folder / f"{tab}.schema.json"
        _write(data_file, fmt, rows, columns)
        schema_file.write_text(json.dumps(TypeAdapter(out_model).json_schema(), indent=2) + "\n", encoding="utf-8")
        result.files[tab] = {"file": data_file.name, "schema": schema_file.name, "rows": len(rows)}
    (folder / "export.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return result
