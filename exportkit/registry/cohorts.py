"""Cohorts: named selections of businesses for a programme, and their members."""

from __future__ import annotations

from sqlalchemy import insert, select

from exportkit.errors import ExportkitError
from exportkit.i18n import _
from exportkit.registry.models import Cohort, CohortMember, utcnow

C = Cohort.__table__
M = CohortMember.__table__


def cohort_exists(database, name: str) -> bool:
    with database.reader() as connection:
        return connection.execute(select(C.c.id).where(C.c.name == name)).first() is not None


def save_cohort(database, name: str, business_ids: list[int], programme: str | None = None,
                year: int | None = None) -> int:
    """Creates the cohort with these members; an existing name is an error, not a merge."""
    with database.writer() as connection, connection.begin():
        if connection.execute(select(C.c.id).where(C.c.name == name)).first():
            raise ExportkitError(_("a cohort named {name!r} exists already; choose another "
                                   "name").format(name=name))
        cohort_id = connection.execute(insert(C).values(
            name=name, programme=programme, year=year, created_at=utcnow())
            .returning(C.c.id)).scalar_one()
        now = utcnow()
        if business_ids:
            connection.execute(insert(M), [{"cohort_id": cohort_id, "business_id": b,
                                            "product_id": None, "added_at": now}
                                           for b in dict.fromkeys(business_ids)])
    return cohort_id


def member_ids(cohort_id: int):
    """The cohort's business ids, as a subquery: a cohort may have more members than a
    statement takes parameters."""
    return select(M.c.business_id).where(M.c.cohort_id == cohort_id).scalar_subquery()


def cohort_members(connection, name: str) -> tuple[dict, list[int]]:
    cohort = connection.execute(select(C).where(C.c.name == name)).mappings().first()
    if cohort is None:
        known = connection.execute(select(C.c.name).order_by(C.c.name)).scalars().all()
        raise ExportkitError(_("no cohort named {name!r}; cohorts: {known}").format(
            name=name, known=", ".join(known) or _("none yet (save one with report shortlist "
                                                   "--save-cohort NAME)")))
    members = connection.execute(select(M.c.business_id).where(
        M.c.cohort_id == cohort["id"]).order_by(M.c.id)).scalars().all()
    return dict(cohort), list(members)
