"""Storing score snapshots and reading the latest ones back."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from exportkit.registry.models import Assessment, utcnow

A = Assessment.__table__


@dataclass(frozen=True)
class Snapshot:
    business_id: int
    product_id: int | None
    market: str | None
    result: dict  # Assessment.to_dict()


def store(connection, snapshots: list[Snapshot]) -> None:
    if not snapshots:
        return
    now = utcnow()
    connection.execute(insert(A), [{
        "business_id": s.business_id, "product_id": s.product_id, "market": s.market,
        "rubric_version": s.result["rubric"]["version"],
        "rubric_digest": s.result["rubric"]["digest"],
        "total": s.result["total"], "level": s.result["level"]["code"],
        "blocked": s.result["blocked"],
        "detail": json.dumps(s.result, ensure_ascii=False, separators=(",", ":")),
        "created_at": now,
    } for s in snapshots])


def latest_ids(market: str | None, products: bool = True):
    """A subquery: the id of the newest assessment per product (or business) for a market."""
    key = A.c.product_id if products else A.c.business_id
    market_match = A.c.market.is_(None) if market is None else A.c.market == market
    subject = A.c.product_id.is_not(None) if products else A.c.product_id.is_(None)
    return (select(func.max(A.c.id).label("id")).where(market_match, subject)
            .group_by(key).subquery())
