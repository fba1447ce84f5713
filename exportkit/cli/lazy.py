"""The root command group: a command is built only when it is run or its help is asked for.

Typer builds a command by reading its function's signature and every option; for the ~40
commands that was a third of `exportkit --help`'s start-up, and importing the command
modules another fifth. The root help needs only each command's name and the first line of
its help, so those are all it reads: the modules are imported when a command is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from difflib import get_close_matches
from gettext import gettext
from typing import NamedTuple

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from exportkit.i18n import _


class Entry(NamedTuple):
    target: str     # "module:attribute": a command function, or a Typer of subcommands
    summary: str    # the first line of its help, untranslated (N_)

    def load(self) -> Callable | typer.Typer:
        """The command function or Typer, its module imported."""
        module, attribute = self.target.split(":")
        return getattr(importlib.import_module(module), attribute)


class LazyGroup(TyperGroup):
    """Commands registered as entries; each is built once, when first needed. A subclass
    lists them in `entries` and gives the root's Typer settings in `settings`."""

    entries: dict[str, Entry] = {}
    settings: dict = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(n for n in self.entries if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.entries:
            self.commands[cmd_name] = self.build(cmd_name)
        return self.commands.get(cmd_name)

    def build(self, name: str) -> click.Command:
        """The command as Typer builds it, registered on a Typer with the root's settings,
        so it is built exactly as if it had been registered on the root (markup mode,
        exceptions) and nothing else is built."""
        from exportkit.cli.common import command

        target = self.entries[name].load()
        holder = typer.Typer(**self.settings)
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=name)
        else:
            command(holder, name)(target)
        return typer.main.get_group(holder).commands[name]

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
        return _(self.entries[name].summary)
