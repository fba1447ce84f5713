"""Numbered schema migrations, recorded in the `schema_migration` table.

Each migration runs once, in order, inside one transaction with its record. A registry made
by any earlier release is brought up to date when it is opened; one made by a newer release
is refused rather than misread. Add a migration for every schema change: never edit one
that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select
from sqlmodel import SQLModel

from exportkit.errors import RegistryError
from exportkit.i18n import _
from exportkit.registry import models


def _create(*tables: type[SQLModel]) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        SQLModel.metadata.create_all(connection, tables=[t.__table__ for t in tables])

    return run


def _drop_indexes(*names: str) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        for name in names:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")

    return run


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "registry tables", _create(models.Business, models.Product, models.Certification,
                                   models.ExportRecord, models.ExchangeRate, models.Cohort,
                                   models.CohortMember)),
    (2, "assessment history", _create(models.Assessment, models.AssessmentGap,
                                         models.LatestAssessment)),
    # Every stored snapshot and gap paid for an index that no query used; the others are
    # served by the unique index their column leads.
    (3, "unused indexes dropped", _drop_indexes(
        "ix_assessment_batch", "ix_assessment_gap_code", "ix_product_business_id",
        "ix_certification_business_id", "ix_cohort_member_cohort_id")),
    # No query needs a product's score history (the latest is in latest_assessment)
    (4, "unused product history index dropped", _drop_indexes("ix_assessment_product_market")),
]
LATEST = MIGRATIONS[-1][0]
MIGRATION_LOCK = 0x6578706B  # "expk": the advisory lock key that serialises migrations


def current_version(connection: Connection) -> int:
    if not inspect(connection).has_table("schema_migration"):
        return 0
    versions = connection.execute(select(models.SchemaMigration.version)).scalars().all()
    return max(versions, default=0)


def upgrade(database) -> list[str]:
    """Apply pending migrations; returns the names of those applied. A registry that is
    up to date is only read: a command that reads does not wait for the write lock (an
    office's `list` while another runs `score --all`)."""
    with database.reader() as connection, connection.begin():
        if current_version(connection) == LATEST:
            return []
    applied: list[str] = []
    with database.writer() as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            # Several offices' processes may open a new shared registry at once: one
            # migrates, the others wait and then find nothing left to do.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        SQLModel.metadata.create_all(connection, tables=[models.SchemaMigration.__table__])
        version = current_version(connection)
        if version > LATEST:
            raise RegistryError(
                _("the registry at {location} has schema version {version}, newer than this "
                  "exportkit knows ({latest}): upgrade exportkit").format(
                    location=database.location, version=version, latest=LATEST))
        for number, name, run in MIGRATIONS:
            if number <= version:
                continue
            run(connection)
            connection.execute(models.SchemaMigration.__table__.insert().values(
                version=number, name=name, applied_at=models.utcnow()))
            applied.append(f"{number}: {name}")
    return applied
