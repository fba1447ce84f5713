"""Storing score snapshots and reading the latest ones back."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from exportkit.registry.models import Assessment, AssessmentGap, utcnow

A = Assessment.__table__
G = AssessmentGap.__table__


@dataclass(frozen=True)
class Snapshot:
    business_id: int
    product_id: int | None
    market: str | None
    result: dict  # Assessment.to_dict()
    best_product_id: int | None = None


def store(connection, snapshots: list[Snapshot]) -> None:
    """Inserts the snapshots and their blockers and actions (for gap counts in SQL)."""
    if not snapshots:
        return
    now = utcnow()
    rows = [{
        "business_id": s.business_id, "product_id": s.product_id,
        "best_product_id": s.best_product_id, "market": s.market,
        "category": s.result.get("category") or (s.result.get("best_product") or {}).get(
            "category"),
        "rubric_version": s.result["rubric"]["version"],
        "rubric_digest": s.result["rubric"]["digest"],
        "total": s.result["total"], "level": s.result["level"]["code"],
        "blocked": s.result["blocked"],
        "detail": json.dumps(s.result, ensure_ascii=False, separators=(",", ":")),
        "created_at": now,
    } for s in snapshots]
    ids = connection.execute(insert(A).returning(A.c.id, sort_by_parameter_order=True),
                             rows).scalars().all()
    gaps = []
    for assessment_id, s in zip(ids, snapshots, strict=True):
        for kind, items in (("blocker", s.result["blockers"]), ("action", s.result["actions"])):
            for position, item in enumerate(items, start=1):
                gaps.append({"assessment_id": assessment_id, "kind": kind,
                             "code": item["code"], "position": position,
                             "gain": item.get("gain"), "text_en": item["en"],
                             "text_id": item["id"]})
    if gaps:
        connection.execute(insert(G), gaps)


def latest_ids(market: str | None, products: bool = True):
    """A subquery: the id of the newest assessment per product (or business) for a market."""
    key = A.c.product_id if products else A.c.business_id
    market_match = A.c.market.is_(None) if market is None else A.c.market == market
    subject = A.c.product_id.is_not(None) if products else A.c.product_id.is_(None)
    return (select(func.max(A.c.id).label("id")).where(market_match, subject)
            .group_by(key).subquery())
