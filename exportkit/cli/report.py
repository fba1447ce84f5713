"""`exportkit report`: shortlists, gaps, markets, export values, progress, catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import command, emit, errors, handle_errors
from exportkit.cli.options import Db, Market, Output, ReportFormat, ReportFormatOption
from exportkit.i18n import _

# Detail rows of `report gaps` in the terminal unless --limit says otherwise: a national
# registry has millions (1.9 a product), which take minutes to print and nobody reads
# there; file formats have them all. As many as `score` lists (cli/score.py).
DETAIL_SHOWN = 500

app = typer.Typer(help=_("Reports for programme committees, trade missions and the regent."),
                  no_args_is_help=True)

Regency = Annotated[str | None, typer.Option(help=_("Only businesses in this regency."))]


def _market_code(market: str | None) -> str | None:
    if market is None:
        return None
    from exportkit.assess import load_rules

    return load_rules(None, market)[1].code


def _registry(db: str | None):
    """Reports only read: a registry that is not there is an error, not a new one."""
    from exportkit.registry import open_registry

    return open_registry(db, must_exist=True)


def _years(text: str | None) -> tuple[int, ...]:
    from exportkit.errors import UsageError

    if not text:
        return ()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise UsageError(_("--years {value!r}: give years separated by commas, e.g. "
                           "--years 2024,2025").format(value=text))
    return tuple(int(p) for p in parts)


def _category(text: str | None) -> str | None:
    if text is None:
        return None
    from exportkit.errors import UsageError
    from exportkit.ingest.spec import categories, category_index
    from exportkit.text import compact

    code = category_index().get(compact(text))
    if code is None:
        raise UsageError(_("unknown category {value!r}; categories: {known}").format(
            value=text, known=", ".join(categories())))
    return code


@command(app, "shortlist")
@handle_errors
def shortlist(
    top: Annotated[int, typer.Option(help=_("How many businesses."))] = 25,
    market: Market = None,
    regency: Regency = None,
    category: Annotated[str | None, typer.Option(help=_("Best product in this category."))
                        ] = None,
    max_per_category: Annotated[int | None, typer.Option(
        help=_("At most this many businesses whose best product is in one category."))] = None,
    include_blocked: Annotated[bool, typer.Option("--include-blocked",
                                                  help=_("Keep blocked businesses."))] = False,
    save_cohort: Annotated[str | None, typer.Option(
        help=_("Save the selection as a cohort with this name."))] = None,
    db: Db = None, fmt: ReportFormatOption = ReportFormat.table, output: Output = None,
) -> None:
    """Rank the most export-ready businesses for a programme.

    Example: exportkit report shortlist --top 25 --market AE --max-per-category 5
    """
    from exportkit.errors import UsageError
    from exportkit.registry.cohorts import cohort_exists
    from exportkit.registry.cohorts import save_cohort as save
    from exportkit.reports.shortlist import ShortlistQuery, shortlist_ids, shortlist_report

    if top < 1:
        raise UsageError(_("--top must be at least 1"))
    if max_per_category is not None and max_per_category < 1:
        raise UsageError(_("--max-per-category must be at least 1"))
    query = ShortlistQuery(top=top, market=_market_code(market), regency=regency,
                           category=_category(category), max_per_category=max_per_category,
                           include_blocked=include_blocked)
    database = _registry(db)
    if save_cohort and cohort_exists(database, save_cohort):
        raise UsageError(_("a cohort named {name!r} exists already; choose another name")
                         .format(name=save_cohort))
    report = shortlist_report(database, query)
    emit(report, fmt.value, output)
    if save_cohort:
        ids = shortlist_ids(database, query)
        if not ids:
            raise UsageError(_("nothing matched the selection; no cohort was saved"))
        save(database, save_cohort, ids)
        errors.print(_("cohort {name!r} saved with {n} business(es)").format(
            name=save_cohort, n=len(ids)), markup=False)


@command(app, "gaps")
@handle_errors
def gaps(market: Market = None, regency: Regency = None,
         limit: Annotated[int | None, typer.Option(help=_(
             "At most this many detail rows (in the terminal: {shown} unless given).").format(
                 shown=DETAIL_SHOWN))] = None,
         db: Db = None, fmt: ReportFormatOption = ReportFormat.table,
         output: Output = None) -> None:
    """What blocks each business, its first actions, and the most common gaps overall.

    Example: exportkit report gaps --market MY --format xlsx -o gaps.xlsx
    """
    from exportkit.reports.gaps import gaps_report

    shown = DETAIL_SHOWN if fmt is ReportFormat.table and limit is None else None
    with gaps_report(_registry(db), _market_code(market), regency, limit, shown) as report:
        emit(report, fmt.value, output)


@command(app, "markets")
@handle_errors
def markets(product: Annotated[int | None, typer.Option(help=_("Score this product id."))
                               ] = None,
            category: Annotated[str | None, typer.Option(help=_("Or: rules for a category."))
                                ] = None,
            rubric: Annotated[Path | None, typer.Option(help=_("Your own rubric file."))] = None,
            db: Db = None, fmt: ReportFormatOption = ReportFormat.table,
            output: Output = None) -> None:
    """Destinations ranked by fit for a product (or what they ask of a category).

    Example: exportkit report markets --product 72
    """
    from datetime import date

    from exportkit.errors import UsageError
    from exportkit.reports.market_fit import category_markets_report, product_markets_report
    from exportkit.scoring.markets import load_markets

    if (product is None) == (category is None):
        raise UsageError(_("give either --product ID or --category C"))
    if product is not None:
        from exportkit.scoring.rubric import load_rubric

        report = product_markets_report(_registry(db), product, load_rubric(rubric),
                                        load_markets(), date.today())
    else:
        report = category_markets_report(_category(category), load_markets())
    emit(report, fmt.value, output)


@command(app, "exports")
@handle_errors
def exports(
    by: Annotated[str, typer.Option(
        help=_("year, commodity, destination, regency, business or category."))] = "year",
    currency: Annotated[str, typer.Option(help=_("IDR or USD (converted with the rates)."))
                        ] = "IDR",
    years: Annotated[str | None, typer.Option(help=_("Only these years: 2024,2025."))] = None,
    regency: Annotated[str | None, typer.Option(help=_("Only this regency."))] = None,
    province: Annotated[str | None, typer.Option(help=_("Only this province."))] = None,
    destination: Annotated[str | None, typer.Option(help=_("Only this destination."))] = None,
    db: Db = None, fmt: ReportFormatOption = ReportFormat.table, output: Output = None,
) -> None:
    """Export values with growth on the previous year, converted with the rates table.

    Example: exportkit report exports --by commodity --regency Blitar --years 2024,2025
    """
    from exportkit.errors import UsageError
    from exportkit.ingest.values import ValueProblem, parse_country, parse_currency
    from exportkit.reports.exports import ExportQuery, exports_report

    try:
        chosen_years = _years(years)
        target = parse_currency(currency)
        where = parse_country(destination) if destination else None
    except (ValueError, ValueProblem) as exc:
        raise UsageError(f"{exc}") from exc
    query = ExportQuery(by=by, currency=target, years=chosen_years, regency=regency,
                        province=province, destination=where)
    emit(exports_report(_registry(db), query), fmt.value, output)


@command(app, "progress")
@handle_errors
def progress(cohort: Annotated[str, typer.Option(help=_("The cohort's name."))],
             market: Market = None, db: Db = None,
             fmt: ReportFormatOption = ReportFormat.table, output: Output = None) -> None:
    """Readiness of a cohort at the start against its latest assessment.

    Example: exportkit report progress --cohort "Coaching Clinic 2026"
    """
    from exportkit.reports.progress import progress_report

    emit(progress_report(_registry(db), cohort, _market_code(market)), fmt.value, output)


@command(app, "catalog")
@handle_errors
def catalog(market: Market = None, regency: Regency = None,
            include_contacts: Annotated[bool, typer.Option(
                "--include-contacts", help=_("Add contact persons, phones and e-mails."))
            ] = False,
            rubric: Annotated[Path | None, typer.Option(help=_("Your own rubric file."))] = None,
            db: Db = None, fmt: ReportFormatOption = ReportFormat.table,
            output: Output = None) -> None:
    """The export-ready products with HS code, capacity, price and certificates.

    Example: exportkit report catalog --market CN --format html -o katalog.html
    """
    from datetime import date

    from exportkit.reports.catalog import catalog_report
    from exportkit.scoring.rubric import load_rubric

    ready = load_rubric(rubric).levels[0].code
    with catalog_report(_registry(db), _market_code(market), ready, date.today(),
                        include_contacts, regency) as report:
        emit(report, fmt.value, output)


@command(app, "overview")
@handle_errors
def overview(top: Annotated[int, typer.Option(help=_("Businesses on the shortlist."))] = 25,
             market: Market = None, regency: Regency = None,
             currency: Annotated[str, typer.Option(help=_("IDR or USD."))] = "IDR",
             db: Db = None, fmt: ReportFormatOption = ReportFormat.html,
             output: Output = None) -> None:
    """Shortlist with score bars, the most common gaps, export values by year and commodity.

    Example: exportkit report overview --format html -o overview.html
    """
    from exportkit.reports.overview import overview_report

    if fmt is ReportFormat.html and output is None:
        output = Path("exportkit-overview.html")
    emit(overview_report(_registry(db), _market_code(market), top, currency.upper(),
                         regency), fmt.value, output)
