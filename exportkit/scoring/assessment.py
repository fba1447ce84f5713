"""The result of scoring: frozen, and plain JSON-able data through `to_dict()`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from exportkit.scoring.schema import Text


@dataclass(frozen=True, slots=True)
class CriterionResult:
    code: str
    name: Text
    status: str                 # "met", "partial", "missing" or "unknown"
    earned: float
    possible: float             # 0 when the fact is unknown (left out of the denominator)
    hard: bool

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name.to_dict(), "status": self.status,
                "earned": self.earned, "possible": self.possible, "hard": self.hard}


@dataclass(frozen=True, slots=True)
class DimensionResult:
    code: str
    name: Text
    weight: float               # as in the rubric
    share: float                # weight after renormalising over the dimensions present
    score: float                # 0..100
    criteria: tuple[CriterionResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name.to_dict(), "weight": self.weight,
                "share": round(self.share, 4), "score": self.score,
                "criteria": [c.to_dict() for c in self.criteria]}


@dataclass(frozen=True, slots=True)
class Message:
    code: str                   # the criterion (or rule) it comes from
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.text.to_dict()}


@dataclass(frozen=True, slots=True)
class Action:
    code: str
    text: Text
    gain: float | None          # points the TOTAL gains with this gap alone fixed
    unblocks: bool              # fixing it removes a blocker

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.text.to_dict(), "gain": self.gain,
                "unblocks": self.unblocks}


@dataclass(frozen=True, slots=True)
class Origin:
    agreement: str
    form: str
    preferential: bool
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {"agreement": self.agreement, "form": self.form,
                "preferential": self.preferential, **self.text.to_dict()}


@dataclass(frozen=True)  # not slotted: evolve() copies a remembered one for each product
class Assessment:
    subject: str                # "product" or "business"
    name: str
    category: str | None
    market: str | None
    market_via: str | None      # the bloc whose rules applied (CZ -> "EU")
    today: date
    total: float                # 0..100, one decimal
    level: str
    level_name: Text
    blocked: bool
    blockers: tuple[Message, ...]
    warnings: tuple[Message, ...]
    actions: tuple[Action, ...]
    dimensions: tuple[DimensionResult, ...]
    origin: tuple[Origin, ...] | None   # None: not known for this market
    notes: tuple[Text, ...]
    rubric_version: str
    rubric_digest: str
    markets_version: str | None
    markets_digest: str | None
    best_product: Assessment | None = None

    def dimension(self, code: str) -> DimensionResult | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject, "name": self.name, "category": self.category,
            "market": self.market, "market_via": self.market_via,
            "today": self.today.isoformat(), "total": self.total,
            "level": {"code": self.level, **self.level_name.to_dict()},
            "blocked": self.blocked,
            "blockers": [b.to_dict() for b in self.blockers],
            "warnings": [w.to_dict() for w in self.warnings],
            "actions": [a.to_dict() for a in self.actions],
            "dimensions": [d.to_dict() for d in self.dimensions],
            "origin": None if self.origin is None else [o.to_dict() for o in self.origin],
            "notes": [n.to_dict() for n in self.notes],
            "rubric": {"version": self.rubric_version, "digest": self.rubric_digest},
            "markets": None if self.markets_version is None else
            {"version": self.markets_version, "digest": self.markets_digest},
            "best_product": None if self.best_product is None else self.best_product.to_dict(),
        }
