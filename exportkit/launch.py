"""The `exportkit` console script: `exportkit --version` is answered before Typer and the
command modules load (they are most of the start-up time); everything else goes to the
Typer app."""

from __future__ import annotations

import sys


def version_line() -> str:
    from exportkit import __version__

    return f"exportkit {__version__}"


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(version_line() + "\n")
        return
    from exportkit.cli import main as run

    run()
