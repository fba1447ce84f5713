"""Registry rows as the scorer's facts, loaded a chunk at a time (a few queries per chunk).

A selection names which products to load: all of them, one product, one business (by NIB)
or a regency. Certificates held by the business apply to all its products; certificates
tied to a product apply to that product only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

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

    def apply(self, query):
        if self.product_ids:
            query = query.where(P.c.id.in_(self.product_ids))
        if self.business_nib:
            query = query.where(B.c.nib == self.business_nib)
        if self.regency:
            query = query.where(contains(B.c.regency, self.regency))
        if self.category:
            query = query.where(P.c.category == self.category)
        return query


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    business_id: int
    product: ProductFacts
    business: BusinessFacts


_PRODUCT_FIELDS = ("category", "hs_code", "wood_based", "perishable", "shelf_life_days",
                   "primary_packaging", "export_carton", "transit_protection", "food_grade",
                   "label_complete", "gtin", "wood_packaging", "ispm15_marked",
                   "monthly_capacity", "unit", "fob_price_usd")
_BUSINESS_FIELDS = ("nib", "npwp", "legal_form", "employees", "annual_revenue", "founded_year",
                    "export_experience", "has_product_photos", "has_english_description",
                    "has_usd_price_list")


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
    columns = [P.c.id.label("product_id"), P.c.business_id, P.c.name.label("product_name"),
               P.c.label_languages, *(P.c[f] for f in _PRODUCT_FIELDS),
               B.c.name.label("business_name"), B.c.phone, B.c.email,
               *(B.c[f] for f in _BUSINESS_FIELDS)]
    last = (0, 0)
    with database.reader() as connection:
        while True:
            query = selection.apply(
                select(*columns).select_from(P.join(B, P.c.business_id == B.c.id))
                .where((P.c.business_id > last[0])
                       | ((P.c.business_id == last[0]) & (P.c.id > last[1])))
                .order_by(P.c.business_id, P.c.id).limit(chunk))
            rows = connection.execute(query).all()
            if not rows:
                return
            last = (rows[-1].business_id, rows[-1].product_id)
            by_business, by_product = _certificates(connection, {r.business_id for r in rows})
            businesses: dict[int, BusinessFacts] = {}
            out = []
            for r in rows:
                business = businesses.get(r.business_id)
                if business is None:
                    business = BusinessFacts(
                        name=r.business_name, has_contact=bool(r.phone or r.email),
                        certificates=tuple(by_business.get(r.business_id, ())),
                        **{f: getattr(r, f) for f in _BUSINESS_FIELDS})
                    businesses[r.business_id] = business
                product = ProductFacts(
                    name=r.product_name,
                    label_languages=tuple((r.label_languages or "").split(",")) if
                    r.label_languages else (),
                    certificates=tuple(by_product.get(r.product_id, ())),
                    **{f: getattr(r, f) for f in _PRODUCT_FIELDS})
                out.append(ProductRow(r.product_id, r.business_id, product, business))
            yield out
