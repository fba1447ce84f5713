"""`exportkit rates`: rupiah per unit of a currency, per year, for converting export values."""

from __future__ import annotations

from typing import Annotated

import typer

from exportkit.cli.common import command, emit, handle_errors
from exportkit.cli.options import Db, Format, ListFormat, Output
from exportkit.i18n import _
from exportkit.labels import labels

app = typer.Typer(help=_("Exchange rates used to convert export values."),
                  no_args_is_help=True)


@command(app, "set")
@handle_errors
def set_rate(
    currency: Annotated[str, typer.Argument(help=_("ISO currency code, e.g. USD."))],
    year: Annotated[int, typer.Argument(help=_("The year the rate applies to."))],
    rate: Annotated[str, typer.Argument(help=_("Rupiah per one unit, e.g. 14013 or 14.013."))],
    source: Annotated[str | None, typer.Option(help=_("Where the rate comes from."))] = None,
    db: Db = None,
) -> None:
    """Set the rupiah rate of a currency for a year.

    Example: exportkit rates set USD 2019 14013 --source "BI JISDOR annual average"
    """
    from datetime import date

    from exportkit.cli.enroll import show_report
    from exportkit.ingest.enroll import EnrollOptions, enroll_records
    from exportkit.registry import open_registry

    record = {"currency": currency, "year": str(year), "rate": rate}
    if source:
        record["source"] = source
    database = open_registry(db)
    report = enroll_records(database, [("rate", [record])], EnrollOptions(today=date.today()),
                            source="rates set")
    show_report(report, database.location, as_json=False)


@command(app, "list")
@handle_errors
def list_rates(db: Db = None, fmt: Format = ListFormat.table, output: Output = None) -> None:
    """List the exchange rates.

    Example: exportkit rates list --format csv
    """
    from exportkit.registry import open_registry
    from exportkit.registry.queries import list_rates
    from exportkit.reports.formats import Table

    keys, rows = list_rates(open_registry(db, must_exist=True))
    emit([Table(_("Exchange rates (rupiah per unit)"), labels(keys), rows, keys)],
         fmt.value, output)
