"""How SQLite runs the reports' queries on a registry: the plans, read with EXPLAIN QUERY
PLAN, where the plan is what keeps a national registry's reads within a second."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sqlalchemy import event

from exportkit.reports.exports import ExportQuery, export_totals


def plans_of(database, run: Callable[[], object], table: str) -> list[str]:
    """The plans of the statements `run` executes that read `table`."""
    queries = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        if f"FROM {table}" in statement:
            queries.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        run()
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    with database.reader() as connection:
        return [" | ".join(row[-1] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters)) for statement, parameters in queries]


def test_export_sums_over_the_whole_registry_read_the_table_in_order(enrolled):
    # grouped by year or destination first, SQLite walked the (year, destination) index
    # and looked every record up in the table: at a million businesses' 100,000 records,
    # 232 ms against 68 ms for reading the table (BENCHMARKS.md, round 19)
    for by in ("year", "destination", "commodity", "regency"):
        plans = plans_of(enrolled, partial(export_totals, enrolled, ExportQuery(by=by)),
                         "export_record")
        assert len(plans) == 1 and "SCAN export_record" in plans[0], (by, plans)
        assert "INDEX" not in plans[0], (by, plans)
    # a filter still uses its index
    plans = plans_of(enrolled, partial(export_totals, enrolled, ExportQuery(years=(2024,))),
                     "export_record")
    assert "SEARCH export_record USING INDEX ix_export_record_year" in plans[0], plans
