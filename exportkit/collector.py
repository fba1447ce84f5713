"""Python's cyclic garbage collector in bulk runs: it runs less often there.

Scoring and checking make and drop millions of small objects. Reference counting frees
them as they go. The collector, by default, also walks the young objects every 700
allocations, and in a bulk run most of what it walks is long-lived: the memo of a
scoring run, the plans of an import. Scoring 20,000 businesses with a warm memo took
4.2-4.9 s with the default and 3.5 s with a young generation of 100,000 (BENCHMARKS.md,
round 10). The collector keeps running, only less often: once 100,000 more tracked
objects have been made than freed. Garbage in reference cycles waits that much longer, so
the bulk paths make none per batch (exportkit.registry.driver.in_values): an import's
look-ups, built per batch, once kept all of a 3M-product re-import's values (200 MiB).

Not in a scoring run's main process: there the garbage of the statements it then built
per chunk piled up (1M businesses: 104 -> 147 MiB at the peak). They are built once now;
collecting less there showed no gain at 100k since (BENCHMARKS.md, round 15). Its
workers, which do most of the scoring, collect less.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_YOUNG = 100_000  # allocations between collections of the young generation (default 700)


def collect_less() -> None:
    """For a process that does bulk work for the rest of its life (a worker)."""
    gc.set_threshold(BULK_YOUNG, *gc.get_threshold()[1:])


@contextmanager
def collecting_less() -> Iterator[None]:
    """The collector as collect_less() sets it, for the length of a bulk run."""
    before = gc.get_threshold()
    collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)
