"""Property-based fuzzing of `exportkit enroll`: whatever the input, either a valid import
(exit 0) or a clear refusal (exit 1 or 2, one `error:` line, row problems as
file:row:column lines), never a traceback or an "internal error", and a refusal leaves
the registry exactly as it was.

The autouse fixture gives one registry per test function, not per example: each example
takes its own before-snapshot, and the registry may grow from example to example.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from exportkit.ingest.spec import kinds
from tests.conftest import SAMPLES, invoke, ok, sqlite_dump

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])
SCALE = int(os.environ.get("EXPORTKIT_FUZZ_SCALE", "1"))  # more examples: 10 for a long run
_names = itertools.count()

ALIASES = sorted({name for kind in kinds().values() for f in kind.fields
                  for name in (f.name, f.header_en, f.header_id, *f.aliases)})
ROW_PROBLEM = re.compile(r"^.+:\d+:.+: '.*': .+$|^.+:\d+:.+: \".*\": .+$")
MORE = re.compile(r"^\.\.\. and \d+ more problem\(s\)$")


def snapshot(registry_path: Path) -> list[str]:
    return sqlite_dump(registry_path)


def enroll_and_check(path: Path, registry_path: Path) -> None:
    before = snapshot(registry_path)
    result = invoke("enroll", path)
    output = result.output
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert result.exit_code in (0, 1, 2), (result.exit_code, output)
    if result.exit_code == 0:
        return
    lines = result.stderr.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert errors == [len(lines) - 1], result.stderr  # one error line, the last one
    for line in lines[:-1]:
        assert ROW_PROBLEM.match(line) or MORE.match(line), line
    assert snapshot(registry_path) == before


@pytest.fixture(autouse=True)
def some_businesses(registry_path):
    """A registry with content, so that "unchanged" means something."""
    ok("enroll", SAMPLES / "usaha.csv")


def fresh(tmp_path: Path, suffix: str) -> Path:
    return tmp_path / f"fuzz{next(_names)}{suffix}"


# -- strategies ---------------------------------------------------------------------------

# Text openpyxl can store (no XML control characters).
safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
junk_header = st.one_of(st.sampled_from(ALIASES), safe_text, st.just(""))
header_row = st.lists(junk_header, min_size=1, max_size=8)
plausible = st.sampled_from([
    "1234567890123", "8169006026773", "Kabupaten Jepara", "mebel ukir", "SVLK", "2024",
    "Rp 1.000.000", "1.606", "1,5", "ya", "tidak", "31/01/2025", "2025-01-31", "IDR", "USD",
    "Jepang", "CN", "940360", "8991234567891", "01.546.848.1-516.000", "PT", "direct",
    "-5", "1e30", "NaN", "=1+2", '=HYPERLINK("http://x","y")', "#N/A", "", " ",
])
csv_cell = st.one_of(plausible, safe_text)
xlsx_cell = st.one_of(
    st.none(), plausible, safe_text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.times(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=999)),
    st.text(st.sampled_from("ab;,\"' \n"), min_size=2000, max_size=4000),
    st.from_regex(r"\A=[A-Z]{1,8}\([A-Z0-9,\" ]{0,20}\)\Z"),
)


@st.composite
def csv_files(draw) -> bytes:
    headers = draw(header_row)
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    rows = draw(st.lists(st.lists(csv_cell, max_size=len(headers) + 2), max_size=6))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(
        st.sampled_from(["\n", "\r\n"])))
    writer.writerow(headers)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return out.getvalue().encode(encoding, errors="replace")


@st.composite
def json_documents(draw) -> object:
    scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), csv_cell)
    value = st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(safe_text, inner, max_size=3)),
        max_leaves=5)
    record = st.dictionaries(junk_header, st.one_of(plausible, value), max_size=6)
    section = st.sampled_from(["businesses", "products", "certifications", "exports",
                               "rates", "usaha", "widgets"])
    return draw(st.one_of(
        st.lists(record, max_size=4),
        st.dictionaries(section, st.lists(record, max_size=4), max_size=3),
        value,
    ))


# -- properties ---------------------------------------------------------------------------

@settings(FUZZ, max_examples=150 * SCALE)
@given(data=st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda head, tail: head + tail,
              st.sampled_from([b"Nama Usaha;NIB\n", b"Nama Produk,Kategori,NIB Usaha\r\n",
                               b"Komoditas;Tahun;Nilai Ekspor;Mata Uang\n",
                               b"\xef\xbb\xbfNama Usaha\tNIB\n", b"\xff\xfeN\x00"]),
              st.binary(max_size=2000)),
))
def test_arbitrary_bytes_as_csv(data, tmp_path, registry_path):
    path = fresh(tmp_path, ".csv")
    path.write_bytes(data)
    enroll_and_check(path, registry_path)


@settings(FUZZ, max_examples=100 * SCALE)
@given(data=csv_files())
def test_csv_with_real_and_junk_headers(data, tmp_path, registry_path):
    path = fresh(tmp_path, ".csv")
    path.write_bytes(data)
    enroll_and_check(path, registry_path)


@settings(FUZZ, max_examples=60 * SCALE)
@given(headers=header_row, rows=st.lists(st.lists(xlsx_cell, max_size=9), max_size=5),
       merge=st.booleans(), hidden=st.booleans())
def test_arbitrary_cells_in_a_real_xlsx(headers, rows, merge, hidden, tmp_path,
                                        registry_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if merge and rows:
        sheet.merge_cells(start_row=2, start_column=1, end_row=len(rows) + 1, end_column=1)
    if hidden:
        extra = book.create_sheet("Lama")
        extra.append(headers)
        extra.sheet_state = "hidden"
    path = fresh(tmp_path, ".xlsx")
    book.save(path)
    enroll_and_check(path, registry_path)


@settings(FUZZ, max_examples=80 * SCALE)
@given(document=json_documents())
def test_arbitrary_json(document, tmp_path, registry_path):
    path = fresh(tmp_path, ".json")
    path.write_text(json.dumps(document), encoding="utf-8")
    enroll_and_check(path, registry_path)


@settings(FUZZ, max_examples=40 * SCALE)
@given(data=st.binary(min_size=1, max_size=4000), cut=st.integers(min_value=0))
def test_damaged_xlsx(data, cut, tmp_path, registry_path):
    book = Workbook()
    book.active.append(["Nama Usaha", "NIB"])
    book.active.append(["CV Satu", "1234567890123"])
    buffer = io.BytesIO()
    book.save(buffer)
    whole = bytearray(buffer.getvalue())
    position = cut % len(whole)
    whole[position:position + len(data)] = data  # overwrite some bytes
    path = fresh(tmp_path, ".xlsx")
    path.write_bytes(bytes(whole))
    enroll_and_check(path, registry_path)


def test_a_closing_markup_tag_in_a_header_is_shown_verbatim(tmp_path, registry_path):
    path = tmp_path / "markup.csv"
    path.write_text("Kolom [/x];[bold]B\n1;2\n", encoding="utf-8")
    result = invoke("enroll", path)
    assert result.exit_code == 1
    assert "('Kolom [/x]', '[bold]B')" in result.stderr
    assert "Traceback" not in result.output
