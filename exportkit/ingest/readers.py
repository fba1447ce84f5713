"""Reading CSV, XLSX and JSON files as sheets of rows, streaming.

A Sheet gives its headers and then its rows one at a time with the row number a user sees
in a spreadsheet (the header row is 1 in a CSV). Nothing here knows what the columns mean.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from exportkit.errors import ExportkitError

SNIFF_BYTES = 64 * 1024
MAX_CELL = 1_000_000  # characters; a longer cell is a broken file, not data
csv.field_size_limit(MAX_CELL)

Progress = Callable[[int], None]


class FileProblem(ExportkitError):
    """The file as a whole cannot be read; the message names it and says what to do."""


@dataclass
class Sheet:
    source: str                 # what messages call it: "file.csv" or "book.xlsx[Produk]"
    headers: list[str]
    read: Callable[..., Iterator[tuple[int, list]]]  # read(progress) -> (row number, cells)
    size: int | None = None     # bytes (CSV) or rows (XLSX/JSON) for a progress bar
    name: str | None = None     # the sheet or JSON section name, when there is one
    delimiter: str | None = None  # CSV only
    notes: list[str] = field(default_factory=list)


_MAGIC = [
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx file?)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls file: save it as .xlsx or CSV"),
    (b"GIF8", "a GIF image"),
]


def open_sheets(path: Path, encoding: str | None = None) -> list[Sheet]:
    if not path.exists():
        raise FileProblem(f"{path}: no such file")
    if path.is_dir():
        raise FileProblem(f"{path}: is a folder; name the files inside it")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_sheets(path)
    if suffix == ".json":
        return _json_sheets(path, encoding)
    if suffix in (".xls",):
        raise FileProblem(f"{path}: old .xls workbooks are not read; save it as .xlsx or CSV")
    return [_csv_sheet(path, encoding)]


# -- CSV --------------------------------------------------------------------------------

def _detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


class _CountingReader(io.RawIOBase):
    """Counts the bytes read so that a progress bar can follow a CSV file."""

    def __init__(self, raw, progress: Progress | None):
        self.raw = raw
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        if n and self.progress:
            self.progress(n)
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _csv_sheet(path: Path, encoding: str | None) -> Sheet:
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise FileProblem(f"{path}: this is {what}, not a CSV file")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(f"{path}: this is a binary file, not a CSV file")
    chosen = encoding or _detect_encoding(path, head)
    try:
        codecs.lookup(chosen)
    except LookupError as exc:
        raise FileProblem(f"unknown encoding {chosen!r}: try utf-8 or cp1252") from exc
    try:
        text_head = head.decode(chosen, errors="strict" if encoding else "replace")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"{path}: not {chosen} (byte {exc.start}); try --encoding cp1252 "
                          "or --encoding utf-8") from exc
    if not text_head.strip():
        raise FileProblem(f"{path}: the file is empty")
    delimiter = _detect_delimiter(text_head)

    def rows(progress: Progress | None = None) -> Iterator[tuple[int, list]]:
        raw = _CountingReader(path.open("rb"), progress)
        stream = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding=chosen,
                                  errors="strict", newline="")
        number = 0
        try:
            reader = csv.reader(stream, delimiter=delimiter)
            for cells in reader:
                number += 1
                if number == 1:
                    continue  # the header row, read already
                if not any(c.strip() for c in cells):
                    continue
                yield number, cells
        except UnicodeDecodeError as exc:
            raise FileProblem(
                f"{path}: row {number + 1}: not valid {chosen} text; try --encoding "
                f"{'cp1252' if chosen.startswith('utf') else 'utf-8'}") from exc
        except csv.Error as exc:
            raise FileProblem(f"{path}: row {number + 1}: {exc}") from exc
        finally:
            stream.close()

    try:
        header_cells = next(csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise FileProblem(f"{path}: cannot read the header row: {exc}") from exc
    return Sheet(source=str(path), headers=[h.strip() for h in header_cells], read=rows,
                 size=path.stat().st_size, delimiter=delimiter)


def _detect_delimiter(text: str) -> str:
    first_line = text.splitlines()[0] if text.splitlines() else ""
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return ","
    return best


# -- XLSX -------------------------------------------------------------------------------

def _xlsx_sheets(path: Path) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileProblem(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: "
                          f"{exc}); open it in Excel and save it again") from exc
    sheets = []
    skipped = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            skipped.append(f"hidden sheet {ws.title!r} ignored")
            continue
        rows = ws.iter_rows(values_only=True)
        header_number = 0
        headers: list[str] | None = None
        for values in rows:
            header_number += 1
            if any(v not in (None, "") for v in values):
                headers = ["" if v is None else str(v).strip() for v in values]
                break
        if headers is None:
            skipped.append(f"empty sheet {ws.title!r} ignored")
            continue

        def sheet_rows(rows=rows, start=header_number, progress: Progress | None = None):
            number = start
            for values in rows:
                number += 1
                if progress:
                    progress(1)
                if all(v in (None, "") for v in values):
                    continue
                yield number, list(values)

        sheets.append(Sheet(source=f"{path}[{ws.title}]", headers=headers, read=sheet_rows,
                            size=ws.max_row, name=ws.title))
    if sheets:
        sheets[0].notes.extend(skipped)
    elif skipped:
        raise FileProblem(f"{path}: no visible sheet with data ({'; '.join(skipped)})")
    return sheets


# -- JSON -------------------------------------------------------------------------------

def _json_sheets(path: Path, encoding: str | None) -> list[Sheet]:
    from exportkit.ingest.spec import kind_named

    try:
        document = json.loads(path.read_text(encoding or "utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileProblem(f"{path}: not UTF-8 text; JSON files must be UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise FileProblem(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column "
                          f"{exc.colno}") from exc
    if isinstance(document, list):
        sections = [(None, document)]
    elif isinstance(document, dict):
        sections = []
        for key, value in document.items():
            if key in ("exportkit", "exported_at", "schema_version"):
                continue
            if kind_named(key) is None or not isinstance(value, list):
                raise FileProblem(f"{path}: unknown section {key!r}: expected lists named "
                                  "businesses, products, certifications, exports or rates")
            sections.append((key, value))
    else:
        raise FileProblem(f"{path}: expected a list of records or an object of lists")
    sheets = []
    for name, records in sections:
        if not all(isinstance(r, dict) for r in records):
            raise FileProblem(f"{path}: {name or 'the list'}: every record must be an object")
        headers: list[str] = []
        for record in records:
            headers.extend(k for k in record if k not in headers)

        def json_rows(records=records, headers=headers, progress: Progress | None = None):
            for number, record in enumerate(records, start=1):
                if progress:
                    progress(1)
                yield number, [record.get(h) for h in headers]

        source = f"{path}[{name}]" if name else str(path)
        sheets.append(Sheet(source=source, headers=headers, read=json_rows, size=len(records),
                            name=name))
    return sheets
