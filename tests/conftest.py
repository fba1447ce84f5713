"""Every test gets its own registry; none touches a real one.

By default that is a fresh SQLite file. A module that opts in with
`pytestmark = pytest.mark.usefixtures("backend")` runs each of its tests twice, once on
SQLite and once on the local PostgreSQL server (one database per test session, created
with a unique name, emptied before every test and dropped at the end). A test marked
`sqlite_only` (file permissions, WAL, a registry file given by path) runs on SQLite only:
it is left out of the PostgreSQL parametrisation, not skipped.

The PostgreSQL tests need the server; they fail, not skip, when it is not there.
`pytest -m "not postgres"` runs the SQLite half alone.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest
from typer.testing import CliRunner

from exportkit.cli import Commands, app
from exportkit.i18n import set_language
from exportkit.registry import close_all, open_registry

# The CLI imports a command's module when it runs it, in the language of that run; a
# module's group help is worded at import. The tests share one process, so the modules are
# imported here, in English, whatever test happens to run a command first.
set_language("en")
for _entry in Commands.entries.values():
    _entry.load()

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"

PG_SERVER = os.environ.get("EXPORTKIT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
BACKENDS = ("sqlite", "postgres")

runner = CliRunner()
T = TypeVar("T")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: a backend-parametrised test that runs on SQLite alone")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    params = [pytest.param("sqlite", id="sqlite")]
    if not sqlite_only:
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))
    metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """"sqlite" or "postgres": the registry backend this run of the test uses."""
    return getattr(request, "param", "sqlite")


# -- PostgreSQL ---------------------------------------------------------------------------

def pg_admin(dbname: str | None = None) -> psycopg.Connection:
    """An autocommit connection to the test server; a test failure when it is down."""
    conninfo = PG_SERVER if dbname is None else PG_SERVER.rsplit("/", 1)[0] + "/" + dbname
    try:
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        problem = " ".join(str(exc).split())
    pytest.fail(f"the PostgreSQL tests need the server at {PG_SERVER}, which is not "
                f"reachable ({problem}). Start it with: {PG_START}", pytrace=False)


def pg_url(dbname: str) -> str:
    """The SQLAlchemy URL exportkit takes for a database on the test server."""
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{dbname}"


@contextmanager
def fresh_pg_database(label: str) -> Iterator[str]:
    """A new, empty database with a unique name; dropped afterwards whatever happens."""
    name = f"exportkit_test_{label}_{uuid.uuid4().hex[:10]}"
    with pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        close_all()
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_session_database() -> Iterator[tuple[str, psycopg.Connection]]:
    """This session's PostgreSQL registry: its URL and an admin connection to empty it."""
    with fresh_pg_database("session") as name, pg_admin(name) as admin:
        yield pg_url(name), admin


def _empty_pg_registry(admin: psycopg.Connection) -> None:
    """Every registry table emptied, ids restarted; the schema and its version kept."""
    tables = admin.execute(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'schema_migration'").fetchall()
    if tables:
        admin.execute(f"TRUNCATE {', '.join(t for (t,) in tables)} RESTART IDENTITY CASCADE")


# -- the registry every test gets ---------------------------------------------------------

@pytest.fixture(autouse=True)
def registry_path(request, tmp_path, monkeypatch) -> Iterator[Path | str]:
    """The test's registry: a SQLite file path, or the PostgreSQL URL on that backend.

    Use it as `open_registry(str(registry_path))`; EXPORTKIT_DB points at it too.
    """
    monkeypatch.setenv("COLUMNS", "200")  # rich's width: no wrapping in assertions
    monkeypatch.delenv("EXPORTKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    close_all()
    chosen = request.getfixturevalue("backend") if "backend" in request.fixturenames \
        else "sqlite"
    if chosen == "postgres":
        url, admin = request.getfixturevalue("pg_session_database")
        _empty_pg_registry(admin)
        location: Path | str = url
    else:
        location = tmp_path / "registry.db"
    monkeypatch.setenv("EXPORTKIT_DB", str(location))
    yield location
    close_all()


@pytest.fixture(autouse=True)
def english() -> None:
    """Each test starts in English, whatever language a test before it chose."""
    set_language("en")


@pytest.fixture
def fresh_registry(backend, tmp_path) -> Iterator[str]:
    """A registry of the test's own that does not exist yet, as a --db value: a SQLite
    file path, or the URL of a new PostgreSQL database created for this test alone."""
    if backend == "postgres":
        with fresh_pg_database("own") as name:
            yield pg_url(name)
    else:
        yield str(tmp_path / "own.db")
        close_all()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def ok(*args: str, input: str | None = None):
    result = invoke(*args, input=input)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def database(registry_path):
    return open_registry(str(registry_path))


@pytest.fixture
def enrolled(registry_path):
    """The registry built from samples/."""
    ok("enroll", *sorted(SAMPLES.glob("*.csv")))
    return open_registry(str(registry_path))


def count(database, table: str) -> int:
    with database.reader() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def sqlite_dump(path) -> list[str]:
    """Every table's schema and rows of a SQLite registry, as SQL text."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def garbage_of(work: Callable[[], T]) -> tuple[int, T]:
    """The objects in reference cycles that `work()` leaves behind, and what it returns."""
    gc.collect()
    gc.disable()
    try:
        result = work()
        return gc.collect(), result
    finally:
        gc.enable()
