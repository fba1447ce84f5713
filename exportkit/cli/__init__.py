"""The `exportkit` command: a thin layer that parses, calls the core and renders.

Command modules import the core inside their functions, so `exportkit --help` stays fast.
Typer builds help texts when the command modules are imported, so the interface language
is chosen first, from `--lang` in the arguments, EXPORTKIT_LANG or the locale.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from exportkit.i18n import _, detect_language, language_from_argv, set_language
from exportkit.launch import version_line

set_language(detect_language(language_from_argv(sys.argv[1:])))

# Modules are imported whole, so `exportkit.cli.enroll` stays the module, not a function.
from exportkit.cli import (  # noqa: E402  (after the language is set)
    add,
    db,
    demo,
    enroll,
    listing,
    rates,
    report,
    rules,
    score,
    template,
)
from exportkit.cli.lazy import LazyGroup, lazy_command, lazy_group  # noqa: E402

SETTINGS = {"pretty_exceptions_enable": False, "add_completion": False,
            "rich_markup_mode": None}


class Commands(LazyGroup):
    """Built when run or asked for (cli/lazy.py); `exportkit --help` lists them in order."""

    entries = {
        "enroll": lazy_command("enroll", enroll.enroll, SETTINGS),
        "list": lazy_command("list", listing.list_command, SETTINGS),
        "template": lazy_command("template", template.template, SETTINGS),
        "score": lazy_command("score", score.score, SETTINGS),
        "demo": lazy_command("demo", demo.demo, SETTINGS),
        "add": lazy_group("add", add.app, SETTINGS),
        "db": lazy_group("db", db.app, SETTINGS),
        "rates": lazy_group("rates", rates.app, SETTINGS),
        "report": lazy_group("report", report.app, SETTINGS),
        "rubric": lazy_group("rubric", rules.rubric_app, SETTINGS),
        "markets": lazy_group("markets", rules.markets_app, SETTINGS),
    }


app = typer.Typer(
    name="exportkit",
    help=_("Get small businesses ready to export: registry, readiness scores and reports."),
    no_args_is_help=True,
    cls=Commands,
    **SETTINGS,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help=_("Show the version and exit."))] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", help=_("Interface language: id or en (default: EXPORTKIT_LANG, then the "
                         "locale)."))] = None,
) -> None:
    # The help of the root command is the Typer's help above.
    set_language(detect_language(lang))




def main() -> None:
    app()
