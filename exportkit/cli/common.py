"""What every command shares: consoles, error handling, progress, table output."""

from __future__ import annotations

import functools
import inspect
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from exportkit.errors import ExportkitError, InputRejected
from exportkit.i18n import _


class _LazyConsole:
    """A rich Console made on first use: importing rich costs start-up time that
    `exportkit --help` and `--version` never need."""

    def __init__(self, **options):
        self._options = options
        self._console = None

    def __getattr__(self, name):
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


console = _LazyConsole(soft_wrap=True)
errors = _LazyConsole(stderr=True, soft_wrap=True)

MAX_PROBLEMS_SHOWN = 50


def fail(message: str, code: int = 1) -> None:
    from rich.text import Text

    # The message holds user text (headers, values): never read it as markup.
    prefix = _("error")
    errors.print(Text.assemble((f"{prefix}: ", "bold red"), message), highlight=False,
                 soft_wrap=True)
    raise typer.Exit(code)


def command(app: typer.Typer, name: str, **settings) -> Callable[[Callable], Callable]:
    """Registers a command under `name` with its docstring, translated, as the help.

    The docstrings of functions decorated with `handle_errors` are extracted into the
    catalogue (exportkit/i18n_catalog.py), so each help text has one source: the docstring.
    """

    def register(func: Callable) -> Callable:
        app.command(name, help=_(inspect.cleandoc(func.__doc__ or "")), **settings)(func)
        return func

    return register


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a service manager, a shut-down), raised where the command is, so it
    stops as Ctrl-C stops it: the write under way rolled back, a file being written left
    as it was, the worker processes stopped. Python's own default would end the process
    on the spot, leaving the hidden copy of a file being written behind. A Ctrl-C to
    libraries too: psycopg cancels the query under way only for one, and without that
    cancel the rollback after it fails (the connection still busy)."""


def _terminated(_signum, _frame) -> None:
    raise Terminated


def stop_on_sigterm() -> None:
    """SIGTERM raises Terminated in this (the main) thread from now on."""
    signal.signal(signal.SIGTERM, _terminated)


def handle_errors(command: Callable) -> Callable:
    """Turns the core's exceptions into a clear message and an exit code: no traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except BrokenPipeError:
            # the reader went away (`exportkit list ... | head`): stop quietly, as CLIs do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        except InputRejected as exc:
            for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
                errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
            hidden = exc.total - min(len(exc.problems), MAX_PROBLEMS_SHOWN)
            if hidden > 0:
                errors.print(_("... and {n} more problem(s)").format(n=hidden), markup=False)
            fail(str(exc), exc.exit_code)
        except ExportkitError as exc:
            fail(str(exc), exc.exit_code)
        except SQLAlchemyError as exc:
            from exportkit.registry.engine import busy_error, is_busy

            if is_busy(exc):
                fail(str(busy_error()))
            reason = getattr(exc, "orig", None) or exc
            fail(_("the registry failed: {reason}").format(reason=str(reason).splitlines()[0]))
        except OSError as exc:
            fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
        except Terminated:  # before KeyboardInterrupt, which it is
            fail(_("stopped (SIGTERM); nothing more was written"), 143)
        except KeyboardInterrupt:
            fail(_("interrupted; nothing more was written"), 130)
        except Exception as exc:  # a bug: one line, the traceback on request
            if os.environ.get("EXPORTKIT_DEBUG"):
                raise
            fail(_("internal error ({kind}: {exc}); run again with EXPORTKIT_DEBUG=1 for "
                   "details and report it").format(kind=type(exc).__name__, exc=exc))

    return wrapper


def progress_factory():
    """A progress bar per file on a terminal; nothing when output is piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                        console=errors, transient=True)
    progress.start()

    def factory(label: str, total: int | None):
        task = progress.add_task(Path(label).name, total=total)
        return lambda n: progress.advance(task, n)

    factory.stop = progress.stop  # type: ignore[attr-defined]
    return factory


def print_table(table, *, title: bool = True) -> None:
    """A rich table on a terminal; plain aligned text, never wrapped, when piped."""
    from exportkit.i18n import current_language

    cells = list(table.formatted_rows(current_language()))  # read twice: widths, lines
    if not console.is_terminal:
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(table.columns)]
        lines = [table.title] if title and table.title else []
        for row in [table.columns, *cells]:
            lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        sys.stdout.write("\n".join(lines) + "\n")
        return
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    # Text, not str: a business named "[bold]" is shown as typed, not read as markup.
    rich_table = RichTable(title=Text(table.title) if title else None, box=box.SIMPLE_HEAD)
    for column in table.columns:
        rich_table.add_column(Text(column), overflow="fold")
    for row in cells:
        rich_table.add_row(*(Text(c) for c in row))
    console.print(rich_table)


def emit(tables, fmt: str, output: Path | None, title: str | None = None,
         charts=None, notes=None) -> None:
    """Writes a report (or a list of tables) in a file format to -o FILE, or stdout."""
    from exportkit.i18n import current_language
    from exportkit.reports.formats import Report

    report = tables if isinstance(tables, Report) else Report(
        title or tables[0].title, list(tables), list(charts or ()), current_language(),
        list(notes or ()))
    if fmt == "table":
        if output:
            fail(_("--output needs a file format: --format csv, json, xlsx, md or html"), 2)
        for note in report.notes:
            console.print(note, markup=False, highlight=False)
        for table in report.tables:
            print_table(table)
        return
    from exportkit.files import written_whole
    from exportkit.reports.formats import BINARY_FORMATS, writer

    write = writer(fmt)
    if output:
        # a table's rows may stream from the registry: written as they come, into a file
        # that takes its name only once complete
        with written_whole(output, binary=fmt in BINARY_FORMATS,
                           encoding="utf-8-sig" if fmt == "csv" else "utf-8") as out:
            write(report, out)
        errors.print(_("written: {path}").format(path=output), markup=False)
    elif fmt in BINARY_FORMATS:
        fail(_("{fmt} is a binary format: write it to a file with -o FILE").format(
            fmt=fmt), 2)
    else:
        write(report, sys.stdout)
