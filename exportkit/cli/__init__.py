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

from exportkit.cli.lazy import Entry, LazyGroup  # noqa: E402  (after the language is set)
from exportkit.i18n import N_  # noqa: E402

SETTINGS = {"pretty_exceptions_enable": False, "add_completion": False,
            "rich_markup_mode": None}


class Commands(LazyGroup):
    """Built when run or asked for (cli/lazy.py); `exportkit --help` lists them in order
    from the first line of each one's help, without importing the command modules. A test
    holds each line to the command's own help, in both languages."""

    settings = SETTINGS
    entries = {
        "enroll": Entry("exportkit.cli.enroll:enroll", N_(
            "Enroll businesses, products, certificates, export records and rates.")),
        "list": Entry("exportkit.cli.listing:list_command", N_(
            "List businesses, products, certificates or export records.")),
        "template": Entry("exportkit.cli.template:template", N_(
            "Write blank templates for officers to hand to businesses.")),
        "score": Entry("exportkit.cli.score:score", N_(
            "Score export readiness: packaging, certificates, shelf life, company, market "
            "fit.")),
        "demo": Entry("exportkit.cli.demo:demo", N_(
            "Build a registry from the sample files, score every product, print the "
            "shortlist.")),
        "add": Entry("exportkit.cli.add:app", N_(
            "Add or update one record from flags (for scripts).")),
        "db": Entry("exportkit.cli.db:app", N_(
            "The registry database: location, schema, contents.")),
        "rates": Entry("exportkit.cli.rates:app", N_(
            "Exchange rates used to convert export values.")),
        "report": Entry("exportkit.cli.report:app", N_(
            "Reports for programme committees, trade missions and the regent.")),
        "rubric": Entry("exportkit.cli.rules:rubric_app", N_(
            "The readiness rubric: dimensions, weights, criteria, sources.")),
        "markets": Entry("exportkit.cli.rules:markets_app", N_(
            "Destination market rules and their coverage.")),
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
    from exportkit.cli.common import Terminated, stop_on_sigterm

    stop_on_sigterm()
    try:
        app()
    except Terminated:  # before Typer takes it (it ends a parse with 130): quietly
        sys.exit(143)
