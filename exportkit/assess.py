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
from exportkit.i18n import _
from exportkit.registry.assessments import Snapshot, store
from exportkit.registry.facts import ProductRow, Selection, iter_products

STORE_BATCH = 2000  # snapshots written per executemany


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
           progress: Callable[[int], None] | None = None) -> AssessRun:
    """Scores the selection a business at a time (its products, then the business with its
    best product) and stores every snapshot in one transaction."""
    from exportkit.registry.models import utcnow
    from exportkit.scoring.scorer import Memo, score_group, score_product

    run = AssessRun(market.code if market else None, rubric.version, rubric.digest)
    market_code = market.code if market else None
    now = utcnow()
    memo = Memo(rubric, market, today)
    group: list[ProductRow] = []
    pending: list[Snapshot] = []

    def note(scored: Scored) -> None:
        a = scored.assessment
        if scored.product_id is not None:
            run.products += 1
            run.levels[a.level] += 1
            run.level_names[a.level] = a.level_name
            run.blocked += a.blocked
            run.lowest = a.total if run.lowest is None else min(run.lowest, a.total)
        else:
            run.businesses += 1
        if len(run.results) < keep:
            run.results.append(scored)

    def close_business() -> None:
        if not group:
            return
        first = group[0]
        if with_businesses:
            products, business = score_group(first.business, [r.product for r in group],
                                             rubric, market, today, memo)
        else:
            products = [score_product(r.product, r.business, rubric, market, today, memo)
                        for r in group]
            business = None
        for row, assessment in zip(group, products, strict=True):
            pending.append(Snapshot(row.business_id, row.product_id, market_code, assessment))
            note(Scored(row.product_id, row.business_id, row.business.name, assessment))
        if business is not None:
            best = group[products.index(business.best_product)].product_id \
                if business.best_product is not None else None
            pending.append(Snapshot(first.business_id, None, market_code, business,
                                    best_product_id=best))
            note(Scored(None, first.business_id, first.business.name, business))
        group.clear()

    with ExitStack() as stack:
        # One write transaction for the whole run: all snapshots land, or none do.
        connection = stack.enter_context(database.writer()) if save else None
        if connection is not None:
            stack.enter_context(connection.begin())
        for chunk in iter_products(database, selection):
            for row in chunk:
                if group and group[0].business_id != row.business_id:
                    close_business()
                group.append(row)
            if save and len(pending) >= STORE_BATCH:
                store(connection, pending, now)
                pending.clear()
            if progress:
                progress(len(chunk))
        close_business()
        if save:
            store(connection, pending, now)
    return run
