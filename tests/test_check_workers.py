"""Cells checked in worker processes: the same registry, problems and rejected rows as
checking them all in the main process, in the run's language."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from exportkit.errors import InputRejected
from exportkit.i18n import current_language, set_language
from exportkit.ingest.enroll import EnrollOptions, enroll_files
from exportkit.registry import open_registry
from tests.conftest import SAMPLES

CHUNK = 3  # rows per batch: the first ten batches are checked here, the rest by workers


def _businesses(path):
    """62 businesses (the last batch holds two) from the samples' rows with new NIBs and
    names, with bad rows early and late: a NIB too short, a founding year in the future, a
    stray delimiter, a repeat of a NIB three batches earlier, a row separated by commas."""
    with (SAMPLES / "usaha.csv").open(encoding="utf-8") as stream:
        header, *samples = list(csv.reader(stream, delimiter=";"))
    lines = [";".join(header)]
    for n in range(62):
        row = list(samples[n % len(samples)])
        row[0], row[2] = f"{9100000000000 + n:013d}", f"{row[2]} {n}"
        if n in (4, 41):
            row[0] = "12345"
        if n in (9, 50):
            row[9] = "2999"
        if n == 33:
            row[0] = f"{9100000000000 + 24:013d}"  # business 24's NIB again
        line = ";".join(row)
        if n in (12, 47):
            line += ";stray"
        if n == 55:
            line = ",".join(row)
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _products(path):
    lines = ["NIB Usaha;Nama Produk;Kategori;Umur Simpan (hari)"]
    for n in range(62):
        lines.append(f"{9100000000000 + n:013d};Kursi {n};mebel;")
        lines.append(f"{9100000000000 + n:013d};Sambal {n};sambal;{'x' if n % 17 == 5 else 200}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(database) -> dict[str, list[tuple]]:
    with database.reader() as connection:
        return {table: connection.exec_driver_sql(
            f"SELECT * FROM {table} ORDER BY id").all() for table in ("business", "product")}


def _without_times(rows: list[tuple]) -> list[tuple]:
    return [tuple(v for v in row if not (isinstance(v, str) and v[:2] == "20" and ":" in v))
            for row in rows]


@pytest.fixture
def indonesian():
    before = current_language()
    set_language("id")
    yield
    set_language(before)


def test_cells_checked_by_workers_land_as_if_checked_here(tmp_path, indonesian):
    files = [_businesses(tmp_path / "usaha.csv"), _products(tmp_path / "produk.csv")]
    runs = {}
    for jobs in (1, 3):
        database = open_registry(str(tmp_path / f"jobs{jobs}.db"))
        options = EnrollOptions(today=date(2026, 11, 23), skip_bad=True, jobs=jobs,
                                check_chunk=CHUNK)
        report = enroll_files(database, files, options)
        rejected = [(tmp_path / f"{name}.rejected.csv").read_text(encoding="utf-8-sig")
                    for name in ("usaha.csv", "produk.csv")]
        runs[jobs] = (report, rejected, _stored(database))
    (here, here_rejected, here_rows), (there, there_rejected, there_rows) = runs[1], runs[3]
    assert (here.workers, there.workers) == (0, 2)
    problems = [(p.file, p.row, p.column, p.value, p.reason) for p in here.problems]
    assert [(p.file, p.row, p.column, p.value, p.reason) for p in there.problems] == problems
    # every kind of bad row, before and after the workers took over (rows past 31)
    rows = {(p[0].rsplit("/", 1)[-1], p[1]) for p in problems}
    assert {("usaha.csv", n + 2) for n in (4, 41, 9, 50, 12, 47, 33, 55)} <= rows
    assert {("produk.csv", 2 * n + 3) for n in (5, 22, 39, 56)} <= rows
    assert any("sebelumnya" in p[4] for p in problems)  # worded in Indonesian by workers too
    assert there_rejected == here_rejected
    assert [s.counts for s in there.sheets] == [s.counts for s in here.sheets]
    assert here.sheets[0].counts.added == 54
    assert {t: _without_times(r) for t, r in there_rows.items()} == {
        t: _without_times(r) for t, r in here_rows.items()}


def test_a_bad_row_found_by_a_worker_writes_nothing(tmp_path):
    database = open_registry(str(tmp_path / "registry.db"))
    options = EnrollOptions(today=date(2026, 11, 23), jobs=3, check_chunk=CHUNK)
    with pytest.raises(InputRejected) as rejected:
        enroll_files(database, [_businesses(tmp_path / "usaha.csv")], options)
    assert {p.row for p in rejected.value.problems} >= {43, 49, 52, 57}
    assert _stored(database) == {"business": [], "product": []}


def _workbook(csv_path, path):
    """The businesses of a CSV file as a workbook: read by the main process, whose chunks
    go to the workers (a CSV file the workers read themselves)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    with csv_path.open(encoding="utf-8") as stream:
        for row in csv.reader(stream, delimiter=";"):
            sheet.append(row[:12])
    book.save(path)
    return path


def test_a_workbook_s_chunks_sent_to_workers_land_as_if_checked_here(tmp_path):
    book = _workbook(_businesses(tmp_path / "usaha.csv"), tmp_path / "usaha.xlsx")
    runs = {}
    for jobs in (1, 3):
        database = open_registry(str(tmp_path / f"jobs{jobs}.db"))
        options = EnrollOptions(today=date(2026, 11, 23), skip_bad=True, jobs=jobs,
                                check_chunk=CHUNK)
        report = enroll_files(database, [book], options)
        rejected = (tmp_path / "usaha.xlsx.Sheet.rejected.csv").read_text("utf-8-sig")
        runs[jobs] = (report.workers, [(p.row, p.reason) for p in report.problems],
                      rejected, _without_times(_stored(database)["business"]))
    assert runs[1][0] == 0 and runs[3][0] == 2
    assert runs[1][1:] == runs[3][1:]
    assert {row for row, _reason in runs[3][1]} >= {43, 52, 57}  # past the tenth chunk


def test_a_broken_file_found_by_the_workers_is_the_error_one_process_gives(tmp_path):
    path = _businesses(tmp_path / "usaha.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[50] = lines[50].replace(";", ';"', 1)  # a quote opened on row 51, never closed
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = {}
    for jobs in (1, 3):
        database = open_registry(str(tmp_path / f"jobs{jobs}.db"))
        options = EnrollOptions(today=date(2026, 11, 23), jobs=jobs, check_chunk=CHUNK)
        with pytest.raises(Exception) as raised:
            enroll_files(database, [path], options)
        errors[jobs] = (type(raised.value).__name__, str(raised.value))
        assert _stored(database) == {"business": [], "product": []}
    assert errors[1] == errors[3]
    assert errors[1][0] == "FileProblem" and "row 51" in errors[1][1], errors[1]


@pytest.mark.parametrize("when", ["before the workers read", "while they read"])
def test_a_file_rewritten_during_the_import_is_refused_not_half_read(tmp_path, monkeypatch,
                                                                      when):
    # an office re-saves the export with its first rows taken out: the header is the same,
    # so workers skipping the rows read here would skip rows never seen
    from exportkit.ingest import checking
    from exportkit.ingest.readers import FileProblem

    path = tmp_path / "usaha.csv"
    header = "NIB;Nama Usaha;Kabupaten/Kota;Jumlah Tenaga Kerja\n"
    path.write_text(header + "".join(f"{1000000000000 + i};Usaha {i};Jepara;3\n"
                                     for i in range(300)), encoding="utf-8")
    shorter = header + "".join(f"{1000000000000 + i};Usaha {i};Jepara;3\n"
                               for i in range(10, 300))
    original = checking.RowChecker._turns

    def turns(self, shape, skip, advance):
        if when == "before the workers read":
            path.write_text(shorter, encoding="utf-8")
        for n, row in enumerate(original(self, shape, skip, advance)):
            if n == 0 and when == "while they read":
                path.write_text(shorter, encoding="utf-8")
            yield row

    monkeypatch.setattr(checking.RowChecker, "_turns", turns)
    database = open_registry(str(tmp_path / "registry.db"))
    options = EnrollOptions(today=date(2026, 11, 23), jobs=2, check_chunk=10)
    with pytest.raises(FileProblem, match="changed while it was read"):
        enroll_files(database, [path], options)
    assert _stored(database) == {"business": [], "product": []}


@pytest.mark.parametrize("rows, blank_rows", [(62, 0), (60, 0), (60, 5000)])
def test_the_progress_of_a_file_read_by_workers_ends_at_its_size(tmp_path, rows, blank_rows):
    # The main process reads the first chunks, then the workers read the file from its start:
    # the bar is told each byte once, not the first part twice. Blank rows at the end (as
    # spreadsheet programs leave them) come after the last chunk a worker sends (60 rows:
    # the last chunk is full) and are counted too.
    path = tmp_path / "usaha.csv"
    path.write_text("NIB;Nama Usaha;Kabupaten/Kota;Jumlah Tenaga Kerja\n" + "".join(
        f"{9100000000000 + n};Usaha {n};Jepara;3\n" for n in range(rows)) + ";;;\n" * blank_rows,
        encoding="utf-8")
    for jobs in (1, 3):
        told: dict[str, list[int]] = {}

        def progress(label, total, told=told):
            told[label] = [total, 0]

            def advance(n):
                told[label][1] += n
            return advance

        database = open_registry(str(tmp_path / f"progress{jobs}.db"))
        options = EnrollOptions(today=date(2026, 11, 23), jobs=jobs, check_chunk=CHUNK)
        report = enroll_files(database, [path], options, progress)
        assert report.workers == jobs - 1
        assert report.sheets[0].counts.added == rows
        assert told == {str(path): [path.stat().st_size, path.stat().st_size]}


def test_the_progress_of_a_workbook_ends_at_its_rows(tmp_path):
    book = _workbook(_businesses(tmp_path / "usaha.csv"), tmp_path / "usaha.xlsx")
    told: dict[str, list[int]] = {}

    def progress(label, total):
        told[label] = [total, 0]

        def advance(n):
            told[label][1] += n
        return advance

    database = open_registry(str(tmp_path / "registry.db"))
    options = EnrollOptions(today=date(2026, 11, 23), skip_bad=True, jobs=3, check_chunk=CHUNK)
    enroll_files(database, [book], options, progress)
    assert told == {f"{book}[Sheet]": [62, 62]}  # the rows below the header
