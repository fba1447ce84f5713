"""Every command explains itself and shows an example."""

import pytest
import typer

from exportkit.cli import app
from tests.conftest import ok


def _commands(group, prefix=()):
    context = typer.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
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


def test_root_help_lists_every_command_as_typer_would_without_building_it():
    # `exportkit --help` reads names and help texts only (cli/lazy.py); its listing must be
    # the one Typer prints from the built commands
    from typer import _click as click
    from typer.core import TyperGroup

    root = typer.main.get_command(app)
    context = typer.Context(root)
    fresh = type(root)(name="exportkit", commands={})
    lazy = click.HelpFormatter(width=90)
    fresh.format_commands(context, lazy)
    assert fresh.commands == {}  # listing built nothing
    built = {name: root.get_command(context, name) for name in root.list_commands(context)}
    eager = click.HelpFormatter(width=90)
    TyperGroup(name="exportkit", commands=built).format_commands(context, eager)
    assert lazy.getvalue() == eager.getvalue()
    assert len(built) == 11 and all(f"  {name} " in lazy.getvalue() for name in built)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_each_listed_summary_is_the_first_line_of_its_commands_help(lang):
    # the root listing reads a summary per command so as not to import the command
    # modules; it must say what the command's own help says, in either language
    import inspect

    from exportkit.cli import Commands
    from exportkit.i18n import _, set_language

    set_language(lang)
    try:
        for name, entry in Commands.entries.items():
            summary, found = entry.summary, entry.load()
            source = (found.info.help if isinstance(found, typer.Typer)
                      else inspect.cleandoc(found.__doc__))
            assert summary == source.split("\n\n")[0].replace("\n", " "), name
            assert _(summary) == _(source).split("\n\n")[0].replace("\n", " "), name
    finally:
        set_language("en")


def test_help_loads_neither_the_registry_nor_rich():
    import subprocess
    import sys

    code = ("import sys; sys.argv = ['exportkit', '--help']\n"
            "from exportkit.launch import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('sqlmodel', 'rich', 'openpyxl', 'babel') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("typo, meant", [("scroe", "score"), ("reprot", "report"),
                                         ("enrol", "enroll")])
def test_a_mistyped_command_gets_a_suggestion(typo, meant):
    from tests.conftest import invoke

    result = invoke(typo)
    assert result.exit_code == 2
    assert f"No such command '{typo}'. Did you mean '{meant}'?" in result.stderr
