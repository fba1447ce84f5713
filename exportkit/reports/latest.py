"""The newest assessment per business or product for a market: the base of most reports."""

from __future__ import annotations

from sqlalchemy import func, select

from exportkit.errors import ExportkitError
from exportkit.i18n import _
from exportkit.registry.models import Assessment

A = Assessment.__table__


class NotScored(ExportkitError):
    pass


def latest(market: str | None, businesses: bool = True):
    """A subquery of the newest assessment ids: per business (product_id IS NULL) or per
    product, for one market (None: the general assessment without a market)."""
    market_match = A.c.market.is_(None) if market is None else A.c.market == market
    if businesses:
        query = select(func.max(A.c.id).label("id")).where(
            market_match, A.c.product_id.is_(None)).group_by(A.c.business_id)
    else:
        query = select(func.max(A.c.id).label("id")).where(
            market_match, A.c.product_id.is_not(None)).group_by(A.c.product_id)
    return query.subquery("latest")


def require_scores(connection, market: str | None) -> None:
    market_match = A.c.market.is_(None) if market is None else A.c.market == market
    if connection.execute(select(A.c.id).where(market_match).limit(1)).first() is None:
        if market:
            raise NotScored(_("no scores yet for market {market}: run `exportkit score --all "
                              "--market {market}` first").format(market=market))
        raise NotScored(_("no scores yet: run `exportkit score --all` first"))
