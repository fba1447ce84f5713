"""Scoring what the registry holds: load facts, score them, store the snapshots.

The scorer itself (exportkit.scoring) is pure; this module is the one place that joins it
to the registry. Products stream in chunks; a business is scored once all of its products
have been seen (the selection covers whole businesses unless it names products).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from exportkit.errors import UsageError
from exportkit.fact_rows import RawGroup, group, groups
from exportkit.i18n import _
from exportkit.registry.assessments import new_batch, store
from exportkit.registry.facts import CHUNK, Selection, iter_chunks
from exportkit.score_workers import WORKER_BATCH, Scoring, batches, scoring_pool
from exportkit.snapshots import BLOCKED, LEVEL, PRODUCT_ID, TOTAL, Details, Rows, rows

STORE_BATCH = 2000  # snapshots written per bulk insert


@dataclass
class Scored:
    product_id: int | None
    business_id: int
    business: str
    assessment: object  # exportkit.scoring.assessment.Assessment


@dataclass
class AssessRun:
    market: str | None
    rubric_version: str
    rubric_digest: str
    products: int = 0
    businesses: int = 0
    levels: Counter = field(default_factory=Counter)
    blocked: int = 0
    lowest: float | None = None
    results: list[Scored] = field(default_factory=list)  # kept up to `keep`
    level_names: dict = field(default_factory=dict)      # level code -> Text
    workers: int = 0                                     # worker processes (0: none)

    def level_counts(self, lang: str) -> str:
        """ "Ready to export: 42, Needs coaching: 56" in the language asked for."""
        return ", ".join(f"{getattr(self.level_names[code], lang)}: {n}"
                         for code, n in sorted(self.levels.items()))


def load_rules(rubric_path: Path | None, market_text: str | None):
    """The rubric, and the market named by code or by name in English or Indonesian."""
    from exportkit.countries import lookup_country
    from exportkit.scoring.markets import load_markets
    from exportkit.scoring.rubric import load_rubric

    rubric = load_rubric(rubric_path)
    if market_text is None:
        return rubric, None
    code = lookup_country(market_text)
    markets = load_markets()
    market = markets.get(code) if code else None
    if market is None:
        raise UsageError(_("no market data for {market!r}; markets with data: {known}").format(
            market=market_text, known=", ".join(markets.codes())))
    return rubric, market


def assess(database, selection: Selection, rubric, market, today: date, *,
           with_businesses: bool = True, save: bool = True, keep: int = 0,
           progress: Callable[[int], None] | None = None, jobs: int = 1,
           chunk: int = CHUNK, worker_batch: int = WORKER_BATCH) -> AssessRun:
    """Scores the selection a business at a time (its products, then the business with its
    best product) and stores every snapshot in one transaction.

    keep: results kept with their assessments (run.results), in the registry's order.
    jobs: processes that share the run, this one counted; beyond 1, this process scores
    only the businesses whose results it keeps, and once the selection proves larger than
    one chunk, the rest is scored by `jobs` - 1 worker processes (starting them is not
    worth it for less; a selection of one chunk is scored here). A scoring memo grows by
    some 30 KiB a business, and the memory a process takes is not given back: so the
    main process, which reads and stores for the workers, scores no more than it keeps.
    chunk: products read from the registry at a time; worker_batch: products sent to a
    worker at a time (score_workers.WORKER_BATCH: a worker's memory grows with it)."""
    from exportkit.registry.models import utcnow

    scoring = Scoring(rubric, market, today, with_businesses)
    run = AssessRun(market.code if market else None, rubric.version, rubric.digest,
                    level_names={level.code: level.name for level in rubric.levels})
    memo, details = scoring.memo(), Details()
    now, token = utcnow(), new_batch()  # the run's, on every snapshot it stores
    pending = Rows()

    def take(batch: Rows) -> None:
        """Counts a batch's snapshots into the run and queues them for storing."""
        products = 0
        for row in batch.snapshots:
            if row[PRODUCT_ID] is None:
                run.businesses += 1
                continue
            products += 1
            total = row[TOTAL]
            run.levels[row[LEVEL]] += 1
            run.blocked += row[BLOCKED]
            run.lowest = total if run.lowest is None else min(run.lowest, total)
        run.products += products
        if save:
            pending.extend(batch)
            if len(pending.snapshots) >= STORE_BATCH:
                store(connection, pending, now, token)
                pending.clear()
        if progress:
            progress(products)

    def score_here(raw_groups: list[RawGroup], until_kept: bool = False) -> list[RawGroup]:
        """Scores the groups here; `until_kept`: only until `keep` results are kept,
        returning the groups left."""
        snapshots, left = [], []
        for position, raw in enumerate(raw_groups):
            if until_kept and len(run.results) >= keep:
                left = raw_groups[position:]
                break
            facts = group(raw)
            for snapshot in scoring.snapshots(facts, memo):
                snapshots.append(snapshot)
                if len(run.results) < keep:
                    run.results.append(Scored(snapshot.product_id, snapshot.business_id,
                                              facts.business.name, snapshot.assessment))
        if snapshots:
            take(rows(snapshots, details))
        return left

    with ExitStack() as stack:
        # One write transaction for the whole run: all snapshots land, or none do.
        connection = stack.enter_context(database.writer()) if save else None
        if connection is not None:
            stack.enter_context(connection.begin())
        pool = None
        # groups read and not scored yet (no result of theirs is kept): the workers take
        # them once the selection proves larger than one chunk
        held: list[list[RawGroup]] = []
        for n, completed in groups(iter_chunks(database, selection, chunk)):
            if pool is None:
                if left := score_here(completed, until_kept=jobs > 1):
                    held.append(left)
                if not held or n == 0:
                    continue
                pool = stack.enter_context(scoring_pool(jobs - 1, scoring))
                run.workers = jobs - 1
                memo = details = None  # the workers score the rest, with memos of their own
                sent, held = held, []  # theirs now: not kept here for the whole run
            else:
                sent = [completed] if completed else []
            for raw_groups in sent:
                for out in batches(raw_groups, worker_batch):
                    for batch in pool.put(out):
                        take(batch)
        if pool is None:  # a selection of one chunk
            for raw_groups in held:
                score_here(raw_groups)
        else:
            for batch in pool.drain():
                take(batch)
        if save:
            store(connection, pending, now, token)
    return run
