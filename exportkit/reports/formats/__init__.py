"""Writers of reports: one module per file format, one interface.

A report is a list of `Table`s (title, column labels, rows of plain values, per-column
formats) and optional `Chart`s. A writer writes a `Report` to an open file (text, or bytes
for xlsx) a row at a time: a table's rows may be read from the registry as they are
written (a national registry's gaps have millions), and only once. The terminal table is
drawn by the CLI with rich.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: Iterable[tuple]  # a list, or rows streamed from the registry (read once)
    keys: list[str] = field(default_factory=list)  # stable names for JSON; default: columns
    formats: dict[str, str] = field(default_factory=dict)  # key -> "money:IDR", "percent"...

    def key_names(self) -> list[str]:
        return self.keys or self.columns

    def formatted_rows(self, lang: str) -> Iterator[tuple[str, ...]]:
        """Rows as text for people: money, numbers and percentages per language."""
        from exportkit.reports.numbers import format_value

        kinds = [self.formats.get(k) for k in self.key_names()]
        return (tuple(format_value(v, kind, lang) for v, kind in zip(row, kinds, strict=True))
                for row in self.rows)

    def plain_rows(self) -> Iterator[tuple]:
        """Rows with whole-number floats as ints: 14968512300, not 14968512300.0."""
        return (tuple(int(v) if isinstance(v, float) and v.is_integer() else v for v in row)
                for row in self.rows)


@dataclass
class Chart:
    """A bar chart: one bar per label; `kind` formats the values (see numbers.py)."""

    title: str
    labels: list[str]
    values: list[float]
    kind: str | None = None
    maximum: float | None = None  # e.g. 100 for scores; default: the largest value


@dataclass
class Report:
    title: str
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    lang: str = "en"
    notes: list[str] = field(default_factory=list)


Writer = Callable[[Report, IO], None]

FILE_FORMATS = ("csv", "json", "xlsx", "md", "html")
BINARY_FORMATS = ("xlsx",)


def writer(fmt: str) -> Writer:
    from exportkit.reports.formats import (
        csv_format,
        html_format,
        json_format,
        markdown_format,
        xlsx_format,
    )

    writers: dict[str, Writer] = {
        "csv": csv_format.write, "json": json_format.write, "xlsx": xlsx_format.write,
        "md": markdown_format.write, "html": html_format.write,
    }
    return writers[fmt]


def render(report: Report, fmt: str) -> str | bytes:
    """The whole file in memory: for small reports, and tests."""
    out = io.BytesIO() if fmt in BINARY_FORMATS else io.StringIO()
    writer(fmt)(report, out)
    return out.getvalue()
