"""JSON: {"title": ..., "rows": [{key: value}]} per table; dates as ISO strings."""

from __future__ import annotations

import json
from datetime import date, datetime

from exportkit.reports.formats import Report


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render(report: Report) -> str:
    data = [{"title": t.title, "rows": [dict(zip(t.key_names(), row, strict=True))
                                        for row in t.plain_rows()]} for t in report.tables]
    document = data[0] if len(data) == 1 else {"title": report.title, "tables": data}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_default) + "\n"
