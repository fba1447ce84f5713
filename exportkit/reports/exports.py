"""Export values by year, commodity, destination, regency or business, with growth.

The sums are SQL aggregates per (group, year, currency); converting them needs only one
rate per currency and year, from the rates table. A missing rate is an error naming the
currency and year, never a silent zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from exportkit.countries import country_name
from exportkit.errors import ExportkitError, UsageError
from exportkit.i18n import _, current_language
from exportkit.labels import label, labels
from exportkit.registry.models import Business, ExchangeRate, ExportRecord
from exportkit.registry.queries import contains
from exportkit.reports.formats import Chart, Report, Table

E = ExportRecord.__table__
B = Business.__table__
R = ExchangeRate.__table__

GROUPS = {
    "year": None,
    "commodity": E.c.commodity,
    "destination": E.c.destination,
    "regency": E.c.regency,
    "business": B.c.name,
    "category": E.c.category,
}


class MissingRate(ExportkitError):
    pass


@dataclass(frozen=True)
class ExportQuery:
    by: str = "year"
    currency: str = "IDR"
    years: tuple[int, ...] = ()
    regency: str | None = None
    province: str | None = None
    destination: str | None = None


def _rates(connection) -> dict[tuple[str, int], float]:
    return {(r.currency, r.year): r.rate
            for r in connection.execute(select(R.c.currency, R.c.year, R.c.rate))}


def _convert(amount: float, currency: str, year: int, target: str, rates) -> float:
    if currency == target:
        return amount
    rupiah = amount if currency == "IDR" else amount * _rate(rates, currency, year)
    return rupiah if target == "IDR" else rupiah / _rate(rates, target, year)


def _rate(rates, currency: str, year: int) -> float:
    try:
        return rates[(currency, year)]
    except KeyError:
        raise MissingRate(_("no exchange rate for {currency} in {year}: set it with "
                            "`exportkit rates set {currency} {year} <rupiah per unit>`").format(
            currency=currency, year=year)) from None


def export_totals(database, query: ExportQuery) -> tuple[list[int], dict[str, dict[int, float]]]:
    """{group: {year: value in the target currency}} and the sorted years."""
    if query.by not in GROUPS:
        raise UsageError(_("--by {value!r}: choose one of {choices}").format(
            value=query.by, choices=", ".join(GROUPS)))
    group = GROUPS[query.by]
    key = group.label("key") if group is not None else E.c.year.label("key")
    # the business table only when its name is the group: a national registry's export
    # records would otherwise each look up their business
    source = E.outerjoin(B, E.c.business_id == B.c.id) if group is B.c.name else E
    # grouped by currency first: grouped by year or destination first, SQLite walks the
    # (year, destination) index and looks every record up in the table, 2-3x slower than
    # reading the table in order (BENCHMARKS.md, round 19); a filter still uses its index
    statement = (select(key, E.c.year, E.c.currency, func.sum(E.c.value).label("value"))
                 .select_from(source).group_by(E.c.currency, key, E.c.year))
    if query.years:
        statement = statement.where(E.c.year.in_(query.years))
    for text, column in ((query.regency, E.c.regency), (query.province, E.c.province)):
        if text:
            statement = statement.where(contains(column, text))
    if query.destination:
        statement = statement.where(E.c.destination == query.destination)
    totals: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    with database.reader() as connection:
        rates = _rates(connection)
        for row in connection.execute(statement):
            value = _convert(row.value, row.currency, row.year, query.currency, rates)
            label = _("(unknown)") if row.key is None else str(row.key)
            totals[label][row.year] += value
    years = sorted({y for per_year in totals.values() for y in per_year})
    return years, totals


def growth(current: float | None, previous: float | None) -> float | None:
    if current is None or not previous:
        return None
    return current / previous - 1


def exports_report(database, query: ExportQuery) -> Report:
    years, totals = export_totals(database, query)
    money = f"money:{query.currency}"
    title = _("Export value by {by} ({currency})").format(by=label(query.by),
                                                         currency=query.currency)
    if query.by == "year":
        per_year = {int(k): v[int(k)] for k, v in totals.items()}
        rows = [(year, per_year[year], growth(per_year[year], per_year.get(year - 1)))
                for year in years]
        keys = ["year", "value", "growth"]
        table = Table(title, labels(keys), rows, keys,
                      formats={"value": money, "growth": "percent"})
        chart = Chart(title, [str(r[0]) for r in rows], [r[1] for r in rows], kind=money)
        return Report(title, [table], [chart] if rows else [], current_language(),
                      [_("Growth is against the previous calendar year.")])
    last, previous = (years[-1], years[-2]) if len(years) > 1 else (None, None)
    rows = []
    named = query.by == "destination"  # a country column beside the code, in the language
    for group, per_year in totals.items():
        values = [per_year.get(y) for y in years]
        change = growth(per_year.get(last), per_year.get(previous)) if last else None
        country = ((country_name(group, current_language()) if len(group) == 2 else "",)
                   if named else ())
        rows.append((group, *country, *values, sum(v for v in values if v), change))
    rows.sort(key=lambda r: (-r[-2], r[0]))  # equal totals by name, as SQL gives any order
    keys = [query.by, *(["country"] if named else []), *(str(y) for y in years), "total",
            "growth"]
    formats = {str(y): money for y in years} | {"total": money, "growth": "percent"}
    growth_label = _("growth {a}-{b}").format(a=previous, b=last) if last else _("growth")
    columns = [*labels(keys[:-1]), growth_label]
    table = Table(title, columns, rows, keys, formats)
    chart = Chart(title, [f"{r[0]} {r[1]}" if named else r[0] for r in rows[:15]],
                  [r[-2] for r in rows[:15]], kind=money)
    return Report(title, [table], [chart] if rows else [], current_language())
