"""Gaps: what blocks each business, its first actions, and the most common gaps overall.

The counts are SQL aggregates over the blockers and actions stored with the newest business
assessments ("42 businesses lack halal certification"), so an office can plan training.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from exportkit.i18n import _, current_language
from exportkit.labels import labels
from exportkit.registry.models import Assessment, AssessmentGap, Business
from exportkit.registry.queries import contains, streamed
from exportkit.reports.formats import Chart, Report, Table
from exportkit.reports.latest import latest, require_scores, scored

A = Assessment.__table__
G = AssessmentGap.__table__
B = Business.__table__

FIRST_ACTIONS = 3


def _criterion_names(lang: str) -> dict[str, str]:
    """Gap code ("standards.halal") -> the criterion's summary or name, where it has no
    placeholders."""
    from exportkit.scoring.rubric import load_rubric

    names = {}
    for dimension in load_rubric().dimensions:
        for criterion in dimension.criteria:
            name = getattr(criterion.summary or criterion.name, lang)
            if "{" not in name:
                names[f"{dimension.code}.{criterion.code}"] = name
    return names


@contextmanager
def gaps_report(database, market: str | None, regency: str | None,
                limit: int | None = None, shown: int | None = None) -> Iterator[Report]:
    """`limit`: at most this many detail rows. `shown`: the same for a view that a reader
    scrolls (the terminal's), with a note saying so when there are more: a national
    registry has millions. Else the detail rows stream from the registry as the report is
    written (read once, while the block lasts), in the summary's snapshot of it."""
    lang = current_language()
    kinds = {"blocker": _("blocker"), "action": _("action")}
    text = G.c.text_id if lang == "id" else G.c.text_en
    if regency:  # from the regency's businesses (see reports.latest.scored)
        scope = B.join(A, scored(B.c.id, market))
    else:
        ids = latest(market)
        scope = A.join(ids, A.c.id == ids.c.id).join(B, B.c.id == A.c.business_id)
    where = []
    if regency:
        where.append(contains(B.c.regency, regency))
    detail_query = (
        select(B.c.name, B.c.regency, A.c.total, G.c.kind, G.c.position, text.label("text"),
               G.c.gain)
        .select_from(scope.join(G, G.c.assessment_id == A.c.id))
        .where(*where, (G.c.kind == "blocker") | (G.c.position <= FIRST_ACTIONS))
        # the id after the name: two businesses of one name and total stay apart
        .order_by(A.c.total, B.c.name, B.c.id, G.c.kind.desc(), G.c.position)
        .limit(limit if shown is None else shown + 1))
    with database.reader(snapshot=True) as connection, \
            streamed(connection, detail_query) as per_business:
        require_scores(connection, market)
        common = connection.execute(
            select(G.c.kind, G.c.code, func.min(text).label("text"),
                   func.count(func.distinct(text)).label("variants"),
                   func.count(func.distinct(A.c.business_id)).label("businesses"))
            .select_from(scope.join(G, G.c.assessment_id == A.c.id))
            .where(*where, (G.c.kind == "blocker") | (G.c.position <= FIRST_ACTIONS))
            .group_by(G.c.kind, G.c.code)
            .order_by(func.count(func.distinct(A.c.business_id)).desc(), G.c.code)).all()
        notes = []
        if shown is not None:
            per_business = list(per_business)
            if len(per_business) > shown:
                per_business = per_business[:shown]
                notes.append(_("The first {shown} rows of the detail are shown, the lowest "
                               "totals first: --limit N shows another number, and --format "
                               "csv, xlsx, json, md or html writes every row.").format(
                                   shown=shown))
        names = _criterion_names(lang)
        # One wording for the whole group: a text that names one business's product would
        # mislabel the others, so such groups take the criterion's own name.
        summary_rows = [(r.businesses, kinds[r.kind],
                         r.text if r.variants == 1 else names.get(r.code, r.text))
                        for r in common]
        summary_keys = ["businesses", "kind", "gap"]
        summary = Table(_("Most common gaps (businesses affected)"), labels(summary_keys),
                        summary_rows, summary_keys, {"businesses": "int"})
        detail_rows = ((r.name, r.regency, r.total, kinds[r.kind], r.text, r.gain)
                       for r in per_business)
        detail_keys = ["business", "regency", "total", "kind", "gap", "gain"]
        detail = Table(_("Blockers and first actions per business"), labels(detail_keys),
                       detail_rows, detail_keys, {"total": "number", "gain": "number"})
        top = common[:15]
        chart = Chart(_("Businesses affected by each gap"), [r[2] for r in summary_rows[:15]],
                      [r.businesses for r in top], kind="int")
        title = _("Gaps ({market})").format(market=market) if market else _("Gaps")
        yield Report(title, [summary, detail], [chart] if top else [], lang, notes)
