"""Scoring businesses in worker processes, one per core, for runs over large registries.

The scorer is pure and a business is scored on its own facts, so businesses can be scored
anywhere; the main process keeps reading the registry and writing what comes back. A
worker returns the snapshot rows the registry stores (exportkit.snapshots), not the
assessments: rows travel between processes far more cheaply. Batches come back in the
order they were sent, so a run stores the same rows in the same order on any number of
cores. Nothing here touches the database or imports it.
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exportkit.scoring.facts import BusinessFacts, ProductFacts
from exportkit.snapshots import Rows, Snapshot, rows


@dataclass(frozen=True)
class Group:
    """A business and its products (with their ids) as the registry holds them."""

    business_id: int
    business: BusinessFacts
    product_ids: tuple[int, ...]
    products: tuple[ProductFacts, ...]


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


MOST_WORKERS = 4  # the main process reads and stores for all workers (about a third of a
# run's work in one process, by the profile): more workers than this would wait on it


def available_cores(cpu_max: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The cores this process may use: those it may run on (`taskset`), within a container's
    CPU quota (cgroup v2 `cpu.max`), which the count of cores does not show."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    try:
        quota, period = cpu_max.read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def default_jobs() -> int:
    return min(available_cores(), MOST_WORKERS)


# -- in a worker process ---------------------------------------------------------------------

_worker: tuple[Scoring, object] | None = None


def _start(scoring: Scoring) -> None:
    global _worker
    # Ctrl-C reaches the whole process group: the main process stops the run (and rolls it
    # back); a worker just finishes its batch, without a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a main process that is killed outright cannot stop its workers: they stop themselves
    threading.Thread(target=_exit_with, args=(multiprocessing.parent_process(),),
                     daemon=True).start()
    _worker = (scoring, scoring.memo())  # one memo per worker, shared by all its batches


def _exit_with(parent) -> None:
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(1)


def _score(groups: Sequence[Group]) -> Rows:
    assert _worker is not None, "the worker was not started"
    scoring, memo = _worker
    return rows([s for group in groups for s in scoring.snapshots(group, memo)])


# -- in the main process ---------------------------------------------------------------------

class WorkerPool:
    """Batches of groups out to `jobs` worker processes, their rows back in sending order.
    At most two batches per worker are in flight, so memory stays flat."""

    def __init__(self, jobs: int, scoring: Scoring):
        # spawn, not fork: the main process may run threads (a progress bar) and holds
        # open database connections that a forked child must not inherit
        self._executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(
            "spawn"), initializer=_start, initargs=(scoring,))
        self._waiting: deque[Future] = deque()
        self._limit = 2 * jobs

    def put(self, groups: Sequence[Group]) -> Iterator[Rows]:
        """Sends a batch; yields the rows of the batches that must be taken to make room."""
        self._waiting.append(self._executor.submit(_score, groups))
        while len(self._waiting) > self._limit:
            yield self._waiting.popleft().result()

    def drain(self) -> Iterator[Rows]:
        while self._waiting:
            yield self._waiting.popleft().result()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
