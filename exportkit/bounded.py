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
