"""The documentation tells the truth: every command example on the site and in the README runs and prints
what its page shows, the generated reference pages are today's, and CI runs the README's Quickstart.

How examples are written and run: tests/docs_examples.py (and docs/contributing.md for page authors).
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path

import pytest
import typer.main
from docs_examples import KNOWN_NEEDS, ROOT, build_demo, loose_blocks, matches, normalised, pages, run_in_fresh_folder
from filelock import FileLock

from tracker_sync.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = pages()
RUN = [page for page in PAGES if page.commands and "own-test" not in page.needs]


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_command_has_an_example_in_its_help_and_json_output():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert "Example" in (command.help or ""), f"'tracker-sync {name} --help' has no example"
        assert any("--json" in param.opts for param in command.params), f"'{name}' lacks --json"


@pytest.mark.parametrize("path", sorted(_generator().pages()))
def test_the_generated_reference_pages_are_todays(path):
    """commands.md from the CLI, findings.md from FINDING_TYPES, norms.md from norms.toml: a change to those
    must come with `python docs/generate.py`, so the reference cannot drift."""
    committed = (ROOT / "docs" / path).read_text(encoding="utf-8")
    generated = _generator().pages()[path]
    diff = "\n".join(difflib.unified_diff(committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm=""))
    assert committed == generated, f"docs/{path} is out of date: run `python docs/generate.py`\n{diff[:3000]}"


def test_the_command_reference_lists_every_command_and_option():
    reference = (ROOT / "docs" / "reference" / "commands.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        section = reference.split(f"## tracker-sync {name}\n", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            if param.param_type_name == "option":
                assert f"`{param.opts[0]}" in section, f"{param.opts[0]} of {name} is not in the reference"


def test_ci_runs_the_readme_test_command():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quickstart, re.S)[0].strip().splitlines()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
    install = commands[0].split("&&")[1].strip()
    assert install in ci


def test_ci_builds_the_site_strictly():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^[^#\n]*mkdocs build --strict", ci, re.M), ".ci/run must build the documentation site with --strict"


def test_pages_follow_the_example_conventions():
    for page in PAGES:
        assert not loose_blocks(page), (f"{page.name}: '$ ' commands in a non-console block ({loose_blocks(page)}) "
                                        "are never run; use ```console")
        assert page.needs <= KNOWN_NEEDS, f"{page.name}: unknown test needs {page.needs - KNOWN_NEEDS}"
        if "own-test" in page.needs:
            tests = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("test_*.py"))
            assert page.path.name in tests, f"{page.name} says a test of its own runs its examples, but no test names it"


def test_the_readme_is_short_and_links_into_the_site():
    assert len(README.splitlines()) < 200
    for target in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / target).exists(), f"README links to {target}, which does not exist"


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory) -> Path:
    """One `tracker-sync demo`, built once for every page and worker that needs it (pages get copies)."""
    shared = tmp_path_factory.getbasetemp().parent / "docs-demo"
    with FileLock(str(shared) + ".lock"):
        if not (shared / "tracker-sync-demo").exists():
            shared.mkdir(exist_ok=True)
            build_demo(shared)
    return shared / "tracker-sync-demo"


@pytest.mark.parametrize("page", RUN, ids=[page.name for page in RUN])
def test_the_examples_print_what_the_page_shows(page, tmp_path, demo_folder):
    printed = run_in_fresh_folder(page, tmp_path, demo_folder if "demo" in page.needs else None)
    for command, output in zip(page.commands, printed, strict=True):
        if not matches(command.shown, output):
            pytest.fail(
                f"{page.name}:{command.line}: `{command.text}` printed something else than the page shows\n"
                + "\n".join(difflib.unified_diff(normalised(command.shown).splitlines(), normalised(output).splitlines(),
                                                 "shown", "printed", lineterm="")), pytrace=False)


def test_shown_output_matches_with_wildcards_and_loose_durations_only():
    assert matches("Wrote Summary in 0.38 s", "Wrote Summary in 12.5 s\n")
    assert matches("Demo tracker: ...\n...\nDone", "Demo tracker: a.xlsx\nline\nline\nDone\n")
    assert matches("│ a │ 2.47 │", "│ a │ 10.12 │")
    assert matches("", "")
    assert not matches("Findings: 10 errors", "Findings: 11 errors\n")
    assert not matches("", "Error: something\n")
    assert not matches("one\ntwo", "one\n")


def test_a_new_page_joins_its_folders_section_or_the_end():
    hooks = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(hooks)
    hooks.loader.exec_module(module)
    nav = [{"Home": "index.md"}, {"For district staff": ["district/index.md", "district/serve.md"]}]
    pages = ["index.md", "district/index.md", "district/serve.md", "district/google-setup.md", "faq.md"]
    assert module.with_unlisted_pages(nav, pages) == [
        {"Home": "index.md"}, {"For district staff": ["district/index.md", "district/serve.md", "district/google-setup.md"]},
        "faq.md"]
