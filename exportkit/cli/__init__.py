"""The `exportkit` command: a thin layer that parses, calls the core and renders.

Command modules import the core inside their functions, so `exportkit --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from exportkit import __version__
from exportkit.cli import add, db, demo, enroll, listing, rates, report, rules, score, template
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


# Modules are imported whole (not their functions) so `exportkit.cli.enroll` stays the module.
# Modules are imported whole, so `exportkit.cli.enroll` stays the module, not a function.
app.command("enroll")(enroll.enroll)
app.command("list")(listing.list_command)
app.command("template")(template.template)
app.command("score")(score.score)
app.command("demo")(demo.demo)
app.add_typer(add.app, name="add")
app.add_typer(db.app, name="db")
app.add_typer(rates.app, name="rates")
app.add_typer(report.app, name="report")
app.add_typer(rules.rubric_app, name="rubric")
app.add_typer(rules.markets_app, name="markets")


def main() -> None:
    app()
