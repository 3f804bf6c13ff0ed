"""Reading a docs page that has a test of its own (google-setup, teacher-pages): its console steps and
browser actions in order, and the made-up parts of an output (ids, today, timings) as placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPREADSHEET_ID = re.compile(r"(?<=/spreadsheets/d/)[A-Za-z0-9_-]{20,}(?=/)")
MADE_UP = [  # what is new each time (ids Google makes up, today, timings), as the page shows it -> one placeholder
    (SPREADSHEET_ID, "<id>"),
    (re.compile(r"(?<=/forms/d/e/)[A-Za-z0-9_-]{20,}(?=/)"), "<id>"),
    (re.compile(r", as of \d{4}-\d{2}-\d{2}$", re.M), ", as of <today>"),
    (re.compile(r"https://accounts\.google\.com/o/oauth2/auth\?\S+"), "<Google's sign-in page>"),
    (re.compile(r" in \d+\.\d+ s\b"), " in <n> s"),
]


@dataclass
class Step:
    command: str = ""  # a shell command (the page's `$ ` line and its continuations)
    shown: str = ""  # the output the page shows under it
    action: str = ""  # or: what the reader does in a browser (a google-fake comment)


def steps(text: str) -> list[Step]:
    """The page's commands with their outputs, and its google-fake actions, in the order the page gives them."""
    found: list[Step] = []
    in_console, heredoc = False, None
    for line in text.splitlines():
        if not in_console:
            if match := re.fullmatch(r"\s*<!-- google-fake: (.+?) -->\s*", line):
                found.append(Step(action=match[1]))
            in_console = line.strip() == "```console"
            continue
        if line.strip() == "```":
            in_console = False
        elif heredoc is not None or (found and found[-1].command.endswith("\\") and not found[-1].shown):
            found[-1].command += "\n" + line
            heredoc = None if line == heredoc else heredoc
        elif line.startswith("$ "):
            found.append(Step(command=line[2:]))
            if match := re.search(r"<<'(\w+)'", line):
                heredoc = match[1]
        else:
            found[-1].shown += line + "\n"
    return found


def made_up(text: str) -> str:
    for pattern, placeholder in MADE_UP:
        text = pattern.sub(placeholder, text)
    return text
