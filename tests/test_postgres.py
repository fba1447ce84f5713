"""The same registry on the local PostgreSQL server, for offices that share one.

Each test session creates its own database and drops it afterwards. These tests need the
server (.ci/run starts it); they fail, not skip, when it is not there.
"""

import json
import os
import uuid

import psycopg
import pytest

from exportkit.registry import close_all, open_registry
from tests.conftest import SAMPLES, count, ok

pytestmark = pytest.mark.postgres

SERVER = os.environ.get("EXPORTKIT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="module")
def pg_url():
    name = f"exportkit_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{base}/{name}"
    close_all()
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_enroll_is_the_same_on_postgresql(pg_url):
    files = sorted(SAMPLES.glob("*.csv"))
    first = json.loads(ok("enroll", *files, "--db", pg_url, "--json").stdout)["totals"]
    assert {k: v["added"] for k, v in first.items()} == {
        "rate": 4, "business": 50, "product": 112, "certification": 99, "export": 19}
    again = json.loads(ok("enroll", *files, "--db", pg_url, "--json").stdout)["totals"]
    assert all(v["added"] == 0 and v["updated"] == 0 for v in again.values())
    database = open_registry(pg_url)
    assert count(database, "certification") == 99
    info = ok("db", "info", "--db", pg_url).stdout
    assert "backend: postgresql" in info and "businesses: 50" in info
    assert "password" not in info


def test_bad_rows_write_nothing_on_postgresql(pg_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Nama Usaha;NIB\nCV Baru Sekali;1111111111111\nCV Buruk;12\n")
    before = count(open_registry(pg_url), "business")
    from tests.conftest import invoke

    result = invoke("enroll", bad, "--db", pg_url)
    assert result.exit_code == 1
    assert count(open_registry(pg_url), "business") == before


def test_list_filters_on_postgresql(pg_url):
    data = json.loads(ok("list", "exports", "--db", pg_url, "--destination", "CN",
                         "--year", "2025", "-f", "json").stdout)
    assert [r["commodity"] for r in data["rows"]] == ["Kendang jimbe"]
    hostile = json.loads(ok("list", "businesses", "--db", pg_url, "--search",
                            "'; DROP TABLE business; --", "-f", "json").stdout)
    assert hostile["rows"] == []
    # an indexed column's values are found by a recursive query over the index
    rows = json.loads(ok("list", "businesses", "--db", pg_url, "--regency", "jepara",
                         "--province", "JAWA", "-f", "json").stdout)["rows"]
    with open_registry(pg_url).reader() as connection:
        expected = connection.exec_driver_sql(
            "SELECT id FROM business WHERE lower(regency) LIKE %s AND lower(province) LIKE %s"
            " ORDER BY id", ("%jepara%", "%jawa%")).scalars().all()
    assert expected and sorted(r["id"] for r in rows) == expected


@pytest.mark.parametrize("zone", ["UTC", "Asia/Jakarta", "America/Sao_Paulo"])
def test_rows_sent_by_copy_hold_what_an_insert_would(pg_url, zone):
    # Bulk rows go by COPY, which drops a timestamp's offset; an INSERT has the server
    # convert it in the session's zone. driver.value gives COPY that wall time.
    from datetime import UTC, date, datetime

    from exportkit.registry import driver

    database = open_registry(pg_url)
    now = datetime(2026, 11, 23, 4, 5, 6, 789000, tzinfo=UTC)
    with database.writer() as connection, connection.begin() as transaction:
        connection.exec_driver_sql(f"SET LOCAL TIME ZONE '{zone}'")
        connection.exec_driver_sql(
            "CREATE TEMPORARY TABLE t (way TEXT, at TIMESTAMP, day DATE, ok BOOLEAN, "
            "n DOUBLE PRECISION, note TEXT)")
        connection.exec_driver_sql("INSERT INTO t VALUES (%s, %s, %s, %s, %s, %s)",
                                   ("insert", now, date(2026, 1, 2), True, 1.5, None))
        driver.insert_many(connection, "t", ["way", "at", "day", "ok", "n", "note"],
                           [("copy", driver.value(connection, now), date(2026, 1, 2), True,
                             1.5, None)])
        rows = dict(connection.exec_driver_sql(
            "SELECT way, (at, day, ok, n, note)::text FROM t").all())
        transaction.rollback()
    assert rows["copy"] == rows["insert"]
    assert ("2026-11-23 04:05:06.789" in rows["copy"]) == (zone == "UTC")


def test_a_refused_copy_is_reported_as_a_registry_failure(pg_url):
    from sqlalchemy.exc import IntegrityError

    from exportkit.registry import driver

    database = open_registry(pg_url)
    with database.writer() as connection, connection.begin() as transaction:
        connection.exec_driver_sql("CREATE TEMPORARY TABLE u (k INTEGER PRIMARY KEY)")
        with pytest.raises(IntegrityError):
            driver.insert_many(connection, "u", ["k"], [(1,), (1,)])
        transaction.rollback()


def test_ids_a_writer_takes_come_from_the_tables_sequence(pg_url):
    # the sequence is looked up once per connection; the ids must still be the sequence's
    # next ones for each table, whoever else takes ids meanwhile
    from exportkit.registry import driver

    database = open_registry(pg_url)
    with database.writer() as connection, connection.begin() as transaction:
        first = driver.new_ids(connection, "cohort", 3)
        taken = [driver.new_ids(connection, table, 2) for table in ("business", "cohort")]
        with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as other:
            elsewhere = other.execute("SELECT nextval('cohort_id_seq')").fetchone()[0]
            business_last = other.execute("SELECT last_value FROM business_id_seq").fetchone()[0]
        after = driver.new_ids(connection, "cohort", 2)
        transaction.rollback()
    assert first == [first[0], first[0] + 1, first[0] + 2]
    assert taken[1] == [first[0] + 3, first[0] + 4]
    assert elsewhere == first[0] + 5
    assert after == [first[0] + 6, first[0] + 7]
    assert taken[0] == [business_last - 1, business_last]  # the business table's own


def test_migration_3_drops_the_unused_indexes_on_postgresql(pg_url):
    # Put the database back as release 2 left it: the indexes there, versions 3 and later
    # not recorded.
    from exportkit.registry.migrations import LATEST
    from tests.test_migrations import DROPPED_IN_3

    database = open_registry(pg_url)
    with database.writer() as connection, connection.begin():
        for name, (table, column) in DROPPED_IN_3.items():
            connection.exec_driver_sql(f"CREATE INDEX {name} ON {table} ({column})")
        connection.exec_driver_sql("DELETE FROM schema_migration WHERE version >= 3")
    close_all()

    database = open_registry(pg_url)
    with database.reader() as connection:
        names = set(connection.exec_driver_sql(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()").scalars())
        versions = connection.exec_driver_sql(
            "SELECT version FROM schema_migration ORDER BY version").scalars().all()
    assert versions == list(range(1, LATEST + 1))
    assert not names & set(DROPPED_IN_3)
    assert "product_business_id_name_key_key" in names  # the unique index that serves instead



def test_an_interruption_inside_a_copy_leaves_a_rollback_that_works(pg_url, monkeypatch):
    # psycopg cancels a statement that Ctrl-C or SIGTERM interrupts, but not a COPY
    # interrupted as it starts: the connection is left in the middle of it, and the
    # rollback after the interruption failed in its place ("another command is already
    # in progress"), with a traceback. Here the interruption comes as the server has
    # entered the COPY, before the first row (where a signal came in a real import).
    from exportkit.registry import driver

    real_start = psycopg.Cursor._start_copy_gen

    def interrupted_start(cursor, *args, **kwargs):
        yield from real_start(cursor, *args, **kwargs)  # the server is in the COPY now
        raise KeyboardInterrupt  # as a signal arriving before psycopg returns

    database = open_registry(pg_url)
    monkeypatch.setattr(psycopg.Cursor, "_start_copy_gen", interrupted_start)
    with database.writer() as connection:
        transaction = connection.begin()
        with pytest.raises(KeyboardInterrupt):
            driver.insert_many(connection, "exchange_rate",
                               ["currency", "year", "rate", "source"],
                               [("XAA", 2031, 1.0, None)])
        transaction.rollback()
    monkeypatch.undo()
    with database.reader() as connection:
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM exchange_rate WHERE year = 2031").scalar_one() == 0
    ok("rates", "list", "--db", pg_url)  # the registry serves the next command
