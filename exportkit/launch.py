"""The `exportkit` console script: `exportkit --version` is answered before Typer and the
command modules load (they are most of the start-up time); everything else goes to the
Typer app."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from exportkit import __version__

        sys.stdout.write(f"exportkit {__version__}\n")
        return
    from exportkit.cli import main as run

    run()
