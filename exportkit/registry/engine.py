"""Where the registry lives and how to open it.

One engine per process. A bare path means SQLite (WAL, busy timeout, foreign keys, a file
readable by its owner only); anything with "://" is a SQLAlchemy URL, e.g.
postgresql+psycopg://user@host/db for a registry several offices share.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from exportkit.errors import RegistryError, UsageError
from exportkit.i18n import _

ENV_VAR = "EXPORTKIT_DB"
BUSY_TIMEOUT_MS = 30_000
# SQLite's page cache (KiB) while an import writes businesses. Their NIBs and names come in
# no order, so every insert into those indexes of a large registry reads and rewrites a page
# at random: with the default 2 MiB a million-row load takes a third longer (31.6 against
# 23.6 s with 32 MiB, BENCHMARKS.md). EXPORTKIT_SQLITE_CACHE_KIB sets another size (a
# machine short of memory: 2000). Everything else keeps SQLite's default: products,
# certificates and scores fill their indexes in order, and a scan gains nothing from a big
# cache (3M products: as fast with 2 MiB, 30 MiB less).
CACHE_KIB = 32_768
DEFAULT_CACHE_KIB = 2_000
CACHE_ENV_VAR = "EXPORTKIT_SQLITE_CACHE_KIB"


def _cache_kib() -> int:
    value = os.environ.get(CACHE_ENV_VAR, "")
    return int(value) if value.isdigit() and int(value) > 0 else CACHE_KIB


def default_location() -> Path:
    from platformdirs import user_data_path

    return user_data_path("exportkit", appauthor=False) / "registry.db"


def resolve_url(db: str | None) -> str:
    """`--db`, then EXPORTKIT_DB, then the user's data directory."""
    target = db or os.environ.get(ENV_VAR) or str(default_location())
    if "://" in target:
        return target
    return "sqlite:///" + str(Path(target).expanduser().resolve())


def describe(url: str) -> str:
    """The location as a user should see it: a path for SQLite, a URL without password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _prepare_sqlite_file(path: str) -> None:
    # Create the file ourselves so it is private (0600) from the first byte.
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))


def _switch_to_wal(cursor) -> None:
    # A new file starts in rollback-journal mode. Two processes switching it to WAL at the
    # same moment both hold a shared lock and want an exclusive one; SQLite breaks that
    # deadlock by answering "database is locked" to one of them at once, without waiting on
    # busy_timeout (4 processes opening a new registry together: 1 run in 20). Once the
    # file is in WAL mode the switch is a no-op, so retrying until the busy timeout is safe.
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def is_busy(exc: BaseException) -> bool:
    """Whether a failed statement waited the whole busy timeout for SQLite's write lock,
    held by another command writing to the same registry (an import, `score --all`)."""
    import sqlite3

    reason = getattr(exc, "orig", None) or exc
    # SQLITE_BUSY alone: SQLITE_LOCKED is a conflict within one connection, raised at once
    # (a bug of ours, not another command), and must not be reported as waiting
    return (isinstance(reason, sqlite3.OperationalError)
            and reason.sqlite_errorcode == sqlite3.SQLITE_BUSY)


def busy_error() -> RegistryError:
    return RegistryError(_(
        "the registry is busy: another command has been writing to it for over {seconds} s "
        "(an import, or score --all over a large registry); none of this one's changes were "
        "saved: run it again when that one has finished").format(seconds=BUSY_TIMEOUT_MS // 1000))


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN, so writers can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock up front: waiting on busy_timeout works then,
        # where a deferred transaction upgrading to a write would fail at once.
        options = connection.get_execution_options()
        immediate = options.get("exportkit_write", False)
        connection.exec_driver_sql(f"PRAGMA cache_size = -{min(_cache_kib(), DEFAULT_CACHE_KIB)}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def page_cache(connection, large: bool) -> None:
    """SQLite: the large page cache (CACHE_KIB) for what comes next, or the default."""
    if connection.dialect.name == "sqlite":
        kib = _cache_kib() if large else min(_cache_kib(), DEFAULT_CACHE_KIB)
        connection.exec_driver_sql(f"PRAGMA cache_size = -{kib}")


@dataclass
class Database:
    url: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def location(self) -> str:
        return describe(self.url)

    def writer(self):
        """A connection whose transaction holds the write lock from its start."""
        return self.engine.connect().execution_options(exportkit_write=True)

    def reader(self, snapshot: bool = False):
        """`snapshot`: every statement sees the registry as the first one did (a report's
        count and its rows, read one after the other). SQLite's read transaction does so
        anyway; PostgreSQL's default (READ COMMITTED) gives each statement a snapshot of
        its own."""
        connection = self.engine.connect()
        if snapshot and connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        return connection


def create_database_engine(url: str) -> Database:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(_("not a database path or URL: {url!r}").format(url=url)) from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                try:
                    _prepare_sqlite_file(parsed.database)
                except OSError as exc:
                    raise RegistryError(
                        _("cannot create the registry at {path}: {reason}; choose another "
                          "place with --db or EXPORTKIT_DB").format(
                            path=parsed.database, reason=exc.strerror)) from exc
            engine = create_engine(url)
            _tune_sqlite(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise UsageError(_("unsupported database URL {url!r}: {reason}").format(
            url=describe(url), reason=exc)) from exc
    except ModuleNotFoundError as exc:
        raise UsageError(
            _("the driver for {url} is not installed ({module}); for PostgreSQL: pip install "
              "'exportkit[postgres]'").format(url=describe(url), module=exc.name)) from exc
    return Database(url=url, engine=engine)
