"""Score snapshots as the rows the registry stores: compact, so a national registry can be
re-scored often.

Pure (no database): scoring worker processes build these rows and hand them back. A
snapshot row keeps the total, level, blocked flag and per-dimension scores, plus the first
action; a business snapshot also gets its blockers and first actions as gap rows, which
the gaps report counts in SQL. The full explanation is recomputed on demand
(`score --explain`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from exportkit.bounded import BoundedTable

GAP_ACTIONS = 5  # the first actions kept per business, beside every blocker

# a snapshot row: these columns, then the batch and the time the registry adds
COLUMNS = ["business_id", "product_id", "best_product_id", "market", "category",
           "rubric_version", "rubric_digest", "total", "level", "blocked", "detail"]
GAP_COLUMNS = ["kind", "code", "position", "gain", "text_en", "text_id"]
BUSINESS_ID, PRODUCT_ID, TOTAL, LEVEL, BLOCKED = (
    COLUMNS.index(c) for c in ("business_id", "product_id", "total", "level", "blocked"))


@dataclass(frozen=True)
class Snapshot:
    business_id: int
    product_id: int | None          # None: the business's own snapshot
    market: str | None
    assessment: object              # exportkit.scoring.assessment.Assessment
    best_product_id: int | None = None


@dataclass
class Rows:
    """Snapshot rows (COLUMNS) and the businesses' gap rows: (business_id, *GAP_COLUMNS)."""

    snapshots: list[tuple] = field(default_factory=list)
    gaps: list[tuple] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        self.snapshots += other.snapshots
        self.gaps += other.gaps

    def clear(self) -> None:
        self.snapshots.clear()
        self.gaps.clear()


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


class Details:
    """The detail cells of one run's product snapshots, remembered from batch to batch:
    products with the same facts share one result in the scorer's memo (its dimensions and
    actions are the same objects), so a national registry writes each cell out once, not
    once per product. Keyed by the objects' ids (hashing them would walk every criterion);
    an entry holds the objects, so their ids are not reused while it is remembered."""

    LIMIT = 5_000

    def __init__(self) -> None:
        self._cells = BoundedTable(self.LIMIT)

    def cell(self, a) -> str:
        key = (id(a.dimensions), id(a.actions), a.level, len(a.blockers))
        return self._cells.recall(key, lambda: (a.dimensions, a.actions, compact(a)))[2]


def rows(snapshots: list[Snapshot], details: Details | None = None) -> Rows:
    """`details`: shared by the batches of one run (a business's cell is its own)."""
    details = Details() if details is None else details
    out = Rows()
    for s in snapshots:
        a = s.assessment
        out.snapshots.append((s.business_id, s.product_id, s.best_product_id, s.market,
                              _category(a), a.rubric_version, a.rubric_digest, a.total,
                              a.level, a.blocked,
                              compact(a) if s.product_id is None else details.cell(a)))
        if s.product_id is None:
            out.gaps += [(s.business_id, "blocker", item.code, position, None, item.text.en,
                          item.text.id) for position, item in enumerate(a.blockers, start=1)]
            out.gaps += [(s.business_id, "action", item.code, position, item.gain,
                          item.text.en, item.text.id)
                         for position, item in enumerate(a.actions[:GAP_ACTIONS], start=1)]
    return out
