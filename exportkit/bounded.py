"""A memo table of at most `limit` entries, the oldest dropped first (a dict keeps its
insertion order), so a bulk run's memory stays flat however large the registry."""

from __future__ import annotations

from collections.abc import Callable


class BoundedTable(dict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def recall(self, key: tuple | None, compute: Callable, *args):
        """The value remembered under `key`, else `compute(*args)`, remembered (a key of
        None: computed, not remembered)."""
        if key is None:
            return compute(*args)
        value = self.get(key)
        if value is None:
            value = compute(*args)  # first: it may remember entries of its own here
            if len(self) >= self.limit:
                del self[next(iter(self))]
            self[key] = value
        return value


class SharedValues(BoundedTable):
    """Equal immutable values made one object: a scoring run builds the same texts and
    criterion results for product after product, and its memo would otherwise hold a copy
    of each for every distinct product it remembers (BENCHMARKS.md, round 18)."""

    def one(self, value):
        """The equal value met first while it is remembered, else `value` itself."""
        kept = self.get(value)
        if kept is None:
            if len(self) >= self.limit:
                del self[next(iter(self))]
            self[value] = kept = value
        return kept
