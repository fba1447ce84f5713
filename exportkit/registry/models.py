"""Registry tables (SQLModel).

Natural keys: a business by its NIB when known, else by `name_key` (normalised name and
regency); a product by (business, normalised name); a certificate by (business, product,
kind, number); an export record by `record_key`. Ingest computes the keys; the database
enforces the unique ones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Business(SQLModel, table=True):
    __tablename__ = "business"

    id: int | None = Field(default=None, primary_key=True)
    nib: str | None = Field(default=None, unique=True, max_length=13)
    name_key: str = Field(index=True)
    name: str
    npwp: str | None = None
    legal_form: str | None = None
    regency: str | None = Field(default=None, index=True)
    province: str | None = Field(default=None, index=True)
    sector: str | None = Field(default=None, index=True)
    employees: int | None = None
    annual_revenue: float | None = None
    founded_year: int | None = None
    export_experience: str | None = None
    owner_name: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    has_product_photos: bool | None = None
    has_english_description: bool | None = None
    has_usd_price_list: bool | None = None
    programmes: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Product(SQLModel, table=True):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("business_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id")  # leads the unique index
    name_key: str
    name: str
    category: str = Field(index=True)
    hs_code: str | None = Field(default=None, index=True)
    description: str | None = Field(default=None, sa_column=Column(Text))
    wood_based: bool | None = None
    perishable: bool | None = None
    shelf_life_days: int | None = None
    primary_packaging: str | None = None
    export_carton: bool | None = None
    transit_protection: bool | None = None
    food_grade: bool | None = None
    label_complete: bool | None = None
    label_languages: str | None = None
    gtin: str | None = None
    wood_packaging: bool | None = None
    ispm15_marked: bool | None = None
    monthly_capacity: float | None = None
    unit: str | None = None
    fob_price_usd: float | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Certification(SQLModel, table=True):
    __tablename__ = "certification"
    __table_args__ = (UniqueConstraint("business_id", "product_key", "kind", "number_key"),)

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id")  # leads the unique index
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    # product_key and number_key are "" rather than NULL so the unique constraint holds
    product_key: str = ""
    number_key: str = ""
    kind: str = Field(index=True)
    number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ExportRecord(SQLModel, table=True):
    __tablename__ = "export_record"
    __table_args__ = (Index("ix_export_record_year_destination", "year", "destination"),)

    id: int | None = Field(default=None, primary_key=True)
    record_key: str = Field(unique=True)
    business_id: int | None = Field(default=None, foreign_key="business.id", index=True)
    regency: str | None = Field(default=None, index=True)
    province: str | None = None
    commodity: str
    category: str | None = None
    hs_code: str | None = None
    year: int = Field(index=True)
    destination: str | None = None
    value: float
    currency: str
    volume: float | None = None
    volume_unit: str | None = None
    source: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ExchangeRate(SQLModel, table=True):
    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    currency: str
    year: int
    rate: float  # rupiah per one unit of the currency
    source: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Cohort(SQLModel, table=True):
    __tablename__ = "cohort"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    programme: str | None = None
    year: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CohortMember(SQLModel, table=True):
    __tablename__ = "cohort_member"
    __table_args__ = (UniqueConstraint("cohort_id", "business_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id")  # leads the unique index
    business_id: int = Field(foreign_key="business.id", index=True)
    product_id: int | None = Field(default=None, foreign_key="product.id")
    added_at: datetime = Field(default_factory=utcnow)


class Assessment(SQLModel, table=True):
    """A score snapshot. Re-scoring adds a row: the history shows a programme's progress."""

    __tablename__ = "assessment"
    # A business's history, for a cohort's progress; the latest snapshots are found through
    # LatestAssessment. No query needs a product's history: an index of it (dropped by
    # migration 4) cost every snapshot stored 7% of the storing time (BENCHMARKS.md).
    __table_args__ = (
        Index("ix_assessment_business_market", "business_id", "market", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id")
    product_id: int | None = Field(default=None, foreign_key="product.id")  # None: business
    best_product_id: int | None = Field(default=None, foreign_key="product.id")
    category: str | None = None  # the product's, or the best product's for a business
    market: str | None = None
    rubric_version: str
    rubric_digest: str
    total: float
    level: str
    blocked: bool
    detail: str = Field(sa_column=Column(Text, nullable=False))  # compact result, JSON
    # the scoring run that wrote it, to tell one run's rows apart; not indexed, since the
    # store finds a run's rows by their id range and no report asks by run
    batch: str
    created_at: datetime = Field(default_factory=utcnow)


class LatestAssessment(SQLModel, table=True):
    """The newest assessment per subject and market, kept up to date as scores are stored,
    so reports find "the latest" by key instead of grouping the whole history."""

    __tablename__ = "latest_assessment"

    market_key: str = Field(primary_key=True)   # "" for the general assessment
    subject: str = Field(primary_key=True)      # "b" business, "p" product
    business_id: int = Field(primary_key=True)
    product_id: int = Field(primary_key=True)   # 0 for a business
    assessment_id: int = Field(foreign_key="assessment.id")


class AssessmentGap(SQLModel, table=True):
    """One blocker or action of an assessment, so reports can count gaps in SQL."""

    __tablename__ = "assessment_gap"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    kind: str  # "blocker" or "action"
    code: str  # grouped by only after the join from the latest snapshots: no index
    position: int  # 1 for the first action
    gain: float | None = None
    text_en: str = Field(sa_column=Column(Text, nullable=False))
    text_id: str = Field(sa_column=Column(Text, nullable=False))


class SchemaMigration(SQLModel, table=True):
    __tablename__ = "schema_migration"

    version: int = Field(primary_key=True)
    name: str
    applied_at: datetime = Field(default_factory=utcnow)
