"""Every command and option, given the usual wrong inputs: one line on stderr, exit 2 or 3, no traceback.

COMMANDS lists each command once: arguments that work, and for each argument or option the kind of
input it takes. The walk gives every slot every wrong input of its kind (wrong types, missing and
unreadable paths, folders, binary, empty and wrong-format files), one slot at a time with the rest
valid, and runs the real CLI. A new command is covered by adding one Command to COMMANDS.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tracker_sync.cli import app


@dataclass(frozen=True)
class Command:
    """``args``: a call that is valid (placeholders: {tracker} {registry} {dir}); ``slots``: option (or the
    index of a positional argument in ``args``) -> kind of input, a key of WRONG."""

    name: str
    args: tuple[str, ...]
    slots: dict[str | int, str] = field(default_factory=dict)


COMMANDS = [
    Command("demo", ("--out", "{dir}/demo"),
            {"--out": "folder_out", "--seed": "count", "--rubric": "rubric", "--year": "year"}),
    Command("rollover", ("{tracker}", "--year", "2027-28"),
            {0: "tracker", "--year": "year", "--first-day": "date", "--last-day": "date", "--holidays": "holidays",
             "--out": "xlsx_out"}),
    Command("rollover", ("--registry", "{registry}", "--year", "2027-28"), {"--registry": "registry"}),
    Command("provision", ("--school", "Walk School", "--out", "{dir}/new.xlsx"),
            {"--school": "name", "--out": "xlsx_out", "--rubric": "rubric", "--backend": "backend",
             "--registry": "registry_out"}),
    Command("provision", ("--school", "Walk School", "--backend", "google"),
            {"--leader": "email", "--coach": "email", "--viewer": "email", "--rubric": "rubric", "--as": "email",
             "--form-domain": "domain"}),
    Command("sync", ("{tracker}",), {0: "tracker", "--as-of": "date", "--as": "email"}),
    Command("validate", ("{tracker}",), {0: "tracker", "--as-of": "date", "--as": "email"}),
    Command("brief", ("{tracker}", "--out", "{dir}/brief.html"), {0: "tracker", "--out": "file_out", "--as-of": "date",
                                                                 "--as": "email"}),
    Command("plan", ("{tracker}", "--ics", "{dir}/feeds"), {0: "tracker", "--ics": "folder_out", "--as-of": "date",
                                                           "--as": "email"}),
    Command("teacher-pages", ("{tracker}", "--to", "{dir}/pages"), {0: "tracker", "--to": "folder_out", "--as-of": "date",
                                                                   "--as": "email"}),
    Command("sync-all", ("--registry", "{registry}"), {"--registry": "registry", "--as-of": "date", "--workers": "count"}),
    Command("status", ("--registry", "{registry}"), {"--registry": "registry"}),
    Command("serve", ("--registry", "{registry}", "--simulate-day", "2026-12-15"),
            {"--registry": "registry", "--reload-every": "seconds"}),
    Command("serve", ("--registry", "{registry}"), {"--simulate-day": "date", "--calendar-port": "port"}),
    Command("district-report", ("--registry", "{registry}"),
            {"--registry": "registry", "--out": "xlsx_out", "--backend": "backend", "--brief": "brief_out", "--as-of": "date",
             "--as": "email"}),
    Command("export", ("{tracker}", "--to", "{dir}/export"), {0: "tracker", "--to": "folder_out", "--format": "format",
                                                             "--as-of": "date", "--as": "email"}),
    Command("export", ("{tracker}", "--to", "{dir}/export", "--deidentify"), {"--key-file": "key_file"}),
    Command("google-access", (), {"--as": "email", "--registry": "registry"}),
    Command("google-login", ("--client-secret", "{dir}/client_secret.json"), {"--client-secret": "client_secret",
                                                                            "--token": "token_out"}),
]

_BAD_FILES = ("missing", "folder", "binary", "empty", "unreadable", "notes.txt/under_a_file")  # the last: a path through a file
WRONG: dict[str, tuple[str, ...]] = {
    "tracker": tuple(f"{kind}.xlsx" for kind in _BAD_FILES) + ("csv.xlsx", "toml.xlsx", "zip.xlsx", "plain.xlsx",
                                                               "notes.txt", "12345", "", " "),
    "registry": tuple(f"{kind}.toml" for kind in _BAD_FILES) + ("no_schools.toml", "bad_field.toml", "bad_toml.toml",
                                                                "schools_not_a_table.toml", "plain.xlsx"),
    "registry_out": ("folder.toml", "binary.toml", "unreadable.toml", "notes.txt/under_a_file.toml", "bad_field.toml",
                     "bad_toml.toml", "plain.xlsx"),
    "xlsx_out": ("folder.xlsx", "notes.txt/under_a_file.xlsx", "missing_folder/new.xlsx", "notes.txt", "binary.xlsx",
                 "empty.xlsx", "csv.xlsx", "unreadable.xlsx"),
    "file_out": ("folder.xlsx", "notes.txt/brief.html", "missing_folder/brief.html"),
    "brief_out": ("folder.xlsx", "notes.txt/brief.html"),  # a missing folder is made
    "folder_out": ("binary.xlsx", "notes.txt/demo", "/proc/walk"),
    "date": ("yesterday", "2026-13-01", "2026-02-30", "12/18/2026", ""),
    "year": ("2027", "2027-29", "2025-26", "next year", ""),
    "holidays": ("2027-13-01", "2027-11-26..2027-11-22", "thanksgiving", "2026-11-26"),
    "count": ("abc", "-2", "1.5", "1e999", ""),
    "seconds": ("soon", "-5", "0", "nan", "inf", "1e999", ""),
    "port": ("http", "0", "-1", "65536", "80.5", ""),
    "rubric": ("marzano", "", "LEAP "),
    "backend": ("sheets", ""),
    "email": ("not-an-email", "ana@school", "", "a b@c.org"),
    "name": ("", "   "),
    "domain": ("", "not a domain", "ana@district.org", "https://district.org"),
    "format": ("xls", "", "CSV "),
    "key_file": ("missing.key", "folder.xlsx", "empty.xlsx", "unreadable.xlsx", "notes.txt/key"),
    "client_secret": ("missing.json", "folder.xlsx", "binary.xlsx", "empty.xlsx", "unreadable.xlsx", "toml.xlsx", "notes.txt"),
    "token_out": ("folder.xlsx", "notes.txt/token.json"),  # refused before Google's sign-in page opens
}
FILE_KINDS = {"tracker", "registry", "registry_out", "xlsx_out", "file_out", "brief_out", "folder_out", "key_file",
              "client_secret", "token_out"}
CLASS_NAME = re.compile(r"\b(?:[A-Z][a-z]+){2,}(?:Error|Exception|Found|File|Locked)\b|\bKeyError\b|\bValueError\b")


def cases() -> list[tuple[Command, str | int, str]]:
    return [(command, slot, wrong) for command in COMMANDS for slot, kind in command.slots.items() for wrong in WRONG[kind]]


def _case_id(case) -> str:
    command, slot, wrong = case
    return f"{command.name} {slot}={wrong!r}"


@pytest.fixture(scope="module")
def walk_inputs(tmp_path_factory) -> Path:
    """A folder of good and bad inputs: one valid tracker and registry, and every wrong file of WRONG."""
    folder = tmp_path_factory.mktemp("walk")
    runner = CliRunner()
    made = runner.invoke(app, ["provision", "--school", "Walk Tracker", "--out", str(folder / "tracker.xlsx"),
                               "--registry", str(folder / "district.toml")])
    assert made.exit_code == 0, made.output
    for suffix in (".xlsx", ".toml"):
        (folder / f"folder{suffix}").mkdir()
        (folder / f"binary{suffix}").write_bytes(bytes(range(256)) * 8)
        (folder / f"empty{suffix}").write_bytes(b"")
        unreadable = folder / f"unreadable{suffix}"
        if os.geteuid() == 0:  # root reads a mode-000 file; /proc/self/mem refuses every read, even root's
            unreadable.symlink_to("/proc/self/mem")
        else:
            unreadable.write_text("x")
            unreadable.chmod(0)
    (folder / "notes.txt").write_text("just text\n")
    (folder / "client_secret.json").write_text(json.dumps({"installed": {  # an OAuth client's shape; never used here
        "client_id": "1-walk.apps.googleusercontent.com", "client_secret": "GOCSPX-walk", "redirect_uris": ["http://localhost"],
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token"}}))
    (folder / "csv.xlsx").write_text("Teacher,Team\nAna Lopez,Team A\n")
    (folder / "toml.xlsx").write_text('[schools."A"]\nbackend = "xlsx"\n')
    import zipfile

    with zipfile.ZipFile(folder / "zip.xlsx", "w") as archive:
        archive.writestr("readme.txt", "a zip, not a workbook")
    openpyxl.Workbook().save(folder / "plain.xlsx")
    (folder / "no_schools.toml").write_text('[district]\nname = "Empty District"\n')
    (folder / "bad_field.toml").write_text('[schools."A"]\nbackend = "xlsx"\nlocation = "a.xlsx"\nsync = { start = "7:00" }\n')
    (folder / "bad_toml.toml").write_text('[schools."A"\nbackend = xlsx\n')
    (folder / "schools_not_a_table.toml").write_text("schools = 3\n")
    return folder


@pytest.fixture
def inputs(walk_inputs, tmp_path) -> Path:
    """A fresh copy of the inputs for each case, so a case that wrongly succeeds cannot change the next one."""
    import shutil

    return Path(shutil.copytree(walk_inputs, tmp_path / "inputs", symlinks=True))


@pytest.fixture(autouse=True)
def no_hang():
    """A case that wrongly starts `serve` for real would wait forever: end the worker with a traceback instead."""
    import faulthandler

    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def call_args(command: Command, slot: str | int, wrong: str, folder: Path) -> list[str]:
    fill = {"{tracker}": str(folder / "tracker.xlsx"), "{registry}": str(folder / "district.toml"), "{dir}": str(folder)}
    args = [fill.get(arg, arg).replace("{dir}", str(folder)) for arg in command.args]
    value = str(folder / wrong) if command.slots[slot] in FILE_KINDS and wrong.strip() and not wrong.startswith("/") \
        and not wrong.isdigit() else wrong
    if isinstance(slot, int):
        args[slot] = value
    elif slot in args:
        args[args.index(slot) + 1] = value
    else:
        args += [slot, value]
    return [command.name, *args]


def assert_one_clear_line(result) -> str:
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("Error: ") and len(line) > len("Error: ") + 10, line
    assert "failed unexpectedly" not in line, line  # each wrong input has its own message, not the last guard's
    assert not CLASS_NAME.search(line.removeprefix("Error: ")), line
    assert result.exit_code in (2, 3), (result.exit_code, line)
    return line


@pytest.fixture
def no_google(monkeypatch):
    for name in ("TRACKER_SYNC_GOOGLE_CREDENTIALS", "TRACKER_SYNC_GOOGLE_API_BASE", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_TOKEN", "/nonexistent/tracker-sync/google-token.json")  # no one's sign-in
    monkeypatch.setenv("NO_GCE_CHECK", "True")  # google-auth must not probe a metadata server


@pytest.mark.parametrize("case", cases(), ids=_case_id)
def test_a_wrong_input_is_one_clear_line(case, inputs, no_google):
    command, slot, wrong = case
    before = (inputs / "tracker.xlsx").read_bytes(), (inputs / "district.toml").read_bytes()
    result = CliRunner().invoke(app, call_args(command, slot, wrong, inputs))
    assert_one_clear_line(result)
    assert ((inputs / "tracker.xlsx").read_bytes(), (inputs / "district.toml").read_bytes()) == before  # nothing was changed


@pytest.mark.parametrize("args", [
    ["sync"], ["sync-all"], ["status"], ["serve"], ["provision", "--out"], ["sync", "a.xlsx", "b.xlsx"],
    ["sink", "a.xlsx"], ["--bogus"], *[[command.name, "--bogus"] for command in COMMANDS],
], ids=" ".join)
def test_usage_mistakes_are_one_clear_line(args, no_google):
    assert_one_clear_line(CliRunner().invoke(app, args))


def test_the_walk_covers_every_command_and_option():
    import typer.main

    group = typer.main.get_command(app)
    walked = {command.name for command in COMMANDS}
    assert walked == set(group.commands), "add the new command to COMMANDS"
    for name, command in group.commands.items():
        options = {opt for param in command.params for opt in param.opts if param.param_type_name == "option"}
        takes_values = {opt for param in command.params if param.param_type_name == "option" and not param.is_flag
                        for opt in param.opts}
        slots = {slot for c in COMMANDS if c.name == name for slot in c.slots if isinstance(slot, str)}
        unwalked = takes_values - slots - {"--folder"}  # a Drive folder id is any text: nothing to get wrong offline
        assert not unwalked, f"{name}: give {sorted(unwalked)} a kind in COMMANDS"
        assert slots <= options
    print(f"\nCLI walk: {len(COMMANDS)} command calls × their inputs = {len(cases())} wrong inputs")
