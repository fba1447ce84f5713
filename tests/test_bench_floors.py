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


def _rows(path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


def test_the_storing_floors_other_layouts_write_the_runs_rows_as_they_say(
        enrolled, registry_path, tmp_path):
    # bench/store_layouts.py weighs a redesign of the score tables by these: each must
    # still write the whole run, laid out as its name says
    ok("score", "--all")
    bench = _bench()
    snapshots = "SELECT id, business_id, product_id, total, level FROM assessment ORDER BY id"
    gaps = ("SELECT assessment_id, kind, code, position, gain, text_en, text_id "
            "FROM assessment_gap ORDER BY id")
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_assess%'"
    latest = "SELECT * FROM latest_assessment ORDER BY assessment_id"
    assert bench.STORE_LAYOUTS.keys() == {"registry", "gaps_in_detail", "bare",
                                          "snapshots_only"}
    for layout in bench.STORE_LAYOUTS:
        copy = tmp_path / f"layout-{layout}.db"
        bench.copy_before_run(registry_path, copy)
        written = json.loads(bench.store_floor(str(registry_path), str(copy), layout))
        assert written["products"] == count(enrolled, "product")
        assert written["bytes_added"] > 0
        assert _rows(copy, snapshots) == _rows(registry_path, snapshots), layout
        has_gap_rows = layout in ("registry", "bare")
        assert _rows(copy, gaps) == (_rows(registry_path, gaps) if has_gap_rows else []), layout
        assert (_rows(copy, latest) == _rows(registry_path, latest)) == (
            layout != "snapshots_only"), layout
        assert bool(_rows(copy, indexes)) == (layout in ("registry", "gaps_in_detail")), layout
        if layout == "gaps_in_detail":
            in_detail = [(a, *cells) for a, detail in _rows(copy, "SELECT id, detail FROM "
                                                             "assessment ORDER BY id")
                         for cells in json.loads(detail).get("gaps", [])]
            assert [tuple(g) for g in in_detail] == _rows(registry_path, gaps)
