"""CSV: one table per file section, formula-safe, UTF-8 with BOM so Excel reads it right."""

from __future__ import annotations

import io

from exportkit import safe_csv
from exportkit.reports.formats import Table


def render(tables: list[Table]) -> str:
    out = io.StringIO()
    writer = safe_csv.writer(out, lineterminator="\n")
    for number, table in enumerate(tables):
        if number:
            out.write("\n")
        writer.writerow(table.columns)
        writer.writerows(["" if v is None else v for v in row] for row in table.plain_rows())
    return out.getvalue()
