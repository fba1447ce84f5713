"""CSV: the tables one after another, formula-safe; raw numbers for spreadsheets."""

from __future__ import annotations

from typing import IO

from exportkit import safe_csv
from exportkit.reports.formats import Report


def write(report: Report, out: IO[str]) -> None:
    writer = safe_csv.writer(out, lineterminator="\n")
    for number, table in enumerate(report.tables):
        if number:
            out.write("\n")
        writer.writerow(table.columns)
        writer.writerows(["" if v is None else v for v in row] for row in table.plain_rows())
