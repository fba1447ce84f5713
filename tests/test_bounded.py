"""The bounded memo table that keeps a bulk run's memory flat."""

from __future__ import annotations

from exportkit.bounded import BoundedTable


def test_it_remembers_and_drops_the_oldest_first():
    table, calls = BoundedTable(2), []

    def square(n):
        calls.append(n)
        return n * n

    assert [table.recall((n,), square, n) for n in (1, 2, 1, 3, 1)] == [1, 4, 1, 9, 1]
    # 1 and 2 filled it, 3 pushed out 1 (the oldest), so 1 was computed again
    assert calls == [1, 2, 3, 1]
    assert list(table) == [(3,), (1,)]


def test_a_key_of_none_is_computed_every_time_and_never_kept():
    table, calls = BoundedTable(2), []
    for _ in range(3):
        assert table.recall(None, lambda: calls.append(1) or "v") == "v"
    assert calls == [1, 1, 1] and len(table) == 0


def test_a_computation_that_recalls_in_the_same_table_does_not_overfill_it():
    table = BoundedTable(2)

    def outer(n):  # as the scorer's pricer: a value computed from other remembered ones
        return table.recall(("inner", n), lambda: n) + table.recall(("inner", n + 1),
                                                                     lambda: n + 1)

    for n in range(5):
        assert table.recall(("outer", n), outer, n) == 2 * n + 1
        assert len(table) <= 2
    assert ("outer", 4) in table


def test_shared_values_give_the_equal_value_met_first_and_stay_bounded():
    from exportkit.bounded import SharedValues

    shared = SharedValues(2)
    first, equal = ("a", 1), tuple(["a", 1])
    assert shared.one(first) is first
    assert equal is not first and shared.one(equal) is first
    shared.one(("b",))
    shared.one(("c",))  # the table is full: the oldest, ("a", 1), is forgotten
    assert len(shared) == 2 and shared.one(equal) is equal
