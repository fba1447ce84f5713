"""Excel: one sheet per table, real numbers with number formats, formula-safe text."""

from __future__ import annotations

import io
import re

from exportkit.reports.formats import Report
from exportkit.safe_csv import neutralise

NUMBER_FORMATS = {"percent": "0.0%", "int": "#,##0", "number": "#,##0.##"}


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:25]} {n}", n + 1
    used.add(candidate)
    return candidate


def render(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in report.tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        sheet.append([neutralise(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        kinds = [table.formats.get(k) for k in table.key_names()]
        for row in table.plain_rows():
            sheet.append([neutralise(v) for v in row])
            for cell, kind in zip(sheet[sheet.max_row], kinds, strict=False):
                if kind and kind.startswith("money:"):
                    cell.number_format = "#,##0" if kind.endswith("IDR") else "#,##0.00"
                elif kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[kind]
        for column, label in zip(sheet.columns, table.columns, strict=False):
            width = max([len(str(label)), *(len(str(c.value or "")) for c in column)])
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
