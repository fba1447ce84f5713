"""`exportkit template`: blank files with the expected headers and one example row."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import console, handle_errors
from exportkit.i18n import _


class TemplateFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class Lang(StrEnum):
    id = "id"
    en = "en"


class Kind(StrEnum):
    business = "business"
    product = "product"
    certification = "certification"
    export = "export"
    rate = "rate"


@handle_errors
def template(
    fmt: Annotated[TemplateFormat, typer.Option("--format", "-f", help=_("File format."))
                   ] = TemplateFormat.xlsx,
    lang: Annotated[Lang, typer.Option("--lang", help=_("Language of the headers."))] = Lang.id,
    kind: Annotated[Kind | None, typer.Option(help=_("Only this kind (default: all)."))] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help=_("The .xlsx file, or the folder for CSV files."))] = None,
) -> None:
    """Write blank templates for officers to hand to businesses.

    XLSX: one workbook, one sheet per kind. CSV: one file per kind in a folder (";"-separated
    for Indonesian headers, as Excel in an Indonesian locale expects).

    Example: exportkit template --format xlsx --lang id -o formulir-umkm.xlsx
    """
    from exportkit.ingest.templates import write_csv_templates, write_xlsx_template

    only = kind.value if kind else None
    if fmt is TemplateFormat.xlsx:
        target = output or Path(f"exportkit-template-{lang.value}.xlsx")
        written = write_xlsx_template(target, lang.value, only)
    else:
        written = write_csv_templates(output or Path(f"exportkit-template-{lang.value}"),
                                      lang.value, only)
    for path in written:
        console.print(_("written: {path}").format(path=path), markup=False)
