"""A scoring run stores, for every product and business, the snapshot of its assessment."""

from datetime import date

import pytest

from exportkit.assess import assess, load_rules
from exportkit.fact_rows import group
from exportkit.registry.facts import Selection
from exportkit.snapshots import compact
from tests.conftest import count, garbage_of


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


def _stored(database, ids: range) -> tuple[list, list]:
    """The snapshot rows with ids in `ids` and their gap rows, without ids and times."""
    with database.reader() as connection:
        snapshots = connection.exec_driver_sql(
            "SELECT business_id, product_id, best_product_id, market, category, rubric_version,"
            " rubric_digest, total, level, blocked, detail FROM assessment WHERE id >= ? AND id < ?"
            " ORDER BY id", (ids.start, ids.stop)).all()
        gaps = connection.exec_driver_sql(
            "SELECT a.business_id, g.kind, g.code, g.position, g.gain, g.text_en, g.text_id "
            "FROM assessment_gap g JOIN assessment a ON a.id = g.assessment_id "
            "WHERE a.id >= ? AND a.id < ? ORDER BY g.id", (ids.start, ids.stop)).all()
    return snapshots, gaps


@pytest.mark.parametrize("market_code", [None, "AE"])
@pytest.mark.parametrize("with_businesses", [True, False])
@pytest.mark.parametrize("keep", [0, 5, 40])
def test_scoring_in_worker_processes_stores_what_scoring_in_process_stores(
        enrolled, market_code, with_businesses, keep):
    # chunks of 7 products: businesses span chunks, several batches are in flight at
    # once, and the workers take over from the first business of the first chunk whose
    # results are not kept (keep=0), from within it (5), or from a later chunk (40)
    rubric, market = load_rules(None, market_code)
    today = date(2026, 11, 23)
    here = assess(enrolled, Selection(), rubric, market, today,
                  with_businesses=with_businesses, keep=keep)
    n = here.products + here.businesses
    there = assess(enrolled, Selection(), rubric, market, today,
                   with_businesses=with_businesses, jobs=3, chunk=7, keep=keep)
    assert (here.workers, there.workers) == (0, 2)
    # a selection that fits in one chunk is scored in process, whatever `jobs` says
    assert assess(enrolled, Selection(), rubric, market, today, save=False, jobs=2,
                  chunk=n + 100).workers == 0
    first = _stored(enrolled, range(1, n + 1))
    second = _stored(enrolled, range(n + 1, 2 * n + 1))
    assert len(first[0]) == n > 40 and bool(first[1]) == with_businesses
    assert here.products == count(enrolled, "product")  # the last business too
    assert second == first
    assert (there.products, there.businesses, there.levels, there.blocked, there.lowest) == (
        here.products, here.businesses, here.levels, here.blocked, here.lowest)
    assert len(there.results) == keep and [(r.business_id, r.product_id, r.assessment)
                                           for r in there.results] == [
        (r.business_id, r.product_id, r.assessment) for r in here.results]


def test_a_chunk_read_goes_to_the_workers_in_batches_of_whole_businesses(enrolled, monkeypatch):
    # the registry is read 30 products at a time and each chunk's businesses go out in
    # batches of about 4 products (a worker holds two batches: their size is its memory);
    # the stored rows are those of a run scored in process, in the same order
    import exportkit.assess

    calls = []  # the batches made of each chunk's businesses
    real = exportkit.assess.batches
    monkeypatch.setattr(exportkit.assess, "batches",
                        lambda groups, products: calls.append(list(real(groups, products)))
                        or calls[-1])
    rubric, market = load_rules(None, "AE")
    today = date(2026, 11, 23)
    here = assess(enrolled, Selection(), rubric, market, today)
    n = here.products + here.businesses
    there = assess(enrolled, Selection(), rubric, market, today, jobs=3, chunk=30,
                   worker_batch=4)
    assert there.workers == 2
    assert _stored(enrolled, range(n + 1, 2 * n + 1)) == _stored(enrolled, range(1, n + 1))
    sent = [b for made in calls for b in made]
    assert len(calls) > 2 and len(sent) > 2 * len(calls)
    for made in calls:  # a batch ends with the business that brings it to 4 products
        sizes = [sum(len(raw.rows) for raw in b) for b in made]
        assert all(size >= 4 for size in sizes[:-1])
        assert all(size - len(b[-1].rows) < 4 for size, b in zip(sizes, made, strict=True))
    ids = [raw.business_id for b in sent for raw in b]
    assert ids == sorted(set(ids))  # each business once, whole, in the registry's order


@pytest.mark.parametrize("keep", [0, 5])
def test_with_workers_the_main_process_scores_only_the_businesses_it_keeps(
        enrolled, monkeypatch, keep):
    # a memo grows with every business scored, and the main process reads and stores for
    # the workers all the run long: it scores no more than the results it must keep
    import exportkit.assess

    scored_here = []
    monkeypatch.setattr(exportkit.assess, "group",
                        lambda raw: scored_here.append(raw.business_id) or group(raw))
    rubric, market = load_rules(None, None)
    run = assess(enrolled, Selection(), rubric, market, date(2026, 11, 23), keep=keep,
                 jobs=2, chunk=30)
    assert run.workers == 1 and run.businesses == count(enrolled, "business") > 20
    assert scored_here == list(dict.fromkeys(r.business_id for r in run.results))
    assert len(run.results) == keep


@pytest.mark.parametrize("jobs", [1, 3])
def test_every_snapshot_of_a_run_carries_the_runs_batch_token(enrolled, monkeypatch, jobs):
    # stored a few snapshots at a time (as a national registry is, 2,000 at a time), yet
    # a run's rows are told apart from another run's by their batch token alone
    monkeypatch.setattr("exportkit.assess.STORE_BATCH", 5)
    rubric, market = load_rules(None, None)
    runs = [assess(enrolled, Selection(), rubric, market, date(2026, 11, 23), jobs=jobs,
                   chunk=7) for _ in range(2)]
    n = runs[0].products + runs[0].businesses
    with enrolled.reader() as connection:
        tokens = connection.exec_driver_sql(
            "SELECT batch, count(*), min(id), max(id) FROM assessment GROUP BY batch "
            "ORDER BY min(id)").all()
    assert n > 40
    assert [(count, first, last) for _token, count, first, last in tokens] == [
        (n, 1, n), (n, n + 1, 2 * n)]


def test_a_runs_chunks_leave_no_reference_cycles_behind(backend, enrolled):
    # A cycle per chunk piles up until the collector comes (tests/test_enroll.py: an
    # import's batches): the garbage of a run must not grow with its chunks.
    rubric, market = load_rules(None, None)

    def run(chunk: int):
        return assess(enrolled, Selection(), rubric, market, date(2026, 11, 23), chunk=chunk)

    few, _run = garbage_of(lambda: run(1000))  # one chunk
    many, scored = garbage_of(lambda: run(4))
    assert scored.products == 112
    assert many - few < 10, f"{many} objects in cycles in 28 chunks, {few} in one"


def test_a_scoring_worker_loads_stdnum_only_for_what_needs_it(enrolled):
    # a worker imports the scoring modules; stdnum (which imports ssl and pydoc), babel and
    # pycountry with them took about 4 MiB more of each worker (BENCHMARKS.md, round 18),
    # and babel's and pycountry's data some 11 MiB more with a market (round 19): only an
    # identifier of an uncommon form needs stdnum. The samples' groups are scored as a
    # worker scores them, in a fresh interpreter.
    import dataclasses
    import pickle
    import subprocess
    import sys

    from exportkit.fact_rows import PRODUCT_FIELDS, PRODUCTS_AT, groups
    from exportkit.registry.facts import iter_chunks
    from exportkit.score_workers import Scoring

    raw = [g for _n, completed in groups(iter_chunks(enrolled, Selection())) for g in completed]
    child = ("import pickle, sys\n"
             "from exportkit.score_workers import _score, _setup\n"
             "scoring, raw = pickle.loads(sys.stdin.buffer.read())\n"
             "rows = _score(_setup(scoring), raw)\n"
             "print(len(rows.snapshots), *sorted(m for m in ('stdnum', 'babel', 'pycountry',"
             " 'ssl') if m in sys.modules))\n")

    def scored_with(market_code: str | None, raw_groups: list) -> list[str]:
        rubric, market = load_rules(None, market_code)
        scoring = Scoring(rubric, market, date(2026, 11, 23), True)
        done = subprocess.run([sys.executable, "-c", child], capture_output=True, check=True,
                              input=pickle.dumps((scoring, raw_groups)))
        return done.stdout.decode().split()

    snapshots = str(count(enrolled, "product") + count(enrolled, "business"))
    assert scored_with(None, raw) == [snapshots]
    # a market's messages name its country and its labels' languages: the market comes
    # named (pycountry, babel) from the process that read the markets file
    assert scored_with("AE", raw) == [snapshots]
    # a GTIN written with a space is not of the common form: stdnum judges it
    gtin_at = PRODUCTS_AT + PRODUCT_FIELDS.index("gtin")
    first = raw[0].rows[0]
    spaced = (*first[:gtin_at], "899 0000 000006", *first[gtin_at + 1:])
    odd = dataclasses.replace(raw[0], rows=(spaced, *raw[0].rows[1:]))
    assert scored_with(None, [odd]) == [str(len(odd.rows) + 1), "ssl", "stdnum"]
