"""A scoring run stores, for every product and business, the snapshot of its assessment."""

import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from exportkit.assess import assess, load_rules
from exportkit.registry.facts import Selection
from exportkit.snapshots import compact
from tests.conftest import count


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
def test_scoring_in_worker_processes_stores_what_scoring_in_process_stores(
        enrolled, market_code, with_businesses):
    # chunks of 7 products: businesses span chunks, the workers take over after the first
    # one (keep=0) and several batches are in flight at once
    rubric, market = load_rules(None, market_code)
    today = date(2026, 11, 23)
    here = assess(enrolled, Selection(), rubric, market, today,
                  with_businesses=with_businesses)
    n = here.products + here.businesses
    there = assess(enrolled, Selection(), rubric, market, today,
                   with_businesses=with_businesses, jobs=2, chunk=7)
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


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_workers_stop_when_the_main_process_is_killed_outright(tmp_path):
    # SIGKILL leaves no chance to shut the pool down: the workers must notice by themselves
    script = """if True:
        import os, signal
        from datetime import date
        from exportkit.assess import load_rules
        from exportkit.score_workers import Scoring, scoring_pool
        rubric, market = load_rules(None, None)
        pool = scoring_pool(2, Scoring(rubric, market, date(2026, 11, 23), True))
        for _ in range(4):  # every worker gets batches
            list(pool.put([]))
        list(pool.drain())
        print(*(w.process.pid for w in pool._workers), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"  # not pipes a stray worker holds
    with out.open("w") as stdout, err.open("w") as stderr:
        done = subprocess.run([sys.executable, "-c", script], stdout=stdout, stderr=stderr,
                              timeout=120)
    assert done.returncode == -signal.SIGKILL, err.read_text()
    workers = [int(pid) for pid in out.read_text().split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 30
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_running, workers))


def test_the_cores_counted_are_those_a_container_s_cpu_quota_allows(tmp_path):
    from exportkit.workers import available_cores

    cpu_max = tmp_path / "cpu.max"
    unlimited = available_cores(tmp_path / "absent")
    for text, expected in [("max 100000", unlimited), ("150000 100000", min(unlimited, 2)),
                           ("50000 100000", 1), ("garbage", unlimited)]:
        cpu_max.write_text(text + "\n")
        assert available_cores(cpu_max) == expected, text
