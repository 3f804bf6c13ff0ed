"""`tracker-sync export` of the demo school: files validated by the JSON Schema they ship, CSV and
Parquet equal to JSON Lines, and --deidentify with no name, email or note left."""

from __future__ import annotations

import csv
import json

import pytest
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter
from typer.testing import CliRunner

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
from tracker_sync.cli import app
from tracker_sync.export import FREE_TEXT_FIELDS, RECORD_MODELS, SECRET_ENV, pseudonym
from tracker_sync.sync import check_tracker
from tracker_sync.synthetic.school import AS_OF

KEY = "district-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--out", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["path"]


def export(demo, folder, *args, env=None):
    result = CliRunner().invoke(app, ["export", demo, "--to", str(folder), "--as-of", AS_OF.isoformat(), "--json", *args],
                                env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_file_validates_against_the_json_schema_it_ships(demo, tmp_path):
    manifest = export(demo, tmp_path, "--format", "jsonl")
    records = check_tracker(XlsxWorkbook(demo), as_of=AS_OF).result.records
    for tab, info in manifest["files"].items():
        schema = json.loads((tmp_path / info["schema"]).read_text())
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        rows = jsonl(tmp_path / info["file"])
        assert len(rows) == info["rows"] == len(records.rows(tab)) > 0
        assert [list(validator.iter_errors(row)) for row in rows] == [[] for _ in rows]
    assert json.loads((tmp_path / "export.json").read_text()) == manifest
    # The schema does reject what the models reject: a score that is not a number, a date that is not one.
    score_schema = Draft202012Validator(json.loads((tmp_path / "scores.schema.json").read_text()),
                                        format_checker=Draft202012Validator.FORMAT_CHECKER)
    good = jsonl(tmp_path / "scores.jsonl")[0]
    assert not score_schema.is_valid({**good, "score": "Effective"}) and not score_schema.is_valid({**good, "date": "13/45/2026"})


def test_csv_and_parquet_hold_the_same_records(demo, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow (the 'parquet' extra) is not installed")
    export(demo, tmp_path / "jsonl", "--format", "jsonl")
    export(demo, tmp_path / "csv", "--format", "csv")
    export(demo, tmp_path / "parquet", "--format", "parquet")
    for tab, model in RECORD_MODELS.items():
        adapter = TypeAdapter(list[model])
        expected = adapter.validate_python(jsonl(tmp_path / "jsonl" / f"{tab}.jsonl"))
        with (tmp_path / "csv" / f"{tab}.csv").open(encoding="utf-8", newline="") as handle:
            from_csv = [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(handle)]
        assert adapter.validate_python(from_csv) == expected
        assert adapter.validate_python(pq.read_table(tmp_path / "parquet" / f"{tab}.parquet").to_pylist()) == expected


def test_deidentified_export_has_no_name_email_or_note(demo, tmp_path):
    manifest = export(demo, tmp_path, "--format", "jsonl", "--deidentify", env={SECRET_ENV: KEY})
    assert manifest["deidentified"]
    roster = XlsxWorkbook(demo).read(["Roster"]).grids["Roster"]
    people = {str(c) for row in roster[1:] for c in row[:2] if c}
    everything = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    assert not [p for p in people if p.casefold() in everything.casefold()]
    assert KEY not in everything
    observations = jsonl(tmp_path / "observations.jsonl")
    assert not FREE_TEXT_FIELDS & {k for row in observations for k in row}
    assert "notes" not in json.loads((tmp_path / "observations.schema.json").read_text())["properties"]
    # The same person has the same id everywhere: the first observed teacher's visits keep their count,
    # and that id is on the Roster.
    records = check_tracker(XlsxWorkbook(demo), as_of=AS_OF).result.records
    first = records.rows("observations")[0]["teacher"]
    hashed = pseudonym(KEY.encode(), "person", first)
    assert sum(r["teacher"] == hashed for r in observations) == sum(r["teacher"] == first
                                                                    for r in records.rows("observations")) > 0
    assert hashed in {r["teacher"] for r in jsonl(tmp_path / "roster.jsonl")}
    assert jsonl(tmp_path / "roster.jsonl")[0]["email"] == pseudonym(KEY.encode(), "email", roster[1][1].upper())
    # 1:1s and goals: the lead and a goal's teacher hashed like everyone else, a team goal keeps its team
    assert {r["led_by"] for r in jsonl(tmp_path / "one_on_ones.jsonl")} <= {r["teacher"]
                                                                            for r in jsonl(tmp_path / "roster.jsonl")}
    teams = {r["team"] for r in records.rows("roster")}
    goals = jsonl(tmp_path / "goals.jsonl")
    assert {g["teacher_or_team"] for g in goals} & teams and not {"goal", "focus", "next_steps"} & {k for g in goals for k in g}
    assert all(g["teacher_or_team"] in teams or g["teacher_or_team"].startswith("p-") for g in goals)


def test_hashes_are_stable_for_one_key_and_differ_for_another(demo, tmp_path):
    one = export(demo, tmp_path / "a", "--format", "jsonl", "--deidentify", env={SECRET_ENV: KEY})
    again = export(demo, tmp_path / "b", "--format", "jsonl", "--deidentify", env={SECRET_ENV: KEY})
    key_file = tmp_path / "other.key"
    key_file.write_text("another-district-key-9876543210\n")
    other = export(demo, tmp_path / "c", "--format", "jsonl", "--deidentify", "--key-file", str(key_file))
    assert one["files"] == again["files"] == other["files"]
    read = lambda name: jsonl(tmp_path / name / "roster.jsonl")  # noqa: E731
    assert read("a") == read("b") and [r["teacher"] for r in read("a")] != [r["teacher"] for r in read("c")]


def test_deidentify_without_a_key_and_bad_format_exit_2(demo, tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    no_key = CliRunner().invoke(app, ["export", demo, "--to", str(tmp_path), "--deidentify"])
    assert no_key.exit_code == 2 and SECRET_ENV in no_key.output and not any(tmp_path.iterdir())
    bad = CliRunner().invoke(app, ["export", demo, "--to", str(tmp_path), "--format", "xls"])
    assert bad.exit_code == 2 and "--format must be one of csv, jsonl, parquet" in bad.output
