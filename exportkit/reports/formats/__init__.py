"""Renderers for tabular results: one module per file format, one interface.

A renderer takes a `Table` (title, column labels, rows of plain values) and returns the
file's content (text or bytes). The terminal table is drawn by the CLI with rich.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[tuple]
    keys: list[str] = field(default_factory=list)  # stable names for JSON; default: columns

    def key_names(self) -> list[str]:
        return self.keys or self.columns

    def plain_rows(self) -> list[tuple]:
        """Rows with whole-number floats as ints: 14968512300, not 14968512300.0."""
        return [tuple(int(v) if isinstance(v, float) and v.is_integer() else v for v in row)
                for row in self.rows]


Renderer = Callable[[list[Table]], str | bytes]


def renderer(fmt: str) -> Renderer:
    from exportkit.reports.formats import csv_format, json_format

    renderers: dict[str, Renderer] = {"csv": csv_format.render, "json": json_format.render}
    return renderers[fmt]


FILE_FORMATS = ("csv", "json")
