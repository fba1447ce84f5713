"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from exportkit.i18n import _

Db = Annotated[str | None, typer.Option(
    "--db", envvar="EXPORTKIT_DB", show_envvar=True,
    help=_("Registry: a SQLite file path or a SQLAlchemy URL "
           "(postgresql+psycopg://user@host/db). Default: your data folder."))]


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


Format = Annotated[ListFormat, typer.Option("--format", "-f", help=_("Output format."))]
Output = Annotated[Path | None, typer.Option("--output", "-o", help=_("Write to this file."))]
Json = Annotated[bool, typer.Option("--json", help=_("Print JSON for scripts."))]
Jobs = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help=_(
    "Processes that share a large run, this one counted (default: enroll one per core, "
    "score one more; at most 5)."))]


class ReportFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    md = "md"
    html = "html"


ReportFormatOption = Annotated[ReportFormat, typer.Option(
    "--format", "-f", help=_("table on the terminal, or a file format."))]
Market = Annotated[str | None, typer.Option(
    "--market", "-m", help=_("Destination: ISO code or name (AE, Tiongkok, Korea Selatan)."))]
