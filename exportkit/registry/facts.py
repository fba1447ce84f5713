"""Registry rows as the scorer's facts, loaded a chunk at a time (a few queries per chunk).

A selection names which products to load: all of them, one product, one business (by NIB)
or a regency. Certificates held by the business apply to all its products; certificates
tied to a product apply to that product only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from exportkit.fact_rows import BUSINESS_FIELDS, PRODUCT_FIELDS, Chunk, ProductRow, product_rows
from exportkit.registry.driver import in_values
from exportkit.registry.models import Business, Certification, Product
from exportkit.registry.queries import contains

B = Business.__table__
P = Product.__table__
C = Certification.__table__

CHUNK = 2000


@dataclass(frozen=True)
class Selection:
    product_ids: tuple[int, ...] = ()
    business_nib: str | None = None
    regency: str | None = None
    category: str | None = None

    def on_products(self, query):
        """The filters on the products' own columns."""
        if self.product_ids:
            query = query.where(P.c.id.in_(self.product_ids))
        if self.category:
            query = query.where(P.c.category == self.category)
        return query

    def business_ids(self, connection) -> list[int] | None:
        """The businesses named by their own columns (NIB, regency), in id order; None when
        the selection names none."""
        if not (self.business_nib or self.regency):
            return None
        query = select(B.c.id).order_by(B.c.id)
        if self.business_nib:
            query = query.where(B.c.nib == self.business_nib)
        if self.regency:
            query = query.where(contains(B.c.regency, self.regency))
        return list(connection.execute(query).scalars())


# Built once, run for every chunk with its values (driver.in_values)
CERTIFICATES = (select(C.c.business_id, C.c.product_id, C.c.kind, C.c.expires_on,
                       C.c.issued_on, C.c.number)
                .where(in_values(C.c.business_id))
                .order_by(C.c.business_id, C.c.kind, C.c.id))


def _certificates(connection, business_ids: set[int]) -> list[tuple]:
    return [tuple(row) for row in connection.execute(CERTIFICATES,
                                                     {"values": list(business_ids)})]


def iter_chunks(database, selection: Selection, chunk: int = CHUNK) -> Iterator[Chunk]:
    """Chunks of product rows with their business's columns, in business order (keyset
    pagination), each with its businesses' certificates (exportkit.fact_rows)."""
    columns = [P.c.id, P.c.business_id, B.c.phone, B.c.email,
               *(B.c[f] for f in BUSINESS_FIELDS), *(P.c[f] for f in PRODUCT_FIELDS)]
    last = (0, 0)
    with database.reader() as connection:
        # Businesses named by their own columns are found once, then their products a slice
        # at a time: filtering the join again for every chunk would read the whole regency
        # (or the whole registry) once per chunk.
        ids = selection.business_ids(connection)
        step = max(1, chunk // 4)  # businesses a slice: most slices fit in one chunk
        slices = [None] if ids is None else [ids[i:i + step] for i in range(0, len(ids), step)]
        # After (business, product) `last`: `business_id >= b` with the OR. The bounds on
        # both tables' business ids let the database seek to the business: with only
        # `business_id > b OR (business_id = b AND id > p)` of bound values, SQLite scans
        # the product index from its start for every chunk (3M products: 10 ms for the
        # first chunk, 155 ms for the last), and PostgreSQL's merge join the businesses.
        # Built once, run for every chunk with its bounds (driver.in_values).
        business, product = bindparam("business"), bindparam("product")
        query = selection.on_products(
            select(*columns).select_from(P.join(B, P.c.business_id == B.c.id))
            .where(P.c.business_id >= business, B.c.id >= business,
                   (P.c.business_id > business) | (P.c.id > product))
            .order_by(P.c.business_id, P.c.id).limit(chunk))
        if ids is not None:
            query = query.where(in_values(P.c.business_id))
        for businesses_in in slices:
            while True:
                bounds = {"business": last[0], "product": last[1]}
                if businesses_in is not None:
                    bounds["values"] = businesses_in
                rows = [tuple(row) for row in connection.execute(query, bounds)]
                if rows:
                    last = (rows[-1][1], rows[-1][0])
                    yield Chunk(rows, _certificates(connection, {r[1] for r in rows}))
                if len(rows) < chunk:
                    break


def iter_products(database, selection: Selection, chunk: int = CHUNK
                  ) -> Iterator[list[ProductRow]]:
    """Chunks of products with their business, as the scorer's facts."""
    for rows in iter_chunks(database, selection, chunk):
        yield product_rows(rows)
