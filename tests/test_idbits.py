"""The set of row ids an import has met: exactly the ids added, whatever their spread."""

from hypothesis import given
from hypothesis import strategies as st

from exportkit.registry.idbits import PAGE, IdBits

ids = st.integers(min_value=0, max_value=50 * PAGE)


@given(st.lists(st.lists(ids, max_size=40), max_size=5), st.lists(ids, max_size=60))
def test_an_id_is_in_the_set_exactly_when_it_was_added(batches, asked):
    bits, added = IdBits(), set()
    for batch in batches:
        bits.add_all(batch)
        added.update(batch)
    # ids next to those added, on page edges too, and far from any
    neighbours = {n for i in added for n in (i - 1, i + 1) if n >= 0}
    for row_id in {*asked, *added, *neighbours, PAGE - 1, PAGE, 0}:
        assert (row_id in bits) == (row_id in added), row_id


def test_a_million_ids_take_a_few_hundred_kib():
    bits = IdBits()
    bits.add_all(range(1, 1_000_001))
    assert sum(len(page) for page in bits._pages.values()) <= 130 * 1024
    assert 1_000_000 in bits and 1_000_001 not in bits and 0 not in bits
