"""Destination markets as data: load and validate `data/markets.toml`.

A fact the file marks "unknown" is kept as None here, so the scorer can tell "no rule"
from "rule not known" and report the latter instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from exportkit.countries import EU, country_name
from exportkit.i18n import N_, _
from exportkit.scoring import schema as s
from exportkit.scoring.rubric import shipped_path
from exportkit.scoring.schema import Text
from exportkit.scoring.vocabulary import categories, certificates


@dataclass(frozen=True)
class Requirement:
    code: str                           # a certificate code
    source: str
    applies_from: date | None = None    # before this date the rule is not yet in force
    postponed_from: tuple[date, ...] = ()
    note: Text | None = None


@dataclass(frozen=True)
class ShelfLifeRule:
    """Remaining shelf life at arrival: a share, a number of days, or the lesser/greater."""

    share: float | None
    days: int | None
    combine: str                        # "lesser" or "greater" when both are set
    source: str


@dataclass(frozen=True)
class CategoryRules:
    certificates: tuple[Requirement, ...] | None = None   # None: unknown
    label_languages: tuple[str, ...] | None = None        # None: unknown
    min_remaining: ShelfLifeRule | None = None            # None: unknown
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class OriginOption:
    agreement: str
    form: str
    preferential: bool
    text: Text
    source: str


@dataclass(frozen=True)
class Market:
    code: str
    transit_days: int | None            # None: unknown
    origin: tuple[OriginOption, ...] | None
    categories: dict[str, CategoryRules] = field(default_factory=dict)
    via: str | None = None              # the bloc whose rules apply (CZ -> "EU")
    version: str = ""
    digest: str = ""
    # Its country's name and its labels' languages' names in English and Indonesian, as
    # Markets.get names them: pycountry and babel's locale data take some 11 MiB, which a
    # scoring worker, given a named market, does not load (BENCHMARKS.md, round 19)
    country: Text | None = None
    languages: dict[str, Text] = field(default_factory=dict)

    def rules(self, category: str) -> CategoryRules:
        return self.categories.get(category, CategoryRules())

    def name(self, lang: str = "en") -> str:
        if self.country is None:
            return country_name(self.code, lang)
        return self.country.id if lang == "id" else self.country.en

    def language(self, code: str) -> Text:
        """A label language's name in English and Indonesian ("Arabic", "Arab")."""
        return self.languages.get(code) or language_name(code)

    def named(self) -> Market:
        """This market with its country's name and its labels' languages' names."""
        codes = {code for rules in self.categories.values()
                 for code in rules.label_languages or ()}
        return replace(self, country=Text(country_name(self.code, "en"),
                                          country_name(self.code, "id")),
                       languages={code: language_name(code) for code in sorted(codes)})


def language_name(code: str) -> Text:
    from babel import Locale

    return Text(*(Locale(ui).languages.get(code, code) for ui in ("en", "id")))


@dataclass(frozen=True)
class Markets:
    version: str
    digest: str
    markets: dict[str, Market]          # blocs and countries with their own rules
    members: dict[str, str]             # member country -> bloc

    def get(self, code: str) -> Market | None:
        code = code.strip().upper()
        if code in self.members:
            market = replace(self.markets[self.members[code]], code=code,
                             via=self.members[code])
        else:
            market = self.markets.get(code)
        return market.named() if market else None

    def codes(self) -> tuple[str, ...]:
        return tuple(sorted(self.markets) + sorted(self.members))


@dataclass(frozen=True)
class CoverageRow:
    market: str
    category: str
    status: str                         # "known", "partial" or "unknown"
    unknown: int                        # how many of the facts are unknown
    facts: int


# pycountry is imported where the market file is checked, not with this module: every
# scoring worker imports this one (the checks use its classes), and needs pycountry only
# where a market's messages name its country (BENCHMARKS.md, round 18)

def _market_code(src: s.Source, value: Any, path: str) -> str:
    import pycountry

    if value != EU and pycountry.countries.get(alpha_2=value) is None:
        src.fail(path, _("unknown market code {value!r} (expected ISO 3166 alpha-2 or "
                         "'EU')").format(value=value))
    return value


def _language(src: s.Source, value: Any, path: str) -> str:
    import pycountry

    s.string(src, value, path)
    if len(value) != 2 or pycountry.languages.get(alpha_2=value) is None:
        src.fail(path, _("expected an ISO 639-1 language code, got {value!r}").format(
            value=value))
    return value


def _shelf_rule(src: s.Source, value: Any, path: str) -> dict[str, Any]:
    rule = s.sourced({}, {"share": s.number(0, 1, above=True),
                          "days": s.number(0, above=True, integer=True),
                          "combine": s.one_of("lesser", "greater")})(src, value, path)
    if "share" not in rule and "days" not in rule:
        src.fail(path, _("expected share, days or both"))
    if "share" in rule and "days" in rule and "combine" not in rule:
        src.fail(s.join(path, "combine"),
                 _("missing required key (both share and days are set)"))
    return rule


def load_markets(path: Path | None = None) -> Markets:
    """Load and validate a markets file; the shipped one when `path` is None."""
    src, data, digest = s.read_toml(path or shipped_path("markets.toml"))
    cats = categories()
    cat_code = s.code_in(N_("category"), cats, "categories.toml")
    cert = s.sourced({"code": s.code_in(N_("certificate code"), certificates(),
                                        "certificates.toml")},
                     {"applies_from": s.a_date, "postponed_from": s.list_of(s.a_date),
                      "note": s.text()})
    rules = s.table({"certificates": s.unknown_or(s.list_of(cert)),
                     "label_languages": s.unknown_or(s.sourced(
                         {"value": s.list_of(_language, non_empty=True)}))},
                    {"min_remaining": s.unknown_or(_shelf_rule),
                     "notes": s.list_of(s.sourced({"text": s.text()}))})
    origin = s.sourced({"agreement": s.string, "form": s.string, "preferential": s.boolean,
                        "text": s.text()})
    own = s.table({"transit": s.unknown_or(s.sourced({"days": s.number(0, above=True,
                                                                       integer=True)},
                                                      {"note": s.text()})),
                   "origin": s.unknown_or(s.list_of(origin, non_empty=True)),
                   "unknown_categories": s.list_of(cat_code)},
                  {"categories": s.table_of(rules, keys=cat_code)})
    member = s.table({"member_of": s.string})

    def market(src: s.Source, value: Any, path: str) -> dict[str, Any]:
        parsed = (member if isinstance(value, dict) and "member_of" in value else own)(
            src, value, path)
        if "member_of" not in parsed:
            _check_categories(src, parsed, path, cats)
        return parsed

    parsed = s.table({"version": s.string, "markets": s.table_of(market, keys=_market_code)})(
        src, data, "")
    version, found, members = parsed["version"], {}, {}
    for code, m in parsed["markets"].items():
        if "member_of" in m:
            bloc = parsed["markets"].get(m["member_of"])
            if bloc is None or "member_of" in bloc:
                src.fail(f"markets.{code}.member_of",
                         _("expected a market with its own rules, got {value!r}").format(
                             value=m["member_of"]))
            members[code] = m["member_of"]
        else:
            found[code] = _market(code, m, version, digest)
    return Markets(version, digest, found, members)


def _check_categories(src: s.Source, m: dict[str, Any], path: str, cats: dict) -> None:
    listed = list(m.get("categories", {})) + list(m["unknown_categories"])
    for code in cats:
        if listed.count(code) != 1:
            message = (_("category {code!r} is missing: list it once, under categories or here")
                       if code not in listed else
                       _("category {code!r} is listed twice: list it once, under categories or "
                         "here"))
            src.fail(f"{path}.unknown_categories", message.format(code=code))
    for code, rules in m.get("categories", {}).items():
        if cats[code].perishable and "min_remaining" not in rules:
            src.fail(f"{path}.categories.{code}.min_remaining",
                     _("missing required key (perishable category; write \"unknown\" if "
                       "unknown)"))


def _market(code: str, m: dict[str, Any], version: str, digest: str) -> Market:
    rules = {}
    for cat, r in m.get("categories", {}).items():
        certs = r["certificates"]
        shelf = r.get("min_remaining")
        rules[cat] = CategoryRules(
            certificates=None if certs is None else tuple(
                Requirement(c["code"], c["source"], c.get("applies_from"),
                            c.get("postponed_from", ()), c.get("note")) for c in certs),
            label_languages=None if r["label_languages"] is None
            else r["label_languages"]["value"],
            min_remaining=None if shelf is None else ShelfLifeRule(
                shelf.get("share"), shelf.get("days"), shelf.get("combine", "lesser"),
                shelf["source"]),
            notes=tuple(n["text"] for n in r.get("notes", ())),
        )
    origin = m["origin"]
    return Market(
        code=code,
        transit_days=None if m["transit"] is None else m["transit"]["days"],
        origin=None if origin is None else tuple(
            OriginOption(o["agreement"], o["form"], o["preferential"], o["text"], o["source"])
            for o in origin),
        categories=rules, version=version, digest=digest,
    )


def coverage(markets: Markets, category_codes: Iterable[str]) -> list[CoverageRow]:
    """One row per market and category: how many of its facts the data knows."""
    rows = []
    for code in markets.codes():
        market = markets.get(code)
        assert market is not None
        for cat in category_codes:
            rules = market.rules(cat)
            facts = [market.transit_days, market.origin, rules.certificates,
                     rules.label_languages]
            if categories()[cat].perishable:
                facts.append(rules.min_remaining)
            unknown = sum(f is None for f in facts)
            status = ("known" if unknown == 0 else
                      "unknown" if unknown == len(facts) else "partial")
            rows.append(CoverageRow(code, cat, status, unknown, len(facts)))
    return rows
