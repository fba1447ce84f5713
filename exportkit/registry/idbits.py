"""A set of row ids, one bit each: which registry rows an import has met, for millions of
rows in a few hundred KiB (a Python set of them takes about 60 bytes an id).

Bits are kept in pages of PAGE ids, made when an id of theirs is first added, so ids far
apart (a PostgreSQL sequence that started high) cost only the pages they fall in.
"""

from __future__ import annotations

from collections.abc import Iterable

PAGE = 1 << 16  # ids per page: 8 KiB of bits


class IdBits:
    def __init__(self) -> None:
        self._pages: dict[int, bytearray] = {}

    def add_all(self, ids: Iterable[int]) -> None:
        pages = self._pages
        for row_id in ids:
            page, bit = divmod(row_id, PAGE)
            bits = pages.get(page)
            if bits is None:
                bits = pages[page] = bytearray(PAGE // 8)
            bits[bit >> 3] |= 1 << (bit & 7)

    def __contains__(self, row_id: int) -> bool:
        page, bit = divmod(row_id, PAGE)
        bits = self._pages.get(page)
        return bits is not None and bool(bits[bit >> 3] & (1 << (bit & 7)))
