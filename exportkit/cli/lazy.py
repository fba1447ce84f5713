"""The root command group: a command is built only when it is run or its help is asked for.

Typer builds a command by reading its function's signature and every option; for the ~40
commands that is a third of `exportkit --help`'s start-up. The root help needs only each
command's name and the first line of its help, so those are all it reads.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from difflib import get_close_matches
from gettext import gettext

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from exportkit.cli.common import command
from exportkit.i18n import _

Build = Callable[[], click.Command]


class LazyGroup(TyperGroup):
    """Commands registered as (help text, builder); each is built once, when first needed.
    A subclass lists them in `entries`."""

    entries: dict[str, tuple[str, Build]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(n for n in self.entries if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.entries:
            self.commands[cmd_name] = self.entries[cmd_name][1]()
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as error:
            # Typer suggests from the commands built so far; here that is none of them, so
            # suggest from every name, worded as Typer words it ("Did you mean 'score'?").
            if self.suggest_commands and args and not get_close_matches(args[0],
                                                                        list(self.commands)):
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    error.message = (f"{error.message.rstrip('.')}. Did you mean "
                                     f"{', '.join(repr(m) for m in matches)}?")
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        # a bare TyperCommand shortens a help text exactly as the built command would
        rows = [(n, TyperCommand(n, help=self._help(n)).get_short_help_str(limit))
                for n in names]
        with formatter.section(gettext("Commands")):  # as Typer words it
            formatter.write_dl(rows)

    def _help(self, name: str) -> str:
        if name in self.commands:
            return self.commands[name].help or ""
        return self.entries[name][0]


def lazy_command(name: str, func: Callable, settings: dict) -> tuple[str, Build]:
    """A function command: its docstring, translated, is the help (as `common.command`)."""
    return _(inspect.cleandoc(func.__doc__ or "")), _builder(
        name, settings, lambda holder: command(holder, name)(func))


def lazy_group(name: str, app: typer.Typer, settings: dict) -> tuple[str, Build]:
    """A group of subcommands (`report`, `db`, ...), from its own Typer."""
    return app.info.help or "", _builder(name, settings,
                                         lambda holder: holder.add_typer(app, name=name))


def _builder(name: str, settings: dict, register: Callable[[typer.Typer], object]) -> Build:
    # Registered on a Typer with the root's settings, so it is built exactly as if it had
    # been registered on the root (markup mode, exceptions) and nothing else is built.
    def build() -> click.Command:
        holder = typer.Typer(**settings)
        register(holder)
        return typer.main.get_group(holder).commands[name]

    return build
