"""Schema versions: a registry from the first release is upgraded in place, rows kept."""

import shutil
import sqlite3

import pytest

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
