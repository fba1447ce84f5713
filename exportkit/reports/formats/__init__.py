"""Renderers for reports: one module per file format, one interface.

A report is a list of `Table`s (title, column labels, rows of plain values, per-column
formats) and optional `Chart`s. A renderer turns a `Report` into a file's content (text or
bytes). The terminal table is drawn by the CLI with rich.
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
    formats: dict[str, str] = field(default_factory=dict)  # key -> "money:IDR", "percent"...

    def key_names(self) -> list[str]:
        return self.keys or self.columns

    def formatted_rows(self, lang: str) -> list[tuple[str, ...]]:
        """Rows as text for people: money, numbers and percentages per language."""
        from exportkit.reports.numbers import format_value

        kinds = [self.formats.get(k) for k in self.key_names()]
        return [tuple(format_value(v, kind, lang) for v, kind in zip(row, kinds, strict=True))
                for row in self.rows]

    def plain_rows(self) -> list[tuple]:
        """Rows with whole-number floats as ints: 14968512300, not 14968512300.0."""
        return [tuple(int(v) if isinstance(v, float) and v.is_integer() else v for v in row)
                for row in self.rows]


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


Renderer = Callable[[Report], str | bytes]

FILE_FORMATS = ("csv", "json", "xlsx", "md", "html")


def renderer(fmt: str) -> Renderer:
    from exportkit.reports.formats import (
        csv_format,
        html_format,
        json_format,
        markdown_format,
        xlsx_format,
    )

    renderers: dict[str, Renderer] = {
        "csv": csv_format.render, "json": json_format.render, "xlsx": xlsx_format.render,
        "md": markdown_format.render, "html": html_format.render,
    }
    return renderers[fmt]
