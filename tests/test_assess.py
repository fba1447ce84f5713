"""A scoring run stores, for every product and business, the snapshot of its assessment."""

from datetime import date

from exportkit.assess import assess, load_rules
from exportkit.registry.assessments import compact
from exportkit.registry.facts import Selection


def test_every_stored_snapshot_is_its_assessment(enrolled):
    # products with the same facts share parts of their results; each row must still hold
    # its own assessment's detail, total and level
    rubric, market = load_rules(None, "AE")
    run = assess(enrolled, Selection(), rubric, market, date(2026, 11, 23), keep=10**9)
    with enrolled.reader() as connection:
        stored = {(b, p): (detail, total, level) for b, p, detail, total, level in
                  connection.exec_driver_sql(
                      "SELECT business_id, product_id, detail, total, level FROM assessment")}
    assert len(stored) == len(run.results) == run.products + run.businesses > 40
    for scored in run.results:
        a = scored.assessment
        assert stored[(scored.business_id, scored.product_id)] == (compact(a), a.total, a.level)
