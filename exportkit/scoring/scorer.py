"""Score a product, or a business with its products, against the rubric and a market.

Pure: no database, no printing, no clock (`today` is a parameter). How it counts:
- a dimension scores 100 x earned / possible over the criteria that apply and whose facts
  are known; a dimension with nothing to score drops out and the weights renormalise over
  the dimensions present, so nothing earns free points;
- a criterion whose market fact is unknown is left out of the denominator and reported as
  a warning ("unknown: check with the desk");
- a missing hard criterion is a blocker: the level is capped at the rubric's
  `blocked_cap`, the total is left as it is;
- an action's gain is the change in the TOTAL when that single gap is fixed and the
  facts are scored again, so it accounts for renormalisation.
A business is scored on its company dimensions plus its best product (highest total;
ties go to the unblocked one, then to the first listed); that product's blockers block
the business, its warnings and actions are the business's too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter

from exportkit.bounded import BoundedTable, SharedValues
from exportkit.scoring.assessment import (
    Action,
    Assessment,
    CriterionResult,
    DimensionResult,
    Message,
    Origin,
)
from exportkit.scoring.checks import (
    CHECKS,
    EVERY_PART,
    NAMES_A_PRODUCT,
    PARTS,
    READS,
    Context,
    Facts,
    Fix,
    gtin_ok,
)
from exportkit.scoring.facts import BusinessFacts, CertificateFact, ProductFacts, evolve
from exportkit.scoring.markets import Market
from exportkit.scoring.rubric import Dimension, Rubric
from exportkit.scoring.schema import Text
from exportkit.scoring.vocabulary import certificates

# A product's texts, criterion and dimension results, actions and certificates held: one
# object per value. A run's memo holds the results of thousands of products, built of a
# few hundred distinct values (SharedValues). A business's results are not remembered:
# sharing them would cost the hashing and save nothing.
_RESULTS = SharedValues(8192)


def _as_is(value):
    return value


def _shared(scope: str) -> Callable:
    return _RESULTS.one if scope == "product" else _as_is


@dataclass(frozen=True, eq=False, slots=True)  # one gap is one object: priced by identity
class _Gap:
    code: str
    text: Text
    fix: Fix | None
    hard: bool


@dataclass(frozen=True, slots=True)
class _Run:
    """One scoring pass, before actions are priced."""

    raw_total: float
    dimensions: tuple[DimensionResult, ...]
    blockers: tuple[Message, ...]
    warnings: tuple[Message, ...]
    gaps: tuple[_Gap, ...]
    points: tuple[tuple[float, float], ...] = ()  # per dimension of the scope: (earned,
    #                                               possible), what pricing actions starts from
    held: frozenset[str] = frozenset()            # the certificates that counted
    keys: tuple[tuple | None, ...] = ()           # per dimension: what its checks read
    #                                               (Memo.dimension_key), where a memo keyed it


def _held(certs: Sequence[CertificateFact], rubric: Rubric, today: date, texts: bool = True
          ) -> tuple[frozenset[str], list[Message]]:
    """Codes of the certificates still valid today, and warnings on expired or expiring ones."""
    if not texts:  # pricing an action: only which certificates count
        return frozenset(c.kind for c in certs
                         if c.expires_on is None or c.expires_on >= today), []
    held, warnings = set(), []
    window = rubric.parameters["expiry_warning_days"]
    for cert in certs:
        name = certificates().get(cert.kind, Text(cert.kind, cert.kind))
        params = {"certificate": name, "date": cert.expires_on and cert.expires_on.isoformat()}
        code = f"certificates.{cert.kind}"
        if cert.expires_on is not None and cert.expires_on < today:
            warnings.append(Message(code, rubric.messages["certificate_expired"].format(params)))
            continue
        held.add(cert.kind)
        if cert.expires_on is not None and (cert.expires_on - today).days <= window:
            params["days"] = (cert.expires_on - today).days
            warnings.append(Message(code, rubric.messages["certificate_expiring"].format(params)))
    return frozenset(held), warnings


def _points(dim: Dimension, ctx: Context, scope: str) -> tuple[float, float]:
    earned = possible = 0.0
    for crit in dim.criteria:
        for out in CHECKS[crit.check](crit, ctx, scope):
            if out.status in ("upcoming", "unknown"):
                continue
            earned += round(crit.points * out.ratio, 2)  # rounded as _evaluate does
            possible += crit.points
    return earned, possible


def _reads(dim: Dimension) -> tuple | None:
    reads = tuple((READS[dim.scope].get(crit.check), crit) for crit in dim.criteria)
    return None if any(read is None for read, _crit in reads) else reads


def _weighted(dimensions: Sequence[Dimension], points: Sequence[tuple[float, float]]
              ) -> float:
    """The total from each dimension's (earned, possible), with no texts formatted: what
    pricing an action needs. Dimensions with nothing to score drop out."""
    weighted = weights = 0.0
    for dim, (earned, possible) in zip(dimensions, points, strict=True):
        if possible > 0:
            weighted += 100 * earned / possible * dim.weight
            weights += dim.weight
    return weighted / weights if weights else 0.0


@dataclass(frozen=True, slots=True)
class _Part:
    """One dimension's evaluation, in the order the run reports them."""

    score: float
    result: DimensionResult | None      # None: nothing to score (the dimension drops out)
    blockers: tuple[Message, ...]
    gaps: tuple[_Gap, ...]
    warnings: tuple[Message, ...]
    points: tuple[float, float]         # (earned, possible), as _points counts them


def _evaluate_dimension(dim: Dimension, ctx: Context, scope: str) -> _Part:
    messages = ctx.rubric.messages
    one = _shared(scope)
    results: list[CriterionResult] = []
    blockers: list[Message] = []
    gaps: list[_Gap] = []
    warnings: list[Message] = []
    for crit in dim.criteria:
        for out in CHECKS[crit.check](crit, ctx, scope):
            code = sys.intern(f"{dim.code}.{out.key}")  # one string per criterion
            warnings.extend(Message(code, w) for w in out.warnings)
            if out.status == "upcoming":      # a dated rule not yet in force
                continue
            name = one(out.name or crit.name.format(out.params))
            if out.status == "unknown":
                warnings.append(Message(code, messages["unknown_fact"]
                                        .format({"criterion": name})))
                results.append(one(CriterionResult(code, name, "unknown", 0.0, 0.0, out.hard)))
                continue
            earned = crit.points * out.ratio
            results.append(one(CriterionResult(code, name, out.status, round(earned, 2),
                                               crit.points, out.hard)))
            if out.status != "met":
                if out.hard and crit.blocker is not None:
                    blockers.append(one(Message(code, one(crit.blocker.format(out.params)))))
                gaps.append(_Gap(code, one(crit.action.format(out.params)), out.fix, out.hard))
    possible = sum(r.possible for r in results)
    earned = sum(r.earned for r in results)
    score = 100 * earned / possible if possible > 0 else 0.0
    result = one(DimensionResult(dim.code, dim.name, dim.weight, 0.0, round(score, 1),
                                 tuple(results))) if possible > 0 else None
    return _Part(score, result, tuple(blockers), tuple(gaps), tuple(warnings),
                 (earned, possible))


def _evaluate(ctx: Context, scope: str, warnings: list[Message], memo: Memo | None = None
              ) -> _Run:
    """With a memo, the evaluations of dimensions whose texts name no product are
    remembered by what their checks read (a run shares them across businesses)."""
    parts, keys = [], []
    for dim in ctx.rubric.dimensions_for(scope):
        if memo is None or dim.code not in memo.texts_shared:
            parts.append(_evaluate_dimension(dim, ctx, scope))
            keys.append(None)
        else:
            key = memo.dimension_key(dim, ctx)
            parts.append(memo.parts.recall(key, _evaluate_dimension, dim, ctx, scope))
            keys.append(key)
    blockers = [m for part in parts for m in part.blockers]
    gaps = tuple(g for part in parts for g in part.gaps)
    warnings.extend(m for part in parts for m in part.warnings)
    dims = [(part.score, part.result) for part in parts if part.result is not None]
    weights = sum(d.weight for _, d in dims)
    total = sum(score * d.weight for score, d in dims) / weights if weights else 0.0
    one = _shared(scope)
    shared = tuple(one(DimensionResult(d.code, d.name, d.weight, d.weight / weights, d.score,
                                       d.criteria)) for _, d in dims)
    return _Run(total, shared, tuple(blockers), tuple(_unique(warnings)), gaps,
                tuple(part.points for part in parts), ctx.held, tuple(keys))


def _unique(messages: list[Message]) -> list[Message]:
    return list(dict.fromkeys(messages))


def _product_run(facts: Facts, index: int, rubric: Rubric, market: Market | None,
                 today: date) -> _Run:
    product = facts.products[index]
    held, warnings = _held(facts.business.certificates + product.certificates, rubric, today)
    held = _RESULTS.one(held)
    ctx = Context(rubric, facts, index, market, today, held)
    return _evaluate(ctx, "product", warnings)


# What a product's result depends on besides its certificates: every fact but its name, with
# the GTIN reduced to whether it is valid (only that is scored, and it is nearly unique).
_SCORED_FIELDS = attrgetter(*(f.name for f in fields(ProductFacts)
                              if f.name not in ("name", "certificates", "gtin")))


def _product_key(facts: Facts, index: int) -> tuple:
    product = facts.products[index]
    certs = facts.business.certificates + product.certificates
    return (_SCORED_FIELDS(product), gtin_ok(product.gtin),
            tuple((c.kind, c.expires_on) for c in certs))


class Memo:
    """Product results remembered by what they depend on: the product's facts (not its name
    or id) and the certificates that count for it, with their expiry. Across a registry the
    same facts come back again and again (and pricing an action rescores a product with
    one gap closed), so one scoring run (one rubric, market and day) shares one Memo.
    Bounded, so memory stays flat: a full table drops its oldest entry."""

    # Measured on bench/run.py's registry (BENCHMARKS.md, round 19): of a worker's 18,275
    # look-ups of totals in 20,666 businesses, 36% hit with 10,000 kept and 33% with
    # 2,500, for the same CPU time and 2.3 MiB less a worker; results and dimensions
    # take 2,879 and 2,407 distinct keys, and results kept below that thrash (half of
    # them kept: scoring took 1.8x as long)
    TOTALS = 2_500
    RESULTS = 3_000       # an assessment with its texts is a few KiB
    DIMENSIONS = 10_000

    def __init__(self, rubric: Rubric, market: Market | None, today: date):
        self.rubric, self.market, self.today = rubric, market, today
        self.totals = BoundedTable(self.TOTALS)            # product totals
        self.results = BoundedTable(self.RESULTS)          # product (_Run, Assessment)
        self.dimensions = BoundedTable(self.DIMENSIONS)    # dimensions' (earned, possible)
        self.parts = BoundedTable(self.DIMENSIONS)         # business dimensions' _Part, with texts
        # per dimension: what its checks read (READS), None where one check does not say
        self.reads = {d.code: _reads(d) for d in rubric.dimensions}
        self.texts_shared = {d.code for d in rubric.dimensions
                             if not any(c.check in NAMES_A_PRODUCT for c in d.criteria)}
        # per dimension: the parts of a business's facts its checks read (PARTS)
        self.criteria_parts = {d.code: [PARTS[c.check](c) if c.check in PARTS else EVERY_PART
                                        for c in d.criteria] for d in rubric.dimensions}
        self.parts_read = {code: frozenset().union(*parts)
                           for code, parts in self.criteria_parts.items()}
        self.plans: dict[tuple, tuple] = {}  # Memo.rescored

    def plan(self, on_business: bool, fields: tuple[str, ...], best_changed: bool
             ) -> tuple[str, ...]:
        """How pricing a fix of these fields of the business (or of a product) scores each
        business dimension again (_Plan), when the best product's total changed or not."""
        changed = _changed_parts(on_business, fields)
        changed = changed | _BEST if best_changed else changed
        return tuple(self._plan(dim, on_business, changed)
                     for dim in self.rubric.dimensions_for("business"))

    def rescored(self, on_business: bool, fields: tuple[str, ...], best_changed: bool
                 ) -> tuple[tuple[int, str, Dimension], ...]:
        """The plan's dimensions that are not UNCHANGED, as (position, how, dimension): what
        the pricer walks. Worked out once per kind of fix."""
        key = (on_business, fields, best_changed)
        rescored = self.plans.get(key)
        if rescored is None:
            plan = self.plan(on_business, fields, best_changed)
            rescored = self.plans[key] = tuple(
                (i, how, dim) for i, (how, dim)
                in enumerate(zip(plan, self.rubric.dimensions_for("business"), strict=True))
                if how is not _Plan.UNCHANGED)
        return rescored

    def _plan(self, dim: Dimension, on_business: bool, changed: frozenset[str]) -> str:
        reads = self.parts_read[dim.code]
        if reads.isdisjoint(changed):
            return _Plan.UNCHANGED
        if reads <= _BEST:
            return _Plan.BEST
        # A fix of the business sets its fields to the values its step names: a check that
        # reads only fields it sets reads the same after it whatever the business, one that
        # reads none of them reads what it read before (in the dimension's key). A check
        # that reads a whole part ("business") or the best product's total is neither.
        fields = changed - _WHOLE_PARTS - _BEST
        if on_business and dim.code in self.texts_shared and all(
                parts.isdisjoint(changed) or parts <= fields
                for parts in self.criteria_parts[dim.code]):
            return _Plan.BY_STEP
        return _Plan.FRESH

    def dimension_key(self, dim: Dimension, ctx: Context) -> tuple | None:
        """What a dimension's points depend on, when its checks say (READS)."""
        reads = self.reads[dim.code]
        return None if reads is None else (dim.code, *[read(c, ctx) for read, c in reads])

    def points(self, dim: Dimension, ctx: Context, scope: str) -> tuple[float, float]:
        """A dimension's (earned, possible), remembered by what it depends on."""
        return self.dimensions.recall(self.dimension_key(dim, ctx), _points, dim, ctx, scope)

    def total(self, facts: Facts, index: int) -> float:
        # product-scope checks read the product, the certificates held, the market and the
        # day; never the name or the business (a test holds this to the unshared results)
        def compute() -> float:
            held, _warnings = _held(facts.business.certificates
                                    + facts.products[index].certificates,
                                    self.rubric, self.today, texts=False)
            ctx = Context(self.rubric, facts, index, self.market, self.today, held)
            dimensions = self.rubric.dimensions_for("product")
            return _weighted(dimensions, [self.points(d, ctx, "product") for d in dimensions])

        return self.totals.recall(_product_key(facts, index), compute)

    def product(self, facts: Facts, index: int
                ) -> tuple[_Run, Assessment, dict[_Gap, float]]:
        """The product's scoring pass (for its business), its assessment, and its total with
        each gap closed (what its business's actions reuse)."""
        def compute() -> tuple[_Run, Assessment, dict[_Gap, float]]:
            run = _product_run(facts, index, self.rubric, self.market, self.today)
            priced: dict[_Gap, float] = {}
            return run, _product_assessment(facts, index, run, self.rubric, self.market,
                                            self.today, self, priced), priced

        product = facts.products[index]
        run, assessment, priced = self.results.recall(_product_key(facts, index), compute)
        if assessment.name != product.name:
            assessment = evolve(assessment, name=product.name)
        return run, assessment, priced


class _BusinessPricer:
    """A business's total with one gap closed: what pricing its actions needs. A fix changes
    the business or one product (it adds a certificate only to a product: Fix, so the
    business's own certificates hold as they stand), so the products' totals and the
    dimensions' points it leaves alone are those of the facts as they stand (PARTS: what
    part each check reads).
    Of the dimensions a fix changes, those whose checks read only what the fix sets, or
    only the best product's total, are scored again without applying the fix (_Plan)."""

    def __init__(self, memo: Memo, facts: Facts, totals: list[float], assessed: int | None,
                 priced: dict[_Gap, float], run: _Run):
        """`totals`: the products' totals; `assessed`: the business's best product (on a
        tie of totals, one without blockers), whose gaps the business's gaps include;
        `priced`: its total with each of its gaps closed, as its own actions were priced;
        `run`: the business as scored (its points, the keys of its dimensions' points and
        the certificates it held)."""
        self.memo, self.facts, self.totals, self.priced = memo, facts, totals, priced
        self.assessed = assessed
        # a dimension's points do not depend on which of two tied products is the best
        self.best = _best(totals)
        self.held, self.points, self.keys = run.held, run.points, run.keys
        self.dimensions = memo.rubric.dimensions_for("business")

    def _context(self, facts: Facts, totals: list[float], best: int | None) -> Context:
        memo = self.memo
        return Context(memo.rubric, facts, best, memo.market, memo.today, self.held,
                       best_total=None if best is None else totals[best],
                       best_name=None if best is None else facts.products[best].name)

    def __call__(self, gap: _Gap, step: tuple) -> float:
        memo, facts, totals, base_best = self.memo, self.facts, self.totals, self.best
        fix, assessed = gap.fix, self.assessed
        index = step[0]  # the product the fix edits; None: the business
        fields = fix.fields()
        fixed: Facts | None = None
        if index is not None:
            if index == assessed and gap in self.priced:
                total = self.priced[gap]
            else:
                fixed = fix(facts, assessed)
                total = memo.total(fixed, index)
            totals = [*totals]
            totals[index] = total
        # a fix of the business leaves every product's total, and so the best, as it was
        best = base_best if index is None else _best(totals)
        rescored = memo.rescored(index is None, fields,
                                 best != base_best or (best is not None
                                                       and totals[best] != self.totals[best]))
        points = [*self.points]  # the UNCHANGED dimensions' points as they stand
        context = context_fixed = None
        for position, how, dim in rescored:
            key = self.keys[position]
            if how is _Plan.BY_STEP and key is not None:
                # what its checks read after the fix: what the fix sets, the rest as before
                after = memo.dimensions.get((step, key))
                if after is None:
                    fixed = fixed or fix(facts, assessed)
                    after = memo.dimensions.recall(
                        (step, key), memo.points, dim, self._context(fixed, totals, best),
                        "business")
                points[position] = after
            elif how is _Plan.BEST:  # reads no fact, only the best product's total
                context = context or self._context(facts, totals, best)
                points[position] = memo.points(dim, context, "business")
            else:
                fixed = fixed or fix(facts, assessed)
                context_fixed = context_fixed or self._context(fixed, totals, best)
                points[position] = memo.points(dim, context_fixed, "business")
        return _weighted(self.dimensions, points)


class _Plan:
    """How pricing a fix scores a business dimension again (Memo.plan)."""

    UNCHANGED = "unchanged"  # it reads nothing the fix changed: its points as they stand
    BY_STEP = "by step"      # its checks read either what the fix sets or what it left as
    #                          it was: its points remembered by the step and its own key
    BEST = "best"            # it reads only the best product's total
    FRESH = "fresh"          # scored again on the facts with the fix applied


_BEST = frozenset({"best"})
_WHOLE_PARTS = frozenset({"business", "products"})  # a part named, not one of its fields


def _changed_parts(on_business: bool, fields: tuple[str, ...]) -> frozenset[str]:
    """The parts a fix changed (PARTS): the business or the products, the part also under
    the names of the fields the fix sets."""
    part = "business" if on_business else "products"
    return frozenset((part, *(f"{part}.{f}" for f in fields)))


def _best(totals: Sequence[float]) -> int | None:
    """The product with the highest total (the first listed on a tie)."""
    best = None
    for i, total in enumerate(totals):  # a loop: a business has a few products, priced often
        if best is None or total > totals[best]:
            best = i
    return best


def _business_run(facts: Facts, rubric: Rubric, market: Market | None, today: date,
                  runs: Sequence[_Run] | None = None, memo: Memo | None = None
                  ) -> tuple[_Run, int | None]:
    if runs is None:
        runs = [_product_run(facts, i, rubric, market, today)
                for i in range(len(facts.products))]
    best = min(range(len(runs)), key=lambda i: (-runs[i].raw_total, bool(runs[i].blockers), i),
               default=None)
    held, warnings = _held(facts.business.certificates, rubric, today)
    ctx = Context(rubric, facts, best, market, today, held,
                  best_total=None if best is None else runs[best].raw_total,
                  best_name=None if best is None else facts.products[best].name)
    own = _evaluate(ctx, "business", warnings, memo)
    if best is None:
        return own, None
    top = runs[best]
    return _Run(own.raw_total, own.dimensions, own.blockers + top.blockers,
                tuple(_unique(list(own.warnings + top.warnings))), own.gaps + top.gaps,
                own.points, own.held, own.keys), best


def _actions(run: _Run, facts: Facts, assessed: int | None,
             rescore: Callable[[_Gap, tuple], float], scope: str = "business"
             ) -> tuple[Action, ...]:
    """Each gap priced by rescoring with it closed (`rescore(gap, step)`: the total of
    `gap.fix(facts, assessed)`, whose step is `gap.fix.step(assessed)`); `assessed`: the
    product the gaps of the product under assessment refer to (a business's best product)."""
    one = _shared(scope)
    actions: list[Action] = []
    by_step: dict[tuple, int] = {}  # a fix's step -> the action that takes it
    for gap in run.gaps:
        if gap.fix is None:
            actions.append(one(Action(gap.code, gap.text, None, gap.hard)))
            continue
        step = gap.fix.step(assessed)
        earlier = by_step.get(step)
        if earlier is not None:
            # Two gaps closed by one step (halal for the standards and for the market):
            # one action, worded as the one that removes a blocker when there is one.
            if gap.hard and not actions[earlier].unblocks:
                actions[earlier] = one(Action(gap.code, gap.text, actions[earlier].gain, True))
            continue
        gain = round(rescore(gap, step) - run.raw_total, 1)
        by_step[step] = len(actions)
        actions.append(one(Action(gap.code, gap.text, gain, gap.hard)))
    return tuple(sorted(actions, key=lambda a: (not a.unblocks, -(a.gain or 0.0), a.code)))


def _notes(rubric: Rubric, product: ProductFacts, market: Market | None, today: date
           ) -> tuple[Text, ...]:
    notes = [n.text for n in rubric.notes if product.category in n.categories]
    if market is not None:
        rules = market.rules(product.category)
        notes += [req.note for req in rules.certificates or () if req.note is not None]
        notes += list(rules.notes)
    return tuple(dict.fromkeys(notes))


def _assessment(subject: str, name: str, category: str | None, run: _Run,
                actions: tuple[Action, ...], rubric: Rubric, market: Market | None,
                today: date, notes: tuple[Text, ...], best: Assessment | None = None
                ) -> Assessment:
    total = round(min(max(run.raw_total, 0.0), 100.0), 1)
    level = rubric.level(total, bool(run.blockers))
    origin = None
    if market is not None and market.origin is not None:
        origin = tuple(Origin(o.agreement, o.form, o.preferential, o.text)
                       for o in market.origin)
    return Assessment(
        subject=subject, name=name, category=category,
        market=market.code if market else None, market_via=market.via if market else None,
        today=today, total=total, level=level.code, level_name=level.name,
        blocked=bool(run.blockers), blockers=run.blockers, warnings=run.warnings,
        actions=actions, dimensions=run.dimensions,
        origin=origin if market else (), notes=notes,
        rubric_version=rubric.version, rubric_digest=rubric.digest,
        markets_version=market.version if market else None,
        markets_digest=market.digest if market else None, best_product=best,
    )


def _product_assessment(facts: Facts, index: int, run: _Run, rubric: Rubric,
                        market: Market | None, today: date, memo: Memo,
                        priced: dict[_Gap, float]) -> Assessment:
    """`priced`: filled with the product's total with each gap closed, as actions are priced."""
    product = facts.products[index]

    def rescore(gap: _Gap, _step: tuple) -> float:
        total = priced[gap] = memo.total(gap.fix(facts, index), index)
        return total

    actions = _actions(run, facts, index, rescore, "product")
    return _assessment("product", product.name, product.category, run, actions, rubric,
                       market, today, _notes(rubric, product, market, today))


def score_product(product: ProductFacts, business: BusinessFacts, rubric: Rubric,
                  market: Market | None, today: date, memo: Memo | None = None
                  ) -> Assessment:
    """Product readiness: packaging, standards, shelf life and, with a market, its rules.
    `memo`: shared by the calls of one scoring run (same rubric, market and day)."""
    memo = memo or Memo(rubric, market, today)
    return memo.product(Facts(business, (product,)), 0)[1]


def score_group(business: BusinessFacts, products: Sequence[ProductFacts], rubric: Rubric,
                market: Market | None, today: date, memo: Memo | None = None
                ) -> tuple[list[Assessment], Assessment]:
    """Every product of a business, and the business with its best product, scoring each
    product once: the same results as score_product and score_business, less work."""
    memo = memo or Memo(rubric, market, today)
    facts = Facts(business, tuple(products))
    runs, assessed, priced = [], [], []
    for i in range(len(products)):
        run, assessment, totals = memo.product(facts, i)
        runs.append(run)
        assessed.append(assessment)
        priced.append(totals)
    run, best = _business_run(facts, rubric, market, today, runs, memo)
    pricer = _BusinessPricer(memo, facts, [r.raw_total for r in runs], best,
                             {} if best is None else priced[best], run)
    actions = _actions(run, facts, best, pricer)
    top = None if best is None else assessed[best]
    notes = () if top is None else top.notes
    return assessed, _assessment("business", business.name, None, run, actions, rubric,
                                 market, today, notes, top)


def score_business(business: BusinessFacts, products: Sequence[ProductFacts], rubric: Rubric,
                   market: Market | None, today: date) -> Assessment:
    """Company readiness plus its best product (see the module docstring)."""
    return score_group(business, products, rubric, market, today)[1]
