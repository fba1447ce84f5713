"""One self-contained HTML page: inline CSS, inline SVG bar charts, no network at all."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import IO

from exportkit.reports.formats import Chart, Report
from exportkit.reports.numbers import format_value

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d2733}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border-bottom:1px solid #d8dee4;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0 2rem}figcaption{font-weight:600;margin-bottom:.4rem}
.note{color:#56616c;font-size:.85rem}
svg text{font-size:12px;fill:#1d2733}
"""
BAR = "#2f6f8f"
ROW = 22
LABEL_WIDTH = 260
BAR_WIDTH = 360


def _chart(chart: Chart, lang: str) -> str:
    top = chart.maximum or max((v for v in chart.values if v), default=1) or 1
    height = ROW * len(chart.labels) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 160
    parts = [f'<svg role="img" aria-label="{escape(chart.title)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        y = i * ROW + 4
        length = max(0.0, min(1.0, (value or 0) / top)) * BAR_WIDTH
        shown = escape(label if len(label) <= 38 else label[:36] + "...")
        parts.append(f'<text x="0" y="{y + 14}">{shown}</text>'
                     f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                     f'height="{ROW - 6}" fill="{BAR}"><title>{escape(label)}</title></rect>'
                     f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 14}">'
                     f'{escape(format_value(value, chart.kind, lang))}</text>')
    parts.append("</svg>")
    return (f'<figure><figcaption>{escape(chart.title)}</figcaption>{"".join(parts)}'
            "</figure>")


def _table(table, lang: str) -> Iterator[str]:
    kinds = [table.formats.get(k) for k in table.key_names()]
    numeric = [bool(k) and k not in ("date",) for k in kinds]
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    yield (f"<h2>{escape(table.title)}</h2><table><thead><tr>{head}</tr></thead>"
           "<tbody>")
    yield from (
        "<tr>" + "".join(f'<td{" class=num" if num else ""}>{escape(v)}</td>'
                         for v, num in zip(row, numeric, strict=True)) + "</tr>"
        for row in table.formatted_rows(lang))
    yield "</tbody></table>"


def write(report: Report, out: IO[str]) -> None:
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in report.notes)
    charts = "".join(_chart(c, report.lang) for c in report.charts)
    out.write(f'<!DOCTYPE html><html lang="{report.lang}"><head><meta charset="utf-8">'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">'
              f"<title>{escape(report.title)}</title><style>{STYLE}</style></head>"
              f"<body><h1>{escape(report.title)}</h1>{notes}{charts}")
    for table in report.tables:
        out.writelines(_table(table, report.lang))
    out.write("</body></html>\n")
