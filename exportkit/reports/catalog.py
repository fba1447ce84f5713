"""The catalogue: export-ready products as buyers see them, no personal data by default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import func, or_, select

from exportkit.i18n import _, current_language
from exportkit.labels import labels
from exportkit.registry.models import Assessment, Business, Certification, Product
from exportkit.registry.queries import contains, streamed
from exportkit.reports.formats import Report, Table
from exportkit.reports.latest import latest, require_scores

A = Assessment.__table__
B = Business.__table__
P = Product.__table__
C = Certification.__table__


@contextmanager
def catalog_report(database, market: str | None, ready_level: str, today: date,
                   include_contacts: bool = False, regency: str | None = None
                   ) -> Iterator[Report]:
    """The rows stream from the registry as the report is written (read once, while the
    block lasts): a national registry's ready products may be millions."""
    ids = latest(market, businesses=False)
    valid = (select(C.c.business_id, C.c.product_id, C.c.kind)
             .where(or_(C.c.expires_on.is_(None), C.c.expires_on >= today)).subquery())
    # certificates of the business, and of this product
    certs = (select(func.aggregate_strings(valid.c.kind, ", "))
             .where(valid.c.business_id == P.c.business_id,
                    or_(valid.c.product_id.is_(None), valid.c.product_id == P.c.id))
             .scalar_subquery())
    columns = [P.c.id, P.c.name, P.c.category, P.c.hs_code, P.c.description,
               P.c.monthly_capacity, P.c.unit, P.c.fob_price_usd, certs.label("certificates"),
               B.c.name.label("business"), B.c.regency, A.c.total]
    if include_contacts:
        columns += [B.c.owner_name, B.c.phone, B.c.email, B.c.website]
    statement = (select(*columns)
                 .select_from(A.join(ids, A.c.id == ids.c.id).join(P, P.c.id == A.c.product_id)
                              .join(B, B.c.id == P.c.business_id))
                 .where(A.c.level == ready_level, A.c.blocked.is_(False))
                 .order_by(P.c.category, A.c.total.desc(), P.c.id))
    if regency:
        statement = statement.where(contains(B.c.regency, regency))
    keys = ["id", "product", "category", "hs_code", "description", "monthly_capacity", "unit",
            "fob_price_usd", "certificates", "business", "regency", "total"]
    if include_contacts:
        keys += ["owner_name", "phone", "email", "website"]
    title = (_("Export-ready catalogue ({market})").format(market=market) if market
             else _("Export-ready catalogue"))
    with database.reader(snapshot=True) as connection, \
            streamed(connection, statement) as rows:
        require_scores(connection, market)
        table = Table(title, labels(keys), (tuple(r) for r in rows), keys,
                      {"monthly_capacity": "number", "fob_price_usd": "money:USD",
                       "total": "number"})
        yield Report(title, [table], [], current_language())
