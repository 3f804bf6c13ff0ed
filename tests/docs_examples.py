"""The command examples of the documentation, read from its pages, run, and compared with what they show.

The conventions (docs/contributing.md says the same for people writing pages):

- A ```` ```console ```` block is an example: each line starting with ``$ `` is a command (a line ending in
  ``\\`` goes on to the next), and the lines after it, up to the next command, are what it prints
  (stdout and stderr together). Every ``console`` block of a page runs, in page order, in one shell, in a
  fresh empty folder: a page's later commands see the files, ``cd`` and ``export`` of its earlier ones.
- A block with a title that is a file name (```` ```toml title="district.toml" ````) is written to that file
  at its place in the page, before the commands after it run.
- A page asks for a starting point with an HTML comment, ``<!-- test: demo, google-fake -->``:
  ``demo`` puts the demo tracker in the folder first (as ``tracker-sync demo`` leaves it; one build is
  copied to every page); ``google-fake`` runs a Google fake for the page and points tracker-sync at it
  (``TRACKER_SYNC_GOOGLE_API_BASE``, ``TRACKER_SYNC_GOOGLE_CREDENTIALS``), whose spreadsheet ids are the
  same on every run, so a page can show them and use them in later commands; its service account manages
  a shared drive, ``0AFb7mJmIeGFXUk9PVA`` (a service account owns no Drive storage: ``provision --folder``).
  ``own-test``: the page's examples are run by a test of its own (which names the page), not here.
- In shown output, ``...`` stands for any text within a line, and a line that is only ``...`` for any
  number of lines. Parts that change from run to run are compared loosely without it: durations
  (``0.38 s``, ``"duration_s": 0.534``, seconds in a table's last column) and clock times
  (``2026-12-01 16:01``, ``Tue 12-01 17:41``).
  Trailing spaces are ignored, and a run of spaces counts as one (a table's padding moves with them).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tracker_sync.testing.google_fake import GoogleFake

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>```+)(?P<lang>[\w-]*)(?P<attrs>[^\n]*)\n"
                   r"(?P<body>.*?)^(?P=indent)(?P=ticks)[ \t]*$", re.M | re.S)
DIRECTIVE = re.compile(r"<!--\s*test:\s*(?P<needs>[\w\s,-]+?)\s*(?:\([^)]*\))?\s*-->")  # a remark in (...) may follow
KNOWN_NEEDS = {"demo", "google-fake", "own-test"}
#: The shared drive a page's Google fake has, which its service account manages (provision --folder).
SHARED_DRIVE = "0AFb7mJmIeGFXUk9PVA"


@dataclass
class Command:
    text: str  # as typed after "$ ", continuation lines included
    shown: str  # the output the page shows
    line: int  # where the command is in the page (1-based)


@dataclass
class File:
    path: str
    text: str


@dataclass
class Page:
    path: Path
    needs: set[str] = field(default_factory=set)
    steps: list[Command | File] = field(default_factory=list)

    @property
    def commands(self) -> list[Command]:
        return [step for step in self.steps if isinstance(step, Command)]

    @property
    def name(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


def pages() -> list[Page]:
    """README.md and every page of the site, read."""
    return [read_page(path) for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]]


def read_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    page = Page(path)
    for directive in DIRECTIVE.finditer(text):
        page.needs |= {need.strip() for need in directive["needs"].split(",") if need.strip()}
    for block in FENCE.finditer(text):
        body = "\n".join(line.removeprefix(block["indent"]) for line in block["body"].splitlines())
        start = text.count("\n", 0, block.start()) + 2
        title = re.search(r'title="([^"]+)"', block["attrs"])
        if block["lang"] == "console":
            page.steps += console_commands(body, start)
        elif title and re.fullmatch(r"[\w./-]+\.\w+", title[1]):
            page.steps.append(File(title[1], body + "\n"))
    return page


def console_commands(body: str, first_line: int) -> list[Command]:
    commands: list[Command] = []
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        line, at = lines[index], first_line + index
        if not line.startswith("$ "):
            raise ValueError(f"line {at}: a console block's lines are '$ ' commands and their output; "
                             f"this one comes before any command: {line!r}")
        typed = [line[2:]]
        while typed[-1].endswith("\\") and index + 1 < len(lines):
            index += 1
            typed.append(lines[index])
        output = []
        while index + 1 < len(lines) and not lines[index + 1].startswith("$ "):
            index += 1
            output.append(lines[index])
        commands.append(Command("\n".join(typed), "\n".join(output), at))
        index += 1
    return commands


def loose_blocks(page: Page) -> list[str]:
    """Blocks other than console that show '$ ' commands (they would never be run: use console)."""
    text = page.path.read_text(encoding="utf-8")
    return [block["lang"] or "(no language)" for block in FENCE.finditer(text)
            if block["lang"] != "console" and re.search(r"^\s*\$ \S", block["body"], re.M)]


class SteadyGoogleFake(GoogleFake):
    """The Google fake with spreadsheet ids that are the same on every run, so a page can show them."""

    def __init__(self) -> None:
        super().__init__()
        self._spreadsheet_ids = random.Random(21)

    def _new_file_id(self) -> str:
        return "1" + "".join(self._spreadsheet_ids.choices(string.ascii_letters + string.digits + "-_", k=43))


def run_in_fresh_folder(page: Page, scratch: Path, demo: Path | None) -> list[str]:
    """Run the page's commands in an empty folder under ``scratch``, with what the page asks for."""
    folder = scratch / "work"
    folder.mkdir()
    env = shell_env(dict(os.environ))
    if "demo" in page.needs:
        assert demo is not None, f"{page.name} needs the demo tracker"
        shutil.copytree(demo, folder / "tracker-sync-demo")
    if "google-fake" not in page.needs:
        return run_page(page, folder, env)
    with SteadyGoogleFake() as fake:
        credentials = scratch / "fake-service-account.json"
        account = fake.service_account_info()
        credentials.write_text(json.dumps(account), encoding="utf-8")
        fake.add_shared_drive("Coaching trackers", {account["client_email"]: "fileOrganizer"}, drive_id=SHARED_DRIVE)
        env |= {"TRACKER_SYNC_GOOGLE_API_BASE": fake.base_url, "TRACKER_SYNC_GOOGLE_CREDENTIALS": str(credentials)}
        return run_page(page, folder, env)


def build_demo(folder: Path) -> Path:
    """``tracker-sync demo`` in ``folder``; returns the demo tracker's folder."""
    subprocess.run([sys.executable, "-m", "tracker_sync", "demo"], cwd=folder, env=shell_env(dict(os.environ)),
                   check=True, capture_output=True, timeout=300)
    return folder / "tracker-sync-demo"


def run_page(page: Page, folder: Path, env: dict[str, str], timeout: float = 600) -> list[str]:
    """Run the page's commands in order in ``folder`` (one shell); returns each command's output."""
    outputs = folder.parent / f"{folder.name}-outputs"
    outputs.mkdir()
    script = ["cd " + _quoted(str(folder))]
    number = 0
    for step in page.steps:
        if isinstance(step, File):
            script.append(f"cat > {_quoted(step.path)} <<'__DOCS_FILE__'\n{step.text}__DOCS_FILE__")
        else:
            script.append(f"{{ {step.text}\n}} > {_quoted(str(outputs / str(number)))} 2>&1 < /dev/null")
            number += 1
    script.append("kill $(jobs -p) 2>/dev/null; wait")
    subprocess.run(["bash", "-c", "\n".join(script)], env=env, timeout=timeout, check=False,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [(outputs / str(index)).read_text(encoding="utf-8", errors="replace") if (outputs / str(index)).exists()
            else "(the command did not run)" for index in range(number)]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def shell_env(base: dict[str, str]) -> dict[str, str]:
    """The environment a reader's shell has: this venv's commands first, output not sized to a terminal."""
    env = {key: value for key, value in base.items() if key not in ("COLUMNS", "LINES") and not key.startswith("TRACKER_SYNC_")}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    return env


# -- comparing what a command printed with what its page shows --

VOLATILE = [
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)? s\b"), "<N> s"),  # a duration: "in 0.38 s"
    (re.compile(r'("\w+_s"): \d+(?:\.\d+)?'), r"\1: <N>"),  # a duration in JSON: "duration_s": 0.534
    (re.compile(r"(?<=│ )\d+\.\d\d(?= +│$)", re.M), "<N>"),  # seconds in a table's last column (sync-all)
    (re.compile(r"\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[+-]\d\d:\d\d|Z)?"), "<TIME>"),
    (re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d-\d\d \d\d:\d\d\b"), "<TIME>"),
]


def normalised(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    # Runs of spaces count as one: a table's padding and a centred title move when a duration gets wider.
    return "\n".join(re.sub(r" {2,}", " ", line.rstrip()) for line in text.rstrip("\n").splitlines())


def matches(shown: str, printed: str) -> bool:
    """Whether a command's output is what its page shows (``...`` as wildcards, volatile parts loosely)."""
    pattern = ""
    for line in normalised(shown).splitlines():
        if line.strip() == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += r"[^\n]*?".join(re.escape(part) for part in line.split("...")) + r"\n"
    body = normalised(printed)
    return re.fullmatch(pattern, body + "\n" if body else "") is not None


def main(arguments: list[str]) -> None:
    """Print what each command of the given pages really prints, to write a page's outputs;
    with --fill, also write it into the page wherever the page shows only ``...``."""
    fill = "--fill" in arguments
    with tempfile.TemporaryDirectory() as scratch:
        demo = build_demo(Path(scratch))
        for number, path in enumerate(argument for argument in arguments if argument != "--fill"):
            page = read_page(Path(path).resolve())
            (Path(scratch) / str(number)).mkdir()
            printed = run_in_fresh_folder(page, Path(scratch) / str(number), demo)
            text = page.path.read_text(encoding="utf-8")
            for command, output in zip(page.commands, printed, strict=True):
                mark = "same as shown" if matches(command.shown, output) else "DIFFERS from the page"
                output = "\n".join(line.rstrip() for line in output.rstrip("\n").splitlines())
                print(f"--- {page.name}:{command.line} ({mark})\n$ {command.text}\n{output}")
                if fill and command.shown.strip() == "...":
                    text = text.replace(f"$ {command.text}\n...\n", f"$ {command.text}\n{output}\n", 1)
            if fill:
                page.path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
