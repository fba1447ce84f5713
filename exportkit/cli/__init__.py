"""The `exportkit` command: a thin layer that parses, calls the core and renders.

Command modules import the core inside their functions, so `exportkit --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from exportkit import __version__
from exportkit.cli import add, db, rates, report
from exportkit.cli.demo import demo
from exportkit.cli.enroll import enroll
from exportkit.cli.listing import list_command
from exportkit.cli.rules import markets_app, rubric_app
from exportkit.cli.score import score
from exportkit.cli.template import template
from exportkit.i18n import _, detect_language, set_language

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
        typer.echo(f"exportkit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Interface language: id or en (default: EXPORTKIT_LANG, then the "
                       "locale).")] = None,
) -> None:
    """Get small businesses ready to export: registry, readiness scores and reports."""
    set_language(detect_language(lang))


app.command("enroll")(enroll)
app.command("list")(list_command)
app.command("template")(template)
app.command("score")(score)
app.command("demo")(demo)
app.add_typer(add.app, name="add")
app.add_typer(db.app, name="db")
app.add_typer(rates.app, name="rates")
app.add_typer(report.app, name="report")
app.add_typer(rubric_app, name="rubric")
app.add_typer(markets_app, name="markets")


def main() -> None:
    app()
