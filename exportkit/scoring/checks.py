"""One function per kind of criterion: how far the facts meet it, and how to fix a gap.

A check returns outcomes (none when the criterion does not apply). Each outcome carries
a ratio of the points earned and, for a gap, a `fix` that edits the facts as if the gap
were closed: the scorer re-scores with it to state honestly what the action is worth.
Numbers come from the rubric and the market data, never from here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from exportkit.bounded import BoundedTable
from exportkit.identifiers import common_gtin, common_npwp, gtin_check_digit
from exportkit.scoring.facts import BusinessFacts, CertificateFact, ProductFacts, evolve
from exportkit.scoring.markets import Market, ShelfLifeRule
from exportkit.scoring.rubric import Criterion, Rubric
from exportkit.scoring.schema import Text
from exportkit.scoring.vocabulary import categories, certificates


@dataclass(frozen=True)
class Facts:
    """What a fix edits: the business and its products."""

    business: BusinessFacts
    products: tuple[ProductFacts, ...]

    def with_product(self, index: int, **changes: Any) -> Facts:
        products = list(self.products)
        products[index] = evolve(products[index], **changes)
        return Facts(self.business, tuple(products))


# A fix's target: the product under assessment, whichever place it has in the facts the fix
# is applied to (a product's result is shared by products with the same facts).
ASSESSED = -1


class Fix:
    """An edit of the facts as if a gap were closed: `fix(facts, assessed)`, with the index
    of the product under assessment. Fixes that take the same step (`step(assessed)`: the
    same fields of the same target set to the same values, or the same certificate added)
    give the same facts, so pricing knows two gaps share an action without comparing whole
    facts."""

    __slots__ = ("target", "changes", "certificate")

    def __init__(self, target: int | None, changes: dict[str, Any] | None = None,
                 certificate: str | None = None):
        self.target, self.changes, self.certificate = target, changes or {}, certificate

    def _index(self, assessed: int | None) -> int | None:
        return assessed if self.target == ASSESSED else self.target

    def step(self, assessed: int | None) -> tuple:
        return (self._index(assessed), self.certificate, *self.changes.items())

    def fields(self) -> tuple[str, ...]:
        """The fields of the business or product it changes."""
        return ("certificates",) if self.certificate is not None else tuple(self.changes)

    def __call__(self, f: Facts, assessed: int | None) -> Facts:
        index = self._index(assessed)
        if self.certificate is not None:
            product = f.products[index]
            return f.with_product(index, certificates=product.certificates
                                  + (CertificateFact(self.certificate),))
        if index is None:
            return Facts(evolve(f.business, **self.changes), f.products)
        return f.with_product(index, **self.changes)


@dataclass(slots=True)  # not frozen: built for every action priced, and never changed
class Context:
    rubric: Rubric
    facts: Facts
    index: int | None                       # the product under assessment, if any
    market: Market | None
    today: date
    held: frozenset[str]                    # certificate codes held and not expired
    best_total: float | None = None         # business scope: the best product's total
    best_name: str | None = None

    @property
    def business(self) -> BusinessFacts:
        return self.facts.business

    @property
    def product(self) -> ProductFacts:
        assert self.index is not None
        return self.facts.products[self.index]


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str
    status: str                             # "met", "partial", "missing" or "unknown"
    ratio: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)
    hard: bool = False
    fix: Fix | None = None
    warnings: tuple[Text, ...] = ()
    name: Text | None = None                # overrides the criterion's name (unknown facts)


def _result(key: str, ratio: float, **kw: Any) -> Outcome:
    status = "met" if ratio >= 1 else "partial" if ratio > 0 else "missing"
    return Outcome(key, status, min(max(ratio, 0.0), 1.0), **kw)


def perishable(product: ProductFacts) -> bool:
    if product.perishable is not None:
        return product.perishable
    return categories()[product.category].perishable


def _applies(c: Criterion, product: ProductFacts) -> bool:
    if c.categories is None or product.category in c.categories:
        return True
    return c.wood_based and product.wood_based is True


def _is_hard(c: Criterion, ctx: Context) -> bool:
    if c.hard_from is not None and ctx.today < c.hard_from:
        return False
    return c.hard == "yes" or (c.hard == "with_market" and ctx.market is not None)


def _names(codes: tuple[str, ...] | list[str]) -> Text:
    texts = [certificates()[code] for code in codes]
    return Text(" / ".join(t.en for t in texts), " / ".join(t.id for t in texts))


def _market_params(ctx: Context, product: ProductFacts) -> dict[str, Any]:
    assert ctx.market is not None
    return {"market": Text(ctx.market.name("en"), ctx.market.name("id")),
            "category": categories()[product.category].name}


# One Fix per step, as gaps are found product after product: a run's memo holds thousands
# of products' gaps, which take a few dozen distinct steps. (A step is hashable: pricing
# keys actions by it.)
_FIXES = BoundedTable(1024)

_SAMPLE_GTIN = "899000000000" + gtin_check_digit("899000000000")  # any valid GTIN-13 (899:
# GS1 Indonesia's prefix), proposed where a product has none


def _add_certificate(code: str) -> Fix:
    """Add a certificate to the product assessed."""
    return _FIXES.recall((ASSESSED, code), Fix, ASSESSED, None, code)


def _set(target: int | None, **changes: Any) -> Fix:
    """Set fields of the product assessed (ASSESSED), of the product at an index, or of
    the business (None)."""
    return _FIXES.recall((target, None, *changes.items()), Fix, target, changes)


# stdnum is imported where it is needed, not with this module: every scoring worker
# imports it, and seldom needs it; stdnum imports ssl and pydoc (BENCHMARKS.md, round 18)

@lru_cache(maxsize=4096)  # a run asks about the same GTINs again as it prices actions
def gtin_ok(code: str | None) -> bool:
    if not code:
        return False
    if common_gtin(code):
        return True
    from stdnum import ean

    return ean.is_valid(code)


def flag(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    facts = ctx.product if scope == "product" else ctx.business
    assert facts is not None and c.fact is not None
    if scope == "product" and not _applies(c, ctx.product):
        return []
    met = getattr(facts, c.fact) is True
    fix = None if met else _set(ASSESSED if scope == "product" else None, **{c.fact: True})
    return [_result(c.code, 1.0 if met else 0.0, fix=fix)]


def gtin(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    p = ctx.product
    if not _applies(c, p):
        return []
    if gtin_ok(p.gtin):
        return [_result(c.code, 1.0)]
    return [_result(c.code, 0.0, fix=_set(ASSESSED, gtin=_SAMPLE_GTIN))]


def label_language(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    p = ctx.product
    if ctx.market is None or not _applies(c, p):
        return []
    required = ctx.market.rules(p.category).label_languages
    params = _market_params(ctx, p)
    if required is None:
        return [Outcome(c.code, "unknown",
                        name=ctx.rubric.messages["label_language_unknown"].format(params))]
    missing = [lang for lang in required if lang not in p.label_languages]
    names = [ctx.market.language(code) for code in missing or required]
    params["languages"] = Text(" / ".join(n.en for n in names), " / ".join(n.id for n in names))
    fix = _set(ASSESSED, label_languages=p.label_languages + tuple(missing)) if missing else None
    return [_result(c.code, 1 - len(missing) / len(required), params=params, fix=fix)]


def ispm15(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    p = ctx.product
    if p.wood_packaging is not True or not _applies(c, p):
        return []
    met = p.ispm15_marked is True
    return [_result(c.code, 1.0 if met else 0.0, hard=_is_hard(c, ctx),
                    fix=None if met else _set(ASSESSED, ispm15_marked=True))]


def certificate(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    if not _applies(c, ctx.product):
        return []
    params = {"certificate": _names(c.any_of)}
    if ctx.held & set(c.any_of):
        return [_result(c.code, 1.0, params=params)]
    return [_result(c.code, 0.0, params=params, hard=_is_hard(c, ctx),
                    fix=_add_certificate(c.any_of[0]))]


def required_shelf_life(days: int, rule: ShelfLifeRule) -> int:
    """The shortest shelf life that leaves what the rule asks for after `days` on the way."""
    by_share = math.ceil(days / (1 - rule.share)) if rule.share is not None else None
    by_days = days + rule.days if rule.days is not None else None
    options = [v for v in (by_share, by_days) if v is not None]
    return min(options) if rule.combine == "lesser" else max(options)


def _needed_at_arrival(shelf_life: int, rule: ShelfLifeRule) -> float:
    options = [v for v in (rule.share * shelf_life if rule.share is not None else None,
                           rule.days) if v is not None]
    return min(options) if rule.combine == "lesser" else max(options)


def shelf_life(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    p, m, par, msg = ctx.product, ctx.market, ctx.rubric.parameters, ctx.rubric.messages
    if not perishable(p) or not _applies(c, p):
        return []
    warnings: list[Text] = []
    transit, rule = m.transit_days if m else None, m.rules(p.category).min_remaining if m else None
    name = {"market": Text(m.name("en"), m.name("id"))} if m else {"market": "-"}
    if transit is None:  # unknown or no market: the long-haul default, as without a market
        transit = int(par["long_haul_transit_days"])
        if m:
            warnings.append(msg["assumed_transit"].format(name | {"days": transit}))
    if rule is None:
        share = par["min_remaining_share"]
        rule = ShelfLifeRule(share, None, "lesser", "rubric")
        if m:
            warnings.append(msg["assumed_share"].format(name | {"share": f"{share:.0%}"}))
    on_the_way = transit + int(par["clearance_days"])
    minimum = required_shelf_life(on_the_way, rule)
    have = p.shelf_life_days
    needed = _needed_at_arrival(have or minimum, rule)
    params = name | {"days": "?" if have is None else have, "required_days": minimum,
                     "transit_days": transit, "clearance_days": int(par["clearance_days"]),
                     "share": f"{needed / (have or minimum):.0%}"}
    ratio = 0.0 if have is None else 1.0 if have >= minimum else (have - on_the_way) / needed
    # A blocker only where the transit is known: an assumed one costs points, with a warning.
    hard = _is_hard(c, ctx) and m is not None and m.transit_days is not None
    return [_result(c.code, ratio, params=params, hard=hard, warnings=tuple(warnings),
                    fix=None if ratio >= 1 else _set(ASSESSED, shelf_life_days=minimum))]


def market_certificate(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    p, m = ctx.product, ctx.market
    if m is None or not _applies(c, p):
        return []
    params = _market_params(ctx, p)
    required = m.rules(p.category).certificates
    if required is None:
        return [Outcome(c.code, "unknown",
                        name=ctx.rubric.messages["requirements_unknown"].format(params))]
    outcomes = []
    for req in required:
        here = params | {"certificate": certificates()[req.code]}
        if req.applies_from is not None and ctx.today < req.applies_from:
            upcoming = ctx.rubric.messages["rule_upcoming"].format(
                here | {"date": req.applies_from.isoformat()})
            outcomes.append(Outcome(f"{c.code}.{req.code}", "upcoming", warnings=(upcoming,)))
            continue
        met = req.code in ctx.held
        outcomes.append(_result(f"{c.code}.{req.code}", 1.0 if met else 0.0, params=here,
                                hard=_is_hard(c, ctx),
                                fix=None if met else _add_certificate(req.code)))
    return outcomes


def nib_ok(value: str | None) -> bool:
    """13 digits and nothing else but surrounding spaces."""
    text = (value or "").strip()
    return len(text) == 13 and text.isdigit()


@lru_cache(maxsize=1024)  # pricing a business's actions asks again for the same NPWP
def npwp_ok(value: str | None) -> bool:
    if not value:
        return False
    if common_npwp(value) is not None:
        return True
    from stdnum.id import npwp

    return npwp.is_valid(value)


def nib(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    ok = nib_ok(ctx.business.nib)
    return [_result(c.code, 1.0 if ok else 0.0, hard=_is_hard(c, ctx),
                    fix=None if ok else _set(None, nib="9120000000001"))]


def npwp_check(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    ok = npwp_ok(ctx.business.npwp)
    return [_result(c.code, 1.0 if ok else 0.0, hard=_is_hard(c, ctx),
                    fix=None if ok else _set(None, npwp="013000666091000"))]


def _amount(value: float | None) -> str:
    """1200.0 -> "1200", 1.5 -> "1.5": amounts in messages read like people write them."""
    return "?" if value is None else f"{value:g}"


def _coverage(rubric: Rubric, products: tuple[ProductFacts, ...]):
    """(index, product, its category's capacity rule, the share of a typical order its
    monthly capacity covers, or None where its unit is not one the rule knows), for the
    products whose category has a typical order."""
    for index, p in enumerate(products):
        cap = rubric.capacity[p.category]
        if cap.typical_order is None:
            continue
        if p.unit is not None and p.unit.strip().lower() not in cap.units:
            yield index, p, cap, None
            continue
        yield index, p, cap, min(max((p.monthly_capacity or 0) / cap.typical_order, 0.0), 1.0)


def best_coverage(ctx: Context) -> float | None:
    """The highest share of a typical order a product covers: all the capacity check's
    points depend on (None: no product it can judge)."""
    return max((ratio for *_rest, ratio in _coverage(ctx.rubric, ctx.facts.products)
                if ratio is not None), default=None)


def capacity(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    """The product whose capacity best covers its category's typical order."""
    def params(p: ProductFacts, cap) -> dict[str, Any]:
        return {"product": p.name, "typical": _amount(cap.typical_order),
                "unit": cap.units[0], "capacity": _amount(p.monthly_capacity)}

    best: tuple[float, int] | None = None  # (ratio, index): the first of the highest
    warnings: list[Text] = []
    for index, p, cap, ratio in _coverage(ctx.rubric, ctx.facts.products):
        if ratio is None:
            warnings.append(ctx.rubric.messages["unknown_unit"].format(
                params(p, cap) | {"unit": p.unit, "units": cap.units[0]}))
        elif best is None or ratio > best[0]:
            best = (ratio, index)
    if best is None:
        return [Outcome(c.code, "unknown", warnings=tuple(warnings),
                        params={"product": "-", "typical": "?", "unit": "", "capacity": "?"})]
    ratio, index = best
    p = ctx.facts.products[index]
    cap = ctx.rubric.capacity[p.category]
    fix = None if ratio >= 1 else _set(index, monthly_capacity=cap.typical_order)
    return [_result(c.code, ratio, params=params(p, cap), fix=fix, warnings=tuple(warnings))]


def experience(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    ratio = c.shares.get(ctx.business.export_experience or "", 0.0)
    top = max(c.shares, key=lambda k: c.shares[k])
    return [_result(c.code, ratio, fix=None if ratio >= 1 else _set(None, export_experience=top))]


def best_product(c: Criterion, ctx: Context, scope: str) -> list[Outcome]:
    if ctx.best_total is None:
        return [_result(c.code, 0.0, params={"product": "-"})]
    return [_result(c.code, ctx.best_total / 100, params={"product": ctx.best_name})]


CHECKS: dict[str, Callable[[Criterion, Context, str], list[Outcome]]] = {
    "flag": flag, "gtin": gtin, "label_language": label_language, "ispm15": ispm15,
    "certificate": certificate, "shelf_life": shelf_life,
    "market_certificate": market_certificate, "nib": nib, "npwp": npwp_check,
    "capacity": capacity, "experience": experience, "best_product": best_product,
}


# What a check's points depend on, for the checks whose inputs are few: a criterion earns
# the same wherever these are equal (the rubric, market and day being those of one run), so
# a run can remember a dimension's points instead of evaluating it again for every action
# it prices. A check not listed here is always evaluated.
READS: dict[str, dict[str, Callable[[Criterion, Context], Any]]] = {
    "product": {
        "flag": lambda c, ctx: (_applies(c, ctx.product), getattr(ctx.product, c.fact) is True),
        "gtin": lambda c, ctx: (_applies(c, ctx.product), gtin_ok(ctx.product.gtin)),
        "label_language": lambda c, ctx: (_applies(c, ctx.product), ctx.product.category,
                                          ctx.product.label_languages),
        "ispm15": lambda c, ctx: (_applies(c, ctx.product), ctx.product.wood_packaging is True,
                                  ctx.product.ispm15_marked is True),
        "certificate": lambda c, ctx: (_applies(c, ctx.product),
                                       not ctx.held.isdisjoint(c.any_of)),
        "shelf_life": lambda c, ctx: (_applies(c, ctx.product), perishable(ctx.product),
                                      ctx.product.category, ctx.product.shelf_life_days),
        "market_certificate": lambda c, ctx: (_applies(c, ctx.product), ctx.product.category,
                                              ctx.held),
    },
    "business": {
        "flag": lambda c, ctx: getattr(ctx.business, c.fact) is True,
        "nib": lambda c, ctx: nib_ok(ctx.business.nib),
        "npwp": lambda c, ctx: npwp_ok(ctx.business.npwp),
        "experience": lambda c, ctx: ctx.business.export_experience,
        # the points, not the texts: the texts name the product and its capacity
        "capacity": lambda c, ctx: best_coverage(ctx),
        "best_product": lambda c, ctx: ctx.best_total,
    },
}

# Checks whose texts name a product: their evaluations are not shared between businesses
# (their points are: names never count).
NAMES_A_PRODUCT = frozenset({"capacity", "best_product"})

# Which parts of a business's facts a business-scope criterion reads: fields of the
# business ("business.<field>"; its certificates are "business.certificates"), fields of
# its products ("products.<field>"), or the best product's total ("best"). Pricing a
# business's actions scores again only the dimensions whose parts a fix changed; a check
# not listed here is taken to read every part.
PARTS: dict[str, Callable[[Criterion], frozenset[str]]] = {
    "flag": lambda c: frozenset({f"business.{c.fact}"}),
    "nib": lambda c: frozenset({"business.nib"}),
    "npwp": lambda c: frozenset({"business.npwp"}),
    "experience": lambda c: frozenset({"business.export_experience"}),
    "capacity": lambda c: frozenset({"products.category", "products.unit",
                                     "products.monthly_capacity"}),
    "best_product": lambda c: frozenset({"best"}),
}
EVERY_PART = frozenset({"business", "products", "best"})  # a change to any part names one
