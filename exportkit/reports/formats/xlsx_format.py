"""Excel: one sheet per table, real numbers with number formats, formula-safe text.

Written in openpyxl's write-only mode, a row at a time, so a table of millions of rows
takes no more memory than one of ten. A table longer than a sheet holds (Excel's limit)
goes on over further sheets, each with the header row again."""

from __future__ import annotations

import re
from itertools import chain, islice
from typing import IO

from exportkit.reports.formats import Report, Table
from exportkit.safe_csv import neutralise

NUMBER_FORMATS = {"percent": "0.0%", "int": "#,##0", "number": "#,##0.##"}
# Excel's worksheet size: 1,048,576 rows ("Excel specifications and limits", Microsoft)
SHEET_ROWS = 1_048_576
WIDTH_ROWS = 1_000  # a column's width fits its label and its first this many cells


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:25]} {n}", n + 1
    used.add(candidate)
    return candidate


def _number_format(kind: str | None) -> str | None:
    if kind and kind.startswith("money:"):
        return "#,##0" if kind.endswith("IDR") else "#,##0.00"
    return NUMBER_FORMATS.get(kind) if kind else None


def _widths(table: Table, first: list[list]) -> list[float]:
    return [min(max(max([len(str(label)), len(str(neutralise(label) or "")),
                         *(len(str(row[i] or "")) for row in first)]) + 2, 8), 60)
            for i, label in enumerate(table.columns)]


def _sheet(book, table: Table, widths: list[float], used: set[str]):
    """A new sheet for the table, with its column widths and its header row in bold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_name(table.title, used))
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    bold = Font(bold=True)
    header = []
    for label in table.columns:
        cell = WriteOnlyCell(sheet, value=neutralise(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def _sheets(book, table: Table, used: set[str]) -> None:
    from openpyxl.cell import WriteOnlyCell

    formats = [_number_format(table.formats.get(k)) for k in table.key_names()]
    rows = ([neutralise(v) for v in row] for row in table.plain_rows())
    first = list(islice(rows, WIDTH_ROWS))
    widths = _widths(table, first)
    sheet, filled = _sheet(book, table, widths, used), 0
    for row in chain(first, rows):
        if filled == SHEET_ROWS - 1:  # the header and this many rows fill a sheet
            sheet, filled = _sheet(book, table, widths, used), 0
        for i, number_format in enumerate(formats):
            if number_format and row[i] is not None:
                cell = row[i] = WriteOnlyCell(sheet, value=row[i])
                cell.number_format = number_format
        sheet.append(row)
        filled += 1


def write(report: Report, out: IO[bytes]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for table in report.tables:
        _sheets(book, table, used)
    if not report.tables:  # a workbook needs a sheet
        book.create_sheet("Sheet")
    book.save(out)
