"""Scoring businesses in worker processes, one per core, for runs over large registries.

The scorer is pure and a business is scored on its own facts, so businesses can be scored
anywhere (exportkit.workers); the main process keeps reading the registry and writing what
comes back. A worker takes the rows the registry holds (exportkit.fact_rows) and returns
the snapshot rows it stores (exportkit.snapshots), not facts and assessments: rows travel
between processes far more cheaply. Nothing here touches
the database or imports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from exportkit.fact_rows import Group, RawGroup, group
from exportkit.snapshots import Details, Rows, Snapshot, rows
from exportkit.workers import WorkerPool


@dataclass(frozen=True)
class Scoring:
    """One run's rules: every group of the run is scored with these."""

    rubric: object                  # exportkit.scoring.rubric.Rubric
    market: object | None           # exportkit.scoring.markets.Market
    today: date
    with_businesses: bool

    def snapshots(self, group: Group, memo) -> list[Snapshot]:
        """The group scored: a snapshot per product, then the business's (unless products
        only)."""
        from exportkit.scoring.scorer import score_group, score_product

        if self.with_businesses:
            products, business = score_group(group.business, group.products, self.rubric,
                                             self.market, self.today, memo)
        else:
            products, business = [score_product(p, group.business, self.rubric, self.market,
                                                self.today, memo) for p in group.products], None
        code = self.market.code if self.market else None
        out = [Snapshot(group.business_id, product_id, code, a)
               for product_id, a in zip(group.product_ids, products, strict=True)]
        if business is not None:
            best = None if business.best_product is None else \
                group.product_ids[products.index(business.best_product)]
            out.append(Snapshot(group.business_id, None, code, business, best_product_id=best))
        return out

    def memo(self):
        from exportkit.scoring.scorer import Memo

        return Memo(self.rubric, self.market, self.today)


# -- in a worker process ---------------------------------------------------------------------

def _setup(scoring: Scoring) -> tuple[Scoring, object, Details]:
    # one memo and one table of detail cells per worker, shared by all its batches
    return scoring, scoring.memo(), Details()


def _score(state: tuple[Scoring, object, Details], groups: Sequence[RawGroup]) -> Rows:
    scoring, memo, details = state
    return rows([s for raw in groups for s in scoring.snapshots(group(raw), memo)], details)


# -- in the main process ---------------------------------------------------------------------

# Products a batch sent to a worker. A worker holds the batch it scores as objects, the
# next as a pickle, and its results until they are taken: memory grows with the batch.
# score --all at 100k businesses with two workers, all processes' PSS: batches of the
# 2,000 products read at a time, 149 MiB; of 1,000, 133; of 500, 127 (and 133 at 1M,
# against 155.6), for about 7% more wall time. Reading the registry 500 products at a time
# instead saved as much and took 19% longer at 1M (BENCHMARKS.md, round 20).
WORKER_BATCH = 500


def batches(raw_groups: Sequence[RawGroup], products: int = WORKER_BATCH
            ) -> Iterator[list[RawGroup]]:
    """The groups in order, in batches of whole businesses: a batch ends with the business
    that brings it to `products` products or more."""
    batch: list[RawGroup] = []
    count = 0
    for raw in raw_groups:
        batch.append(raw)
        count += len(raw.rows)
        if count >= products:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def scoring_pool(jobs: int, scoring: Scoring) -> WorkerPool:
    """Groups out to `jobs` workers, their snapshot rows back in sending order."""
    return WorkerPool(jobs, _score, _setup, scoring)
