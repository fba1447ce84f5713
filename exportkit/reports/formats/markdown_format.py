"""Markdown: a heading per table and pipe tables with numbers formatted per language."""

from __future__ import annotations

from exportkit.reports.formats import Report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    lines.extend(f"> {note}" for note in report.notes)
    for table in report.tables:
        lines += [f"## {table.title}", "",
                  "| " + " | ".join(_cell(c) for c in table.columns) + " |",
                  "|" + "|".join(" --- " for _ in table.columns) + "|"]
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |"
                  for row in table.formatted_rows(report.lang)]
        lines.append("")
    return "\n".join(lines)
