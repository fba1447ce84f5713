"""CSV writing that spreadsheet programs cannot turn into formulas.

A text cell starting with =, +, -, @, tab or carriage return is prefixed with an apostrophe
(OWASP's CSV-injection guidance), so opening an exported file never runs anything.
"""

from __future__ import annotations

import csv
from typing import IO

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def writer(stream: IO[str], **kwargs):
    return _SafeWriter(csv.writer(stream, **kwargs))


class _SafeWriter:
    def __init__(self, inner):
        self._inner = inner

    def writerow(self, row) -> None:
        self._inner.writerow([neutralise(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)
