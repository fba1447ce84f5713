"""A sheet of businesses loaded into an empty table (exportkit/registry/fresh.py: the name
index built at the end, repeats by name found then) gives what the usual path gives: the
same rows kept, the same problems, counts and rejected rows."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect

from exportkit.errors import InputRejected
from exportkit.ingest.enroll import EnrollOptions, enroll_files
from exportkit.registry import close_all, open_registry
from exportkit.registry.bulk import B
from exportkit.registry.fresh import FreshLoad, business_repeats

NIBS = ["1111111111111", "2222222222222", "3333333333333", "4444444444444", "12345"]
NAMES = ["CV Jati", "Jati", "UD Rotan", "Batik Sari"]
REGENCIES = ["Kabupaten Jepara", "Jepara", "Kota Solo"]

row = st.tuples(st.sampled_from(["", *NIBS]), st.sampled_from(NAMES),
                st.sampled_from(REGENCIES), st.integers(1, 99))


def write_sheet(path, rows) -> None:
    path.write_text("NIB;Nama Usaha;Kabupaten/Kota;Jumlah Tenaga Kerja\n" + "".join(
        f"{nib};{name};{regency};{employees}\n" for nib, name, regency, employees in rows),
        encoding="utf-8")


def enroll(db: str, path, monkeypatch, fresh: bool, **options):
    """(rows kept in order, problems listed, counts, problem count, rejected rows)."""
    with monkeypatch.context() as patch:
        if not fresh:
            patch.setattr(FreshLoad, "begin", classmethod(lambda cls, writer: None))
        database = open_registry(db)
        try:
            report = enroll_files(database, [path], EnrollOptions(today=date(2026, 1, 1),
                                                                  **options))
            outcome = (report.problems, report.totals()["business"], report.problem_count)
        except InputRejected as exc:
            outcome = (exc.problems, None, exc.total)
        with database.reader() as connection:
            kept = connection.exec_driver_sql(
                "SELECT nib, name, regency, employees, name_key FROM business ORDER BY id"
            ).all()
            indexes = _indexes(connection)
    rejected = path.with_name(path.name + ".rejected.csv")
    lines = sorted(rejected.read_text("utf-8-sig").splitlines()) if rejected.exists() else []
    rejected.unlink(missing_ok=True)
    close_all()
    return kept, *outcome, lines, indexes


def _indexes(connection) -> list[str]:
    # (PostgreSQL lists the NIBs' unique constraint as an index too: it never goes away)
    return sorted(index["name"] for index in inspect(connection).get_indexes("business")
                  if not index["unique"])


SCHEMA_INDEXES = sorted(index.name for index in B.indexes)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=1, max_size=14), batch=st.integers(1, 4),
       skip_bad=st.booleans())
def test_a_fresh_load_gives_what_the_usual_path_gives(rows, batch, skip_bad, tmp_path,
                                                       monkeypatch):
    path = tmp_path / "usaha.csv"
    write_sheet(path, rows)
    results = []
    for fresh in (True, False):
        db = tmp_path / f"{'fresh' if fresh else 'usual'}.db"
        for suffix in ("", "-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        results.append(enroll(str(db), path, monkeypatch, fresh, batch_size=batch,
                              skip_bad=skip_bad))
    assert results[0] == results[1]
    assert results[0][-1] == SCHEMA_INDEXES, "the indexes are there again after the load"


@pytest.mark.usefixtures("backend")
def test_repeats_by_name_and_by_nib_in_an_empty_registry(registry_path, tmp_path):
    # file row 5 is the business of row 4 (same name, row 3 had no NIB): a repeat, so its NIB
    # is not taken, and row 6 is the first of that NIB and kept
    path = tmp_path / "usaha.csv"
    write_sheet(path, [("1111111111111", "CV Jati", "Jepara", 1),
                       ("1111111111111", "CV Dua", "Jepara", 2),
                       ("", "Rotan", "Kota Solo", 3),
                       ("2222222222222", "UD Rotan", "Kota Solo", 4),
                       ("2222222222222", "Batik Sari", "Kota Solo", 5),
                       ("", "Batik Sari", "Kota Solo", 6)])
    database = open_registry(str(registry_path))
    report = enroll_files(database, [path], EnrollOptions(today=date(2026, 1, 1),
                                                          batch_size=2, skip_bad=True))
    assert [(p.row, p.column, p.value, p.reason) for p in report.problems] == [
        (3, "NIB", "1111111111111", f"the same business appears earlier, at {path}:2"),
        (5, "Nama Usaha", "rotan|kota solo", f"the same business appears earlier, at {path}:4"),
        (7, "Nama Usaha", "batik sari|kota solo",
         f"the same business appears earlier, at {path}:6"),
    ]
    assert report.totals()["business"].added == 3
    with database.reader() as connection:
        kept = connection.exec_driver_sql(
            "SELECT nib, name, employees FROM business ORDER BY id").all()
        assert _indexes(connection) == SCHEMA_INDEXES
    assert kept == [("1111111111111", "CV Jati", 1), (None, "Rotan", 3),
                    ("2222222222222", "Batik Sari", 5)]
    rejected = (tmp_path / "usaha.csv.rejected.csv").read_text("utf-8-sig").splitlines()
    assert rejected[1:] == [
        f"1111111111111,CV Dua,Jepara,2,\"NIB: the same business appears earlier, at "
        f"{path}:2\"",
        f"2222222222222,UD Rotan,Kota Solo,4,\"Nama Usaha: the same business appears earlier, "
        f"at {path}:4\"",
        f",Batik Sari,Kota Solo,6,\"Nama Usaha: the same business appears earlier, at "
        f"{path}:6\""]


@pytest.mark.usefixtures("backend")
def test_the_rejected_rows_file_keeps_the_file_order(registry_path, tmp_path):
    # Rows refused as they are read (a bad NIB) and rows refused later, when written or at
    # the end of a first load (repeats), all go to the file in the sheet's own order.
    path = tmp_path / "usaha.csv"
    write_sheet(path, [("1111111111111", "CV Jati", "Jepara", 1),
                       ("1111111111111", "CV Dua", "Jepara", 2),           # repeat of 2
                       ("12345", "=SUM(A1)", "Jepara", 3),                 # bad NIB and name
                       ("", "Rotan", "Kota Solo", 4),
                       ("2222222222222", "UD Rotan", "Kota Solo", 5),      # repeat of 5
                       ("123", "Mebel", "Jepara", 6),                      # bad NIB
                       ("2222222222222", "Batik Sari", "Kota Solo", 7),
                       ("", "Batik Sari", "Kota Solo", 8),                 # repeat of 8
                       ("3333333333333", "Kopi", "Temanggung", "banyak")])  # bad number
    database = open_registry(str(registry_path))
    report = enroll_files(database, [path], EnrollOptions(today=date(2026, 1, 1),
                                                          batch_size=2, skip_bad=True))
    assert [p.row for p in report.problems] == [3, 4, 4, 6, 7, 9, 10]  # row 4: NIB and name
    rejected = (tmp_path / "usaha.csv.rejected.csv").read_text("utf-8-sig").splitlines()
    assert rejected[0] == "NIB,Nama Usaha,Kabupaten/Kota,Jumlah Tenaga Kerja,reason"
    assert [line.split(",")[3] for line in rejected[1:]] == ["2", "3", "5", "6", "8", "banyak"]
    assert rejected[2].startswith("12345,'=SUM(A1),Jepara,3,")  # still made safe
    assert not list(tmp_path.glob("*.part*"))


def test_the_rules_in_order():
    rows = [(1, None, "a"), (2, "N1", "a"), (3, "N1", "b"), (4, "N2", "c"), (5, None, "c"),
            (6, "N2", "d"), (7, "N3", "c")]
    assert list(business_repeats(rows)) == [
        (2, "name", "a", 1),   # its name came first without a NIB
        (5, "name", "c", 4),   # no NIB: any earlier row of its name
        (6, "nib", "N2", 4),
    ]
    # row 3 keeps N1 (row 2, a repeat, claimed nothing); row 7 shares only a name with
    # row 4, which had a NIB: two businesses of one name


@pytest.mark.usefixtures("backend")
def test_others_read_the_registry_while_a_first_load_runs(registry_path, tmp_path,
                                                          monkeypatch):
    # (PostgreSQL: dropping an index would lock the table against every reader until the
    # load commits; the reader below would time out, not wait)
    path = tmp_path / "usaha.csv"
    write_sheet(path, [("1111111111111", "CV Jati", "Jepara", 1)])
    seen = []
    settle = FreshLoad.settle

    def read_then_settle(self):
        seen.append(_read_elsewhere(str(registry_path)))
        return settle(self)

    monkeypatch.setattr(FreshLoad, "settle", read_then_settle)
    database = open_registry(str(registry_path))
    enroll_files(database, [path], EnrollOptions(today=date(2026, 1, 1)))
    assert seen == [0], "another connection reads what is committed: nothing yet"


def _read_elsewhere(location: str) -> int:
    if location.startswith("postgresql"):
        import psycopg

        with psycopg.connect(location.replace("+psycopg", "", 1)) as other:
            other.execute("SET lock_timeout = '2s'")
            return other.execute("SELECT count(*) FROM business").fetchone()[0]
    import sqlite3

    other = sqlite3.connect(location, timeout=2)
    try:
        return other.execute("SELECT count(*) FROM business").fetchone()[0]
    finally:
        other.close()
