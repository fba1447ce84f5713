"""Registry rows as the scorer's facts, loaded a chunk at a time (a few queries per chunk).

A selection names which products to load: all of them, one product, one business (by NIB)
or a regency. Certificates held by the business apply to all its products; certificates
tied to a product apply to that product only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields

from sqlalchemy import select

from exportkit.registry.models import Business, Certification, Product
from exportkit.registry.queries import contains
from exportkit.scoring.facts import BusinessFacts, CertificateFact, ProductFacts

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


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    business_id: int
    product: ProductFacts
    business: BusinessFacts


# The facts' fields in their declared order, so a row builds them positionally (a national
# registry loads millions): every field but those filled in below.
_BUSINESS_FIELDS = tuple(f.name for f in fields(BusinessFacts)
                         if f.name not in ("has_contact", "certificates"))
_PRODUCT_FIELDS = tuple(f.name for f in fields(ProductFacts) if f.name != "certificates")
_LANGUAGES = _PRODUCT_FIELDS.index("label_languages")
assert fields(BusinessFacts)[len(_BUSINESS_FIELDS)].name == "has_contact"


def _certificates(connection, business_ids: set[int]) -> tuple[dict, dict]:
    by_business: dict[int, list[CertificateFact]] = defaultdict(list)
    by_product: dict[int, list[CertificateFact]] = defaultdict(list)
    query = (select(C.c.business_id, C.c.product_id, C.c.kind, C.c.expires_on, C.c.issued_on,
                    C.c.number)
             .where(C.c.business_id.in_(business_ids))
             .order_by(C.c.business_id, C.c.kind, C.c.id))
    for row in connection.execute(query):
        fact = CertificateFact(kind=row.kind, expires_on=row.expires_on,
                               issued_on=row.issued_on, number=row.number)
        if row.product_id is None:
            by_business[row.business_id].append(fact)
        else:
            by_product[row.product_id].append(fact)
    return by_business, by_product


def iter_products(database, selection: Selection, chunk: int = CHUNK) -> Iterator[list[ProductRow]]:
    """Chunks of products with their business, in business order (keyset pagination)."""
    columns = [P.c.id, P.c.business_id, B.c.phone, B.c.email,
               *(B.c[f] for f in _BUSINESS_FIELDS), *(P.c[f] for f in _PRODUCT_FIELDS)]
    products_at = 4 + len(_BUSINESS_FIELDS)
    last = (0, 0)
    with database.reader() as connection:
        # Businesses named by their own columns are found once, then their products a slice
        # at a time: filtering the join again for every chunk would read the whole regency
        # (or the whole registry) once per chunk.
        ids = selection.business_ids(connection)
        step = max(1, chunk // 4)  # businesses a slice: most slices fit in one chunk
        slices = [None] if ids is None else [ids[i:i + step] for i in range(0, len(ids), step)]
        for businesses_in in slices:
            while True:
                query = selection.on_products(
                    select(*columns).select_from(P.join(B, P.c.business_id == B.c.id))
                    .where((P.c.business_id > last[0])
                           | ((P.c.business_id == last[0]) & (P.c.id > last[1])))
                    .order_by(P.c.business_id, P.c.id).limit(chunk))
                if businesses_in is not None:
                    query = query.where(P.c.business_id.in_(businesses_in))
                rows = connection.execute(query).all()
                if rows:
                    last = (rows[-1][1], rows[-1][0])
                    yield _facts(connection, rows, products_at)
                if len(rows) < chunk:
                    break


def _facts(connection, rows, products_at: int) -> list[ProductRow]:
    """A chunk of product rows (with their business's columns) as the scorer's facts."""
    by_business, by_product = _certificates(connection, {r[1] for r in rows})
    businesses: dict[int, BusinessFacts] = {}
    out = []
    for r in rows:
        product_id, business_id = r[0], r[1]
        business = businesses.get(business_id)
        if business is None:
            business = BusinessFacts(
                *r[4:products_at], has_contact=bool(r[2] or r[3]),
                certificates=tuple(by_business.get(business_id, ())))
            businesses[business_id] = business
        values = list(r[products_at:])
        languages = values[_LANGUAGES]
        values[_LANGUAGES] = tuple(languages.split(",")) if languages else ()
        product = ProductFacts(*values,
                               certificates=tuple(by_product.get(product_id, ())))
        out.append(ProductRow(product_id, business_id, product, business))
    return out
