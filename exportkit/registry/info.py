"""What `exportkit db info` shows: where the registry is, its schema, how much it holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from exportkit.registry import models
from exportkit.registry.migrations import LATEST, current_version

COUNTED = {
    "businesses": models.Business,
    "products": models.Product,
    "certifications": models.Certification,
    "export_records": models.ExportRecord,
    "exchange_rates": models.ExchangeRate,
    "cohorts": models.Cohort,
    "assessments": models.Assessment,
    "assessment_gaps": models.AssessmentGap,
}


@dataclass
class RegistryInfo:
    location: str
    backend: str
    schema_version: int
    latest_schema: int
    counts: dict[str, int]
    journal_mode: str | None


def registry_info(database) -> RegistryInfo:
    with database.reader() as connection:
        counts = {name: connection.execute(select(func.count()).select_from(model)).scalar_one()
                  for name, model in COUNTED.items()}
        version = current_version(connection)
        journal = (connection.exec_driver_sql("PRAGMA journal_mode").scalar()
                   if database.is_sqlite else None)
    return RegistryInfo(database.location, database.engine.dialect.name, version, LATEST,
                        counts, journal)
