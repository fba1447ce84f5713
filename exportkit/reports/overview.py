"""The overview a head of office takes to a meeting: shortlist, common gaps, export values."""

from __future__ import annotations

from exportkit.i18n import _, current_language
from exportkit.reports.exports import ExportQuery, MissingRate, exports_report
from exportkit.reports.formats import Report
from exportkit.reports.gaps import gaps_report
from exportkit.reports.shortlist import ShortlistQuery, shortlist_report


def overview_report(database, market: str | None, top: int, currency: str = "IDR",
                    regency: str | None = None) -> Report:
    shortlist = shortlist_report(database, ShortlistQuery(top=top, market=market,
                                                          regency=regency))
    with gaps_report(database, market, regency, limit=0) as gaps:  # the summary only
        parts = [shortlist, Report(gaps.title, gaps.tables[:1], gaps.charts)]
    notes = list(shortlist.notes)
    for by in ("year", "commodity"):
        try:
            parts.append(exports_report(database, ExportQuery(by=by, currency=currency,
                                                              regency=regency)))
        except MissingRate as exc:  # the rest of the overview is still worth having
            notes.append(str(exc))
    title = (_("Export readiness overview ({market})").format(market=market) if market
             else _("Export readiness overview"))
    return Report(title, [t for p in parts for t in p.tables],
                  [c for p in parts for c in p.charts], current_language(), notes)
