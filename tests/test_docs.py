"""The README documents every CLI command, its Quickstart is what CI runs, and the outputs it shows are real."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import typer.main

from tracker_sync.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_has_a_readme_section_and_an_example_in_its_help():
    group = typer.main.get_command(app)
    pages = README + "".join(page.read_text(encoding="utf-8") for page in sorted((ROOT / "docs").rglob("*.md")))
    for name, command in group.commands.items():
        assert re.search(rf"^#+ .*`tracker-sync {re.escape(name)}[ `]", pages, re.M), f"README/docs have no section for '{name}'"
        assert "Example" in (command.help or ""), f"'tracker-sync {name} --help' has no example"


def test_every_command_has_json_output():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert any("--json" in param.opts for param in command.params), f"'{name}' lacks --json"


def test_ci_runs_the_readme_test_command():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quickstart, re.S)[0].strip().splitlines()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
    install = commands[0].split("&&")[1].strip()
    assert install in ci


def _readme_block(after: str) -> str:
    """The console lines the README shows right after the line ``after`` (up to the block's end)."""
    return README.split(after + "\n", 1)[1].split("```", 1)[0]


def test_the_readme_shows_what_the_demo_validate_and_export_really_print(tmp_path):
    """The README's demo, validate and export outputs are today's (only the time a sync took may differ), so a
    change that moves a count or a message also moves the README."""
    piped = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}  # as the README's output was made
    demo = subprocess.run([sys.executable, "-m", "tracker_sync", "demo"], cwd=tmp_path, env=piped, capture_output=True,
                          text=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    took = re.compile(r" in \d+\.\d+ s\b")
    assert took.sub(" in ... s", demo.stdout) == took.sub(" in ... s", _readme_block("$ tracker-sync demo"))

    command = "tracker-sync validate tracker-sync-demo/cottonwood-community-school.xlsx --as-of 2026-12-18"
    validate = subprocess.run([sys.executable, "-m", "tracker_sync", *command.split()[1:]], cwd=tmp_path, env=piped,
                              capture_output=True, text=True, timeout=120)
    assert validate.returncode == 1  # the demo's ten planted mistakes
    shown = _readme_block(f"$ {command} > findings.txt; tail -13 findings.txt")
    assert validate.stdout.splitlines()[-13:] == shown.splitlines()

    command = ("tracker-sync export tracker-sync-demo/cottonwood-community-school.xlsx --to cottonwood-export --format jsonl "
               "--as-of 2026-12-18")
    export = subprocess.run([sys.executable, "-m", "tracker_sync", *command.split()[1:]], cwd=tmp_path, env=piped,
                            capture_output=True, text=True, timeout=120)
    assert export.returncode == 0, export.stderr
    shown_lines = _readme_block(f"$ {command}").splitlines()  # the README drops the title's trailing padding
    assert [line.rstrip() for line in export.stdout.splitlines()] == [line.rstrip() for line in shown_lines]
