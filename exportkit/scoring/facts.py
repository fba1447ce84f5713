"""What the scorer reads: plain, frozen facts about a business and a product.

The registry turns its rows into these; tests build them directly. Nothing here touches
a database, so the scorer stays pure and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """`dataclasses.replace` for the frozen facts and results, without running `__init__`
    again: pricing every action of a national registry copies facts millions of times."""
    fields = obj.__dataclass_fields__  # type: ignore[attr-defined]
    for name in changes:
        if name not in fields:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


@dataclass(frozen=True)
class CertificateFact:
    kind: str                      # a code from data/certificates.toml, e.g. "SVLK", "HALAL"
    expires_on: date | None = None  # None: no expiry known (treated as valid)
    issued_on: date | None = None
    number: str | None = None


@dataclass(frozen=True)
class BusinessFacts:
    name: str
    nib: str | None = None
    npwp: str | None = None
    legal_form: str | None = None
    employees: int | None = None
    annual_revenue: float | None = None
    founded_year: int | None = None
    export_experience: str | None = None   # "none" | "indirect" | "direct" | None
    has_product_photos: bool | None = None
    has_english_description: bool | None = None
    has_usd_price_list: bool | None = None
    has_contact: bool = False               # a phone or e-mail is on record
    certificates: tuple[CertificateFact, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProductFacts:
    name: str
    category: str                           # a code from data/categories.toml
    hs_code: str | None = None
    wood_based: bool | None = None
    perishable: bool | None = None
    shelf_life_days: int | None = None
    primary_packaging: str | None = None
    export_carton: bool | None = None
    transit_protection: bool | None = None
    food_grade: bool | None = None
    label_complete: bool | None = None
    label_languages: tuple[str, ...] = ()   # ISO 639-1 codes, e.g. ("id", "en")
    gtin: str | None = None
    wood_packaging: bool | None = None
    ispm15_marked: bool | None = None
    monthly_capacity: float | None = None
    unit: str | None = None
    fob_price_usd: float | None = None
    certificates: tuple[CertificateFact, ...] = field(default_factory=tuple)  # product-scoped
