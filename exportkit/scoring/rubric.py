"""The rubric as data: load and validate `data/rubric.toml` (or a user's copy).

Everything the scorer weighs lives in the file: dimensions, weights, criteria, points,
hardness, thresholds, levels, parameters and the texts a user sees. This module only
checks that the file makes sense and turns it into frozen objects.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from exportkit.i18n import N_, _
from exportkit.scoring import schema as s
from exportkit.scoring.facts import BusinessFacts, ProductFacts
from exportkit.scoring.schema import Text
from exportkit.scoring.vocabulary import categories, certificates

# Each check the scorer knows: the scope it runs in and the placeholders its texts may use.
CHECKS: dict[str, tuple[str, frozenset[str]]] = {
    "flag": ("any", frozenset()),
    "gtin": ("product", frozenset()),
    "label_language": ("product", frozenset({"languages", "market"})),
    "ispm15": ("product", frozenset()),
    "certificate": ("product", frozenset({"certificate"})),
    "shelf_life": ("product", frozenset({"days", "required_days", "transit_days",
                                         "clearance_days", "share", "market"})),
    "market_certificate": ("product", frozenset({"certificate", "market", "category"})),
    "nib": ("business", frozenset()),
    "npwp": ("business", frozenset()),
    "capacity": ("business", frozenset({"capacity", "typical", "unit", "product"})),
    "experience": ("business", frozenset({"level"})),
    "best_product": ("business", frozenset({"product"})),
}
HARDNESS = ("no", "yes", "with_market")
EXPERIENCE = ("none", "indirect", "direct")
PARAMETERS = {
    "expiry_warning_days": s.number(0, integer=True),
    "long_haul_transit_days": s.number(0, above=True, integer=True),
    "clearance_days": s.number(0, integer=True),
    "min_remaining_share": s.number(0, 1, above=True),
}
MESSAGES = {
    "certificate_expired": {"certificate", "date"},
    "certificate_expiring": {"certificate", "date", "days"},
    "unknown_fact": {"criterion"},
    "assumed_transit": {"market", "days"},
    "assumed_share": {"market", "share"},
    "rule_upcoming": {"certificate", "market", "date"},
    "unknown_unit": {"product", "unit", "units"},
    "requirements_unknown": {"market", "category"},
    "label_language_unknown": {"market", "category"},
}


@dataclass(frozen=True)
class Criterion:
    code: str
    check: str
    points: float
    hard: str                          # "no", "yes", or "with_market" (only with a market)
    name: Text
    action: Text
    source: str
    checked: date
    blocker: Text | None = None                 # required when hard is not "no"
    summary: Text | None = None                 # the gap in general words, for counts
    categories: tuple[str, ...] | None = None   # None: every category
    fact: str | None = None                     # the facts field a "flag" check reads
    any_of: tuple[str, ...] = ()                # certificate codes, any one suffices
    wood_based: bool = False                    # also applies to products marked wood_based
    hard_from: date | None = None               # before this date the rule is not hard
    shares: dict[str, float] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Dimension:
    code: str
    scope: str                         # "product" or "business"
    weight: float
    name: Text
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Level:
    code: str
    min_total: float
    name: Text


@dataclass(frozen=True)
class Capacity:
    typical_order: float | None        # None: unknown for this category
    units: tuple[str, ...]
    note: Text


@dataclass(frozen=True)
class Note:
    categories: tuple[str, ...]
    text: Text


@dataclass(frozen=True)
class Rubric:
    version: str
    digest: str
    dimensions: tuple[Dimension, ...]
    levels: tuple[Level, ...]          # highest first
    blocked_cap: str                   # the highest level a blocked subject can reach
    parameters: dict[str, float]
    capacity: dict[str, Capacity]
    messages: dict[str, Text]
    notes: tuple[Note, ...]

    def dimensions_for(self, scope: str) -> tuple[Dimension, ...]:
        return self._by_scope.get(scope, ())

    @cached_property
    def _by_scope(self) -> dict[str, tuple[Dimension, ...]]:
        # asked for with every action priced: worked out once
        return {scope: tuple(d for d in self.dimensions if d.scope == scope)
                for scope in {d.scope for d in self.dimensions}}

    def level(self, total: float, blocked: bool) -> Level:
        levels = self.levels
        if blocked:  # cap the level, not the total
            levels = levels[[lv.code for lv in levels].index(self.blocked_cap):]
        return next(lv for lv in levels if total >= lv.min_total)


def shipped_path(name: str) -> Path:
    return Path(str(resources.files("exportkit.data").joinpath(name)))


def load_rubric(path: Path | None = None) -> Rubric:
    """Load and validate a rubric file; the shipped one when `path` is None."""
    src, data, digest = s.read_toml(path or shipped_path("rubric.toml"))
    cats, certs = categories(), certificates()
    cat_code = s.code_in(N_("category"), cats, "categories.toml")
    cert_code = s.code_in(N_("certificate code"), certs, "certificates.toml")
    parsed = s.table({
        "version": s.string,
        "parameters": s.table({k: s.sourced({"value": c}) for k, c in PARAMETERS.items()}),
        "readiness": s.table({
            "blocked_cap": s.string,
            "levels": s.list_of(s.table({"code": s.string, "min_total": s.number(0, 100),
                                         "name": s.text()}), non_empty=True),
        }),
        "messages": s.table({k: s.text(v) for k, v in MESSAGES.items()}),
        "capacity": s.table({code: s.sourced({
            "typical_order": s.unknown_or(s.number(0, above=True)),
            "units": s.list_of(s.string, non_empty=True), "note": s.text()}) for code in cats}),
        "notes": s.list_of(s.sourced({"categories": s.list_of(cat_code, non_empty=True),
                                      "text": s.text()})),
        "dimensions": s.table_of(_dimension_check(cat_code, cert_code)),
    })(src, data, "")
    levels = _levels(src, parsed["readiness"])
    dimensions = tuple(Dimension(code, d["scope"], d["weight"], d["name"],
                                 tuple(Criterion(code=k, **c) for k, c in d["criteria"].items()))
                       for code, d in parsed["dimensions"].items())
    for scope in ("product", "business"):
        if not any(d.scope == scope for d in dimensions):
            src.fail("dimensions", _("no dimension with scope = {scope!r}").format(scope=scope))
    return Rubric(
        version=parsed["version"], digest=digest, dimensions=dimensions, levels=levels,
        blocked_cap=parsed["readiness"]["blocked_cap"],
        parameters={k: v["value"] for k, v in parsed["parameters"].items()},
        capacity={k: Capacity(v["typical_order"], v["units"], v["note"])
                  for k, v in parsed["capacity"].items()},
        messages=parsed["messages"],
        notes=tuple(Note(n["categories"], n["text"]) for n in parsed["notes"]),
    )


def _levels(src: s.Source, readiness: dict[str, Any]) -> tuple[Level, ...]:
    levels = tuple(Level(lv["code"], lv["min_total"], lv["name"]) for lv in readiness["levels"])
    for i, (higher, lower) in enumerate(zip(levels, levels[1:], strict=False), start=1):
        if lower.min_total >= higher.min_total:
            src.fail(f"readiness.levels[{i}].min_total",
                     _("levels must go from the highest min_total down"))
    if levels[-1].min_total != 0:
        src.fail(f"readiness.levels[{len(levels) - 1}].min_total",
                 _("the lowest level must start at 0"))
    codes = [lv.code for lv in levels]
    if readiness["blocked_cap"] not in codes[1:]:
        src.fail("readiness.blocked_cap", _("expected the code of a level below the top one, "
                                            "got {value!r}").format(value=readiness["blocked_cap"]))
    return levels


def _dimension_check(cat_code: s.Check, cert_code: s.Check) -> s.Check:
    def dimension(src: s.Source, value: Any, path: str) -> dict[str, Any]:
        d = s.table({"scope": s.one_of("product", "business"),
                     "weight": s.number(0, above=True), "name": s.text(),
                     "criteria": s.table_of(_criterion_check(cat_code, cert_code))})(
            src, value, path)
        for key, crit in d["criteria"].items():
            scope = CHECKS[crit["check"]][0]
            if scope not in ("any", d["scope"]):
                src.fail(f"{path}.criteria.{key}.check",
                         _("check {check!r} needs a {scope} dimension").format(
                             check=crit["check"], scope=scope))
            if crit["check"] == "flag":
                facts = ProductFacts if d["scope"] == "product" else BusinessFacts
                if crit.get("fact") not in {f.name for f in dataclasses.fields(facts)}:
                    src.fail(f"{path}.criteria.{key}.fact",
                             _("expected a field of {facts}, got {value!r}").format(
                                 facts=facts.__name__, value=crit.get("fact")))
        if not any(c["points"] > 0 for c in d["criteria"].values()):
            src.fail(f"{path}.criteria",
                     _("expected at least one criterion with points above 0"))
        return d

    return dimension


def _criterion_check(cat_code: s.Check, cert_code: s.Check) -> s.Check:
    def criterion(src: s.Source, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            src.fail(path, _("expected a table, got {value}").format(value=s.describe(value)))
        if "check" not in value:
            src.fail(s.join(path, "check"), _("missing required key"))
        kind = s.one_of(*CHECKS)(src, value["check"], s.join(path, "check"))
        fields = CHECKS[kind][1]
        c = s.sourced(
            {"check": s.string, "points": s.number(0), "hard": s.one_of(*HARDNESS),
             "name": s.text(fields), "action": s.text(fields)},
            {"blocker": s.text(fields), "summary": s.text(()),
             "categories": s.list_of(cat_code, non_empty=True),
             "fact": s.string, "any_of": s.list_of(cert_code, non_empty=True),
             "wood_based": s.boolean, "hard_from": s.a_date,
             "shares": s.table({k: s.number(0, 1) for k in EXPERIENCE})},
        )(src, value, path)
        if c["hard"] != "no" and "blocker" not in c:
            src.fail(s.join(path, "blocker"), _("missing required key (the criterion is hard)"))
        if kind == "certificate" and "any_of" not in c:
            src.fail(s.join(path, "any_of"), _("missing required key (check = 'certificate')"))
        if kind == "experience" and "shares" not in c:
            src.fail(s.join(path, "shares"), _("missing required key (check = 'experience')"))
        return c

    return criterion
