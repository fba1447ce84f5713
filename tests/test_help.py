"""Every command explains itself and shows an example."""

import pytest
import typer

from exportkit.cli import app
from tests.conftest import ok


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path, command


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_there_are_commands():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"enroll", "list", "template", "demo", "db info", "add business",
            "rates set"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_help_has_a_description_and_an_example(path):
    result = ok(*path, "--help")
    assert "Example: exportkit " + path[0] in result.stdout


def test_version_is_answered_before_typer_loads():
    # the console script answers --version without Typer or the registry (start-up target)
    import subprocess
    import sys

    code = ("import sys; sys.argv = ['exportkit', '--version']; from exportkit.launch import "
            "main; main(); print(sorted(m for m in ('typer', 'sqlmodel', 'rich') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    from exportkit import __version__

    assert done.stdout.splitlines() == [f"exportkit {__version__}", "[]"]
