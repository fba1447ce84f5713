"""`exportkit enroll`: samples, idempotence, updates, dry runs, bad rows, formats."""

import json
import random
from datetime import date

import pytest
from openpyxl import Workbook

from exportkit.ingest.enroll import EnrollOptions, enroll_files
from exportkit.registry import open_registry
from tests.conftest import SAMPLES, count, garbage_of, invoke, ok

pytestmark = pytest.mark.usefixtures("backend")  # SQLite and PostgreSQL


def _rows(database, sql: str):
    with database.reader() as connection:
        return connection.exec_driver_sql(sql).all()


def test_samples_enroll_with_a_summary_per_kind(registry_path):
    result = ok("enroll", *sorted(SAMPLES.glob("*.csv")), "--json")
    totals = json.loads(result.stdout)["totals"]
    assert totals["business"]["added"] == 50
    assert totals["product"]["added"] == 112
    assert totals["certification"]["added"] == 99
    assert totals["export"]["added"] == 19
    assert totals["rate"]["added"] == 4
    database = open_registry(str(registry_path))
    assert count(database, "business") == 50
    assert count(database, "product") == 112


def test_running_the_same_import_again_changes_nothing(enrolled):
    before = _rows(enrolled, "SELECT id, updated_at FROM business ORDER BY id")
    result = ok("enroll", *sorted(SAMPLES.glob("*.csv")), "--json")
    totals = json.loads(result.stdout)["totals"]
    assert all(c["added"] == 0 and c["updated"] == 0 for c in totals.values()), totals
    assert totals["product"]["unchanged"] == 112
    assert _rows(enrolled, "SELECT id, updated_at FROM business ORDER BY id") == before


def test_a_changed_value_updates_and_a_blank_cell_erases_nothing(enrolled, tmp_path):
    nib, employees, sector = _rows(
        enrolled, "SELECT nib, employees, sector FROM business WHERE nib IS NOT NULL "
                  "ORDER BY id LIMIT 1")[0]
    changed = tmp_path / "update.csv"
    changed.write_text(f"NIB;Nama Usaha;Jumlah Tenaga Kerja;Bidang Usaha\n"
                       f"{nib};PT Kartini Mebel Ukir Internasional;{employees + 5};\n")
    result = ok("enroll", changed, "--json")
    assert json.loads(result.stdout)["totals"]["business"]["updated"] == 1
    row = _rows(enrolled, f"SELECT employees, sector FROM business WHERE nib = '{nib}'")[0]
    assert row == (employees + 5, sector)


def test_business_without_nib_is_matched_by_name_and_regency(enrolled, tmp_path):
    name, regency = _rows(enrolled, "SELECT name, regency FROM business WHERE nib IS NULL "
                                    "ORDER BY id LIMIT 1")[0]
    again = tmp_path / "again.csv"
    # another spelling of the same business and regency: case, spaces, "Kab." prefix
    again.write_text(f"Nama Usaha,Kabupaten/Kota,Jumlah Tenaga Kerja\n"
                     f"\"  {name.upper()} \",\"{regency.replace('Kabupaten', 'Kab.')}\",7\n")
    result = ok("enroll", again, "--json")
    assert json.loads(result.stdout)["totals"]["business"] == {
        "added": 0, "updated": 1, "unchanged": 0, "rejected": 0}


def test_dry_run_reports_but_writes_nothing(registry_path):
    result = ok("enroll", *sorted(SAMPLES.glob("*.csv")), "--dry-run", "--json")
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and data["written"] is False
    assert data["totals"]["business"]["added"] == 50
    assert count(open_registry(str(registry_path)), "business") == 0


def test_one_bad_row_writes_nothing_and_lists_every_problem(registry_path, tmp_path):
    bad = tmp_path / "usaha.csv"
    bad.write_text("Nama Usaha;NIB;Kabupaten/Kota;Omzet per Tahun (Rp)\n"
                   "CV Baik;1234567890123;Jepara;Rp 1.000.000\n"
                   "CV Buruk;12345;Jepara;satu juta\n"
                   "CV Baik Juga;1234567890124;Jepara;2.000.000\n")
    result = invoke("enroll", bad)
    assert result.exit_code == 1
    assert f"{bad}:3:NIB: '12345': a NIB has exactly 13 digits" in result.stderr
    assert f"{bad}:3:Omzet per Tahun (Rp): 'satu juta': expected a number" in result.stderr
    assert "1 bad row(s), 2 problem(s); nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert count(open_registry(str(registry_path)), "business") == 0


def test_skip_bad_writes_good_rows_and_saves_the_rest(registry_path, tmp_path):
    bad = tmp_path / "usaha.csv"
    bad.write_text("Nama Usaha;NIB\nCV Baik;1234567890123\nCV Buruk;12345\n")
    result = ok("enroll", bad, "--skip-bad")
    assert "rejected rows saved to" in result.stdout
    rejected = (tmp_path / "usaha.csv.rejected.csv").read_text("utf-8-sig").splitlines()
    assert rejected == ["Nama Usaha,NIB,reason",
                        "CV Buruk,12345,NIB: a NIB has exactly 13 digits"]
    assert count(open_registry(str(registry_path)), "business") == 1


def test_a_rejected_rows_file_that_cannot_be_written_writes_nothing(registry_path, tmp_path,
                                                                    monkeypatch):
    # The file is finished before the commit: a full disk then leaves the registry as it
    # was, and the bad rows are still in the officer's own file.
    from exportkit.ingest import rejects

    def full_disk(self):
        raise OSError(28, "No space left on device", str(self.path))
    monkeypatch.setattr(rejects._RunFile, "flush", full_disk)
    bad = tmp_path / "usaha.csv"
    bad.write_text("Nama Usaha;NIB\nCV Baik;1234567890123\nCV Buruk;12345\n")
    result = invoke("enroll", bad, "--skip-bad")
    assert result.exit_code == 1
    assert "usaha.csv.rejected.csv: No space left on device" in result.stderr
    assert "Traceback" not in result.output
    assert count(open_registry(str(registry_path)), "business") == 0
    assert sorted(p.name for p in tmp_path.iterdir() if "usaha" in p.name) == ["usaha.csv"]


def test_the_same_nib_twice_in_one_file_is_a_bad_row(registry_path, tmp_path):
    twice = tmp_path / "twice.csv"
    twice.write_text("Nama Usaha;NIB\nCV Satu;1234567890123\nCV Dua;1234567890123\n")
    result = invoke("enroll", twice)
    assert result.exit_code == 1
    assert (f"{twice}:3:NIB: '1234567890123': the same business appears earlier, "
            f"at {twice}:2") in result.stderr
    assert count(open_registry(str(registry_path)), "business") == 0


def test_products_refer_to_a_business_that_must_exist(registry_path, tmp_path):
    products = tmp_path / "produk.csv"
    products.write_text("NIB Usaha;Nama Produk;Kategori\n9999999999999;Kursi;mebel\n")
    result = invoke("enroll", products)
    assert result.exit_code == 1
    assert (f"{products}:2:NIB Usaha: '9999999999999': no business with this NIB in the "
            "registry or this import") in result.stderr


def test_encodings_and_delimiters_are_detected(registry_path, tmp_path):
    text = "Nama Usaha\tKabupaten/Kota\nUD Kerajinan Kerang Cantik\tKota Semarang\n"
    (tmp_path / "tab.csv").write_text(text, encoding="utf-8")
    cp1252 = tmp_path / "cp1252.csv"
    cp1252.write_bytes("Nama Usaha;Kabupaten/Kota\nCV Café Kopi Jember;Jember\n".encode("cp1252"))
    bom = tmp_path / "bom.csv"
    bom.write_text("Nama Usaha,Kabupaten/Kota\nCV Batik Majapahit,Kota Mojokerto\n",
                   encoding="utf-8-sig")
    ok("enroll", tmp_path / "tab.csv", cp1252, bom)
    names = {r[0] for r in _rows(open_registry(str(registry_path)), "SELECT name FROM business")}
    assert names == {"UD Kerajinan Kerang Cantik", "CV Café Kopi Jember", "CV Batik Majapahit"}


def test_map_reads_an_unknown_header(registry_path, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("Nama Pelaku Usaha;Kab\nCV Sandal Jaya;Kota Mojokerto\n")
    assert invoke("enroll", odd).exit_code == 1
    ok("enroll", odd, "--map", "Nama Pelaku Usaha=name", "--map", "Kab=regency")
    assert _rows(open_registry(str(registry_path)), "SELECT name, regency FROM business") == [
        ("CV Sandal Jaya", "Kota Mojokerto")]


def test_xlsx_sheets_are_recognised_by_their_headers(registry_path, tmp_path):
    book = Workbook()
    first = book.active
    first.title = "Data 1"
    first.append(["Nama Produk", "NIB Usaha", "Kategori", "Umur Simpan (hari)"])
    first.append(["Sambal bawang", "1234567890123", "makanan olahan", 180])
    second = book.create_sheet("Data 2")
    second.append(["Nama Usaha", "NIB", "Omzet per Tahun (Rp)"])
    second.append(["CV Sambal Nusantara", 1234567890123, 250000000])
    hidden = book.create_sheet("old")
    hidden.sheet_state = "hidden"
    hidden.append(["Nama Usaha"])
    hidden.append(["Should not be read"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    result = ok("enroll", path, "--json")
    data = json.loads(result.stdout)
    assert data["totals"]["business"]["added"] == 1
    assert data["totals"]["product"]["added"] == 1
    database = open_registry(str(registry_path))
    assert _rows(database, "SELECT name, shelf_life_days FROM product") == [("Sambal bawang", 180)]
    assert _rows(database, "SELECT annual_revenue FROM business") == [(250000000.0,)]


def test_json_export_shape_is_accepted(registry_path, tmp_path):
    document = {
        "businesses": [{"name": "UD Gula Semut Kebumen", "regency": "Kabupaten Kebumen",
                        "nib": "1234567890123"}],
        "products": [{"business_nib": "1234567890123", "product_name": "Gula semut 500 g",
                      "category": "processed_food", "shelf_life_days": 540}],
    }
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(document))
    ok("enroll", path)
    assert count(open_registry(str(registry_path)), "product") == 1


@pytest.mark.sqlite_only("file mode and WAL journal of the SQLite file")
def test_the_registry_file_is_private_and_in_wal_mode(enrolled, registry_path):
    assert registry_path.stat().st_mode & 0o777 == 0o600
    assert _rows(enrolled, "PRAGMA journal_mode") == [("wal",)]


def test_a_business_with_its_nib_then_without_it_is_one_business(registry_path, tmp_path):
    twice = tmp_path / "twice.csv"
    twice.write_text("Nama Usaha;NIB;Kabupaten/Kota\n"
                     "Batik Baru;9120301234568;Kabupaten Pekalongan\n"
                     "Batik Baru;;Kabupaten Pekalongan\n")
    result = invoke("enroll", twice)
    assert result.exit_code == 1
    assert (f"{twice}:3:Nama Usaha: 'batik baru|pekalongan': the same business appears "
            f"earlier, at {twice}:2") in result.stderr
    assert count(open_registry(str(registry_path)), "business") == 0


def test_matching_by_name_keeps_the_stored_spelling(registry_path, tmp_path):
    full = tmp_path / "full.csv"
    full.write_text("Nama Usaha;Kabupaten/Kota;Jumlah Tenaga Kerja\n"
                    "CV Jati Ukir;Kabupaten Jepara;10\n")
    short = tmp_path / "short.csv"
    short.write_text("Nama Usaha;Kabupaten/Kota;Jumlah Tenaga Kerja\nJati Ukir;Jepara;12\n")
    ok("enroll", full)
    assert json.loads(ok("enroll", short, "--json").stdout)["totals"]["business"][
        "updated"] == 1
    assert _rows(open_registry(str(registry_path)),
                 "SELECT name, regency, employees FROM business") == [
        ("CV Jati Ukir", "Kabupaten Jepara", 12)]
    again = json.loads(ok("enroll", short, "--json").stdout)["totals"]["business"]
    assert again["unchanged"] == 1 and again["updated"] == 0


def test_repeats_across_batches_and_files_name_the_first_row(database, tmp_path):
    """Batches of two: a repeat is found through what earlier batches inserted and what
    they matched in the registry, both noted in the table (runs shorter than MIN_RUN; the
    runs in memory: test_a_repeat_in_a_sheet_imported_again_names_the_row_it_repeats)."""
    ok("enroll", _write(tmp_path / "old.csv",
                        "Nama Usaha;NIB\nCV Lama;1111111111111\n"))
    first = _write(tmp_path / "a.csv", "Nama Usaha;NIB\n" + "".join(
        f"CV Usaha {n};{n:013d}\n" for n in (2, 3, 4, 5)) + "CV Lama;1111111111111\n"
        "CV Usaha 3 lagi;0000000000003\nCV Lama lagi;1111111111111\n")
    second = _write(tmp_path / "b.csv", "Nama Usaha;NIB\nCV Usaha 5;0000000000005\n"
                    "CV Baru;0000000000009\n")
    gap = _write(tmp_path / "c.csv", "Nama Usaha;NIB\nCV A;0000000000011\nCV B;12345\n"
                 "CV C;0000000000012\nCV D;0000000000013\nCV C lagi;0000000000012\n")
    products = _write(tmp_path / "p.csv", "NIB Usaha;Nama Produk;Kategori\n" + "".join(
        f"{n:013d};Kursi {n};mebel\n" for n in (2, 3, 4, 5)) + "0000000000002;Kursi 2;mebel\n")
    report = enroll_files(database, [first, second, gap, products],
                          EnrollOptions(today=date(2026, 1, 1), batch_size=2, skip_bad=True))
    shown = {(p.file, p.row): p.reason for p in report.problems}
    assert shown == {
        (str(first), 7): f"the same business appears earlier, at {first}:3",
        (str(first), 8): f"the same business appears earlier, at {first}:6",
        (str(second), 2): f"the same business appears earlier, at {first}:5",
        # row 3 is refused before batching: the batch of rows 2 and 4 is two runs
        (str(gap), 3): "a NIB has exactly 13 digits",
        (str(gap), 6): f"the same business appears earlier, at {gap}:4",
        (str(products), 6): f"the same product of this business appears earlier, at "
                            f"{products}:2",
    }
    assert count(database, "business") == 9 and count(database, "product") == 4


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("order", ["as first imported", "shuffled", "after new rows"])
def test_a_repeat_in_a_sheet_imported_again_names_the_row_it_repeats(enrolled, tmp_path,
                                                                     order):
    # In batches of 10, a sheet of 60 products the registry holds already, imported again
    # with one product twice: the rows it matched are remembered as runs when they come in
    # the order first imported, one by one when shuffled, and one by one after the runs of
    # new rows (whose ids are higher); the repeat names its first row either way, and
    # nothing else is refused.
    nibs = [row[0] for row in _rows(enrolled, "SELECT nib FROM business WHERE nib IS NOT NULL "
                                              "ORDER BY id")]
    products = [f"{nibs[n % len(nibs)]};Produk uji {n};mebel" for n in range(60)]
    path = tmp_path / "produk.csv"
    options = EnrollOptions(today=date(2026, 12, 3), skip_bad=True, batch_size=10)
    header = "NIB Usaha;Nama Produk;Kategori"
    path.write_text("\n".join([header, *products]) + "\n", encoding="utf-8")
    assert enroll_files(enrolled, [path], options).totals()["product"].added == 60
    new = []
    if order == "shuffled":
        random.Random(5).shuffle(products)
    elif order == "after new rows":
        new = [f"{nibs[n % len(nibs)]};Produk baru {n};mebel" for n in range(20)]
    again = [*new, *products[:45], products[7], *products[45:]]  # repeats row 9 (+ new)
    path.write_text("\n".join([header, *again]) + "\n", encoding="utf-8")
    report = enroll_files(enrolled, [path], options)
    counts = report.totals()["product"]
    assert (counts.added, counts.updated, counts.unchanged, counts.rejected) == (
        len(new), 0, 60, 1)
    assert [(p.row, p.reason.rsplit(":", 1)[-1]) for p in report.problems] == [
        (47 + len(new), str(9 + len(new)))]


def _few_parameters(connection) -> None:
    """SQLite as built by default: at most 32,766 parameters a statement (PostgreSQL takes
    65,535 whatever the build)."""
    import sqlite3

    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection):
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)


def test_rows_met_one_by_one_are_found_again_however_many_are_asked_for(database):
    # A fresh load's settling asks where all of its repeats and their first rows came from
    # at once; rows noted one by one (runs broken by bad rows) are looked up in the
    # temporary table, more of them than a statement takes parameters.
    from exportkit.registry.bulk import BulkWriter, Item

    noted = 70_000
    with database.writer() as connection, connection.begin():
        _few_parameters(connection)
        writer = BulkWriter(connection)
        # every other row of the file: no two consecutive, so none is kept as a run
        writer._note("business", [(row_id, Item("a.csv", 2 * row_id, {}, {}))
                                  for row_id in range(1, noted + 1)])
        found = writer._origin("business", set(range(1, noted + 11)))
        writer.close()
    assert len(found) == noted
    assert found[1] == ("a.csv", 2) and found[noted] == ("a.csv", 2 * noted)


def test_the_rows_of_a_batchs_look_up_are_found_however_many_are_asked_for(enrolled):
    # The products of a batch's businesses are not bounded by the batch: a look-up of more
    # ids than a statement takes parameters still finds every row.
    from exportkit.registry.bulk import PRODUCT_ROWS, BulkWriter

    with enrolled.writer() as connection, connection.begin():
        _few_parameters(connection)
        writer = BulkWriter(connection)
        found = writer._rows(PRODUCT_ROWS, range(1, 70_001))
        writer.close()
    assert sorted(row["id"] for row in found) == list(range(1, 113))


def test_an_imports_batches_leave_no_reference_cycles_behind(enrolled):
    # A cycle per batch holding the batch's values piles up until the collector comes,
    # which in a long import may be never: the memory of a large re-import grew with its
    # rows. The garbage of an import must not grow with its batches.
    samples = sorted(SAMPLES.glob("*.csv"))

    def again(batch_size: int):
        return enroll_files(enrolled, samples, EnrollOptions(today=date(2026, 1, 1),
                                                             batch_size=batch_size))

    few, report = garbage_of(lambda: again(1000))  # one batch a file
    many, report = garbage_of(lambda: again(2))
    batches = sum(-(-(c.unchanged + c.updated + c.added + c.rejected) // 2)
                  for c in (sheet.counts for sheet in report.sheets))
    assert report.totals()["product"].unchanged == 112 and batches > 100
    assert many - few < 10, f"{many} objects in cycles in {batches} batches, {few} in 5"
