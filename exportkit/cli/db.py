"""`exportkit db`: where the registry is and what it holds."""

from __future__ import annotations

import typer

from exportkit.cli.common import console, handle_errors
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
