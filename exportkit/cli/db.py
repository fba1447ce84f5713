"""`exportkit db`: where the registry is and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import console, errors, handle_errors
from exportkit.cli.options import Db, Json
from exportkit.i18n import _

app = typer.Typer(help=_("The registry database: location, schema, contents."),
                  no_args_is_help=True)


@app.command("info")
@handle_errors
def info(db: Db = None, as_json: Json = False) -> None:
    """Show where the registry is, its schema version and how many rows it holds.

    Example: exportkit db info --db ./jepara.db
    """
    from exportkit.registry import open_registry
    from exportkit.registry.info import registry_info

    details = registry_info(open_registry(db))
    if as_json:
        import json

        console.print_json(json.dumps(vars(details)))
        return
    console.print(f"{_('location')}: {details.location}", markup=False, highlight=False)
    console.print(f"{_('backend')}: {details.backend}"
                  + (f" ({_('journal')}: {details.journal_mode})" if details.journal_mode
                     else ""), markup=False)
    console.print(f"{_('schema version')}: {details.schema_version} "
                  f"({_('latest')}: {details.latest_schema})", markup=False)
    for name, count in details.counts.items():
        console.print(f"{_(name)}: {count}", markup=False)


@app.command("backup")
@handle_errors
def backup(file: Annotated[Path, typer.Argument(help="Where to write the copy.")],
           db: Db = None) -> None:
    """Copy a SQLite registry safely while it is in use (PostgreSQL: says how with pg_dump).

    Example: exportkit db backup backups/registry-2026-11-22.db
    """
    from exportkit.registry import open_registry
    from exportkit.registry.transfer import backup_sqlite

    backup_sqlite(open_registry(db), file)
    console.print(_("backup written: {path}").format(path=file), markup=False)


@app.command("export")
@handle_errors
def export(file: Annotated[Path, typer.Argument(help="The JSON file to write.")],
           db: Db = None) -> None:
    """Write the whole registry as JSON; `exportkit enroll FILE` reads it back unchanged.

    Contact persons, phones and e-mails are included: this is a copy of the registry, not
    a report. Keep it as you keep the registry.

    Example: exportkit db export jepara-2026.json
    """
    from exportkit.registry import open_registry
    from exportkit.registry.migrations import LATEST
    from exportkit.registry.transfer import export_json

    counts = export_json(open_registry(db), file, LATEST)
    console.print(_("written: {path} ({counts})").format(
        path=file, counts=", ".join(f"{k}: {n}" for k, n in counts.items())), markup=False)


@app.command("merge")
@handle_errors
def merge(
    source: Annotated[str, typer.Argument(help="The registry to merge in: path or URL.")],
    prefer: Annotated[str, typer.Option(
        help="When both hold different values: newer (by last update), mine or theirs.")
    ] = "newer",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change.")
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
    result = merge_registries(target, open_registry(resolve_url(source)), prefer, dry_run)
    if as_json:
        import json

        console.print_json(json.dumps({
            "written": result.written,
            "counts": {k: vars(c) for k, c in result.counts.items()},
            "conflicts": [vars(c) for c in result.conflicts],
            "problems": [str(p) for p in result.problems]}, default=str))
        return
    rows = [(_(k), c.added, c.updated, c.unchanged, c.rejected)
            for k, c in result.counts.items()]
    title = (_("Dry run: nothing written") if dry_run else
             _("Merged into {where}").format(where=target.location))
    print_table(Table(title, [_("kind"), _("added"), _("updated"), _("unchanged"),
                              _("rejected")], rows))
    if result.conflicts:
        print_table(Table(_("Conflicts ({prefer} wins)").format(prefer=prefer),
                          [_("kind"), _("record"), _("field"), _("mine"), _("theirs"),
                           _("kept")],
                          [(c.kind, c.record, c.field, c.mine, c.theirs, c.kept)
                           for c in result.conflicts]))
    for problem in result.problems:
        errors.print(str(problem), markup=False)
