"""The `exportkit list` queries: declared columns, filters and sort keys.

Every filter value is a bound parameter (LIKE wildcards in it are escaped, so "%" matches a
percent sign); every sort key is checked against the declared list. Nothing a user types is
ever pasted into SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, func, or_, select

from exportkit.errors import UsageError
from exportkit.i18n import _
from exportkit.registry.models import (
    Business,
    Certification,
    ExchangeRate,
    ExportRecord,
    Product,
)

B = Business.__table__
P = Product.__table__
C = Certification.__table__
E = ExportRecord.__table__


@dataclass
class ListFilters:
    regency: str | None = None
    province: str | None = None
    sector: str | None = None      # sector for businesses, category for products/exports
    destination: str | None = None  # ISO code, already resolved
    kind: str | None = None        # certificate kind code
    year: int | None = None
    search: str | None = None


@dataclass(frozen=True)
class ListSpec:
    columns: dict[str, ColumnElement]
    personal: tuple[str, ...]
    default_sort: str
    select_from: object
    filters: dict[str, tuple[ColumnElement, ...]] = field(default_factory=dict)
    search: tuple[ColumnElement, ...] = ()


LISTS: dict[str, ListSpec] = {
    "businesses": ListSpec(
        columns={"id": B.c.id, "nib": B.c.nib, "name": B.c.name, "legal_form": B.c.legal_form,
                 "regency": B.c.regency, "province": B.c.province, "sector": B.c.sector,
                 "employees": B.c.employees, "export_experience": B.c.export_experience,
                 "owner_name": B.c.owner_name, "phone": B.c.phone, "email": B.c.email,
                 "updated_at": B.c.updated_at},
        personal=("owner_name", "phone", "email"),
        default_sort="name",
        select_from=B,
        filters={"regency": (B.c.regency,), "province": (B.c.province,),
                 "sector": (B.c.sector,)},
        search=(B.c.name, B.c.nib, B.c.sector),
    ),
    "products": ListSpec(
        columns={"id": P.c.id, "business": B.c.name, "nib": B.c.nib, "product": P.c.name,
                 "category": P.c.category, "hs_code": P.c.hs_code,
                 "shelf_life_days": P.c.shelf_life_days,
                 "monthly_capacity": P.c.monthly_capacity, "unit": P.c.unit,
                 "fob_price_usd": P.c.fob_price_usd, "regency": B.c.regency},
        personal=(),
        default_sort="id",
        select_from=P.join(B, P.c.business_id == B.c.id),
        filters={"regency": (B.c.regency,), "province": (B.c.province,),
                 "sector": (P.c.category,)},
        search=(P.c.name, B.c.name, P.c.hs_code, P.c.description),
    ),
    "certs": ListSpec(
        columns={"id": C.c.id, "business": B.c.name, "nib": B.c.nib, "product": P.c.name,
                 "kind": C.c.kind, "number": C.c.number, "issued_on": C.c.issued_on,
                 "expires_on": C.c.expires_on, "regency": B.c.regency},
        personal=(),
        default_sort="expires_on",
        select_from=C.join(B, C.c.business_id == B.c.id).outerjoin(P, C.c.product_id == P.c.id),
        filters={"regency": (B.c.regency,), "province": (B.c.province,),
                 "kind": (C.c.kind,)},
        search=(B.c.name, P.c.name, C.c.number),
    ),
    "exports": ListSpec(
        columns={"id": E.c.id, "year": E.c.year, "regency": E.c.regency,
                 "province": E.c.province, "commodity": E.c.commodity,
                 "destination": E.c.destination, "value": E.c.value,
                 "currency": E.c.currency, "business": B.c.name},
        personal=(),
        default_sort="year",
        select_from=E.outerjoin(B, E.c.business_id == B.c.id),
        filters={"regency": (E.c.regency,), "province": (E.c.province,),
                 "sector": (E.c.category,), "destination": (E.c.destination,),
                 "year": (E.c.year,)},
        search=(E.c.commodity, B.c.name, E.c.source),
    ),
}


def _contains(column: ColumnElement, text: str) -> ColumnElement:
    return func.lower(column).contains(text.casefold(), autoescape=True)


def _distinct_values(column: ColumnElement) -> Select:
    """The distinct values of an indexed column, one index seek each (a loose index scan):
    a million businesses have a few hundred regencies, and reading the whole index to find
    them took 0.3 s."""
    values = select(func.min(column).label("value")).cte(f"distinct_{column.name}",
                                                         recursive=True)
    following = select(func.min(column)).where(column > values.c.value).scalar_subquery()
    values = values.union_all(select(following).where(values.c.value.is_not(None)))
    return select(values.c.value).where(values.c.value.is_not(None))


def contains(column: ColumnElement, text: str) -> ColumnElement:
    """Rows whose `column` contains `text`, ignoring case ("jepara" finds "Kab. Jepara").
    On an indexed column the matching values are found in the index first and the rows
    through it: a national registry is not read whole to list one regency."""
    if getattr(column, "index", False):
        values = _distinct_values(column).subquery()
        return column.in_(select(values.c.value).where(_contains(values.c.value, text)))
    return _contains(column, text)


def build_list_query(what: str, filters: ListFilters, sort: str | None = None,
                     descending: bool = False, limit: int | None = None,
                     include_personal: bool = False) -> tuple[list[str], Select]:
    spec = LISTS[what]
    names = [n for n in spec.columns if include_personal or n not in spec.personal]
    query = select(*(spec.columns[n].label(n) for n in names)).select_from(spec.select_from)
    for name, value in vars(filters).items():
        if value is None or name == "search":
            continue
        if name not in spec.filters:
            raise UsageError(_("list {what}: --{name} does not apply here; filters: "
                               "{filters}, --search").format(
                what=what, name=name, filters=", ".join("--" + f for f in spec.filters)))
        column = spec.filters[name][0]
        if name in ("destination", "kind", "year"):
            query = query.where(column == value)
        else:
            query = query.where(contains(column, str(value)))
    if filters.search:
        query = query.where(or_(*(_contains(c, filters.search) for c in spec.search)))
    sort = sort or spec.default_sort
    if sort not in names:
        raise UsageError(_("list {what}: cannot sort by {sort!r}; choose one of "
                           "{names}").format(what=what, sort=sort, names=", ".join(names)))
    order = spec.columns[sort]
    query = query.order_by((order.desc() if descending else order.asc()).nulls_last(),
                           spec.columns["id"])
    if limit is not None:
        if limit < 1:
            raise UsageError(_("--limit must be at least 1"))
        query = query.limit(limit)
    return names, query


STREAMED_ROWS = 2_000  # rows fetched at a time by streamed()


@contextmanager
def streamed(connection, statement) -> Iterator[Iterator]:
    """The rows of `statement`, fetched a batch at a time as they are used (PostgreSQL: by
    a server-side cursor) rather than all at once: a report file of a national registry's
    millions of rows is written in the memory of one batch. The query runs once the rows
    are first read; its cursor is closed when the block ends, read to the end or not (a
    write that failed), while the connection is still open."""

    def rows() -> Iterator:
        result = connection.execute(statement, execution_options={"yield_per": STREAMED_ROWS})
        try:
            for partition in result.partitions(STREAMED_ROWS):
                yield from partition
        finally:
            result.close()

    with closing(rows()) as stream:
        yield stream


@contextmanager
def listed(database, what: str, filters: ListFilters, **options
           ) -> Iterator[tuple[list[str], int, Iterator[tuple]]]:
    """The list's column names, the count of its rows, and the rows streamed (read once,
    while the block lasts), counted and read in one snapshot of the registry."""
    names, query = build_list_query(what, filters, **options)
    with database.reader(snapshot=True) as connection, streamed(connection, query) as rows:
        count = connection.execute(select(func.count()).select_from(
            query.order_by(None).subquery())).scalar_one()
        yield names, count, (tuple(r) for r in rows)


def list_rates(database) -> tuple[list[str], list]:
    R = ExchangeRate.__table__
    with database.reader() as connection:
        rows = [tuple(r) for r in connection.execute(
            select(R.c.currency, R.c.year, R.c.rate, R.c.source)
            .order_by(R.c.currency, R.c.year))]
    return ["currency", "year", "rate", "source"], rows
