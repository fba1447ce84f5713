"""Markdown: a heading per table and pipe tables with numbers formatted per language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from exportkit.reports.formats import Report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _line(cells) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _lines(report: Report) -> Iterator[str]:
    yield from (f"# {report.title}", "")
    yield from (f"> {note}" for note in report.notes)
    for table in report.tables:
        yield from (f"## {table.title}", "", _line(table.columns),
                    "|" + "|".join(" --- " for _ in table.columns) + "|")
        yield from (_line(row) for row in table.formatted_rows(report.lang))
        yield ""


def write(report: Report, out: IO[str]) -> None:
    lines = _lines(report)
    out.write(next(lines))
    out.writelines("\n" + line for line in lines)  # the lines, one newline between each
