"""The README documents every CLI command, and its Quickstart is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from tracker_sync.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_has_a_readme_section_and_an_example_in_its_help():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert re.search(rf"^#+ .*`tracker-sync {re.escape(name)}[ `]", README, re.M), f"README has no section for '{name}'"
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
