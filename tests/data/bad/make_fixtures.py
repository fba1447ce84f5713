"""Writes the hostile input files of this folder. Run once; the files are committed.

    /tmp/venv/bin/python tests/data/bad/make_fixtures.py

Each file NAME.EXT has a NAME.EXT.expected next to it (written by hand: it is the spec):
comment lines start with "#", an optional "args: ..." line adds options to
`exportkit enroll`, then the exit code, then the exact stderr lines ({file} is the
path of the file; {*} matches any text inside a line).
The 10 MB-cell file is not here: tests/test_bad_files.py generates it at test time.
"""

from __future__ import annotations

import codecs
import io
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
NIB = "8169006026773"  # PT Kartini Mebel Ukir Internasional in samples/


def text(name: str, content: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(content.encode(encoding))


def binary(name: str, content: bytes) -> None:
    (HERE / name).write_bytes(content)


def small_xlsx(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def business_book() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Usaha"
    sheet.append(["Nama Usaha", "NIB", "Kabupaten/Kota"])
    sheet.append(["CV Merged Satu", "1234567890123", "Kabupaten Jepara"])
    sheet.append(["CV Merged Dua", "1234567890124", None])
    return book


def all_sheets_hidden(data: bytes) -> bytes:
    """openpyxl refuses to save a workbook without a visible sheet: edit workbook.xml."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                content = content.replace(b'sheetId="1" state="visible"',
                                          b'sheetId="1" state="hidden"')
                content = content.replace(b'sheetId="2" state="visible"',
                                          b'sheetId="2" state="veryHidden"')
                assert b'state="visible"' not in content.split(b"<sheets>")[1], content
            target.writestr(info, content)
    return out.getvalue()


def patched_sheet(data: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with one piece of its first sheet's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in content, content
                content = content.replace(old, new)
            target.writestr(info.filename, content)
    return out.getvalue()


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def main() -> None:
    # -- encodings --------------------------------------------------------------------
    text("cp1252_as_utf8.csv", "Nama Usaha;Kabupaten/Kota\nCV Café Kopi Jember;Jember\n",
         "cp1252")
    text("utf16_no_bom.csv", "Nama Usaha;Kabupaten/Kota\nCV Kopi Jember;Jember\n",
         "utf-16-le")
    text("utf16_as_utf8.csv", "Nama Usaha;Kabupaten/Kota\nCV Kopi Jember;Jember\n",
         "utf-16")
    assert (HERE / "utf16_as_utf8.csv").read_bytes().startswith(codecs.BOM_UTF16_LE)
    text("unknown_encoding.csv", "Nama Usaha\nCV Kopi Jember\n")
    # -- structure --------------------------------------------------------------------
    text("mixed_delimiters.csv", "Nama Usaha;NIB;Kabupaten/Kota\n"
         "CV Satu;1234567890123;Kabupaten Jepara\n"
         "CV Dua,1234567890124,Kabupaten Jepara\n")
    text("more_cells_than_headers.csv", "Nama Usaha;NIB\n"
         "CV Satu;1234567890123\n"
         "CV Dua;1234567890124;Jepara;Jawa Tengah\n")
    text("unterminated_quote.csv", "Nama Usaha;NIB\n"
         "CV Satu;1234567890123\n"
         "\"CV Dua;1234567890124\n"
         "CV Tiga;1234567890125\n")
    text("missing_required_column.csv", "NIB Usaha;Nama Produk;Kode HS\n"
         f"{NIB};Kursi jati;940169\n")
    text("duplicate_headers.csv", "Nama Usaha;NIB;Nama Perusahaan\n"
         "CV Satu;1234567890123;CV Satu Lagi\n")
    text("map_unknown_field.csv", "Nama Usaha;Keterangan\nCV Satu;catatan\n")
    text("unknown_headers.csv", "Kolom A;Kolom B;Keterangan\n1;2;tiga\n")
    text("empty.csv", "")
    text("blank_lines_only.csv", "\n  \n\t\n")
    text("header_only.csv", "Nama Usaha;NIB;Kabupaten/Kota\n")
    binary("zip_as.csv", _zip())
    binary("png_as.csv", png())
    binary("binary_junk.csv", bytes(range(256)) * 4)
    text("old_excel.xls", "not really an old workbook either\n")
    # -- values -----------------------------------------------------------------------
    text("same_nib_twice.csv", "Nama Usaha;NIB\nCV Satu;1234567890123\n"
         "CV Dua;1234567890123\n")
    text("malformed_nib_npwp.csv", "Nama Usaha;NIB;NPWP\n"
         "CV Pendek;12345;01.546.848.1-516.000\n"
         "CV Huruf;12345678901AB;01.546.848.1-516.00\n"
         "CV Panjang;12345678901234;99.999.999.9-999.999\n")
    text("malformed_gtin_hs.csv", "NIB Usaha;Nama Produk;Kategori;Kode HS;Barcode (GTIN/EAN)\n"
         f"{NIB};Kursi A;mebel ukir;94A1;8991234567890\n"
         f"{NIB};Kursi B;mebel ukir;94;899123456789\n"
         f"{NIB};Kursi C;mebel ukir;94036012345678;abc\n")
    text("negative_and_absurd_numbers.csv",
         "Nama Usaha;Jumlah Tenaga Kerja;Omzet per Tahun (Rp);Tahun Berdiri\n"
         "CV Minus;-5;-1.000.000;1998\n"
         "CV Raksasa;99999999999999;Rp 9.999.999.999.999.999;1850\n"
         "CV Aneh;1,5;NaN;dua ribu\n")
    text("founded_in_future.csv", "Nama Usaha;Tahun Berdiri\nCV Masa Depan;2026\n"
         "CV Jauh;2999\n")
    text("unknown_country.csv", "Komoditas;Tahun;Negara Tujuan;Nilai Ekspor;Mata Uang\n"
         "Kopi;2024;Narnia;Rp 1.000.000;IDR\n"
         "Kopi;2024;Jepang;Rp 1.000.000;XYZ\n")
    text("cert_expires_before_issue.csv",
         "NIB Usaha;Jenis Sertifikat;Nomor Sertifikat;Tanggal Terbit;Berlaku Sampai\n"
         f"{NIB};SVLK;VLK-1;14/07/2024;13/07/2024\n"
         f"{NIB};SVLK;VLK-2;31/02/2024;2025-01-31\n")
    text("product_unknown_business.csv", "NIB Usaha;Nama Produk;Kategori\n"
         "9999999999999;Kursi;mebel ukir\n")
    text("cert_unknown_product.csv",
         "NIB Usaha;Nama Produk;Jenis Sertifikat;Nomor Sertifikat\n"
         f"{NIB};Sambal bawang;Halal;ID-123\n")
    text("formula.csv", "Nama Usaha;Situs Web;Jumlah Tenaga Kerja\n"
         "CV Rumus;=HYPERLINK(\"http://example.com/x\",\"klik\");=1+2\n")
    text("spreadsheet_error.csv", "Nama Usaha;Jumlah Tenaga Kerja;Kabupaten/Kota\n"
         "CV Salah;#DIV/0!;#N/A\n")
    # -- XLSX -------------------------------------------------------------------------
    book = Workbook()
    sheet = book.active
    sheet.title = "Usaha"
    sheet.append(["Nama Usaha", "NIB", "Situs Web"])
    sheet.append(["CV Rumus", "1234567890123",
                  '=HYPERLINK("http://example.com/x","klik")'])
    binary("formula.xlsx", small_xlsx(book))
    book = business_book()
    book.active.merge_cells("C2:C3")
    binary("merged_cells.xlsx", small_xlsx(book))
    book = business_book()
    old = book.create_sheet("Lama")
    old.append(["Nama Usaha"])
    old.append(["CV Lama"])
    binary("hidden_sheets.xlsx", all_sheets_hidden(small_xlsx(book)))
    whole = small_xlsx(business_book())
    binary("truncated.xlsx", whole[: len(whole) // 2])
    shutil.copyfile(HERE / "header_only.csv", HERE / "csv_named.xlsx")
    book = Workbook()
    book.active.title = "Usaha"
    book.active.append(["Nama Usaha", "Jumlah Tenaga Kerja"])
    book.active.append(["CV Bagi Nol", 5])
    book.active.append(["CV Rusak", 6])
    whole = small_xlsx(book)
    # a formula whose saved result is an error, as Excel writes it
    binary("error_value.xlsx", patched_sheet(whole, b'<c r="B2" t="n"><v>5</v></c>',
                                             b'<c r="B2" t="e"><f>5/0</f><v>#DIV/0!</v></c>'))
    # a well-formed ZIP whose sheet XML is broken from row 3 on
    binary("damaged_sheet.xlsx", patched_sheet(whole, b'<c r="B3" t="n"><v>6</v></c>',
                                               b'<c r="B3" t="n"><v>6</v></x>'))
    # -- JSON -------------------------------------------------------------------------
    text("not_json.json", '{"businesses": [{"name": "CV Satu"},\n')
    text("unknown_section.json", '{"businesses": [{"name": "CV Satu"}], "widgets": []}\n')
    text("section_not_a_list.json", '{"businesses": {"name": "CV Satu"}}\n')
    text("empty_list.json", "[]\n")
    text("nested_value.json", '{"businesses": [{"name": ["CV Satu", "CV Dua"]}]}\n')
    text("nan_number.json", '{"businesses": [{"name": "CV Satu", "annual_revenue": NaN}]}\n')


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("usaha.csv", "Nama Usaha\nCV Satu\n")
    return out.getvalue()


if __name__ == "__main__":
    main()
