"""The app every tracker-sync command registers on, and the conventions they share: output that stays
whole when piped, one-line errors (:class:`OneLineErrors`), the common options, --as-of and --json.

Each command module (:mod:`tracker_sync.cli.school`, :mod:`tracker_sync.cli.district`,
:mod:`tracker_sync.cli.report`) imports from here and nowhere else in the CLI, so they never import
each other in a loop.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from typing import Annotated

import typer
from rich.console import Console, ConsoleDimensions
from rich.text import Text
from typer.core import TyperGroup

from tracker_sync import __version__
from tracker_sync.errors import BackendError, ConfigError, TrackerSyncError

#: Width of output that goes to a file, a pipe or a cron log: wide enough that no line is ever cut.
PIPED_WIDTH = 10_000


class WholeLinesConsole(Console):
    """A rich console that cuts lines only on a terminal: piped or redirected output keeps whole lines.

    (Rich's default outside a terminal is 80 columns, which split a Google URL and cut table headers.)
    ``$COLUMNS`` still wins, as it does for rich.
    """

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if self._width is None and not self.is_terminal and not (self._environ.get("COLUMNS") or "").isdigit():
            return ConsoleDimensions(PIPED_WIDTH, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self.width, self.height = new_size  # as Console's own size setter does


console = WholeLinesConsole()
err_console = WholeLinesConsole(stderr=True)


def say(text: str) -> None:
    """One line of plain output (no rich markup, so a school called '[red]' prints as typed)."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class OneLineErrors(TyperGroup):
    """Every command's failures end as one line on stderr with exit 2 or 3, never a traceback.

    Usage mistakes that the option parser catches (a word where a number goes, a missing option)
    become ``Error: <what> (see `tracker-sync CMD --help`)`` and exit 2; tracker-sync's own errors are
    turned into lines by each command (:func:`fail`); anything else is a bug, and still one line
    (set TRACKER_SYNC_DEBUG=1 to see the traceback).
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            code = 130
        except typer.TyperException as exc:  # the option parser's usage errors (click's ClickException)
            context = getattr(exc, "ctx", None)
            where = f" (see `{context.command_path} --help`)" if context is not None else ""
            _error_line(_one_line(exc.format_message()) + where)
            code = 2
        except TrackerSyncError as exc:  # one a command did not catch itself (e.g. a missing extra, met on import)
            code = fail(exc).exit_code
        except Exception as exc:
            if os.environ.get("TRACKER_SYNC_DEBUG"):
                raise
            _error_line(f"tracker-sync failed unexpectedly ({_one_line(str(exc)) or 'no details'}). "
                        "Run it again with TRACKER_SYNC_DEBUG=1 to see where, and please report it.")
            code = 3
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    help="Keep a school's coaching tracker (observations, action steps, rubric scores, learning cycles) "
    "checked and summarised: validate every coach row, compute team patterns, write Summary, Patterns, "
    "Flags and Sync Log tabs back.\n\nExample: tracker-sync demo (a synthetic school's tracker, offline), then "
    "tracker-sync validate tracker-sync-demo/cottonwood-community-school.xlsx",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no <bool>/<str> type labels, and it stays whole when piped
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for machines instead of tables.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="YYYY-MM-DD",
                             help="Compute everything as of this date (default: today in the school's timezone).")
]
def _district_user(value: str | None) -> str | None:
    from tracker_sync.validate.cells import is_email

    if value is not None and not is_email(value):
        raise typer.BadParameter(f"'{value}' is not an email address: name the district user to act as, "
                                 "e.g. data-lead@district.org")
    return value


ActAsOption = Annotated[str | None, typer.Option(
    "--as", metavar="EMAIL", callback=_district_user, help="Google: act as this district user through domain-wide delegation "
    "(the service account's key with a subject); `tracker-sync google-access` prints what the Workspace admin grants.")]
# Hidden from the Arguments list only because this typer labels every argument with its Python type
# ("TRACKER <str>"); each command's help says what TRACKER is.
TrackerArg = Annotated[str, typer.Argument(metavar="TRACKER", hidden=True,
                                           help="Path to the tracker .xlsx file, or a Google Sheets URL or id.")]


@app.callback()
def _root(
    context: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)] = False,
) -> None:
    if version:
        say(f"tracker-sync {__version__}")
        raise typer.Exit(0)
    if context.invoked_subcommand is None:
        say(context.get_help())
        raise typer.Exit(0)
    _warnings_to_stderr()


class _WarningLine(logging.Handler):
    """The library's warnings (e.g. an as-of date outside the school year) as 'Warning: ...' lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        err_console.print(Text.assemble(("Warning: ", "bold yellow"), _one_line(record.getMessage())), soft_wrap=True)


def _warnings_to_stderr() -> None:
    library = logging.getLogger("tracker_sync")
    if not any(isinstance(handler, _WarningLine) for handler in library.handlers):
        handler = _WarningLine(logging.WARNING)
        library.addHandler(handler)


def parse_as_of(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} must be a date like 2026-12-18, not '{value}'.") from None


def _error_line(message: str) -> None:
    err_console.print(Text.assemble(("Error: ", "bold red"), message), soft_wrap=True)


def fail(exc: TrackerSyncError) -> typer.Exit:
    """Print the error as one line; exit 3 when the tracker could not be read or written, else 2."""
    _error_line(str(exc))
    return typer.Exit(3 if isinstance(exc, BackendError) else 2)


def print_json(data: dict) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
