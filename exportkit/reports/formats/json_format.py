"""JSON: {"title": ..., "rows": [{key: value}]} per table; dates as ISO strings.

Written a row at a time, and the same text as `json.dumps(document, indent=2)` of the whole
document (a test holds the two equal): a table's rows may be millions, streamed from the
registry."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import IO

from exportkit.reports.formats import Report, Table

INDENT = 2


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _dumps(value: object, depth: int) -> str:
    """`value` as json.dumps writes it `depth` levels deep in an indented document."""
    text = json.dumps(value, ensure_ascii=False, indent=INDENT, default=_default)
    return text.replace("\n", "\n" + " " * (INDENT * depth))


def _table(out: IO[str], table: Table, depth: int) -> None:
    """The table as an object whose opening brace is already indented."""
    inner, item = " " * (INDENT * (depth + 1)), " " * (INDENT * (depth + 2))
    out.write(f"{{\n{inner}\"title\": {_dumps(table.title, depth + 1)},\n{inner}\"rows\": [")
    keys = table.key_names()
    written = False
    for row in table.plain_rows():
        out.write(",\n" if written else "\n")
        out.write(item + _dumps(dict(zip(keys, row, strict=True)), depth + 2))
        written = True
    out.write(f"\n{inner}]" if written else "]")
    out.write("\n" + " " * (INDENT * depth) + "}")


def write(report: Report, out: IO[str]) -> None:
    if len(report.tables) == 1:
        _table(out, report.tables[0], 0)
    else:
        pad = " " * INDENT
        out.write(f"{{\n{pad}\"title\": {_dumps(report.title, 1)},\n{pad}\"tables\": [")
        for number, table in enumerate(report.tables):
            out.write(",\n" if number else "\n")
            out.write(pad * 2)
            _table(out, table, 2)
        out.write(f"\n{pad}]" if report.tables else "]")
        out.write("\n}")
    out.write("\n")
