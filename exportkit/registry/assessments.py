"""Storing score snapshots (built as rows by exportkit.snapshots) and pointing "latest" at
them."""

from __future__ import annotations

import uuid
from datetime import datetime

from exportkit.registry import driver
from exportkit.registry.models import Assessment, AssessmentGap, LatestAssessment
from exportkit.snapshots import BUSINESS_ID, COLUMNS, GAP_COLUMNS, PRODUCT_ID, Rows

A = Assessment.__table__
G = AssessmentGap.__table__
L = LatestAssessment.__table__


def new_batch() -> str:
    """The token of one scoring run: every snapshot it stores carries it."""
    return uuid.uuid4().hex


def store(connection, rows: Rows, now: datetime, batch: str) -> None:
    """Inserts the snapshot rows (one bulk insert, their ids given here) and the businesses'
    gap rows, and points "latest" at them. `now` and `batch`: the run's, for every part of
    it that is stored."""
    if not rows.snapshots:
        return
    stamp = driver.value(connection, now)
    ids = driver.new_ids(connection, A.name, len(rows.snapshots))
    driver.insert_many(connection, A.name, ["id", *COLUMNS, "batch", "created_at"],
                       [(row_id, *row, batch, stamp)
                        for row_id, row in zip(ids, rows.snapshots, strict=True)])
    mark = driver.mark(connection)
    if isinstance(ids, range):
        written, params = f"id BETWEEN {mark} AND {mark}", (ids[0], ids[-1])
    else:
        written, params = f"id = ANY({mark})", (list(ids),)
    # Point "latest" at what this call wrote, unless a newer snapshot is there already.
    connection.exec_driver_sql(
        f"INSERT INTO {L.name} (market_key, subject, business_id, product_id, assessment_id) "
        f"SELECT coalesce(market, ''), CASE WHEN product_id IS NULL THEN 'b' ELSE 'p' END, "
        f"business_id, coalesce(product_id, 0), id FROM {A.name} WHERE {written} "
        f"ON CONFLICT (market_key, subject, business_id, product_id) "
        f"DO UPDATE SET assessment_id = excluded.assessment_id "
        f"WHERE excluded.assessment_id > {L.name}.assessment_id", params)
    if not rows.gaps:
        return
    businesses = {row[BUSINESS_ID]: row_id for row_id, row in zip(ids, rows.snapshots,
                                                                   strict=True)
                  if row[PRODUCT_ID] is None}
    driver.insert_many(connection, G.name, ["assessment_id", *GAP_COLUMNS],
                       [(businesses[business_id], *gap) for business_id, *gap in rows.gaps])
