"""Reading CSV, XLSX and JSON files as sheets of rows, streaming.

A Sheet gives its headers and then its rows one at a time with the row number a user sees
in a spreadsheet (the header row is 1 in a CSV). Nothing here knows what the columns mean.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from exportkit.errors import ExportkitError, RowProblem, UsageError
from exportkit.i18n import N_, _

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
    path: Path | None = None    # CSV only: the file, which can be read again


_MAGIC = [  # what a file is, by its first bytes; translated where it is shown
    (b"PK\x03\x04", N_("a ZIP archive (an Excel .xlsx file?)")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"%PDF", N_("a PDF document")),
    (b"\xd0\xcf\x11\xe0", N_("an old Excel .xls file: save it as .xlsx or CSV")),
    (b"GIF8", N_("a GIF image")),
]


def open_sheets(path: Path, encoding: str | None = None) -> list[Sheet]:
    if not path.exists():
        raise FileProblem(_("{path}: no such file").format(path=path))
    if path.is_dir():
        raise FileProblem(_("{path}: is a folder; name the files inside it").format(path=path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_sheets(path)
    if suffix == ".json":
        return _json_sheets(path, encoding)
    if suffix in (".xls",):
        raise FileProblem(_("{path}: old .xls workbooks are not read; save it as .xlsx or "
                            "CSV").format(path=path))
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


def _looks_like_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: NUL bytes in every other position."""
    sample = head[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even)) or (
        even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd))


def _other_encoding(chosen: str) -> str:
    return "cp1252" if codecs.lookup(chosen).name.startswith("utf") else "utf-8"


def _csv_sheet(path: Path, encoding: str | None) -> Sheet:
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise FileProblem(_("{path}: this is {what}, not a CSV file").format(
                path=path, what=_(what)))
    if not head:
        raise FileProblem(_("{path}: the file is empty (0 bytes); nothing to enroll").format(
            path=path))
    has_utf16_bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if encoding:
        try:
            info = codecs.lookup(encoding)
            if not getattr(info, "_is_text_encoding", True):
                raise LookupError(encoding)
            codec = info.name
        except LookupError as exc:
            raise UsageError(_("--encoding {encoding!r}: unknown encoding; try utf-8 or "
                               "cp1252").format(encoding=encoding)) from exc
        if has_utf16_bom and not codec.startswith("utf-16"):
            raise FileProblem(_("{path}: this is UTF-16 text (it starts with a UTF-16 "
                                "byte-order mark), not {encoding}; leave out --encoding").format(
                path=path, encoding=encoding))
    wide = encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    if b"\x00" in head and not has_utf16_bom and not wide:
        if _looks_like_utf16(head):
            raise FileProblem(_("{path}: this looks like UTF-16 text without a byte-order "
                                "mark; save it as \"CSV UTF-8\", or use --encoding "
                                "utf-16-le").format(path=path))
        raise FileProblem(_("{path}: this is a binary file, not a CSV file").format(path=path))
    chosen = encoding or _detect_encoding(path, head)
    decoder = codecs.getincrementaldecoder(chosen)("strict" if encoding else "replace")
    try:
        text_head = decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError as exc:
        row = head[:exc.start].count(b"\n") + 1
        raise FileProblem(
            _("{path}: row {row}: not valid {encoding} text (byte {byte}); try --encoding "
              "{other}").format(path=path, row=row, encoding=chosen,
                                byte=f"{head[exc.start]:#04x}",
                                other=_other_encoding(chosen))) from exc
    if not text_head.strip():
        raise FileProblem(_("{path}: the file holds only blank space; nothing to "
                            "enroll").format(path=path))
    if len(head) == SNIFF_BYTES and not any(c in text_head for c in "\r\n"):
        raise FileProblem(_("{path}: row 1: the header row is longer than {size} bytes; is "
                            "this really a CSV file of records?").format(
            path=path, size=f"{SNIFF_BYTES:,}"))
    delimiter = _detect_delimiter(text_head)

    def rows(progress: Progress | None = None) -> Iterator[tuple[int, list]]:
        raw = _CountingReader(path.open("rb"), progress)
        stream = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding=chosen,
                                  errors="strict", newline="")
        pending: list[str] = []  # the text lines of the record being read

        def lines() -> Iterator[str]:
            for line in stream:
                pending.append(line)
                yield line

        number = 0
        try:
            reader = csv.reader(lines(), delimiter=delimiter)
            for cells in reader:
                number += 1
                if len(pending) > 1:
                    _check_closed_quotes(path, number, "".join(pending), delimiter)
                pending.clear()
                if number == 1:
                    continue  # the header row, read already
                if not any(c.strip() for c in cells):
                    continue
                yield number, cells
        except UnicodeDecodeError as exc:
            raise FileProblem(
                _("{path}: row {row}: not valid {encoding} text; try --encoding "
                  "{other}").format(path=path, row=number + 1, encoding=chosen,
                                    other=_other_encoding(chosen))) from exc
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise FileProblem(
                    _("{path}: row {row}: a cell is longer than {size} characters; is this "
                      "really a CSV file of records? (an unclosed quote can do this "
                      "too)").format(path=path, row=number + 1, size=f"{MAX_CELL:,}")) from exc
            raise FileProblem(_("{path}: row {row}: {reason}").format(
                path=path, row=number + 1, reason=exc)) from exc
        finally:
            stream.close()

    try:
        header_cells = next(csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise FileProblem(_("{path}: cannot read the header row: {reason}").format(
            path=path, reason=exc)) from exc
    return Sheet(source=str(path), headers=[_header_text(h) for h in header_cells], read=rows,
                 size=path.stat().st_size, delimiter=delimiter, path=path)


def _check_closed_quotes(path: Path, number: int, text: str, delimiter: str) -> None:
    """A record over several lines is fine (a quoted cell with line breaks), unless its
    quote never closes: then the rest of the file was swallowed into one cell."""
    try:
        for _row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        if text.count('"') % 2:
            raise FileProblem(
                _("{path}: row {row}: a quote (\") opens a value that is never closed, so the "
                  "rest of the file would be read as one cell; close the quote or remove "
                  "it").format(path=path, row=number)) from None


def shape_problem(sheet: Sheet, number: int, cells: list) -> RowProblem | None:
    """A CSV row whose cells do not line up with the header row: more cells than headers
    (a stray delimiter), or fewer cells joined by another delimiter (mixed delimiters)."""
    if sheet.delimiter is None:
        return None
    width = len(sheet.headers)
    for index in range(width, len(cells)):
        if str(cells[index]).strip():
            return RowProblem(
                sheet.source, number, _("column {n}").format(n=index + 1), str(cells[index]),
                _("this row has {cells} cells but the header row has {width}; a stray "
                  "{delimiter!r} or a missing quote? Put quotes around values that contain "
                  "{delimiter!r}").format(cells=len(cells), width=width,
                                          delimiter=sheet.delimiter))
    if len(cells) == 1 and width > 1:  # the file's delimiter nowhere in the row
        for other in _DELIMITERS:
            if other != sheet.delimiter and str(cells[0]).count(other) >= width - 1:
                return RowProblem(
                    sheet.source, number, sheet.headers[0] or _("column {n}").format(n=1),
                    str(cells[0]),
                    _("this row is separated by {other!r} but the header row by "
                      "{delimiter!r}; use one delimiter in the whole file").format(
                        other=other, delimiter=sheet.delimiter))
    return None


_DELIMITERS = (";", ",", "\t", "|")


def _header_text(text: str) -> str:
    """A header as messages show it: on one line (a header cell may hold line breaks)."""
    return " ".join(text.split())


def _detect_delimiter(text: str) -> str:
    first_line = text.splitlines()[0] if text.splitlines() else ""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return ","
    return best


# -- XLSX -------------------------------------------------------------------------------

class Formula(str):
    """A formula cell that has no saved result (the file was never opened in a spreadsheet
    program, or was written by a script): the text is the formula."""


class MergedCell(str):
    """A cell hidden under merged cells: it shows the value of another cell."""

    ref: str = ""




def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__


def _unreadable(path: Path, exc: BaseException) -> FileProblem:
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        head = b""
    for magic, what in _MAGIC:
        if head.startswith(magic) and magic != b"PK\x03\x04":
            return FileProblem(_("{path}: this is {what}, not an .xlsx workbook").format(
                path=path, what=_(what)))
    if head and not head.startswith(b"PK") and b"\x00" not in head:
        return FileProblem(_("{path}: this is text, not an .xlsx workbook (a CSV file named "
                             ".xlsx?); rename it to .csv").format(path=path))
    if head.startswith(b"PK") and isinstance(exc, zipfile.BadZipFile | EOFError):
        return FileProblem(_("{path}: the workbook is damaged or cut short ({reason}); open "
                             "it in Excel or LibreOffice and save it again as .xlsx").format(
            path=path, reason=_reason(exc)))
    return FileProblem(_("{path}: not a readable .xlsx workbook ({reason}); open it in Excel "
                         "or LibreOffice and save it again as .xlsx").format(
        path=path, reason=_reason(exc)))


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _scan_sheet(book, ws) -> tuple[bool, list[tuple[int, int, int, int, str]]]:
    """Whether the sheet's XML holds formulas, and its merged ranges, by scanning the bytes
    (read-only worksheets expose neither)."""
    from openpyxl.utils.cell import coordinate_to_tuple

    has_formulas = False
    refs: set[tuple[bytes, bytes]] = set()
    tail = b""
    with book._archive.open(ws._worksheet_path) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            has_formulas = has_formulas or _FORMULA.search(data) is not None
            refs.update((m[1], m[2]) for m in _MERGE.finditer(data))
            tail = data[-512:]
    merged = []
    for first, last in sorted(refs):
        (r1, c1), (r2, c2) = (coordinate_to_tuple(first.decode()),
                              coordinate_to_tuple(last.decode()))
        merged.append((r1, c1, r2, c2, f"{first.decode()}:{last.decode()}"))
    return has_formulas, merged


def _xlsx_sheets(path: Path) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except ExportkitError:
        raise
    except Exception as exc:  # openpyxl raises all kinds on a broken file
        raise _unreadable(path, exc) from exc
    try:
        return _workbook_sheets(path, book)
    except ExportkitError:
        raise
    except Exception as exc:
        raise _unreadable(path, exc) from exc


def _workbook_sheets(path: Path, book) -> list[Sheet]:
    import openpyxl

    sheets = []
    skipped = []
    hidden = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            skipped.append(_("hidden sheet {name!r} ignored").format(name=ws.title))
            hidden.append(ws.title)
            continue
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            skipped.append(_("chart sheet {name!r} ignored").format(name=ws.title))
            continue
        try:
            has_formulas, merged = _scan_sheet(book, ws)
        except AttributeError:  # another openpyxl: no scan, plain values
            has_formulas, merged = False, []
        rows = ws.iter_rows(values_only=True)
        formulas = formula_book = None
        if has_formulas:
            formula_book = openpyxl.load_workbook(path, read_only=True, data_only=False)
            formulas = formula_book[ws.title].iter_rows(values_only=True)
        header_number = 0
        headers: list[str] | None = None
        for values in rows:
            header_number += 1
            if formulas is not None:
                next(formulas, None)
            if any(v not in (None, "") for v in values):
                headers = ["" if v is None else _header_text(str(v)) for v in values]
                break
        if headers is None:
            skipped.append(_("empty sheet {name!r} ignored").format(name=ws.title))
            if formula_book is not None:
                formula_book.close()
            continue
        covered = _covered_cells(merged, header_number)

        def sheet_rows(progress: Progress | None = None, rows=rows, start=header_number,
                       formulas=formulas, formula_book=formula_book, covered=covered):
            number = start
            try:
                for values in rows:
                    number += 1
                    if progress:
                        progress(1)
                    values = list(values)
                    if formulas is not None:
                        for index, formula in enumerate(next(formulas, None) or ()):
                            if (index < len(values) and values[index] is None
                                    and _is_formula(formula)):
                                values[index] = Formula(_formula_text(formula))
                    for (_row, column), ref in covered.get(number, {}).items():
                        if column - 1 < len(values):
                            marker = MergedCell("")
                            marker.ref = ref
                            values[column - 1] = marker
                    if all(v in (None, "") and not isinstance(v, MergedCell) for v in values):
                        continue
                    yield number, values
            except ExportkitError:
                raise
            except Exception as exc:
                raise FileProblem(_("{path}: row {row}: the workbook is damaged ({reason}); "
                                    "open it in Excel or LibreOffice and save it again as "
                                    ".xlsx").format(path=path, row=number + 1,
                                                    reason=_reason(exc))) from exc
            finally:
                if formula_book is not None:
                    formula_book.close()

        # the progress bar's total: the rows below the header, as sheet_rows counts them
        below = None if ws.max_row is None else max(ws.max_row - header_number, 0)
        sheets.append(Sheet(source=f"{path}[{ws.title}]", headers=headers, read=sheet_rows,
                            size=below, name=ws.title))
    if sheets:
        sheets[0].notes.extend(skipped)
    elif hidden and len(hidden) == len(skipped):
        raise FileProblem(
            _("{path}: every sheet is hidden ({sheets}); unhide the sheet with the data "
              "(right-click a sheet tab, Unhide) and save").format(
                path=path, sheets=", ".join(repr(h) for h in hidden)))
    elif skipped:
        raise FileProblem(_("{path}: no visible sheet with data ({skipped})").format(
            path=path, skipped="; ".join(skipped)))
    else:
        raise FileProblem(_("{path}: the workbook has no sheets").format(path=path))
    return sheets


def _is_formula(value: object) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or hasattr(value, "text") or (
        type(value).__name__ == "DataTableFormula")


def _formula_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return str(getattr(value, "text", None) or "=TABLE()")


def _covered_cells(merged, header_number: int) -> dict[int, dict[tuple[int, int], str]]:
    """Cells below the header row hidden under merged cells, by row: {(row, col): ref}."""
    covered: dict[int, dict[tuple[int, int], str]] = {}
    for r1, c1, r2, c2, ref in merged:
        if r2 <= header_number:
            continue
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            r2 = min(r2, r1 + 100_000 // max(c2 - c1 + 1, 1))
        for row in range(max(r1, header_number + 1), r2 + 1):
            for column in range(c1, c2 + 1):
                if (row, column) != (r1, c1):
                    covered.setdefault(row, {})[(row, column)] = ref
    return covered


# -- JSON -------------------------------------------------------------------------------

def _json_sheets(path: Path, encoding: str | None) -> list[Sheet]:
    from exportkit.ingest.spec import kind_named

    try:
        text = path.read_text(encoding or "utf-8-sig")
    except LookupError as exc:
        raise UsageError(_("--encoding {encoding!r}: unknown encoding; try utf-8").format(
            encoding=encoding)) from exc
    except UnicodeDecodeError as exc:
        raise FileProblem(_("{path}: not UTF-8 text (byte {byte}); JSON files must be "
                            "UTF-8").format(path=path, byte=exc.start)) from exc
    if not text.strip():
        raise FileProblem(_("{path}: the file is empty; nothing to enroll").format(path=path))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(_("{path}: not valid JSON: {reason} at line {line} column "
                            "{column}").format(path=path, reason=exc.msg, line=exc.lineno,
                                               column=exc.colno)) from exc
    except (ValueError, RecursionError) as exc:
        raise FileProblem(_("{path}: not valid JSON: {reason}").format(
            path=path, reason=_reason(exc))) from exc
    if isinstance(document, list):
        sections = [(None, document)]
    elif isinstance(document, dict):
        sections = []
        for key, value in document.items():
            if key in ("exportkit", "exported_at", "schema_version"):
                continue
            if kind_named(key) is None:
                raise FileProblem(_("{path}: unknown section {key!r}: expected lists named "
                                    "businesses, products, certifications, exports or "
                                    "rates").format(path=path, key=key))
            if not isinstance(value, list):
                raise FileProblem(_("{path}: section {key!r} must be a list of records "
                                    "([{{...}}, {{...}}]), not {type}").format(
                    path=path, key=key, type=_json_type(value)))
            sections.append((key, value))
    else:
        raise FileProblem(_("{path}: expected a list of records or an object of lists, not "
                            "{type}").format(path=path, type=_json_type(document)))
    sections = [(name, records) for name, records in sections if records]
    if not sections:
        raise FileProblem(_("{path}: holds no records; nothing to enroll").format(path=path))
    sheets = []
    for name, records in sections:
        if not all(isinstance(r, dict) for r in records):
            position, bad = next((i, r) for i, r in enumerate(records, 1)
                                 if not isinstance(r, dict))
            raise FileProblem(_("{path}: {section}: record {position} is {type}; every "
                                "record must be an object ({{\"name\": ..., ...}})").format(
                path=path, section=name or _("the list"), position=position,
                type=_json_type(bad)))
        keys: dict[str, None] = {}
        for record in records:
            keys.update(dict.fromkeys(record))
        headers = list(keys)

        def json_rows(progress: Progress | None = None, records=records, headers=headers):
            for number, record in enumerate(records, start=1):
                if progress:
                    progress(1)
                yield number, [record.get(h) for h in headers]

        source = f"{path}[{name}]" if name else str(path)
        sheets.append(Sheet(source=source, headers=[_header_text(h) for h in headers],
                            read=json_rows, size=len(records),
                            name=name))
    return sheets


def _json_type(value: object) -> str:
    return {dict: _("an object"), list: _("a list"), str: _("a string"), bool: "true/false",
            int: _("a number"), float: _("a number"), type(None): "null"}.get(
        type(value), _("a value"))
