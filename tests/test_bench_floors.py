"""The benchmark's floors measure what exportkit does, without exportkit: a floor that wrote
other rows than exportkit's would be a floor of something else."""

from __future__ import annotations

import importlib.util
import json
import sqlite3

from tests.conftest import ROOT, count, ok, sqlite_dump


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_storing_floor_writes_exactly_the_rows_score_stores(enrolled, registry_path,
                                                                tmp_path):
    ok("score", "--all")
    ok("score", "--all", "--market", "JP")  # the floor writes the last run's rows only
    assert count(enrolled, "assessment_gap") > 0
    floor_copy = tmp_path / "floor.db"
    with sqlite3.connect(registry_path) as source, sqlite3.connect(floor_copy) as copy:
        source.backup(copy)
    with sqlite3.connect(floor_copy) as connection:  # the registry before the last run
        batch = connection.execute(
            "SELECT batch FROM assessment ORDER BY id DESC LIMIT 1").fetchone()[0]
        connection.execute("DELETE FROM latest_assessment WHERE market_key = 'JP'")
        connection.execute("DELETE FROM assessment_gap WHERE assessment_id IN "
                           "(SELECT id FROM assessment WHERE batch = ?)", (batch,))
        connection.execute("DELETE FROM assessment WHERE batch = ?", (batch,))
        products = connection.execute("SELECT count(*) FROM product").fetchone()[0]
    assert sqlite_dump(floor_copy) != sqlite_dump(registry_path)

    written = json.loads(_bench().store_floor(str(registry_path), str(floor_copy)))

    assert written["products"] == products
    assert written["seconds"] > 0
    assert sqlite_dump(floor_copy) == sqlite_dump(registry_path)
