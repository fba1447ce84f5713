"""Destinations ranked by fit, for one product (scored against every market's rules) or
for a category (what each market asks of it, without a product to score)."""

from __future__ import annotations

from datetime import date

from exportkit.errors import UsageError
from exportkit.i18n import _, current_language
from exportkit.labels import labels
from exportkit.registry.facts import Selection, iter_products
from exportkit.reports.formats import Chart, Report, Table


def _origin(origin) -> str:
    if origin is None:
        return _("unknown")
    preferential = [o for o in origin if o.preferential]
    chosen = preferential or list(origin)
    return ", ".join(f"{o.agreement} ({o.form})" for o in chosen)


def product_markets_report(database, product_id: int, rubric, markets, today: date) -> Report:
    from exportkit.scoring.scorer import score_product

    rows_in = [r for chunk in iter_products(database, Selection(product_ids=(product_id,)))
               for r in chunk]
    if not rows_in:
        raise UsageError(_("no product with id {id}; see `exportkit list products`").format(
            id=product_id))
    row = rows_in[0]
    lang = current_language()
    rows = []
    for code in markets.codes():
        market = markets.get(code)
        a = score_product(row.product, row.business, rubric, market, today)
        fit = a.dimension("market_fit")
        shelf = a.dimension("shelf_life")
        rows.append((code, market.name(lang), a.total, _("yes") if a.blocked else "",
                     fit.score if fit else None, shelf.score if shelf else None,
                     market.transit_days, _origin(market.origin),
                     "; ".join(getattr(b.text, lang) for b in a.blockers)))
    rows.sort(key=lambda r: (bool(r[3]), -r[2], r[0]))
    keys = ["market", "country", "total", "blocked", "requirements", "shelf_life",
            "transit_days", "origin", "blockers"]
    title = _("Markets for {product} ({business})").format(product=row.product.name,
                                                          business=row.business.name)
    table = Table(title, labels(keys), rows, keys,
                  {"total": "number", "requirements": "number", "shelf_life": "number",
                   "transit_days": "int"})
    chart = Chart(_("Readiness by market (0-100)"), [f"{r[0]} {r[1]}" for r in rows],
                  [r[2] for r in rows], kind="number", maximum=100)
    return Report(title, [table], [chart], lang,
                  [_("Blocked markets come last; unknown rules are neither met nor missed.")])


def category_markets_report(category: str, markets) -> Report:
    lang = current_language()
    rows = []
    for code in markets.codes():
        market = markets.get(code)
        rules = market.rules(category)
        certificates = (_("unknown") if rules.certificates is None else
                        ", ".join(r.code for r in rules.certificates) or _("none"))
        languages = (_("unknown") if rules.label_languages is None else
                     ", ".join(rules.label_languages) or _("no rule"))
        preferential = bool(market.origin) and any(o.preferential for o in market.origin)
        known = sum(x is not None for x in (rules.certificates, rules.label_languages,
                                            market.transit_days))
        rows.append((code, market.name(lang), _("yes") if preferential else _("no"),
                     _origin(market.origin), certificates, languages, market.transit_days,
                     known))
    rows.sort(key=lambda r: (r[2] != _("yes"), r[6] if r[6] is not None else 999, r[0]))
    keys = ["market", "country", "preferential", "origin", "registrations",
            "label_languages", "transit_days", "facts_known"]
    title = _("Markets for the category {category}").format(category=category)
    return Report(title, [Table(title, labels(keys), rows, keys,
                                {"transit_days": "int"})], [], lang,
                  [_("Ranked: a preferential trade agreement first, then shorter sea "
                     "transit. Score one product with --product for a full fit.")])
