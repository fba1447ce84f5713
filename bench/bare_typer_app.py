"""A bare typer app with three commands: the start-up baseline for `exportkit --help`.

Same typer settings as exportkit's app (no completion, no rich markup), nothing imported
beyond typer, so the difference in start-up time is what exportkit itself adds.

    python bench/bare_typer_app.py --help
    python bench/bare_typer_app.py --version
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="bare",
    help="A bare typer app: the start-up baseline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo("bare 0.0.0")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """A bare typer app: the start-up baseline."""


@app.command()
def enroll(files: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """Pretend to enroll files."""
    typer.echo(f"enroll {files}")


@app.command()
def score(all_products: Annotated[bool, typer.Option("--all")] = False) -> None:
    """Pretend to score."""
    typer.echo(f"score {all_products}")


@app.command("list")
def list_command(what: str) -> None:
    """Pretend to list."""
    typer.echo(f"list {what}")


if __name__ == "__main__":
    app()
