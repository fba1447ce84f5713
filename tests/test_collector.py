"""Imports and the worker processes of bulk runs collect garbage less often, and still
collect it (exportkit.collector)."""

from __future__ import annotations

import gc
import weakref
from datetime import date

import pytest

from exportkit.collector import BULK_YOUNG, collecting_less
from exportkit.ingest.enroll import EnrollOptions, enroll_files
from exportkit.workers import WorkerPool
from tests.conftest import SAMPLES
from tests.test_workers import nothing


def young_threshold(_state, _batch) -> int:  # run in a worker: module level, by name
    return gc.get_threshold()[0]


def test_collecting_less_sets_the_young_generation_and_puts_it_back():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collecting_less():
        assert gc.get_threshold() == (BULK_YOUNG, *before[1:])
        raise RuntimeError("a run that fails")
    assert gc.get_threshold() == before


class _Node:
    me: _Node


def test_a_cycle_made_in_a_bulk_run_is_freed_without_being_asked():
    gc.collect()
    with collecting_less():
        node = _Node()
        node.me = node  # a cycle: reference counting alone never frees it
        freed = weakref.ref(node)
        del node
        assert freed() is not None  # not yet: a collection has not run
        live = [[] for _ in range(BULK_YOUNG + 1_000)]  # enough young objects for one
        assert freed() is None
    del live


def test_an_import_collects_less_while_it_runs_and_as_before_after(database):
    before, seen = gc.get_threshold(), []

    def progress(_label, _total):
        return lambda _n: seen.append(gc.get_threshold()[0])

    enroll_files(database, [SAMPLES / "usaha.csv"], EnrollOptions(today=date(2026, 11, 23)),
                 progress)
    assert seen and set(seen) == {BULK_YOUNG}
    assert gc.get_threshold() == before


def test_workers_collect_less_for_their_whole_life():
    with WorkerPool(2, young_threshold, nothing) as pool:
        got = [*pool.put(1), *pool.put(2), *pool.drain()]
    assert got == [BULK_YOUNG, BULK_YOUNG]
