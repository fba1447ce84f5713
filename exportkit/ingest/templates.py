"""Blank templates with the expected headers and one example row, per kind."""

from __future__ import annotations

import io
import tomllib
from importlib import resources
from pathlib import Path

from exportkit import safe_csv
from exportkit.ingest.spec import kinds

SHEET_NAMES = {
    "en": {"business": "Businesses", "product": "Products", "certification": "Certificates",
           "export": "Exports", "rate": "Rates"},
    "id": {"business": "Usaha", "product": "Produk", "certification": "Sertifikat",
           "export": "Ekspor", "rate": "Kurs"},
}
FILE_ORDER = ("business", "product", "certification", "export", "rate")


def _examples() -> dict:
    text = resources.files("exportkit.data").joinpath("examples.toml").read_text("utf-8")
    return tomllib.loads(text)


def template_rows(kind: str, lang: str) -> tuple[list[str], list[str]]:
    spec = kinds()[kind]
    example = _examples()[kind]
    return ([f.header(lang) for f in spec.fields], [example.get(f.name, "") for f in spec.fields])


def write_csv_templates(folder: Path, lang: str, only: str | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in (only,) if only else FILE_ORDER:
        headers, example = template_rows(kind, lang)
        path = folder / f"{SHEET_NAMES[lang][kind].lower()}.csv"
        out = io.StringIO()
        writer = safe_csv.writer(out, delimiter=";" if lang == "id" else ",",
                                 lineterminator="\n")
        writer.writerow(headers)
        writer.writerow(example)
        path.write_text(out.getvalue(), encoding="utf-8-sig")
        written.append(path)
    return written


def write_xlsx_template(path: Path, lang: str, only: str | None = None) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for kind in (only,) if only else FILE_ORDER:
        headers, example = template_rows(kind, lang)
        sheet = book.create_sheet(SHEET_NAMES[lang][kind])
        sheet.append(headers)
        # Everything as text: leading zeros of NIB and barcodes survive.
        sheet.append([safe_csv.neutralise(v) for v in example])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column, header in zip(sheet.columns, headers, strict=False):
            sheet.column_dimensions[column[0].column_letter].width = max(12, len(header) + 2)
            for cell in column:
                cell.number_format = "@"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return [path]

