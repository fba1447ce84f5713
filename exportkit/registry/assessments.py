"""Storing score snapshots: compact rows, so a national registry can be re-scored often.

A snapshot keeps the total, level, blocked flag and per-dimension scores, plus the first
action; a business snapshot also gets its blockers and first actions as gap rows, which the
gaps report counts in SQL. The full explanation is recomputed on demand (`score --explain`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from exportkit.registry import driver
from exportkit.registry.models import Assessment, AssessmentGap, LatestAssessment

A = Assessment.__table__
G = AssessmentGap.__table__
L = LatestAssessment.__table__

GAP_ACTIONS = 5  # the first actions kept per business, beside every blocker

COLUMNS = ["business_id", "product_id", "best_product_id", "market", "category",
           "rubric_version", "rubric_digest", "total", "level", "blocked", "detail", "batch",
           "created_at"]


@dataclass(frozen=True)
class Snapshot:
    business_id: int
    product_id: int | None          # None: the business's own snapshot
    market: str | None
    assessment: object              # exportkit.scoring.assessment.Assessment
    best_product_id: int | None = None


def compact(assessment) -> str:
    first = assessment.actions[0] if assessment.actions else None
    return json.dumps({
        "level": {"code": assessment.level, "en": assessment.level_name.en,
                  "id": assessment.level_name.id},
        "dimensions": {d.code: d.score for d in assessment.dimensions},
        "first_action": None if first is None else {
            "en": first.text.en, "id": first.text.id, "gain": first.gain},
        "blockers": len(assessment.blockers),
    }, ensure_ascii=False, separators=(",", ":"))


def _category(assessment) -> str | None:
    if assessment.category is not None:
        return assessment.category
    return assessment.best_product.category if assessment.best_product else None


def store(connection, snapshots: list[Snapshot], now: datetime) -> None:
    """Inserts the snapshots (one executemany) and the businesses' gap rows."""
    if not snapshots:
        return
    stamp = driver.value(connection, now)
    batch = uuid.uuid4().hex
    details: dict[tuple, str] = {}

    def detail(a) -> str:
        # Products with the same facts share their dimensions and actions (the run's memo):
        # written out once per batch. The snapshots hold the objects, so ids are unique.
        key = (id(a.dimensions), id(a.actions), a.level, len(a.blockers))
        text = details.get(key)
        if text is None:
            text = details[key] = compact(a)
        return text

    driver.insert_many(connection, A.name, COLUMNS, [
        (s.business_id, s.product_id, s.best_product_id, s.market, _category(a),
         a.rubric_version, a.rubric_digest, a.total, a.level, a.blocked, detail(a), batch,
         stamp)
        for s in snapshots for a in (s.assessment,)])
    mark = driver.mark(connection)
    # Point "latest" at what this batch wrote, unless a newer snapshot is there already.
    connection.exec_driver_sql(
        f"INSERT INTO {L.name} (market_key, subject, business_id, product_id, assessment_id) "
        f"SELECT coalesce(market, ''), CASE WHEN product_id IS NULL THEN 'b' ELSE 'p' END, "
        f"business_id, coalesce(product_id, 0), id FROM {A.name} WHERE batch = {mark} "
        f"ON CONFLICT (market_key, subject, business_id, product_id) "
        f"DO UPDATE SET assessment_id = excluded.assessment_id "
        f"WHERE excluded.assessment_id > {L.name}.assessment_id", (batch,))
    businesses = {s.business_id: s for s in snapshots if s.product_id is None}
    if not businesses:
        return
    ids = dict(connection.exec_driver_sql(
        f"SELECT business_id, id FROM {A.name} WHERE batch = {mark} AND product_id IS NULL",
        (batch,)).all())
    gaps = []
    for business_id, s in businesses.items():
        a = s.assessment
        for position, item in enumerate(a.blockers, start=1):
            gaps.append((ids[business_id], "blocker", item.code, position, None,
                         item.text.en, item.text.id))
        for position, item in enumerate(a.actions[:GAP_ACTIONS], start=1):
            gaps.append((ids[business_id], "action", item.code, position, item.gain,
                         item.text.en, item.text.id))
    driver.insert_many(connection, G.name, ["assessment_id", "kind", "code", "position",
                                            "gain", "text_en", "text_id"], gaps)
