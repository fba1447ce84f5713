"""`exportkit list`: what the registry holds, filtered and sorted."""

from __future__ import annotations

import sys
from enum import StrEnum
from itertools import islice
from typing import Annotated

import typer

from exportkit.cli.common import emit, errors, handle_errors
from exportkit.cli.options import Db, Format, ListFormat, Output
from exportkit.i18n import _
from exportkit.labels import label, labels

TERMINAL_ROWS = 1000  # rows a list shows in the terminal without --limit


def on_terminal() -> bool:
    return sys.stdout.isatty()


class What(StrEnum):
    businesses = "businesses"
    products = "products"
    certs = "certs"
    exports = "exports"


@handle_errors
def list_command(
    what: Annotated[What, typer.Argument(help=_("What to list."))],
    db: Db = None,
    regency: Annotated[str | None, typer.Option(help=_("Regency or city contains this."))] = None,
    province: Annotated[str | None, typer.Option(help=_("Province contains this."))] = None,
    sector: Annotated[str | None, typer.Option(
        "--sector", "--category", help=_("Business sector, or product/export category."))] = None,
    destination: Annotated[str | None, typer.Option(
        help=_("Export destination: ISO code or name (Tiongkok, Amerika Serikat)."))] = None,
    kind: Annotated[str | None, typer.Option(help=_("Certificate kind (SVLK, HALAL...)."))] = None,
    year: Annotated[int | None, typer.Option(help=_("Export year."))] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help=_("Text to find."))] = None,
    sort: Annotated[str | None, typer.Option(help=_("Column to sort by."))] = None,
    desc: Annotated[bool, typer.Option("--desc", help=_("Sort descending."))] = False,
    limit: Annotated[int | None, typer.Option(help=_(
        "At most this many rows (in the terminal: {shown} unless given).").format(
            shown=TERMINAL_ROWS))] = None,
    include_contacts: Annotated[bool, typer.Option(
        "--include-contacts", help=_("Show contact persons, phones and e-mails."))] = False,
    fmt: Format = ListFormat.table,
    output: Output = None,
) -> None:
    """List businesses, products, certificates or export records.

    Example: exportkit list products --regency Jepara --category wood_furniture --limit 20
    """
    from exportkit.errors import UsageError
    from exportkit.ingest.spec import certificate_index
    from exportkit.registry import open_registry
    from exportkit.registry.queries import ListFilters, listed
    from exportkit.reports.formats import Table
    from exportkit.text import compact

    if destination is not None:
        from exportkit.countries import lookup_country

        code = lookup_country(destination)
        if code is None:
            raise UsageError(_("unknown destination {value!r}: use an ISO code or a country "
                               "name").format(value=destination))
        destination = code
    if kind is not None:
        kind = certificate_index().get(compact(kind), kind)
    filters = ListFilters(regency=regency, province=province, sector=sector,
                          destination=destination, kind=kind, year=year, search=search)
    database = open_registry(db, must_exist=True)
    options = {"sort": sort, "descending": desc, "limit": limit,
               "include_personal": include_contacts}

    def show(names: list[str], count: int, rows) -> None:
        title = _("{what}: {n} row(s)").format(what=label(what.value), n=count)
        emit([Table(title, labels(names), rows, keys=names)], fmt.value, output)

    if fmt is ListFormat.table:
        # a table is laid out from all its rows, held at once: in a terminal a national
        # registry's million would take minutes and gigabytes to show nobody, so without
        # --limit it shows the first TERMINAL_ROWS (sent to a file or a pipe, every row)
        cap = TERMINAL_ROWS if limit is None and on_terminal() else None
        with listed(database, what.value, filters, **options) as (names, count, rows):
            first = list(islice(rows, cap))
        show(names, count, first)
        if count > len(first):  # under the table, where the eye is when it ends
            errors.print(_("the first {shown} of {count} rows: --limit N for another "
                           "number, --format csv -o FILE for every row").format(
                shown=len(first), count=count), markup=False, highlight=False)
        return
    with listed(database, what.value, filters, **options) as (names, count, rows):
        show(names, count, rows)  # a file: the rows streamed as they are written
