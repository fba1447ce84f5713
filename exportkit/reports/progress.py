"""Cohort progress: each member's readiness at the start against its newest assessment.

"At the start" is the newest assessment made when the cohort was saved (or before); for a
member first scored later, its first assessment. Three grouped queries, whatever the size.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from exportkit.i18n import _, current_language
from exportkit.labels import labels
from exportkit.registry.cohorts import cohort_members, member_ids
from exportkit.registry.models import Assessment, Business
from exportkit.reports.formats import Chart, Report, Table

A = Assessment.__table__
B = Business.__table__


def _pick(connection, ids_query) -> dict[int, tuple]:
    ids = ids_query.subquery()
    rows = connection.execute(select(A.c.business_id, A.c.total, A.c.level, A.c.detail,
                                     A.c.created_at)
                              .select_from(A.join(ids, A.c.id == ids.c.id))).all()
    return {r.business_id: r for r in rows}


def progress_report(database, cohort_name: str, market: str | None) -> Report:
    lang = current_language()
    market_match = A.c.market.is_(None) if market is None else A.c.market == market
    with database.reader() as connection:
        cohort, members = cohort_members(connection, cohort_name)
        in_cohort = member_ids(cohort["id"])
        scope = (A.c.business_id.in_(in_cohort), A.c.product_id.is_(None), market_match)
        before = _pick(connection, select(func.max(A.c.id).label("id")).where(
            *scope, A.c.created_at <= cohort["created_at"]).group_by(A.c.business_id))
        first = _pick(connection, select(func.min(A.c.id).label("id")).where(*scope)
                      .group_by(A.c.business_id))
        newest = _pick(connection, select(func.max(A.c.id).label("id")).where(*scope)
                       .group_by(A.c.business_id))
        names = dict(connection.execute(select(B.c.id, B.c.name).where(
            B.c.id.in_(in_cohort))).all())
    rows = []
    for business_id in members:
        start = before.get(business_id) or first.get(business_id)
        end = newest.get(business_id)
        if start is None or end is None:
            rows.append((names.get(business_id), None, None, None, "", _("not scored")))
            continue
        level = json.loads(end.detail)["level"][lang]
        rows.append((names.get(business_id), start.total, end.total, end.total - start.total,
                     level, end.created_at.date().isoformat()))
    scored = [r for r in rows if r[1] is not None]
    if scored:
        rows.append((_("average"), sum(r[1] for r in scored) / len(scored),
                     sum(r[2] for r in scored) / len(scored),
                     sum(r[3] for r in scored) / len(scored), "", ""))
    keys = ["business", "start", "latest", "change", "level", "scored_on"]
    title = _("Progress of cohort {name}").format(name=cohort["name"])
    table = Table(title, labels(keys), rows, keys,
                  {"start": "number", "latest": "number", "change": "number"})
    chart = Chart(_("Change in readiness since the start"), [r[0] for r in scored],
                  [max(r[3], 0) for r in scored], kind="number")
    return Report(title, [table], [chart] if scored else [], lang,
                  [_("Cohort saved on {date}; {n} member(s).").format(
                      date=cohort["created_at"].date().isoformat(), n=len(members))])
