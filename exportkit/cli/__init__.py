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
from exportkit.cli.common import command  # noqa: E402

app = typer.Typer(
    name="exportkit",
    help=_("Get small businesses ready to export: registry, readiness scores and reports."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
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


command(app, "enroll")(enroll.enroll)
command(app, "list")(listing.list_command)
command(app, "template")(template.template)
command(app, "score")(score.score)
command(app, "demo")(demo.demo)
app.add_typer(add.app, name="add")
app.add_typer(db.app, name="db")
app.add_typer(rates.app, name="rates")
app.add_typer(report.app, name="report")
app.add_typer(rules.rubric_app, name="rubric")
app.add_typer(rules.markets_app, name="markets")


def main() -> None:
    app()
