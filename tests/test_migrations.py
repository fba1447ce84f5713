"""Schema versions: a registry from the first release is upgraded in place, rows kept."""

import shutil
import sqlite3

import pytest
from sqlalchemy import inspect

from exportkit.errors import RegistryError
from exportkit.registry import close_all, open_registry
from exportkit.registry.migrations import LATEST
from tests.conftest import DATA, count, ok


def _counts(path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        connection.close()


def test_a_version_1_registry_is_upgraded_with_every_row_kept(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(DATA / "registry-v1.db", path)
    before = _counts(path)
    assert before["business"] == 50 and "assessment" not in before

    database = open_registry(str(path))

    after = _counts(path)
    assert after["assessment"] == 0
    assert {t: n for t, n in after.items() if t in before and t != "schema_migration"} == {
        t: n for t, n in before.items() if t != "schema_migration"}
    with database.reader() as connection:
        versions = connection.exec_driver_sql(
            "SELECT version FROM schema_migration ORDER BY version").scalars().all()
    assert versions == list(range(1, LATEST + 1))


def test_the_upgraded_registry_works_for_the_commands(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(DATA / "registry-v1.db", path)
    result = ok("db", "info", "--db", path)
    assert f"schema version: {LATEST} (latest: {LATEST})" in result.stdout
    assert "businesses: 50" in result.stdout
    assert count(open_registry(str(path)), "product") == 112


def test_a_registry_from_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "new.db"
    open_registry(str(path))
    close_all()
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO schema_migration (version, name, applied_at) "
                       "VALUES (99, 'future', '2030-01-01')")
    connection.commit()
    connection.close()
    with pytest.raises(RegistryError, match="schema version 99, newer than this exportkit"):
        open_registry(str(path))


# what migration 3 drops: index -> (table, column)
DROPPED_IN_3 = {"ix_assessment_batch": ("assessment", "batch"),
                "ix_assessment_gap_code": ("assessment_gap", "code"),
                "ix_product_business_id": ("product", "business_id"),
                "ix_certification_business_id": ("certification", "business_id"),
                "ix_cohort_member_cohort_id": ("cohort_member", "cohort_id")}


def _index_columns(path) -> set[tuple[str, tuple[str, ...]]]:
    """Each index as (table, its columns), whatever SQLite named it."""
    connection = sqlite3.connect(path)
    try:
        indexes = connection.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'").fetchall()
        return {(table, tuple(r[2] for r in connection.execute(f"PRAGMA index_info('{name}')")))
                for name, table in indexes}
    finally:
        connection.close()


def test_an_upgraded_registry_has_the_indexes_of_a_new_one(tmp_path):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    shutil.copy(DATA / "registry-v1.db", old)
    assert ("product", ("business_id",)) in _index_columns(old)  # dropped by migration 3
    open_registry(str(old))
    open_registry(str(new))
    close_all()

    upgraded = _index_columns(old)
    assert upgraded == _index_columns(new)
    for table, column in DROPPED_IN_3.values():
        assert (table, (column,)) not in upgraded
    # what replaces the single-column ones: the unique index that the column leads
    assert ("product", ("business_id", "name_key")) in upgraded
    assert ("assessment_gap", ("assessment_id",)) in upgraded


def test_a_version_3_registry_loses_the_product_history_index(backend, fresh_registry):
    # As release 3 left a registry (on either backend): the index there, version 4 not
    # recorded. Opening it brings it up to date, as a new registry is.
    database = open_registry(fresh_registry)
    with database.writer() as connection, connection.begin():
        connection.exec_driver_sql("CREATE INDEX ix_assessment_product_market ON assessment "
                                   "(product_id, market, created_at)")
        connection.exec_driver_sql("DELETE FROM schema_migration WHERE version = 4")
    close_all()

    database = open_registry(fresh_registry)
    with database.reader() as connection:
        names = {index["name"] for index in inspect(connection).get_indexes("assessment")}
        versions = connection.exec_driver_sql(
            "SELECT version FROM schema_migration ORDER BY version").scalars().all()
    assert names == {"ix_assessment_business_market"}
    assert versions == list(range(1, LATEST + 1)) and LATEST == 4


def test_a_version_2_registry_loses_the_unused_indexes(tmp_path):
    # As release 2 left a registry: the indexes there, versions 3 and later not recorded.
    path = tmp_path / "v2.db"
    open_registry(str(path))
    close_all()
    connection = sqlite3.connect(path)
    for name, (table, column) in DROPPED_IN_3.items():
        connection.execute(f"CREATE INDEX {name} ON {table} ({column})")
    connection.execute("DELETE FROM schema_migration WHERE version >= 3")
    connection.commit()
    connection.close()

    open_registry(str(path))
    close_all()
    connection = sqlite3.connect(path)
    names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master "
                                              "WHERE type = 'index'")}
    connection.close()
    assert not names & set(DROPPED_IN_3)
    assert "ix_assessment_gap_assessment_id" in names
