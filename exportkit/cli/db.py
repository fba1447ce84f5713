"""`exportkit db`: where the registry is and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import command, console, errors, fail, handle_errors
from exportkit.cli.options import Db, Json
from exportkit.i18n import _
from exportkit.labels import label, labels

app = typer.Typer(help=_("The registry database: location, schema, contents."),
                  no_args_is_help=True)


@command(app, "info")
@handle_errors
def info(db: Db = None, as_json: Json = False) -> None:
    """Show where the registry is, its schema version and how many rows it holds.

    Example: exportkit db info --db ./jepara.db
    """
    from exportkit.registry import open_registry
    from exportkit.registry.info import registry_info

    details = registry_info(open_registry(db, must_exist=True))
    if as_json:
        import json

        console.print_json(json.dumps(vars(details)))
        return
    console.print(_("location: {location}").format(location=details.location), markup=False,
                  highlight=False)
    if details.journal_mode:
        console.print(_("backend: {backend} (journal: {journal})").format(
            backend=details.backend, journal=details.journal_mode), markup=False)
    else:
        console.print(_("backend: {backend}").format(backend=details.backend), markup=False)
    console.print(_("schema version: {version} (latest: {latest})").format(
        version=details.schema_version, latest=details.latest_schema), markup=False)
    for name, count in details.counts.items():
        console.print(f"{label(name)}: {count}", markup=False)


@command(app, "backup")
@handle_errors
def backup(file: Annotated[Path, typer.Argument(help=_("Where to write the copy."))],
           db: Db = None) -> None:
    """Copy a SQLite registry safely while it is in use (PostgreSQL: says how with pg_dump).

    Example: exportkit db backup backups/registry-2026-11-22.db
    """
    from exportkit.registry import open_registry
    from exportkit.registry.transfer import backup_sqlite

    backup_sqlite(open_registry(db, must_exist=True), file)
    console.print(_("backup written: {path}").format(path=file), markup=False)


@command(app, "export")
@handle_errors
def export(file: Annotated[Path, typer.Argument(help=_("The JSON file to write."))],
           db: Db = None) -> None:
    """Write the whole registry as JSON; `exportkit enroll FILE` reads it back unchanged.

    Contact persons, phones and e-mails are included: this is a copy of the registry, not
    a report. Keep it as you keep the registry.

    Example: exportkit db export jepara-2026.json
    """
    from exportkit.registry import open_registry
    from exportkit.registry.migrations import LATEST
    from exportkit.registry.transfer import export_json

    counts = export_json(open_registry(db, must_exist=True), file, LATEST)
    console.print(_("written: {path} ({counts})").format(
        path=file, counts=", ".join(f"{k}: {n}" for k, n in counts.items())), markup=False)


@command(app, "merge")
@handle_errors
def merge(
    source: Annotated[str, typer.Argument(help=_("The registry to merge in: path or URL."))],
    prefer: Annotated[str, typer.Option(
        help=_("When both hold different values: newer (by last update), mine or theirs."))
    ] = "newer",
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("List what would change."))
                       ] = False,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Merge a district registry into this one: matched by NIB, every conflict listed.

    Example: exportkit db merge blitar.db --db jatim.db --dry-run
    """
    from exportkit.cli.common import print_table
    from exportkit.errors import UsageError
    from exportkit.registry import open_registry
    from exportkit.registry.engine import resolve_url
    from exportkit.registry.transfer import merge as merge_registries
    from exportkit.reports.formats import Table

    if "://" not in source and not Path(source).exists():
        raise UsageError(_("no registry at {path}").format(path=source))
    target = open_registry(db)
    incoming = open_registry(resolve_url(source), must_exist=True)
    result = merge_registries(target, incoming, prefer, dry_run)
    if as_json:
        import json

        console.print_json(json.dumps({
            "written": result.written,
            "counts": {k: vars(c) for k, c in result.counts.items()},
            "conflicts": [vars(c) for c in result.conflicts],
            "problems": [str(p) for p in result.problems]}, default=str))
        if result.problems:
            raise typer.Exit(1)
        return
    rows = [(label(k), c.added, c.updated, c.unchanged, c.rejected)
            for k, c in result.counts.items()]
    title = (_("Dry run: nothing written") if dry_run or result.problems else
             _("Merged into {where}").format(where=target.location))
    print_table(Table(title, labels(["kind", "added", "updated", "unchanged", "rejected"]),
                      rows))
    if result.conflicts:
        print_table(Table(_("Conflicts ({prefer} wins)").format(prefer=prefer),
                          labels(["kind", "record", "field", "mine", "theirs", "kept"]),
                          [(label(c.kind), c.record, c.field, c.mine, c.theirs, c.kept)
                           for c in result.conflicts]))
    for problem in result.problems:
        errors.print(str(problem), markup=False)
    if result.problems:
        fail(_("{n} record(s) could not be placed; nothing was merged. Fix them in {source} "
               "and merge again").format(n=len(result.problems), source=source))
