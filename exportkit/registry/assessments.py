"""Storing score snapshots (built as rows by exportkit.snapshots) and pointing "latest" at
them."""

from __future__ import annotations

import uuid
from datetime import datetime

from exportkit.registry import driver
from exportkit.registry.models import Assessment, AssessmentGap, LatestAssessment
from exportkit.snapshots import COLUMNS, GAP_COLUMNS, Rows

A = Assessment.__table__
G = AssessmentGap.__table__
L = LatestAssessment.__table__


def store(connection, rows: Rows, now: datetime) -> None:
    """Inserts the snapshot rows (one bulk insert) and the businesses' gap rows."""
    if not rows.snapshots:
        return
    stamp = driver.value(connection, now)
    batch = uuid.uuid4().hex
    driver.insert_many(connection, A.name, [*COLUMNS, "batch", "created_at"],
                       [(*row, batch, stamp) for row in rows.snapshots])
    mark = driver.mark(connection)
    # Point "latest" at what this batch wrote, unless a newer snapshot is there already.
    connection.exec_driver_sql(
        f"INSERT INTO {L.name} (market_key, subject, business_id, product_id, assessment_id) "
        f"SELECT coalesce(market, ''), CASE WHEN product_id IS NULL THEN 'b' ELSE 'p' END, "
        f"business_id, coalesce(product_id, 0), id FROM {A.name} WHERE batch = {mark} "
        f"ON CONFLICT (market_key, subject, business_id, product_id) "
        f"DO UPDATE SET assessment_id = excluded.assessment_id "
        f"WHERE excluded.assessment_id > {L.name}.assessment_id", (batch,))
    if not rows.gaps:
        return
    ids = dict(connection.exec_driver_sql(
        f"SELECT business_id, id FROM {A.name} WHERE batch = {mark} AND product_id IS NULL",
        (batch,)).all())
    driver.insert_many(connection, G.name, ["assessment_id", *GAP_COLUMNS],
                       [(ids[business_id], *gap) for business_id, *gap in rows.gaps])
