"""Registry rows as the scorer's facts: products with their business, a business at a time.

Pure (no database): the registry's loader (exportkit.registry.facts) reads the rows, and
whoever scores builds the facts from them, a worker process too. Plain rows travel
between processes far more cheaply than the facts built from them, and building them is
as much work as reading them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields

from exportkit.scoring.facts import BusinessFacts, CertificateFact, ProductFacts

# A product row: (product id, business id, phone, email, *BUSINESS_FIELDS, *PRODUCT_FIELDS),
# the facts' fields in their declared order, so a row builds them positionally (a national
# registry loads millions): every field but those filled in below.
BUSINESS_FIELDS = tuple(f.name for f in fields(BusinessFacts)
                        if f.name not in ("has_contact", "certificates"))
PRODUCT_FIELDS = tuple(f.name for f in fields(ProductFacts) if f.name != "certificates")
PRODUCTS_AT = 4 + len(BUSINESS_FIELDS)
_LANGUAGES = PRODUCT_FIELDS.index("label_languages")
assert fields(BusinessFacts)[len(BUSINESS_FIELDS)].name == "has_contact"

# A certificate row: (business id, product id or None, kind, expires_on, issued_on, number)
Row = tuple


@dataclass(frozen=True)
class Chunk:
    """Product rows in business order, and the certificates of their businesses."""

    rows: list[Row]
    certificates: list[Row]


@dataclass(frozen=True)
class RawGroup:
    """A business's product rows and certificate rows, as read."""

    business_id: int
    rows: tuple[Row, ...]
    certificates: tuple[Row, ...]


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    business_id: int
    product: ProductFacts
    business: BusinessFacts


@dataclass(frozen=True)
class Group:
    """A business and its products (with their ids) as the registry holds them."""

    business_id: int
    business: BusinessFacts
    product_ids: tuple[int, ...]
    products: tuple[ProductFacts, ...]


def _certificates(rows: list[Row] | tuple[Row, ...]) -> tuple[dict, dict]:
    by_business: dict[int, list[CertificateFact]] = defaultdict(list)
    by_product: dict[int, list[CertificateFact]] = defaultdict(list)
    for business_id, product_id, kind, expires_on, issued_on, number in rows:
        fact = CertificateFact(kind=kind, expires_on=expires_on, issued_on=issued_on,
                               number=number)
        if product_id is None:
            by_business[business_id].append(fact)
        else:
            by_product[product_id].append(fact)
    return by_business, by_product


def _business(row: Row, certificates: list[CertificateFact]) -> BusinessFacts:
    return BusinessFacts(*row[4:PRODUCTS_AT], has_contact=bool(row[2] or row[3]),
                         certificates=tuple(certificates))


def _product(row: Row, certificates: list[CertificateFact]) -> ProductFacts:
    values = list(row[PRODUCTS_AT:])
    languages = values[_LANGUAGES]
    values[_LANGUAGES] = tuple(languages.split(",")) if languages else ()
    return ProductFacts(*values, certificates=tuple(certificates))


def product_rows(chunk: Chunk) -> list[ProductRow]:
    """A chunk's products with their business, as the scorer's facts."""
    by_business, by_product = _certificates(chunk.certificates)
    businesses: dict[int, BusinessFacts] = {}
    out = []
    for row in chunk.rows:
        product_id, business_id = row[0], row[1]
        business = businesses.get(business_id)
        if business is None:
            business = businesses[business_id] = _business(row, by_business.get(business_id,
                                                                                 []))
        out.append(ProductRow(product_id, business_id,
                              _product(row, by_product.get(product_id, [])), business))
    return out


def group(raw: RawGroup) -> Group:
    """A business's rows as the facts of the business and of its products."""
    by_business, by_product = _certificates(raw.certificates)
    business = _business(raw.rows[0], by_business.get(raw.business_id, []))
    return Group(raw.business_id, business, tuple(row[0] for row in raw.rows),
                 tuple(_product(row, by_product.get(row[0], [])) for row in raw.rows))


def groups(chunks: Iterator[Chunk]) -> Iterator[tuple[int, list[RawGroup]]]:
    """Per chunk read: its index and the businesses it completes, each with its rows (a
    business's products can span two chunks; the last business comes with the last chunk's
    index)."""
    open_rows: list[Row] = []
    open_certificates: tuple[Row, ...] = ()
    n = 0
    for n, chunk in enumerate(chunks):
        by_business: dict[int, list[Row]] = defaultdict(list)
        for row in chunk.certificates:
            by_business[row[0]].append(row)
        completed = []
        for row in chunk.rows:
            if open_rows and open_rows[0][1] != row[1]:
                completed.append(RawGroup(open_rows[0][1], tuple(open_rows), open_certificates))
                open_rows = []
            if not open_rows:  # read with the chunk of the business's first product
                open_certificates = tuple(by_business.get(row[1], ()))
            open_rows.append(row)
        yield n, completed
    if open_rows:
        yield n, [RawGroup(open_rows[0][1], tuple(open_rows), open_certificates)]
