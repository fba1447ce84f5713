"""The shortlist: the most export-ready businesses for a programme.

Ranked on the newest business assessment (company readiness with its best product) for
the market. Tie-breaks, in order: higher total; direct export experience before indirect
before none; more employees; the business enrolled first. Blocked businesses are left out
unless asked for; `max_per_category` keeps one category from filling the list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select

from exportkit.i18n import _, current_language
from exportkit.labels import labels
from exportkit.registry.models import Assessment, Business, Product
from exportkit.registry.queries import contains
from exportkit.reports.formats import Chart, Report, Table
from exportkit.reports.latest import latest, require_scores, scored

A = Assessment.__table__
B = Business.__table__
P = Product.__table__


@dataclass(frozen=True)
class ShortlistQuery:
    top: int = 25
    market: str | None = None
    regency: str | None = None
    category: str | None = None
    max_per_category: int | None = None
    include_blocked: bool = False


def shortlist_rows(connection, query: ShortlistQuery) -> list:
    experience = case((B.c.export_experience == "direct", 2),
                      (B.c.export_experience == "indirect", 1), else_=0)
    employees = func.coalesce(B.c.employees, 0)
    order = (A.c.total.desc(), experience.desc(), employees.desc(), B.c.id)
    ranked = (
        select(A.c.business_id, B.c.name.label("business"), B.c.nib, B.c.regency,
               P.c.name.label("product"), A.c.category, A.c.total, A.c.blocked, A.c.detail,
               experience.label("experience"), employees.label("employees"),
               # ranking within a category costs a sort of every candidate: only when asked
               (func.row_number().over(partition_by=A.c.category, order_by=order)
                if query.max_per_category else literal(1)).label("in_category"))
        .select_from(_scope(query).outerjoin(P, P.c.id == A.c.best_product_id)))
    if query.regency:
        ranked = ranked.where(contains(B.c.regency, query.regency))
    if query.category:
        ranked = ranked.where(A.c.category == query.category)
    if not query.include_blocked:
        ranked = ranked.where(A.c.blocked.is_(False))
    r = ranked.subquery("ranked")
    final = select(r)
    if query.max_per_category:
        final = final.where(r.c.in_category <= query.max_per_category)
    final = final.order_by(r.c.total.desc(), r.c.experience.desc(), r.c.employees.desc(),
                           r.c.business_id).limit(query.top)
    return connection.execute(final).all()


def _scope(query: ShortlistQuery):
    """The businesses with their newest assessment: from the regency's businesses when
    the list is for one, else from every newest assessment (one pass over the pointers)."""
    if query.regency:
        return B.join(A, scored(B.c.id, query.market))
    ids = latest(query.market)
    return A.join(ids, A.c.id == ids.c.id).join(B, B.c.id == A.c.business_id)


def shortlist_ids(database, query: ShortlistQuery) -> list[int]:
    """The businesses on the shortlist, in rank order: what a cohort is saved from."""
    with database.reader() as connection:
        return [r.business_id for r in shortlist_rows(connection, query)]


def shortlist_report(database, query: ShortlistQuery) -> Report:
    lang = current_language()
    with database.reader() as connection:
        require_scores(connection, query.market)
        rows = shortlist_rows(connection, query)
    table_rows = []
    for rank, r in enumerate(rows, start=1):
        detail = json.loads(r.detail)
        first = detail["first_action"]
        table_rows.append((rank, r.business, r.nib, r.regency, r.product, r.category,
                           r.total, detail["level"][lang], _("yes") if r.blocked else "",
                           first[lang] if first else ""))
    keys = ["rank", "business", "nib", "regency", "best_product", "category", "total",
            "level", "blocked", "first_action"]
    if query.market and query.regency:
        title = _("Shortlist: top {n} businesses for {market} in {regency}").format(
            n=query.top, market=query.market, regency=query.regency)
    elif query.market:
        title = _("Shortlist: top {n} businesses for {market}").format(
            n=query.top, market=query.market)
    elif query.regency:
        title = _("Shortlist: top {n} businesses in {regency}").format(
            n=query.top, regency=query.regency)
    else:
        title = _("Shortlist: top {n} businesses").format(n=query.top)
    table = Table(title, labels(keys), table_rows, keys, formats={"total": "number"})
    chart = Chart(_("Readiness score (0-100)"), [f"{r[0]}. {r[1]}" for r in table_rows],
                  [r[6] for r in table_rows], kind="number", maximum=100)
    return Report(title, [table], [chart] if table_rows else [], lang,
                  [_("Ranked on the newest business assessment; ties: export experience, "
                     "then employees, then first enrolled. Blocked businesses are left out "
                     "unless --include-blocked.")])
